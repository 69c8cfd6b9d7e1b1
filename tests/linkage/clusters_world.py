"""A pair whose two records each belong to a person of several agency records, and who,
joined, would have two valid NHS numbers and two dates of birth that cannot both be true."""

from __future__ import annotations

from dataclasses import dataclass

from lantern.imports.models import SourceRecord
from lantern.linkage.models import CandidatePair
from lantern.people.models import Person
from tests.conftest import Partnership
from tests.linkage.helpers import add_record, extract_for, install_model

CONTRIBUTIONS = [
    {
        "comparison": "first_name",
        "description": "First name",
        "label": "Same first name",
        "gamma": 8,
        "weight": 6.8,
        "tf_weight": 0.0,
    },
    {
        "comparison": "last_name",
        "description": "Last name",
        "label": "Same last name",
        "gamma": 6,
        "weight": 7.5,
        "tf_weight": 0.0,
    },
    {
        "comparison": "date_of_birth",
        "description": "Date of birth",
        "label": "Same birthday, year different",
        "gamma": 1,
        "weight": 1.2,
        "tf_weight": 0.0,
    },
    {
        "comparison": "nhs_number",
        "description": "NHS number",
        "label": "NHS number missing",
        "gamma": -1,
        "weight": 0.0,
        "tf_weight": 0.0,
    },
]


@dataclass
class Clusters:
    pair: CandidatePair
    left: Person
    right: Person
    records: dict[str, SourceRecord]


def _person(p: Partnership, given: str, family: str) -> Person:
    return Person.objects.create(given_name=given, family_name=family, created_by_agency=p.hub)


def build(p: Partnership) -> Clusters:
    model = install_model({"comparisons": []})
    police = extract_for(p.police, p.analyst, "police-niche")
    school = extract_for(p.school, p.analyst, "school-sims")
    housing = extract_for(p.housing, p.analyst, "housing-orchard")
    records = {
        "police": add_record(
            police,
            "NP7001",
            first_name="Jade",
            last_name="HOLLIS",
            date_of_birth="14/02/2011",
            nhs_number="943 476 5919",
            postcode="NK1 4AB",
            phone="07700 900123",
        ),
        "housing": add_record(
            housing,
            "H-88",
            first_name="Jayde",
            last_name="Hollis",
            date_of_birth="14/02/2011",
            nhs_number="9434765919",
            postcode="NK1 4AB",
        ),
        "school": add_record(
            school,
            "S1",
            first_name="Jade",
            last_name="Hollis",
            date_of_birth="14/02/2012",
            postcode="NK2 7QT",
        ),
        "school2": add_record(
            school,
            "S1-old",
            first_name="Jade",
            middle_names="Marie",
            last_name="Hollis-Ward",
            date_of_birth="2012",
            nhs_number="4010232137",
            phone="07700 900456",
        ),
    }
    left, right = _person(p, "Jade", "Hollis"), _person(p, "Jade", "Hollis")
    SourceRecord.objects.filter(pk__in=[records["police"].pk, records["housing"].pk]).update(
        person=left
    )
    SourceRecord.objects.filter(pk__in=[records["school"].pk, records["school2"].pk]).update(
        person=right
    )
    ends = sorted([records["police"].pk, records["school"].pk])
    pair = CandidatePair.objects.create(
        record_l_id=ends[0],
        record_r_id=ends[1],
        model=model,
        match_weight=2.0,
        match_probability=0.8,
        prior_weight=-13.5,
        contributions=CONTRIBUTIONS,
    )
    for record in records.values():
        record.refresh_from_db()
    return Clusters(pair=pair, left=left, right=right, records=records)
