"""Who may see and record risk screenings.

Screenings follow the person: whoever may see the person sees the screening level;
restricted evidence in them is masked by the restricted-category rule
(:func:`lantern.cases.access.restricted_read`). Screening and the work lists of due
screenings and transitions at 18 are hub casework.
"""

from __future__ import annotations

from django.db import models
from django.db.models import OuterRef, Q

from lantern.cases.access import restricted_q
from lantern.core import access
from lantern.core.access import ANY, CASEWORK_ROLES, CHANGE, HUB, OTHER, READ, REFUSED, Actor, Role
from lantern.people.access import person_scope, require_person
from lantern.people.models import Person
from lantern.screening.models import Screening


@access.rule("screening", "record", relations=(HUB, OTHER))
def screening_record(role: str, relation: str) -> access.Decision:
    """Screening is hub casework: practitioners and managers at the hub."""
    return CHANGE if relation == HUB and role in CASEWORK_ROLES else REFUSED


@access.rule("screening work list", "read", relations=(HUB, OTHER))
def screening_work_read(role: str, relation: str) -> access.Decision:
    """Due screenings and transitions at 18 are listed for the hub's caseworkers."""
    return READ if relation == HUB and role in CASEWORK_ROLES else REFUSED


@access.rule("screening instrument", "load", relations=(ANY,))
def instrument_load(role: str, relation: str) -> access.Decision:
    """Loading a screening instrument is the system owner's job, as with vocabularies."""
    return CHANGE if role == Role.ADMINISTRATOR else REFUSED


def visible_screenings(actor: Actor) -> models.QuerySet[Screening]:
    """Screenings of the people this actor may see (:func:`~lantern.people.access.person_read`)."""
    return person_scope(actor, Screening.objects.all(), OuterRef("person_id"))


def screening_refusal(actor: Actor) -> str:
    return access.refusal_text(actor, "this person's screening")


def require_screening(actor: Actor, screening: Screening) -> None:
    access.require(actor, screening)


def restricted_screening_filter(actor: Actor) -> Q:
    """A Q over a screening's answers or suggestions: the ones whose restricted evidence
    this actor may read. The level itself is never restricted."""
    return restricted_q(actor, author="screening__screened_by_id", person="screening__person_id")


def may_screen(actor: Actor) -> bool:
    return access.may(screening_record, actor)


def require_screen(actor: Actor, person: Person) -> None:
    """Refuse (the refusal is audited) unless this actor may screen this person's risk."""
    access.check(
        actor,
        may_screen(actor),
        "screen a person's risk",
        object_type="person",
        object_id=person.pk,
    )
    require_person(actor, person)


def may_see_screening_work(actor: Actor) -> bool:
    return access.may(screening_work_read, actor)


def may_manage_instruments(actor: Actor) -> bool:
    return instrument_load(actor.role, ANY).allows


access.register_object(
    Screening, kind="screening", visible=visible_screenings, refusal=screening_refusal
)
