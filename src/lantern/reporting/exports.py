"""Downloads of published tables: CSV, XLSX and PDF. They take published text only (the
output of :func:`lantern.reporting.suppression.publish`), so a download can never show more
than the page; every cell goes through :mod:`lantern.core.exports`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from lantern.core.exports import csv_writer, xlsx_row
from lantern.reporting.publishing import rows_of

MARK_NOTE = {
    "health": "* : a count of 1 to 4, or hidden to protect one. Other counts rounded to the nearest 5.",
    "education": "c : a count of 1 to 5, or hidden so that one cannot be worked out from the totals.",
}


def csv_text(tables: Sequence[dict[str, Any]]) -> str:
    """One or more tables in one CSV: a title line, the table, a blank line between."""
    out = io.StringIO()
    writer = csv_writer(out)
    for i, table in enumerate(tables):
        if len(tables) > 1:
            if i:
                writer.writerow([])
            writer.writerow([table["title"]])
        writer.writerows(rows_of(table))
    if tables:
        writer.writerow([])
        writer.writerow([MARK_NOTE[tables[0]["policy"]]])
    return out.getvalue()


def table_csv(table: dict[str, Any]) -> str:
    """One table alone, header first (the board export writes a file per table)."""
    out = io.StringIO()
    csv_writer(out).writerows(rows_of(table))
    return out.getvalue()


def xlsx_bytes(tables: Sequence[dict[str, Any]]) -> bytes:
    """A workbook with a sheet per table, and a sheet saying what the marks mean."""
    book = Workbook()
    first = book.active
    assert first is not None  # noqa: S101 - a new workbook has a sheet  # nosec B101
    book.remove(first)
    used: set[str] = set()
    for table in tables:
        name = "".join(ch for ch in table["key"] if ch.isalnum() or ch == "_")[:31] or "table"
        while name in used:
            name = name[:28] + str(len(used))
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append(xlsx_row([table["title"]]))
        for row in rows_of(table):
            sheet.append(xlsx_row(row))
    notes = book.create_sheet("About")
    if tables:
        notes.append(xlsx_row([MARK_NOTE[tables[0]["policy"]]]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(html: str, base_url: str = "") -> bytes:
    """The report's HTML printed by WeasyPrint."""
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, only when printing

    return bytes(HTML(string=html, base_url=base_url or None).write_pdf())
