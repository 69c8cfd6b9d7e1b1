"""Reading an OpenDocument spreadsheet back, for tests: every sheet as rows of text."""

from __future__ import annotations

import io

from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow


def ods_sheets(data: bytes) -> dict[str, list[list[str]]]:
    """Each sheet's rows, each cell as the text it shows (repeated cells expanded)."""
    document = load(io.BytesIO(data))
    sheets: dict[str, list[list[str]]] = {}
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells: list[str] = []
            for cell in row.getElementsByType(TableCell):
                repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                cells += [teletype.extractText(cell)] * repeat
            rows.append(cells)
        sheets[str(table.getAttribute("name"))] = rows
    return sheets
