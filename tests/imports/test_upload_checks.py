"""An attacker's upload: too large, not what it is named, a zip bomb, an XML bomb, XXE, macros.

Each is refused at upload with a reason for the analyst, and nothing is kept.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from lantern.imports import readers, services
from lantern.imports.models import Extract, SourceRecord
from tests.conftest import Partnership

from .conftest import AGREEMENT, HEADER, standard_row, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("settings_imports")]

#: Document type declarations put in front of the worksheet, and the entity used in a cell.
BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + "]>",
    "&lol9;",
)
EXTERNAL_ENTITY = (
    '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    "&secret;",
)


def upload(partnership: Partnership, path: Path, name: str | None = None) -> Extract:
    with path.open("rb") as handle:
        return services.extract_create(
            actor=partnership.analyst,
            upload=handle,
            file_name=name or path.name,
            agency=partnership.police,
            sharing_agreement=AGREEMENT,
        )


def refused(partnership: Partnership, path: Path, name: str | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        upload(partnership, path, name)
    assert not list(path.parent.joinpath("uploads").glob("*"))  # nothing kept
    assert not Extract.objects.exists()
    return str(caught.value.message_dict["file"][0])


def workbook(
    path: Path, *, entity: tuple[str, str] | None = None, extra: bytes = b""
) -> Path:
    """A real XLSX extract; optionally with an entity declared in the worksheet and used in
    a header cell, or with a big extra part."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append([standard_row("H-1")[c] for c in HEADER])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and entity is not None:
                doctype, use = entity
                sheet_xml = data.decode().replace("<t>first_name</t>", f"<t>{use}</t>", 1)
                data = (doctype + sheet_xml).encode()
            out.writestr(item, data)
        if extra:
            out.writestr("xl/media/padding.bin", extra)
    plain.unlink()
    return path


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, partnership: Partnership, settings: Any
) -> None:
    settings.LANTERN_IMPORT_MAX_BYTES = 1_000
    path = write_csv(tmp_path / "police.csv", [standard_row(f"P-{i}") for i in range(50)])

    assert "larger than Lantern accepts (1,000 bytes)" in refused(partnership, path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\nrecord_id\n", "is a PDF document"),
        (b"MZ\x90\x00\x03record_id", "is a Windows program"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old-format (XLS) or password-protected"),
        (b"record_id,first_name\n1,Jade\x00\x00\x00\n", "is not a text file"),
    ],
)
def test_content_decides_not_the_name(
    tmp_path: Path, partnership: Partnership, content: bytes, message: str
) -> None:
    path = tmp_path / "police.csv"
    path.write_bytes(content)

    assert message in refused(partnership, path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path, partnership: Partnership) -> None:
    path = tmp_path / "police.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")

    assert "not an Excel (XLSX) workbook" in refused(partnership, path)


def test_a_zip_bomb_is_refused_before_it_is_read(
    tmp_path: Path, partnership: Partnership, settings: Any
) -> None:
    settings.LANTERN_IMPORT_MAX_UNPACKED_BYTES = 1_000_000
    path = workbook(tmp_path / "police.xlsx", extra=b"\x00" * 5_000_000)

    assert path.stat().st_size < 100_000
    assert "more than Lantern reads" in refused(partnership, path)


@pytest.mark.parametrize("entity", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["xml-bomb", "xxe"])
def test_xml_entities_in_a_workbook_are_refused_not_expanded(
    tmp_path: Path, partnership: Partnership, entity: tuple[str, str]
) -> None:
    path = workbook(tmp_path / "police.xlsx", entity=entity)
    assert entity[1].encode() in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")

    message = refused(partnership, path)

    assert "cannot be" in message
    assert "root:" not in message


def test_a_good_workbook_is_read_without_macros_or_external_links(
    tmp_path: Path, partnership: Partnership
) -> None:
    path = workbook(tmp_path / "police.xlsm")

    extract = upload(partnership, path)
    book = readers._load_workbook(Path(extract.stored_path))

    assert book.vba_archive is None
    assert book.read_only
    book.close()


def test_openpyxl_parses_workbooks_with_defusedxml() -> None:
    # Python's expat also stops the two attacks above; defusedxml refuses any entity
    # declaration outright, whatever the expat version.
    import openpyxl

    assert openpyxl.DEFUSEDXML


def test_sql_in_an_extract_is_stored_as_text(tmp_path: Path, import_file: Any) -> None:
    attack = "O'Brien'); DROP TABLE imports_sourcerecord; --"
    path = write_csv(tmp_path / "police.csv", [standard_row("P-1", address=attack)])

    import_file(path)

    assert SourceRecord.objects.get().address == attack
