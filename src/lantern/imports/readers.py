"""Reading CSV and XLSX extracts a row at a time, never the whole file at once.

CSV goes through :mod:`csv` over a buffered binary file; XLSX through openpyxl's read-only
mode, which streams the worksheet (it does hold the workbook's table of distinct strings,
which is far smaller than the sheet). Rows are numbered as a spreadsheet shows them: the
header is row 1 (or the profile's ``header_row``), the first record row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

#: The file kinds Lantern reads, by file name ending.
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
ZIP_MAGIC = b"PK\x03\x04"
#: The longest single CSV value accepted (an address or free-text field; not a whole file).
MAX_FIELD_CHARS = 100_000


class ExtractFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the analyst."""


def file_kind(name: str, head: bytes) -> str:
    """``csv`` or ``xlsx``, from the file's name and first bytes; refuse anything else."""
    suffix = Path(name).suffix.lower()
    is_zip = head.startswith(ZIP_MAGIC)
    if suffix in XLSX_SUFFIXES:
        if not is_zip:
            raise ExtractFileError(
                f"{name} is named as an Excel workbook but is not one. Save it again as XLSX."
            )
        return "xlsx"
    if suffix == ".xls":
        raise ExtractFileError(
            "Lantern reads XLSX workbooks, not the older XLS format. Save it as XLSX or CSV."
        )
    if suffix in CSV_SUFFIXES:
        if is_zip:
            raise ExtractFileError(f"{name} looks like an Excel workbook: name it .xlsx")
        return "csv"
    raise ExtractFileError(f"Upload a CSV or XLSX file (not {suffix or 'a file without type'}).")


@dataclass
class Table:
    """The header and the rows after it. ``rows`` yields ``(row_number, cells)``."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    header_row: int


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text an agency meant by it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        midnight = value.time() == time(0, 0)
        return value.date().isoformat() if midnight else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    # An NHS number or phone number typed into a number cell comes back as a float.
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _csv_rows(
    text: IO[str], *, delimiter: str, header_row: int
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    reader = csv.reader(text, delimiter=delimiter)
    header: list[str] | None = None
    for number, row in enumerate(reader, start=1):
        if number == header_row:
            header = row
            break
    if header is None:
        raise ExtractFileError(f"The file has no row {header_row} to read the column names from.")

    def rows() -> Iterator[tuple[int, list[str]]]:
        row_number = header_row
        try:
            for row in reader:
                row_number += 1
                yield row_number, row
        except csv.Error as exc:
            raise ExtractFileError(f"Row {row_number + 1} cannot be read as CSV: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ExtractFileError(
                f"Row {row_number + 1} is not in the file's encoding ({exc.encoding}). "
                "Use a mapping profile that names the encoding (format: encoding: cp1252)."
            ) from exc

    return header, rows()


@contextmanager
def open_table(
    path: Path,
    *,
    kind: str,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    header_row: int = 1,
    sheet: str | None = None,
) -> Iterator[Table]:
    """Open an extract for streaming; the file is closed when the block ends."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    if kind == "csv":
        # "utf-8" also reads a file that starts with a byte-order mark.
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        with path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=codec, newline="")
            try:
                header, rows = _csv_rows(text, delimiter=delimiter, header_row=header_row)
            except UnicodeDecodeError as exc:
                raise ExtractFileError(
                    f"The file is not in the expected encoding ({codec})."
                ) from exc
            yield Table(header=[h.strip() for h in header], rows=rows, header_row=header_row)
        return
    yield from _xlsx_table(path, header_row=header_row, sheet=sheet)


def _xlsx_table(path: Path, *, header_row: int, sheet: str | None) -> Iterator[Table]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise ExtractFileError(f"The workbook cannot be opened: {exc}") from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ExtractFileError(
                f"The workbook has no sheet called {sheet!r} "
                f"(it has: {', '.join(workbook.sheetnames)})."
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        cells = worksheet.iter_rows(values_only=True)
        header: list[str] | None = None
        for number, values in enumerate(cells, start=1):
            if number == header_row:
                header = [cell_text(v).strip() for v in values]
                break
        if header is None:
            raise ExtractFileError(f"The sheet has no row {header_row} with column names.")

        def rows() -> Iterator[tuple[int, list[str]]]:
            for number, values in enumerate(cells, start=header_row + 1):
                yield number, [cell_text(v) for v in values]

        yield Table(header=header, rows=rows(), header_row=header_row)
    finally:
        workbook.close()


def count_rows(
    path: Path,
    *,
    kind: str,
    encoding: str,
    delimiter: str,
    header_row: int,
    sheet: str | None = None,
) -> int | None:
    """How many rows follow the header, for the progress bar; None if not cheaply known.

    A CSV is read through once more (a few seconds for a million rows); an XLSX file says
    its size in its dimension record, if the program that wrote it kept one.
    """
    try:
        if kind == "csv":
            with open_table(
                path, kind=kind, encoding=encoding, delimiter=delimiter, header_row=header_row
            ) as table:
                return sum(1 for _ in table.rows)
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
            max_row = worksheet.max_row
        finally:
            workbook.close()
    except (ExtractFileError, OSError, KeyError, ValueError):
        return None
    if not max_row:
        return None
    return max(int(max_row) - header_row, 0)
