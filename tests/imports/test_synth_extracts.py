"""The synthetic agency extracts: deterministic, synthetic only, realistically messy."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from lantern.agencies.models import Agency
from lantern.core.normalisers import is_valid_nhs_number, normalise_name
from lantern.imports.layout import STANDARD_COLUMNS
from lantern.imports.models import SourceRecord
from lantern.imports.rows import phone_e164
from lantern.synth.extracts import (
    AGENCY_CODES,
    AS_OF,
    BAD_VALUES,
    DRAMA_RANGES,
    SynthPerson,
    _People,
    write_extracts,
    write_standard_extract,
)
from tests.conftest import Partnership

from .conftest import ImportFile

PEOPLE = 1500
PLANTED = {value for _, value in BAD_VALUES}


Extracts = tuple[Any, dict[str, list[dict[str, str]]]]


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> Extracts:
    out = tmp_path_factory.mktemp("extracts")
    report = write_extracts(out, seed=7, people=PEOPLE)
    rows = {}
    for code, path in report.files.items():
        with path.open(encoding="utf-8", newline="") as handle:
            rows[code] = list(csv.DictReader(handle))
    return report, rows


def _truth(report: Any) -> dict[tuple[str, str], str]:
    with report.truth.open(encoding="utf-8", newline="") as handle:
        return {(r["source"], r["record_id"]): r["person_key"] for r in csv.DictReader(handle)}


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    first = write_extracts(tmp_path / "a", seed=3, people=300)
    second = write_extracts(tmp_path / "b", seed=3, people=300)
    other = write_extracts(tmp_path / "c", seed=4, people=300)

    for code in AGENCY_CODES:
        assert first.files[code].read_bytes() == second.files[code].read_bytes()
    assert first.truth.read_bytes() == second.truth.read_bytes()
    assert first.truth.read_bytes() != other.truth.read_bytes()


def test_one_standard_layout_file_per_agency_and_a_truth_file(extracts: Any) -> None:
    report, rows = extracts
    assert set(report.files) == set(AGENCY_CODES)
    for code, path in report.files.items():
        with path.open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == list(STANDARD_COLUMNS)
        assert len(rows[code]) == report.by_agency[code] > 0
    truth = _truth(report)
    assert len(truth) == report.records == sum(len(r) for r in rows.values())
    for code_rows in rows.values():
        for row in code_rows:
            assert (row["source"], row["record_id"]) in truth


def test_everyone_is_known_to_one_to_four_agencies(extracts: Any) -> None:
    report, _ = extracts
    agencies: dict[str, set[str]] = defaultdict(set)
    for (source, _), key in _truth(report).items():
        agencies[key].add(source)
    counts = Counter(len(sources) for sources in agencies.values())
    assert set(counts) == {1, 2, 3, 4}
    assert len(agencies) > PEOPLE * 0.9  # a few people are known to none of the agencies
    assert 1.8 < report.records / len(agencies) < 2.6


def test_everything_is_synthetic(extracts: Any) -> None:
    _, rows = extracts
    drama = tuple(phone_e164(prefix + "0" * (11 - len(prefix.replace(" ", ""))))[:-3]
                  for prefix, _ in DRAMA_RANGES)
    for row in (r for code_rows in rows.values() for r in code_rows):
        digits = row["nhs_number"].replace(" ", "")
        if digits and len(digits) == 10:
            assert digits.startswith("999"), digits
        if row["email"] and "@" in row["email"] and not row["email"].endswith("@"):
            assert row["email"].lower().endswith("@example.org"), row["email"]
        if row["postcode"] and len(row["postcode"]) > 4:
            assert row["postcode"].upper().startswith("NK"), row["postcode"]
        phone = row["phone"]
        if phone and phone not in PLANTED:
            assert phone_e164(phone).startswith(drama), phone


def test_the_extracts_carry_the_errors_real_ones_do(extracts: Any) -> None:
    report, rows = extracts
    truth = _truth(report)
    everyone = [r for code_rows in rows.values() for r in code_rows]
    by_person: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in everyone:
        by_person[truth[(row["source"], row["record_id"])]].append(row)

    def share(test: Any) -> float:
        return sum(1 for row in everyone if test(row)) / len(everyone)

    # NHS numbers that fail their check digit, and records with none.
    typos = share(lambda r: r["nhs_number"] and len(r["nhs_number"].replace(" ", "")) == 10
                  and not is_valid_nhs_number(r["nhs_number"]))
    assert 0.001 < typos < 0.02
    assert 0.3 < share(lambda r: not r["nhs_number"]) < 0.8
    assert 0.01 < share(lambda r: len(r["date_of_birth"]) == 4) < 0.08  # year only
    assert 0.01 < share(lambda r: not r["date_of_birth"]) < 0.08
    assert share(lambda r: "-" in r["last_name"] or " " in r["last_name"]) > 0.01
    # The same person under different first names (nicknames, variants, typos).
    differing = sum(
        1 for records in by_person.values()
        if len({normalise_name(r["first_name"]) for r in records}) > 1
    )
    assert differing > len(by_person) * 0.05
    # Different people with the same name, and some with the same date of birth as well.
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, records in by_person.items():
        for r in records:
            names[(normalise_name(r["first_name"]), normalise_name(r["last_name"]))].add(key)
    assert sum(1 for keys in names.values() if len(keys) > 1) > 10


@pytest.mark.django_db
def test_the_extracts_import_and_only_the_planted_bad_values_are_quarantined(
    tmp_path: Path, import_file: ImportFile, partnership: Partnership
) -> None:
    report = write_extracts(tmp_path, seed=5, people=600, agencies=["police", "health"])
    health = Agency.objects.create(code="health", name="Test Hospitals", kind="health")

    police = import_file(report.files["police"], agency=partnership.police)
    hospital = import_file(report.files["health"], agency=health)

    assert police.rows_done + hospital.rows_done == report.records
    assert police.rows_quarantined + hospital.rows_quarantined == report.expected_quarantine
    assert SourceRecord.objects.count() == report.records - report.expected_quarantine
    assert SourceRecord.objects.filter(nhs_number_valid=False).exclude(nhs_number="").exists()


def test_one_combined_file_of_exactly_n_rows(tmp_path: Path) -> None:
    info = write_standard_extract(tmp_path / "all.csv", seed=2, rows=1234)
    with (tmp_path / "all.csv").open(encoding="utf-8") as handle:
        assert sum(1 for _ in handle) == 1235
    assert info["rows"] == 1234
    assert 400 < info["people"] < 800


def test_the_command_writes_extracts(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "synth", "extracts", "--out", str(tmp_path), "--people", "200", "--seed", "9",
        "--agencies", "police,school", stdout=out,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["police.csv", "school.csv", "truth.csv"]
    assert "Synthetic extracts: 200 people" in out.getvalue()


def test_families_live_together_as_real_households_do() -> None:
    """Issue 12: the tuning generator makes the hard negatives the model must keep apart
    (brothers and sisters, a parent and child, some of one name, twins), at about the
    declared shares, so that the model meets them where it is tuned."""
    people = _People(random.Random(2018), AS_OF)
    made = [people.make() for _ in range(6000)]
    homes: dict[tuple[str, str], list[SynthPerson]] = defaultdict(list)
    for person in made:
        homes[person.addresses[0]].append(person)
    kinds: Counter[str] = Counter()
    shared_phone = 0
    for members in homes.values():
        for i, one in enumerate(members):
            for other in members[i + 1 :]:
                assert one.nhs != other.nhs  # each member of a family has their own
                years = abs((one.dob - other.dob).days) / 365.25
                same_name = one.given == other.given
                kind = "twins" if years == 0 else "siblings" if years < 9 else "generation"
                kinds[kind + (" of one name" if same_name else "")] += 1
                shared_phone += bool(set(one.phones) & set(other.phones))
    in_family = sum(len(m) for m in homes.values() if len(m) > 1) / len(made)
    assert 0.15 < in_family < 0.3
    assert kinds["twins of one name"] == 0
    assert kinds["siblings of one name"] == 0
    assert kinds["twins"] > 30
    assert kinds["siblings"] > 300
    assert kinds["generation"] > 150
    assert kinds["generation of one name"] > 10  # a parent and child of one name at one home
    assert shared_phone > 100
