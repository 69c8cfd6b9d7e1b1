"""A small linkage world for the access matrix: a model, a run, a pair, a merge."""

from __future__ import annotations

from dataclasses import dataclass

from lantern.linkage import engine, services
from lantern.linkage.models import CandidatePair, LinkageModel, LinkageRun, PersonMerge
from lantern.people.models import Person
from tests.conftest import Partnership
from tests.factories import new_person
from tests.linkage.helpers import add_record, extract_for


@dataclass
class LinkageWorld:
    model: LinkageModel
    run: LinkageRun
    pair: CandidatePair
    merge: PersonMerge
    person: Person


def build_linkage_world(p: Partnership) -> LinkageWorld:
    from lantern.people.services import person_create

    police = extract_for(p.police, p.analyst, "police-niche")
    school = extract_for(p.school, p.analyst, "school-sims")
    left = add_record(
        police, "NP1", first_name="Kayleigh", last_name="Linkmatrix", date_of_birth="14/02/2011"
    )
    right = add_record(
        school, "S1", first_name="Kayley", last_name="Linkmatrix", date_of_birth="2011"
    )
    settings = engine.settings_for("lantern", "duckdb")
    engine.regularise(settings, u_sample=1e6)  # every level neutral: m = u
    model = LinkageModel.objects.create(
        version=1,
        splink_settings=settings,
        summary={"parameters": [], "em_sessions": [], "seconds": {"total": 1.0}},
        is_active=True,
    )
    run = LinkageRun.objects.create(
        model=model,
        status="done",
        rule_counts=[
            {"rule": "Same first and last name", "sql": "l.first_name = r.first_name", "pairs": 1}
        ],
    )
    pair = CandidatePair.objects.create(
        record_l=left,
        record_r=right,
        model=model,
        run=run,
        match_weight=1.5,
        match_probability=0.74,
        prior_weight=-13.0,
        contributions=[
            {
                "comparison": "first_name",
                "description": "First name",
                "label": "Nickname or short form (Kate, Katherine)",
                "gamma": 7,
                "weight": 4.0,
                "tf_weight": 0.0,
            },
            {
                "comparison": "last_name",
                "description": "Last name",
                "label": "Same last name",
                "gamma": 6,
                "weight": 9.5,
                "tf_weight": 1.0,
            },
        ],
    )
    survivor = person_create(
        actor=p.practitioner, details=new_person(given_name="Kayleigh", family_name="Linkmatrix")
    )
    absorbed = person_create(
        actor=p.practitioner, details=new_person(given_name="Kayley", family_name="Linkmatrix")
    )
    merge = services.people_merge(
        actor=p.practitioner, survivor=survivor, absorbed=absorbed, reason="Same school record"
    )
    return LinkageWorld(model=model, run=run, pair=pair, merge=merge, person=survivor)
