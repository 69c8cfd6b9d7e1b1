"""Writing CSV and spreadsheet files that people open in a spreadsheet: one place, one rule.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel, LibreOffice and Google Sheets as a formula (CSV or formula injection: a value typed
into Lantern such as ``=HYPERLINK("https://…", "Open")`` would run in the reader's
spreadsheet). Following OWASP's guidance, such a cell is written with a leading apostrophe,
so it shows as the text that was entered. Numbers, dates and empty cells are written as they
are. Every CSV, XLSX or ODS export or download Lantern writes goes through
:func:`escape_cell`, by way of :func:`csv_writer`, :func:`csv_response`, :func:`xlsx_row` or
:func:`ods_bytes` (``tests/core/test_exports.py`` checks the source for writers that do
not). An ODS workbook holds every cell as text or a number, as the CSV does, so the same
published text reads the same in LibreOffice as in the CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.http import HttpResponse


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """``value`` made safe to open in a spreadsheet: text that would be read as a formula
    gains a leading apostrophe; anything else (numbers included) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def escape_row(row: Iterable[Any]) -> list[Any]:
    return [escape_cell(value) for value in row]


class SafeCsvWriter:
    """:func:`csv.writer` whose every cell passes through :func:`escape_cell`."""

    def __init__(self, handle: Writable, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(escape_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: Writable, **options: Any) -> SafeCsvWriter:
    """The CSV writer for anything Lantern exports (options as for :func:`csv.writer`)."""
    return SafeCsvWriter(handle, **options)


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    """A CSV download: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), every
    cell escaped, and a ``Content-Disposition`` that saves it as ``filename``."""
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._-") or "export.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response.write("\ufeff")
    writer = csv_writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def xlsx_row(row: Iterable[Any]) -> list[Any]:
    """A row for openpyxl's ``Worksheet.append``: text that openpyxl would store as a
    formula (it treats any string starting with ``=`` as one) or a spreadsheet would read
    as one is escaped, so every cell is stored as the value it is."""
    return escape_row(row)


def xlsx_workbook() -> Any:
    """A new, empty openpyxl workbook (no default sheet) for an export whose every row is
    appended through :func:`xlsx_row`."""
    from openpyxl import Workbook

    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    return book


ODS = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_cell(value: Any) -> Any:
    from odf.table import TableCell
    from odf.text import P

    if value is None or value == "":
        return TableCell()
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell = TableCell(valuetype="float", value=value)
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def ods_bytes(sheets: Iterable[tuple[str, Iterable[Iterable[Any]]]]) -> bytes:
    """An OpenDocument spreadsheet (``.ods``) with one sheet per ``(name, rows)``, every
    cell escaped as :func:`escape_cell` says (text that a spreadsheet would read as a
    formula keeps a leading apostrophe) and stored as text or a number, never a formula."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets:
        sheet = Table(name=name)
        for row in rows:
            line = TableRow()
            for value in escape_row(row):
                line.addElement(_ods_cell(value))
            sheet.addElement(line)
        document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
