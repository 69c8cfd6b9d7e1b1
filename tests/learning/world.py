"""A small learning world: persons of concern with profiles, links and disruption; a case
study waiting for approval; another area's pack imported."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from lantern.core.access import Actor
from lantern.intelligence import graphstore
from lantern.intelligence import services as intel
from lantern.intelligence.models import Entity, EntityKind
from lantern.learning import pack as packs
from lantern.learning import services
from lantern.learning.models import CaseStudy, ImportedPack
from tests.conftest import Partnership

FIRST_CONCERN = timezone.localdate().replace(day=1) - timedelta(days=200)
SURNAMES = ["Ashdown", "Bellamy", "Corrigan", "Dunstable", "Eversley", "Fenwick", "Garside"]


def _link(actor: Actor, a: Entity, b: Entity, kind: str, when: date) -> None:
    intel.link_add(
        actor=actor,
        details=intel.LinkDetails(
            from_entity=a,
            to_entity=b,
            link_type=kind,
            source_eval="2",
            intel_assessment="B",
            date_from=when,
            source_reference="IR/2026/77",
        ),
    )


def persons_of_concern(p: Partnership, n: int) -> list[Entity]:
    """``n`` men of about 30, organisers, first of concern in the same month, each with a
    place, a car, a person at risk and a disruption (every other one followed by a link)."""
    graphstore.reset()
    actor = p.analyst
    made = []
    dob = FIRST_CONCERN.replace(year=FIRST_CONCERN.year - 31)
    for i in range(n):
        man = intel.entity_create(
            actor=actor,
            details=intel.EntityDetails(
                kind=EntityKind.PERSON,
                label=f"Karl {SURNAMES[i % len(SURNAMES)]}{i}",
                date_of_birth=dob,
            ),
            confirm_new=True,
        )
        intel.concern_mark(actor=actor, entity=man)
        intel.profile_update(
            actor=actor,
            entity=man,
            details=intel.ProfileDetails(
                sex="male",
                group_role="organiser",
                victim_approaches=["social_media", "business"],
                first_concern_on=FIRST_CONCERN,
            ),
        )
        place = intel.entity_create(
            actor=actor,
            details=intel.EntityDetails(
                kind=EntityKind.LOCATION,
                label=f"Takeaway {i}",
                subtype="takeaway",
                postcode=f"NE{i + 1} 1AA",
            ),
            confirm_new=True,
        )
        victim = intel.entity_create(
            actor=actor,
            details=intel.EntityDetails(kind=EntityKind.PERSON, label=f"Jodie Victimname{i}"),
            confirm_new=True,
            at_risk=True,
        )
        _link(actor, man, place, "seen_at", FIRST_CONCERN + timedelta(days=3))
        _link(actor, victim, place, "taken_to", FIRST_CONCERN + timedelta(days=4))
        intel.disruption_record(
            actor=actor,
            subject=man,
            activity="cawn",
            occurred_on=FIRST_CONCERN + timedelta(days=20),
        )
        if i % 2 == 0:
            other = intel.entity_create(
                actor=actor,
                details=intel.EntityDetails(
                    kind=EntityKind.LOCATION,
                    label=f"Hotel {i}",
                    subtype="hotel",
                    postcode=f"NE{i + 1} 2AA",
                ),
                confirm_new=True,
            )
            _link(actor, man, other, "seen_at", FIRST_CONCERN + timedelta(days=40))
        intel.earlier_contact_add(
            actor=actor,
            entity=man,
            occurred_on=FIRST_CONCERN - timedelta(days=400),
            contact_type="licensing",
            service_name="Council taxi licensing",
            what_happened=f"Licence renewed for Karl {i} despite a complaint.",
        )
        made.append(man)
    return made


def case_study(p: Partnership, title: str = "Recognising exploitation at 18") -> CaseStudy:
    return services.case_study_write(
        actor=p.practitioner,
        title=title,
        summary="A young woman's support stopped at 18 although the risk had not.",
        learning="Adult services now join the plan three months before the 18th birthday.",
        themes=["Transition at 18"],
    )


def their_pack(p: Partnership, period: str, *, area: str = "Southby") -> dict[str, Any]:
    """Another area's pack: ours, relabelled (same shape, so it compares like for like)."""
    content = packs.build(period).content
    content["area"] = {"name": f"{area} (synthetic)", "code": area.lower()}
    return content


def import_their_pack(p: Partnership, period: str) -> ImportedPack:
    return services.pack_import(
        actor=p.manager, raw=json.dumps(their_pack(p, period)), source_name="southby.json"
    )


@dataclass
class LearningWorld:
    concerns: list[Entity]
    study: CaseStudy
    imported: ImportedPack
    period: str


def build(p: Partnership, n: int = 6) -> LearningWorld:
    from lantern.reporting.periods import quarter_of

    period = quarter_of(timezone.localdate()).key
    concerns = persons_of_concern(p, n)
    study = case_study(p)
    return LearningWorld(concerns, study, import_their_pack(p, period), period)


def quarter_of_today() -> str:
    from lantern.reporting.periods import quarter_of

    return quarter_of(timezone.localdate()).key
