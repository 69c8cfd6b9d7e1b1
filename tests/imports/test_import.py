"""Importing extracts: normalised records, quarantine with reasons, idempotence, history."""

from __future__ import annotations

import sys
import types
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.core.models import AuditAction, AuditEvent
from lantern.core.normalisers import (
    DATE_FORMAT_MESSAGE,
    EMAIL_MESSAGE,
    NHS_NUMBER_FORMAT_MESSAGE,
    PHONE_MESSAGE,
    POSTCODE_MESSAGE,
)
from lantern.imports import services
from lantern.imports.models import (
    ExtractStatus,
    QuarantinedRow,
    QuarantineStatus,
    SourceRecord,
    SourceRecordRevision,
    SuppliedRecord,
)
from lantern.imports.rows import WARNING_NHS_CHECK_DIGIT
from lantern.people.models import Person
from tests.conftest import Partnership
from tests.factories import new_person

from .conftest import AGREEMENT, ImportFile, standard_row, write_csv

pytestmark = pytest.mark.django_db


def test_a_standard_extract_becomes_normalised_source_records(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    path = write_csv(
        tmp_path / "police.csv",
        [
            standard_row("NP1"),
            standard_row(
                "NP2",
                first_name="Zoë",
                middle_names="",
                last_name="O'Brien-Smith",
                date_of_birth="2009",
                sex="",
                nhs_number="",
                postcode="",
                address="",
                phone="+44 113 496 0123",
                email="",
            ),
            standard_row("NP3", source="", date_of_birth="May 2010", sex="male"),
        ],
    )

    extract = import_file(path)

    assert extract.status == ExtractStatus.DONE
    assert (extract.rows_total, extract.rows_done, extract.rows_created) == (3, 3, 3)
    assert extract.rows_quarantined == 0
    jade = SourceRecord.objects.get(record_id="NP1")
    assert (jade.first_name, jade.middle_names, jade.last_name) == ("jade", "louise", "hollis")
    assert (jade.date_of_birth, jade.dob_precision) == (date(2011, 2, 14), "day")
    assert (jade.sex, jade.nhs_number, jade.nhs_number_valid) == ("female", "9990000018", True)
    assert (jade.postcode, jade.phone, jade.email) == (
        "NK1 4AB",
        "+447700900123",
        "Jade.Hollis@example.org",
    )
    assert jade.agency == partnership.police
    assert jade.extract == extract
    assert jade.person is None  # linkage decides who a record is, never the import
    assert jade.raw["first_name"] == "Jade"
    zoe = SourceRecord.objects.get(record_id="NP2")
    assert (zoe.first_name, zoe.last_name) == ("zoe", "obrien smith")
    assert (zoe.date_of_birth, zoe.dob_precision) == (date(2009, 1, 1), "year")
    assert zoe.phone == "+441134960123"
    assert "nhs_number" not in zoe.raw  # empty values are not kept as supplied
    third = SourceRecord.objects.get(record_id="NP3")
    assert third.source == "police"  # no source in the row: the extract's (the agency code)
    assert (third.date_of_birth, third.dob_precision) == (date(2010, 5, 1), "month")
    assert third.sex == "male"
    assert not Person.objects.exists()


SOURCE_MESSAGE = (
    "Name the source system in lower-case letters, digits, dots, hyphens and underscores "
    "(up to 60), like police-niche"
)
BAD_ROWS: list[tuple[dict[str, str], dict[str, str]]] = [
    ({"record_id": ""}, {"record_id": "Every row needs a record ID"}),
    ({"date_of_birth": "31/02/2011"}, {"date_of_birth": "31/02/2011 is not a real date"}),
    ({"date_of_birth": "14/02/2099"}, {"date_of_birth": "Date of birth must be in the past"}),
    ({"date_of_birth": "1850"}, {"date_of_birth": "Enter a year from 1900 onwards"}),
    ({"date_of_birth": "last spring"}, {"date_of_birth": DATE_FORMAT_MESSAGE}),
    ({"postcode": "NK1 ZZZ"}, {"postcode": POSTCODE_MESSAGE}),
    ({"phone": "ask for mum"}, {"phone": PHONE_MESSAGE}),
    ({"email": "jade.hollis@"}, {"email": EMAIL_MESSAGE}),
    ({"nhs_number": "99900000"}, {"nhs_number": NHS_NUMBER_FORMAT_MESSAGE}),
    ({"first_name": "12345"}, {"first_name": "Enter a name with letters in it, or leave it empty"}),
    ({"source": "Police RMS!"}, {"source": SOURCE_MESSAGE}),
    (
        {"sex": "Q", "postcode": "NK1", "phone": "0"},
        {
            "sex": "'Q' is not a sex code Lantern knows: use female, male, other or not "
            "known, or map the code in a mapping profile",
            "postcode": POSTCODE_MESSAGE,
            "phone": PHONE_MESSAGE,
        },
    ),
]


def test_bad_rows_are_quarantined_with_the_reason_for_each_field(
    tmp_path: Path, import_file: ImportFile
) -> None:
    rows = [standard_row("GOOD-1")]
    rows += [standard_row(f"BAD-{i}") | bad for i, (bad, _) in enumerate(BAD_ROWS)]
    rows += [standard_row("GOOD-2", first_name="Kayleigh")]
    extract = import_file(write_csv(tmp_path / "mixed.csv", rows))

    assert extract.status == ExtractStatus.DONE
    assert extract.rows_done == len(rows)
    assert extract.rows_created == 2  # the good rows still import
    assert extract.rows_quarantined == len(BAD_ROWS)
    assert set(SourceRecord.objects.values_list("record_id", flat=True)) == {"GOOD-1", "GOOD-2"}
    quarantined = list(QuarantinedRow.objects.filter(extract=extract).order_by("row_number"))
    for row, (bad, reasons) in zip(quarantined, BAD_ROWS, strict=True):
        assert row.errors == reasons, row.raw
        assert row.status == QuarantineStatus.OPEN
        for field, value in bad.items():
            assert row.raw.get(field, "") == value  # kept as supplied, to fix
    # Spreadsheet row numbers: the header is row 1, GOOD-1 row 2, the first bad row 3.
    assert [row.row_number for row in quarantined] == list(range(3, 3 + len(BAD_ROWS)))


def test_a_wrong_nhs_check_digit_is_kept_as_a_near_miss_with_a_warning(
    tmp_path: Path, import_file: ImportFile
) -> None:
    rows = [standard_row("NP1", nhs_number="999 000 0019"), standard_row("NP2")]
    extract = import_file(write_csv(tmp_path / "typo.csv", rows))

    typo = SourceRecord.objects.get(record_id="NP1")
    assert (typo.nhs_number, typo.nhs_number_valid) == ("9990000019", False)
    assert SourceRecord.objects.get(record_id="NP2").nhs_number_valid is True
    assert extract.rows_quarantined == 0
    assert extract.warnings["nhs_number"] == {
        "message": WARNING_NHS_CHECK_DIGIT,
        "count": 1,
        "rows": [2],
    }


def test_no_fixed_abode_is_an_address_not_a_bad_postcode(
    tmp_path: Path, import_file: ImportFile
) -> None:
    rows = [
        standard_row("NP1", postcode="NFA", address=""),
        standard_row("NP2", postcode="ZZ99 3VZ", address="Sofa surfing, Eastfield"),
    ]
    extract = import_file(write_csv(tmp_path / "nfa.csv", rows))

    first, second = SourceRecord.objects.order_by("record_id")
    assert (first.postcode, first.address) == ("", "No fixed abode")
    assert (second.postcode, second.address) == ("", "Sofa surfing, Eastfield")
    assert extract.warnings["postcode"]["count"] == 2


def test_importing_the_same_file_twice_creates_nothing_new(
    tmp_path: Path, import_file: ImportFile
) -> None:
    rows = [standard_row(f"NP{i}", first_name=f"Name{'a' * i}") for i in range(1, 6)]
    rows.append(standard_row("BAD", phone="ask for mum"))
    path = write_csv(tmp_path / "twice.csv", rows)
    first = import_file(path)
    records = list(SourceRecord.objects.order_by("pk").values())

    second = import_file(path, batch_size=2)

    assert (first.rows_created, second.rows_created) == (5, 0)
    assert (second.rows_updated, second.rows_unchanged) == (0, 5)
    assert list(SourceRecord.objects.order_by("pk").values()) == records  # untouched
    assert not SourceRecordRevision.objects.exists()
    # Both extracts supplied the records (withdrawing one leaves them standing).
    assert SuppliedRecord.objects.filter(extract=second, outcome="unchanged").count() == 5
    assert second.rows_quarantined == 1  # a bad row stays bad


def test_a_changed_row_updates_its_record_and_keeps_what_it_said(
    tmp_path: Path, import_file: ImportFile
) -> None:
    first = import_file(write_csv(tmp_path / "v1.csv", [standard_row("NP1"), standard_row("NP2")]))
    moved = standard_row("NP1", postcode="NK7 2QP", address="4 Castle Close, Northwick")
    second = import_file(write_csv(tmp_path / "v2.csv", [moved, standard_row("NP2")]))

    assert (second.rows_updated, second.rows_unchanged, second.rows_created) == (1, 1, 0)
    record = SourceRecord.objects.get(record_id="NP1")
    assert (record.postcode, record.version, record.extract) == ("NK7 2QP", 2, second)
    (revision,) = SourceRecordRevision.objects.filter(record=record)
    assert revision.version == 1
    assert revision.extract == second
    assert revision.previous["postcode"] == "NK1 4AB"
    assert revision.previous["address"] == "12 Marlow Road, Northwick"
    assert revision.previous["date_of_birth"] == "2011-02-14"
    assert revision.previous["extract_id"] == first.pk
    assert SourceRecord.objects.get(record_id="NP2").version == 1


def test_a_record_id_given_twice_in_one_extract_is_quarantined_the_second_time(
    tmp_path: Path, import_file: ImportFile
) -> None:
    rows = [standard_row("NP1"), standard_row("NP2"), standard_row("NP1", first_name="Jodie")]
    # Across batches (size 2) as well as within one.
    extract = import_file(write_csv(tmp_path / "dupes.csv", rows), batch_size=2)

    assert extract.rows_created == 2
    (row,) = QuarantinedRow.objects.filter(extract=extract)
    assert row.row_number == 4
    assert row.errors["record_id"].startswith("This record ID is given twice in this extract")
    assert "row 2 was imported" in row.errors["record_id"]
    assert SourceRecord.objects.get(record_id="NP1").first_name == "jade"


def test_an_xlsx_extract_imports_like_a_csv(tmp_path: Path, import_file: ImportFile) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Record_ID ", "First_Name", "last_name", "Date_of_Birth", "NHS_Number", "phone"])
    sheet.append(["H1", "Amira", "Khan", datetime(2010, 3, 9), 9990000026, 7700900456])  # noqa: DTZ001
    sheet.append(["H2", "Tegan", "Walsh", "2009", None, "0113 496 0999"])
    sheet.append([None, None, None, None, None, None])  # an empty row is skipped
    sheet.append(["H3", "Bad", "Date", "31/02/2009", None, None])
    path = tmp_path / "health.xlsx"
    workbook.save(path)

    extract = import_file(path)

    assert extract.status == ExtractStatus.DONE
    assert (extract.rows_created, extract.rows_quarantined, extract.rows_done) == (2, 1, 3)
    amira = SourceRecord.objects.get(record_id="H1")
    assert (amira.date_of_birth, amira.dob_precision) == (date(2010, 3, 9), "day")
    assert (amira.nhs_number, amira.nhs_number_valid) == ("9990000026", True)
    assert amira.phone == "+447700900456"  # a number cell loses its leading 0
    assert SourceRecord.objects.get(record_id="H2").dob_precision == "year"
    assert QuarantinedRow.objects.get(extract=extract).row_number == 5
    assert "columns_missing" in extract.warnings  # no source, sex, postcode… columns


PROFILE = """\
profile: police-rms
source: police-rms
format:
  delimiter: ";"
  header_row: 2
columns:
  record_id: Ref
  full_name: Name
  date_of_birth: Born
  sex: Gender
  agency: Force
  address: [Street, Town]
dates:
  date_of_birth:
    formats: ["%d.%m.%y", "%Y%m%d"]
    partial: false
values:
  sex:
    N: not_known
    W: female
  agency:
    NKP: police
    NKH: housing
null_values: ["NOT STATED"]
"""


def test_a_profile_maps_columns_dates_and_codes(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    profile = services.profile_load(actor=partnership.analyst, text=PROFILE).profile
    path = tmp_path / "rms.csv"
    path.write_text(
        "Northwick Police RMS export, run 01/11/2026\n"
        "Ref;Name;Born;Gender;Force;Street;Town;Notes\n"
        "R1;HOLLIS, Jade Louise;14.02.11;W;NKP;12 Marlow Road;Northwick;\n"
        "R2;SMITH Kayleigh;20090102;N;NKH;;;\n"
        "R3;Ellery, Morgan;NOT STATED;NOT STATED;NKP;;;\n"
        "R4;Rowe, Tamsin;2009;W;NKP;;;\n"
        "R5;Rowe, Tamsin;01.01.01;W;XX;;;\n",
        encoding="utf-8",
    )

    extract = import_file(path, profile=profile)

    assert extract.profile == profile
    assert (extract.rows_created, extract.rows_quarantined) == (3, 2)
    jade = SourceRecord.objects.get(record_id="R1")
    assert (jade.first_name, jade.middle_names, jade.last_name) == ("jade", "louise", "hollis")
    assert (jade.date_of_birth, jade.sex) == (date(2011, 2, 14), "female")
    assert jade.source == "police-rms"
    assert jade.address == "12 Marlow Road, Northwick"
    kayleigh = SourceRecord.objects.get(record_id="R2")
    assert (kayleigh.first_name, kayleigh.last_name) == ("kayleigh", "smith")
    assert (kayleigh.date_of_birth, kayleigh.sex) == (date(2009, 1, 2), "not_known")
    assert kayleigh.agency == partnership.housing  # the agency column, through its value map
    morgan = SourceRecord.objects.get(record_id="R3")
    assert (morgan.date_of_birth, morgan.sex) == (None, "")  # "NOT STATED" means not known
    errors = {r.raw["record_id"]: r.errors for r in QuarantinedRow.objects.filter(extract=extract)}
    assert errors["R4"] == {
        "date_of_birth": "Enter a date in the profile's format (%d.%m.%y, %Y%m%d)"
    }
    assert errors["R5"] == {"agency": "'XX' is not an agency in Lantern: map it in the profile"}
    assert "Notes" in extract.warnings["columns_ignored"]["message"]


def test_a_two_digit_year_of_birth_is_never_in_the_future(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    text = PROFILE.replace('["%d.%m.%y", "%Y%m%d"]', '["%d.%m.%y"]')
    profile = services.profile_load(actor=partnership.analyst, text=text).profile
    year = timezone.localdate().year % 100 + 1
    path = tmp_path / "rms.csv"
    path.write_text(
        f"x\nRef;Name;Born;Gender;Force;Street;Town\nR1;Rowe, Tamsin;01.01.{year:02d};W;NKP;;\n",
        encoding="utf-8",
    )

    import_file(path, profile=profile)

    assert SourceRecord.objects.get().date_of_birth == date(1900 + year, 1, 1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("police.csv", "first_name,last_name\nJade,Hollis\n", "The file has no record_id column"),
        ("police.xls", "record_id\n1\n", "not the older XLS format"),
        ("police.pdf", "record_id\n1\n", "Upload a CSV or XLSX file"),
        ("police.xlsx", "record_id\n1\n", "is named as an Excel workbook but is not one"),
        ("police.csv", "", "The file is empty"),
    ],
)
@pytest.mark.usefixtures("settings_imports")
def test_a_file_lantern_cannot_read_is_refused_at_upload(
    tmp_path: Path, partnership: Partnership, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with path.open("rb") as upload, pytest.raises(ValidationError) as caught:
        services.extract_create(
            actor=partnership.analyst,
            upload=upload,
            file_name=name,
            agency=partnership.police,
            sharing_agreement=AGREEMENT,
        )
    assert message in caught.value.message_dict["file"][0]
    assert not list((tmp_path / "uploads").glob("*"))  # nothing kept


def test_an_upload_records_its_sharing_basis_and_who_uploaded_it(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    extract = import_file(write_csv(tmp_path / "p.csv", [standard_row("NP1")]))

    assert extract.agency == partnership.police
    assert extract.sharing_agreement == AGREEMENT
    assert "Sch 1 para 18" in extract.lawful_basis  # the default: safeguarding
    assert extract.uploaded_by == partnership.analyst.user
    assert extract.uploaded_as_id == partnership.analyst.membership_id
    assert len(extract.file_sha256) == 64
    assert not Path(extract.stored_path).exists()  # the upload is removed once imported
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="extract")
    assert created.username == "analyst"
    assert created.detail["sharing_agreement"] == AGREEMENT
    assert created.detail["lawful_basis"] == extract.lawful_basis
    finished = AuditEvent.objects.get(action=AuditAction.SYSTEM, object_type="extract")
    assert finished.detail["created"] == 1
    assert finished.channel == "task"


@pytest.fixture
def linkage_hooks(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Stand-in for linkage's hooks module, recording what the import told it."""
    calls: dict[str, list[Any]] = {"imported": [], "withdrawn": []}
    module = types.ModuleType("lantern.linkage.hooks")

    def records_imported(*, extract_id: int, record_ids: list[int]) -> None:
        calls["imported"].append((extract_id, sorted(record_ids)))

    def records_withdrawn(*, record_ids: list[int]) -> None:
        calls["withdrawn"].append(sorted(record_ids))
        SourceRecord.objects.filter(pk__in=record_ids).update(person=None)

    module.records_imported = records_imported  # type: ignore[attr-defined]
    module.records_withdrawn = records_withdrawn  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lantern.linkage.hooks", module)
    return calls


def test_linkage_is_told_which_records_are_new_or_changed(
    tmp_path: Path, import_file: ImportFile, linkage_hooks: dict[str, list[Any]]
) -> None:
    first = import_file(write_csv(tmp_path / "a.csv", [standard_row("NP1"), standard_row("NP2")]))
    ids = sorted(SourceRecord.objects.values_list("pk", flat=True))
    import_file(write_csv(tmp_path / "a.csv", [standard_row("NP1"), standard_row("NP2")]))
    third = import_file(
        write_csv(tmp_path / "b.csv", [standard_row("NP1", phone=""), standard_row("NP2")])
    )

    changed = SourceRecord.objects.get(record_id="NP1").pk
    # The unchanged re-import told linkage nothing.
    assert linkage_hooks["imported"] == [(first.pk, ids), (third.pk, [changed])]


def _person(partnership: Partnership) -> Person:
    from lantern.people.services import person_create

    return person_create(actor=partnership.practitioner, details=new_person())


def test_withdrawing_an_extract_withdraws_what_only_it_supplied(
    tmp_path: Path,
    import_file: ImportFile,
    partnership: Partnership,
    linkage_hooks: dict[str, list[Any]],
) -> None:
    older = import_file(write_csv(tmp_path / "old.csv", [standard_row("NP1"), standard_row("NP2")]))
    rows = [
        standard_row("NP1"),  # unchanged: the older extract also supplied it
        standard_row("NP2", postcode="NK9 9XY"),  # changed by this extract alone
        standard_row("NP3"),  # only in this extract
        standard_row("NP4", phone="ask for mum"),  # quarantined
    ]
    newer = import_file(write_csv(tmp_path / "new.csv", rows))
    person = _person(partnership)
    SourceRecord.objects.update(person=person)  # as linkage would have linked them

    done = services.extract_withdraw(
        actor=partnership.manager, extract=newer, reason="Supplied outside the agreement"
    )

    assert (done.records_withdrawn, done.records_restored, done.quarantine_discarded) == (1, 1, 1)
    newer.refresh_from_db()
    assert newer.status == ExtractStatus.WITHDRAWN
    assert newer.withdrawn_by == partnership.manager.user
    assert newer.withdrawal_reason == "Supplied outside the agreement"
    only = SourceRecord.objects.get(record_id="NP3")
    assert only.withdrawn_at is not None
    assert only.person is None  # its link to the person cleared (by linkage's hook)
    assert linkage_hooks["withdrawn"] == [[only.pk]]
    kept = SourceRecord.objects.get(record_id="NP1")
    assert (kept.withdrawn_at, kept.person) == (None, person)
    restored = SourceRecord.objects.get(record_id="NP2")
    assert (restored.postcode, restored.extract, restored.withdrawn_at) == ("NK1 4AB", older, None)
    assert restored.version == 3  # v1 (older), v2 (newer), v3 (back to v1's values)
    assert restored.revisions.get(version=2).previous["postcode"] == "NK9 9XY"
    assert QuarantinedRow.objects.get(extract=newer).status == QuarantineStatus.DISCARDED
    event = AuditEvent.objects.filter(object_type="extract", action=AuditAction.CHANGE).last()
    assert event is not None
    assert event.detail["event"] == "withdrawn"
    with pytest.raises(ValidationError):
        services.extract_withdraw(actor=partnership.manager, extract=newer, reason="again")


def test_without_linkage_a_withdrawal_clears_person_links_itself(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    extract = import_file(write_csv(tmp_path / "a.csv", [standard_row("NP1")]))
    SourceRecord.objects.update(person=_person(partnership))

    services.extract_withdraw(actor=partnership.analyst, extract=extract, reason="Wrong file")

    record = SourceRecord.objects.get()
    assert (record.person, record.withdrawn_at is not None) == (None, True)


def test_a_withdrawn_record_supplied_again_comes_back(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    path = write_csv(tmp_path / "a.csv", [standard_row("NP1")])
    first = import_file(path)
    services.extract_withdraw(actor=partnership.analyst, extract=first, reason="Wrong file")

    again = import_file(path)

    record = SourceRecord.objects.get()
    assert (again.rows_updated, record.withdrawn_at, record.version) == (1, None, 2)


def test_a_running_import_cannot_be_withdrawn(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    extract = import_file(write_csv(tmp_path / "a.csv", [standard_row("NP1")]))
    extract.status = ExtractStatus.RUNNING
    extract.save()
    with pytest.raises(ValidationError, match="being imported"):
        services.extract_withdraw(actor=partnership.analyst, extract=extract, reason="x")


def test_a_fixed_quarantined_row_is_imported(
    tmp_path: Path,
    import_file: ImportFile,
    partnership: Partnership,
    linkage_hooks: dict[str, list[Any]],
) -> None:
    rows = [standard_row("NP1"), standard_row("NP2", phone="ask for mum", email="x@")]
    extract = import_file(write_csv(tmp_path / "a.csv", rows))
    row = QuarantinedRow.objects.get(extract=extract)
    values = {k: str(v) for k, v in row.raw.items()}

    with pytest.raises(ValidationError) as caught:
        services.quarantine_resubmit(
            actor=partnership.analyst, row=row, values=values | {"phone": "07700 900999"}
        )
    assert caught.value.message_dict == {"email": [EMAIL_MESSAGE]}
    row.refresh_from_db()
    assert row.status == QuarantineStatus.OPEN

    record = services.quarantine_resubmit(
        actor=partnership.analyst,
        row=row,
        values=values | {"phone": "07700 900999", "email": ""},
    )

    assert (record.record_id, record.phone, record.email) == ("NP2", "+447700900999", "")
    assert record.extract == extract
    row.refresh_from_db()
    assert (row.status, row.resolved_by) == (QuarantineStatus.RESUBMITTED, partnership.analyst.user)
    extract.refresh_from_db()
    assert extract.rows_created == 2
    assert SuppliedRecord.objects.get(record=record).row_number == row.row_number
    assert linkage_hooks["imported"][-1] == (extract.pk, [record.pk])
    assert AuditEvent.objects.filter(object_type="quarantined_row", object_id=str(row.pk)).exists()
    with pytest.raises(ValidationError, match="already been"):
        services.quarantine_resubmit(actor=partnership.analyst, row=row, values=values)


def test_a_fix_cannot_take_another_rows_record_id(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    rows = [standard_row("NP1"), standard_row("NP2", phone="ask for mum")]
    extract = import_file(write_csv(tmp_path / "a.csv", rows))
    row = QuarantinedRow.objects.get(extract=extract)

    with pytest.raises(ValidationError) as caught:
        services.quarantine_resubmit(
            actor=partnership.analyst,
            row=row,
            values=dict(row.raw) | {"record_id": "NP1", "phone": ""},
        )
    assert "given twice in this extract" in caught.value.message_dict["record_id"][0]
    assert SourceRecord.objects.get(record_id="NP1").version == 1


def test_a_quarantined_row_can_be_discarded_with_a_reason(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    extract = import_file(write_csv(tmp_path / "a.csv", [standard_row("NP1", sex="Q")]))
    row = QuarantinedRow.objects.get(extract=extract)
    with pytest.raises(ValidationError):
        services.quarantine_discard(actor=partnership.analyst, row=row, reason=" ")

    services.quarantine_discard(actor=partnership.analyst, row=row, reason="Test record")

    row.refresh_from_db()
    assert row.status == QuarantineStatus.DISCARDED
    assert not SourceRecord.objects.exists()


def test_an_import_stops_with_a_reason_when_the_file_goes_bad(
    tmp_path: Path, partnership: Partnership, settings_imports: Any
) -> None:
    path = tmp_path / "latin.csv"
    good = b"".join(b"NP%d,Jade\n" % n for n in range(3000))  # well past the first read
    path.write_bytes(b"record_id,first_name\n" + good + b"NP-LAST,Zo\xeb\n")
    with path.open("rb") as upload:
        extract = services.extract_create(
            actor=partnership.analyst,
            upload=upload,
            file_name=path.name,
            agency=partnership.police,
            sharing_agreement=AGREEMENT,
        )
    done = services.extract_run(extract_id=extract.pk, batch_size=1000)

    assert done.status == ExtractStatus.FAILED
    assert "is not in the file's encoding" in done.error
    # Whole batches read before the bad part of the file stay imported.
    assert done.rows_created == done.rows_done >= 2000
    assert not Path(done.stored_path).exists()
    # A task that runs again does nothing.
    assert services.extract_run(extract_id=extract.pk).status == ExtractStatus.FAILED


def test_the_import_runs_as_the_uploaders_membership_only_while_it_is_active(
    tmp_path: Path, partnership: Partnership, settings_imports: Any
) -> None:
    from lantern.agencies.models import Membership

    path = write_csv(tmp_path / "a.csv", [standard_row("NP1")])
    with path.open("rb") as upload:
        extract = services.extract_create(
            actor=partnership.analyst,
            upload=upload,
            file_name=path.name,
            agency=partnership.police,
            sharing_agreement=AGREEMENT,
        )
    Membership.objects.filter(pk=partnership.analyst.membership_id).update(is_active=False)

    done = services.extract_run(extract_id=extract.pk)

    assert done.status == ExtractStatus.FAILED
    assert "no longer active" in done.error
    assert not SourceRecord.objects.exists()
