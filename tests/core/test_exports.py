"""Formula injection: every CSV, XLSX or ODS cell Lantern writes goes through one escape."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from lantern.core.exports import csv_response, csv_writer, escape_cell, ods_bytes, xlsx_row
from tests.ods import ods_sheets

SRC = Path(__file__).resolve().parents[2] / "src" / "lantern"

#: Writers outside core/exports.py, each with the reason it does not escape.
NOT_EXPORTS = {
    # Synthetic agency extracts in the import layout: inputs standing in for other agencies'
    # systems, which must hold values verbatim (phone numbers start with "+"); all synthetic.
    "synth/extracts.py",
    # The independent yardstick generator's extracts: the same kind of synthetic input.
    "synth/yardstick/__init__.py",
}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=HYPERLINK(\"https://example.org\",\"Open\")", "'=HYPERLINK(\"https://example.org\",\"Open\")"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Seen at the bus station", "Seen at the bus station"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_a_cell_read_as_a_formula_is_written_as_text(value: object, written: object) -> None:
    assert escape_cell(value) == written


def test_the_csv_writer_escapes_every_cell() -> None:
    handle = io.StringIO()
    writer = csv_writer(handle, lineterminator="\n")
    writer.writerow(["name", "note"])
    writer.writerows([["=cmd|' /C calc'!A0", "@x"], ["Kayleigh", "-"]])

    rows = list(csv.reader(io.StringIO(handle.getvalue())))

    assert rows == [["name", "note"], ["'=cmd|' /C calc'!A0", "'@x"], ["Kayleigh", "'-"]]


def test_a_csv_download_is_escaped_utf8_and_an_attachment() -> None:
    response = csv_response('people "all".csv', ["name"], [["=1+1"], ["Zoë"]])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="peopleall.csv"'
    text = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["name"], ["'=1+1"], ["Zoë"]]


def test_an_xlsx_row_is_stored_as_values_not_formulas(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(xlsx_row(["=1+1", "+44 7700 900123", 7, "plain"]))
    path = tmp_path / "out.xlsx"
    book.save(path)

    cells = next(load_workbook(path, read_only=True).active.iter_rows(values_only=True))  # type: ignore[union-attr]

    assert cells == ("'=1+1", "'+44 7700 900123", 7, "plain")


def test_an_ods_sheet_holds_escaped_text_and_numbers_never_formulas() -> None:
    data = ods_bytes([("figures", [["=1+1", "+44 7700 900123", 7, "plain", None]])])

    assert ods_sheets(data) == {"figures": [["'=1+1", "'+44 7700 900123", "7", "plain", ""]]}
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    assert "table:formula" not in content
    assert 'office:value-type="float"' in content  # the number stays a number


def test_every_csv_or_spreadsheet_writer_in_src_goes_through_the_helper() -> None:
    # An attacker's check: a new export that writes CSV or XLSX directly would skip the
    # escape. Linkage's file dedupe writes with Arrow and escapes whole columns with the
    # same triggers (tests/linkage/test_dedupe_command.py checks it).
    writer = re.compile(
        r"csv\.(writer|DictWriter)\(|Workbook\(|OpenDocumentSpreadsheet\(|write_csv\(|"
        r"to_csv\(|to_excel\(|to_ods\(|text/csv"
    )
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative in NOT_EXPORTS or relative == "core/exports.py":
            continue
        if relative.startswith("linkage/"):
            continue
        if writer.search(path.read_text(encoding="utf-8")):
            offenders.append(relative)

    assert offenders == []
