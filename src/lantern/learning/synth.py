"""The demo city's perpetrator learning: structured profiles for its persons of concern, a
synthetic history of earlier persons of concern (ended markings), and two case studies (one
approved by the hub manager, one waiting).

The history exists because a learning set of a handful of people can never be k-anonymous
(the export would rightly refuse it): a real hub accumulates persons of concern over years.
Each earlier person joins one of the profile groups the current ones form, so that the demo
shows the generalisation ladder at work rather than a refusal. Everything here is
synthetic, made with the seeded generator's names, and written through the services (so
the demo's audit log reads as a real one would).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from lantern.accounts.actors import actor_for_username
from lantern.core.access import Actor
from lantern.intelligence import access as intel_access
from lantern.intelligence import services as intel
from lantern.intelligence.models import Entity, EntityKind, PersonOfConcern
from lantern.learning import access, anonymity, learningset, services
from lantern.synth.networks import FAMILY, GIVEN

DEMO_ANALYST = "police.analyst"
ROLES = {
    "leading": ["organiser", "recruiter", "controller"],
    "taking_part": ["abuser", "facilitator"],
    "alone": ["lone"],
}
APPROACHES = [
    "social_media",
    "gaming",
    "through_peers",
    "street",
    "business",
    "parties",
    "care_setting",
]
CONTACTS = [
    ("police_stop", "Stopped in a car with two teenagers late at night; no further action."),
    ("licensing", "Taxi licence renewed although a complaint named the driver."),
    ("school_concern", "A school reported an adult waiting outside at the end of the day."),
    ("police_report", "Named by a parent as giving lifts to their daughter; not followed up."),
    ("housing", "Neighbours reported young people visiting a flat at night."),
]
#: Ages (at first concern) that fall in each broad band of the learning set's ladder.
BAND_AGES = {"18-24": (19, 24), "25-39": (26, 38), "40_and_over": (41, 55), "under_18": (16, 17)}


@dataclass
class LearningReport:
    profiles: int
    history: int
    case_studies: int
    level: int | None


def _profile(
    actor: Actor,
    r: random.Random,
    entity_pk: int,
    *,
    sex: str,
    role_group: str,
    first: date | None,
) -> None:
    entity = Entity.objects.get(pk=entity_pk)
    intel.profile_update(
        actor=actor,
        entity=entity,
        details=intel.ProfileDetails(
            sex=sex,
            group_role=r.choice(ROLES[role_group]),
            victim_approaches=r.sample(APPROACHES, r.randint(1, 2)),
            first_concern_on=first,
            review_on=timezone.localdate() + timedelta(days=r.randint(30, 180)),
        ),
    )
    for kind, words in r.sample(CONTACTS, r.randint(0, 2)):
        base = first or timezone.localdate()
        intel.earlier_contact_add(
            actor=actor,
            entity=entity,
            occurred_on=base - timedelta(days=r.randint(200, 1500)),
            contact_type=kind,
            service_name="Northwick services (synthetic)",
            what_happened=words,
        )


def _earlier_person(
    actor: Actor, r: random.Random, *, band: str, sex: str, role_group: str, place: Entity
) -> None:
    today = timezone.localdate()
    first = today - timedelta(days=r.randint(400, 2200))
    dob = None
    if band in BAND_AGES:
        low, high = BAND_AGES[band]
        dob = first - timedelta(days=365 * r.randint(low, high) + r.randint(30, 300))
    given = r.choice(GIVEN) if sex == "male" else r.choice(["Leanne", "Kerry", "Stacey", "Dawn"])
    man = intel.entity_create(
        actor=actor,
        details=intel.EntityDetails(
            kind=EntityKind.PERSON, label=f"{given} {r.choice(FAMILY)}", date_of_birth=dob
        ),
        confirm_new=True,
    )
    intel.concern_mark(actor=actor, entity=man)
    _profile(actor, r, man.pk, sex=sex, role_group=role_group, first=first)
    intel.link_add(
        actor=actor,
        details=intel.LinkDetails(
            from_entity=man,
            to_entity=place,
            link_type="seen_at",
            source_eval="2",
            intel_assessment="B",
            date_from=first + timedelta(days=r.randint(0, 30)),
            source_reference="Synthetic history",
        ),
    )
    disrupted = first + timedelta(days=r.randint(40, 120))
    intel.disruption_record(
        actor=actor,
        subject=man,
        activity=r.choice(["cawn", "arrest", "sexual_risk_order", "vehicle_stop"]),
        occurred_on=disrupted,
    )
    if r.random() < 0.4:  # new links followed within the window
        intel.link_add(
            actor=actor,
            details=intel.LinkDetails(
                from_entity=man,
                to_entity=place,
                link_type="works_at",
                source_eval="2",
                intel_assessment="C",
                date_from=disrupted + timedelta(days=r.randint(5, 80)),
                source_reference="Synthetic history",
            ),
        )
    intel.concern_end(actor=actor, entity=man, reason="Convicted (synthetic history)")


def add_learning(*, seed: int) -> LearningReport:
    """Profiles for every person of concern, the history that makes the learning set
    releasable, and two case studies."""
    r = random.Random(seed * 7_919 + 15)  # noqa: S311 - synthetic data, not security  # nosec B311
    actor = actor_for_username(DEMO_ANALYST, prefer=intel_access.may_read)
    current = list(PersonOfConcern.objects.order_by("pk").values_list("entity_id", flat=True))
    for entity_pk in current:
        sex = "female" if r.random() < 0.1 else "male"
        _profile(actor, r, entity_pk, sex=sex, role_group=r.choice(list(ROLES)), first=None)
    # Fill every (age band, sex, role group) the current profiles form to at least k, and
    # add a few groups of earlier persons of concern of their own.
    today = timezone.localdate()
    facts = learningset.facts(today=today)
    classes = Counter((anonymity.broad_band(f.age), f.sex, f.role_group) for f in facts)
    for extra in (("25-39", "male", "leading"), ("18-24", "male", "taking_part")):
        classes.setdefault(extra, 0)
    places = list(Entity.objects.filter(kind=EntityKind.LOCATION).order_by("pk")[:50])
    history = 0
    for (found_band, sex, group), count in sorted(classes.items()):
        band = found_band  # "not_known" (no date of birth) is a class of its own
        for _ in range(max(0, anonymity.K - count) + r.randint(0, 2)):
            _earlier_person(actor, r, band=band, sex=sex, role_group=group, place=r.choice(places))
            history += 1
    studies = _case_studies()
    try:
        level: int | None = anonymity.choose_level(learningset.facts(today=today)).number
    except anonymity.KAnonymityError:
        level = None
    return LearningReport(profiles=len(current), history=history, case_studies=studies, level=level)


def _case_studies() -> int:
    author = actor_for_username("hub.practitioner", prefer=access.may_write_case_studies)
    manager = actor_for_username("hub.manager", prefer=access.may_approve)
    analyst = actor_for_username("hub.analyst", prefer=access.may_write_case_studies)
    approved = services.case_study_write(
        actor=author,
        title="Support that did not stop at 18",
        summary=(
            "A young woman known to children's services was being exploited by an older man "
            "who gave her lifts and gifts. As her 18th birthday approached, her case was due to "
            "close. The hub flagged the transition; adult social care joined the plan three "
            "months early and her key worker stayed the same."
        ),
        learning=(
            "Exploitation does not end at 18. Planning the move to adult services early, with "
            "the same key worker, kept her engaged and the disruption of the man who "
            "exploited her on track."
        ),
        themes=["Transition at 18", "Consistent key worker"],
    )
    services.case_study_approve(actor=manager, study=approved)
    services.case_study_write(
        actor=analyst,
        title="A taxi licence as a chance to intervene",
        summary=(
            "A person of concern had held a taxi licence for years. An earlier complaint about "
            "young passengers had not reached the police or the hub."
        ),
        learning=(
            "Licensing complaints about young passengers now come to the hub, and licensing "
            "sits on the disruption panel."
        ),
        themes=["Licensing", "Earlier contacts with services"],
    )
    return 2
