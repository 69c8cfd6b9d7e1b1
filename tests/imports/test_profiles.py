"""Mapping profiles: every problem reported with its line and field; profiles round-trip."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.core.access import AccessRefused
from lantern.core.models import AuditAction, AuditEvent
from lantern.imports import services
from lantern.imports.models import MappingProfile
from lantern.imports.profiles import (
    SCHEMA_PATH,
    ProfileError,
    ProfileProblem,
    parse_profile,
    profile_schema,
    profile_yaml,
)
from lantern.imports.rows import Mapping
from tests.conftest import Partnership

GOOD = """\
profile: police-niche
description: Northwick Police Niche person extract
source: police-niche
format:
  encoding: cp1252
  delimiter: ";"
  header_row: 2
columns:
  record_id: PersonRef
  full_name: Name
  date_of_birth: DOB
  sex: Gender
  nhs_number: NHSNo
  postcode: Postcode
  address: [Address1, Address2, Town]
  phone: [Mobile, Landline]
  agency: Force
full_name_order: last_first
dates:
  date_of_birth:
    formats: ["%d.%m.%y", "%Y%m%d", "%b %Y"]
    dayfirst: true
values:
  sex:
    N: not_known
    Y: other
    1: male
    2: female
  agency:
    NKP: police
    NKH: housing
null_values: ["NOT STATED", "NFA", "?"]
"""


def problems_of(text: str, **kwargs: Any) -> list[ProfileProblem]:
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, **kwargs)
    return caught.value.problems


def where(problems: list[ProfileProblem]) -> set[tuple[int | None, str]]:
    return {(p.line, p.field) for p in problems}


def test_the_schema_is_valid_json_schema_and_shipped_as_a_file() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == profile_schema()


def test_a_good_profile_reads_and_compiles() -> None:
    definition = parse_profile(GOOD)

    assert definition["profile"] == "police-niche"
    # YAML 1.1 would read N and Y as booleans and 1 as a number: they are codes here.
    assert definition["values"]["sex"] == {
        "N": "not_known",
        "Y": "other",
        "1": "male",
        "2": "female",
    }
    mapping = Mapping.from_definition(definition)
    assert mapping.columns["address"] == ("Address1", "Address2", "Town")
    assert mapping.dob.formats == (("%d.%m.%y", "day"), ("%Y%m%d", "day"), ("%b %Y", "month"))
    assert mapping.sex_codes["n"] == "not_known"
    assert mapping.agency_codes == {"nkp": "police", "nkh": "housing"}
    assert mapping.null_values == {"", "not stated", "nfa", "?"}
    assert (mapping.encoding, mapping.delimiter, mapping.header_row) == ("cp1252", ";", 2)


def test_a_profile_round_trips() -> None:
    definition = parse_profile(GOOD)
    written = profile_yaml(definition)

    assert parse_profile(written) == definition
    assert profile_yaml(parse_profile(written)) == written


PROFILE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(
    codes=st.dictionaries(
        PROFILE_TEXT.filter(lambda s: s.strip() != ""),
        st.sampled_from(["female", "male", "other", "not_known"]),
        max_size=6,
    ),
    columns=st.lists(PROFILE_TEXT.filter(lambda s: s.strip() != ""), min_size=1, max_size=4),
    nulls=st.lists(PROFILE_TEXT, max_size=4, unique=True),
)
def test_any_valid_definition_round_trips(
    codes: dict[str, str], columns: list[str], nulls: list[str]
) -> None:
    definition = {
        "profile": "any-profile",
        "columns": {"record_id": columns[0], "address": columns},
        "values": {"sex": codes},
        "null_values": nulls,
    }
    assert parse_profile(profile_yaml(definition)) == definition


BROKEN = """\
profile: Police Niche
columns:
  PersonRef: record_id
  first_name: Forename
  phone: []
format:
  header_row: first
  encoding: ebcdic
dates:
  date_of_birth:
    formats: ["%d/%m", "dd/mm/yyyy"]
values:
  sex:
    F: woman
colour: blue
"""


def test_every_schema_error_is_reported_with_line_and_field() -> None:
    found = problems_of(BROKEN)

    assert where(found) == {
        (1, "profile"),
        (2, "columns.record_id"),  # missing: reported where the mapping starts
        (3, "columns.PersonRef"),  # unknown field, at its own line
        (5, "columns.phone"),
        (7, "format.header_row"),
        (8, "format.encoding"),
        (11, "dates.date_of_birth.formats[0]"),  # reads no year (checked beyond the schema)
        (11, "dates.date_of_birth.formats[1]"),  # not a strptime format
        (14, "values.sex.F"),
        (15, "colour"),
    }
    messages = {p.field: p.message for p in found}
    assert "lower-case letters" in messages["profile"]
    assert messages["columns.PersonRef"].startswith("Unknown field 'PersonRef'")
    assert "first_name" in messages["columns.PersonRef"]  # says what it expected
    assert messages["format.encoding"].startswith("Use one of: utf-8")
    assert messages["values.sex.F"] == "Use one of: female, male, other, not_known"
    assert messages["format.header_row"] == "Should be a whole number"


def test_checks_beyond_the_schema_also_name_line_and_field() -> None:
    text = """\
profile: health
columns:
  record_id: MRN
  full_name: Patient
  first_name: Forename
  first_name: GivenName
dates:
  date_of_birth:
    formats: ["%d/%m"]
"""
    assert where(problems_of(text)) == {
        (4, "columns.full_name"),  # full name and first name both mapped
        (6, "columns.first_name"),  # given twice
        (9, "dates.date_of_birth.formats[0]"),  # reads no year
    }


def test_unknown_agency_codes_are_reported_where_they_are(db: Any) -> None:
    text = (
        "profile: combined\ncolumns:\n  record_id: ID\n"
        "values:\n  agency:\n    NKP: police\n    XX: nowhere\n"
    )

    found = problems_of(text, known_agencies={"police", "housing"})

    assert where(found) == {(7, "values.agency.XX")}
    assert "'nowhere' is not an agency" in found[0].message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("profile: a\ncolumns:\n  record_id: [ID\n", 4),
        ("profile: a\n  columns: x\n", 2),
        ("profile: a\ncolumns: {record_id: ID\n", 3),
    ],
)
def test_yaml_syntax_errors_name_their_line(text: str, line: int) -> None:
    (problem,) = problems_of(text)
    assert problem.line == line
    assert problem.message.startswith("Not valid YAML")


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_an_empty_profile_is_refused(text: str) -> None:
    (problem,) = problems_of(text)
    assert problem.message == "The profile is empty"


def test_a_list_is_not_a_profile() -> None:
    (problem,) = problems_of("- profile: a\n")
    assert problem.field == ""
    assert problem.message == "Should be a mapping of names to values"


def test_loading_stores_versions_and_a_repeat_stores_nothing(partnership: Partnership) -> None:
    first = services.profile_load(actor=partnership.analyst, text=GOOD)
    again = services.profile_load(actor=partnership.manager, text=GOOD)
    changed = services.profile_load(
        actor=partnership.manager, text=GOOD.replace("Gender", "SexCode")
    )

    assert (first.created, first.profile.version) == (True, 1)
    assert (again.created, again.profile.pk) == (False, first.profile.pk)
    assert (changed.created, changed.profile.version) == (True, 2)
    assert changed.profile.source_text == GOOD.replace("Gender", "SexCode")
    assert changed.profile.created_by == partnership.manager.user
    assert MappingProfile.objects.filter(name="police-niche").count() == 2
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="mapping_profile")
    assert created.count() == 2


@pytest.mark.parametrize("who", ["practitioner", "school_lead", "board", "admin"])
def test_only_hub_analysts_and_managers_load_profiles(partnership: Partnership, who: str) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
    with pytest.raises(AccessRefused):
        services.profile_load(actor=getattr(partnership, who), text=GOOD)
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before + 1
    assert not MappingProfile.objects.exists()


def test_an_invalid_profile_is_not_stored(partnership: Partnership) -> None:
    with pytest.raises(ProfileError):
        services.profile_load(actor=partnership.analyst, text=BROKEN)
    assert not MappingProfile.objects.exists()
