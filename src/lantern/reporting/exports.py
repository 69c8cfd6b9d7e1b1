"""Downloads of published tables: CSV, XLSX, ODS and PDF. They take published text only (the
output of :func:`lantern.reporting.suppression.publish`), so a download can never show more
than the page; every cell goes through :mod:`lantern.core.exports`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lantern.core.exports import csv_writer, ods_bytes, xlsx_row, xlsx_workbook
from lantern.reporting.publishing import rows_of

MARK_NOTE = {
    "health": (
        "* : a count of 1 to 4, or hidden to protect one. Other counts rounded to the nearest 5."
    ),
    "education": (
        "c : a count of 1 to 5, or hidden so that one cannot be worked out from the totals."
    ),
}


def csv_rows(tables: Sequence[dict[str, Any]]) -> list[list[str]]:
    """One or more tables in one CSV: a title line, the table, a blank line between, and
    what the marks mean."""
    rows: list[list[str]] = []
    for i, table in enumerate(tables):
        if len(tables) > 1:
            if i:
                rows.append([])
            rows.append([table["title"]])
        rows.extend(rows_of(table))
    if tables:
        rows += [[], [MARK_NOTE[tables[0]["policy"]]]]
    return rows


def table_csv(table: dict[str, Any]) -> str:
    """One table alone, header first (the board export writes a file per table)."""
    out = io.StringIO()
    csv_writer(out).writerows(rows_of(table))
    return out.getvalue()


def _sheets(tables: Sequence[dict[str, Any]]) -> list[tuple[str, list[list[str]]]]:
    """A sheet per table (its title, then the table), and one saying what the marks mean:
    the same sheets, named the same way, in the XLSX and the ODS workbook."""
    sheets: list[tuple[str, list[list[str]]]] = []
    used: set[str] = set()
    for table in tables:
        name = "".join(ch for ch in table["key"] if ch.isalnum() or ch == "_")[:31] or "table"
        while name in used:
            name = name[:28] + str(len(used))
        used.add(name)
        sheets.append((name, [[table["title"]], *rows_of(table)]))
    sheets.append(("About", [[MARK_NOTE[tables[0]["policy"]]]] if tables else []))
    return sheets


def xlsx_bytes(tables: Sequence[dict[str, Any]]) -> bytes:
    """A workbook with a sheet per table, and a sheet saying what the marks mean."""
    book = xlsx_workbook()
    for name, rows in _sheets(tables):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(xlsx_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ods_workbook_bytes(tables: Sequence[dict[str, Any]]) -> bytes:
    """The same workbook as :func:`xlsx_bytes` as an OpenDocument spreadsheet (``.ods``)."""
    return ods_bytes(_sheets(tables))


STYLESHEET = "lantern/css/board-report.css"


def _report_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves only the report's stylesheet (from the static
    files) and refuses every other URL: no network, no files."""
    from django.contrib.staticfiles import finders
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ReportFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            # The name may carry a content hash in production (board-report.1a2b3c.css).
            name = url.rsplit("/", 1)[-1].split("?", 1)[0]
            if name.startswith("board-report") and name.endswith(".css"):
                found = finders.find(STYLESHEET)
                if found:
                    return URLFetcherResponse(
                        url,
                        body=Path(str(found)).read_bytes(),
                        headers={"Content-Type": "text/css; charset=utf-8"},
                    )
            raise ValueError(f"The board report fetches nothing else: {url}")

    return ReportFetcher()


def pdf_bytes(html: str) -> bytes:
    """The report's HTML printed by WeasyPrint, with its stylesheet (a report issued before
    the stylesheet moved out of the document carries its own inline style)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url="https://lantern.invalid/", url_fetcher=_report_fetcher())
    return bytes(document.write_pdf())
