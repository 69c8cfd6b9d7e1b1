"""Who may see a person's record (DESIGN.md, "Need to know").

Hub roles acting at the hub see every person; any other agency sees a person only while it
is involved: an active :class:`~lantern.people.models.Involvement`, written when it refers,
joins a case, or is given an explicit share with a lawful basis.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef

from lantern.core import access
from lantern.core.access import HUB, INVOLVED, OTHER, PERSON_DATA_ROLES, READ, REFUSED, Actor
from lantern.people.models import Involvement, Person


@access.rule("person", "read", relations=(HUB, INVOLVED, OTHER))
def person_read(role: str, relation: str) -> access.Decision:
    """A hub role at the hub reads every person; another agency reads a person while it is
    involved (a referral it made, a case it belongs to, an explicit share); board members
    and administrators never read a person's record."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    return READ if relation in (HUB, INVOLVED) else REFUSED


def active_involvement(agency_id: int, person_ref: Any) -> Exists:
    """True where the agency is involved with the person now."""
    return Exists(
        Involvement.objects.filter(person=person_ref, agency_id=agency_id, ended_at__isnull=True)
    )


def person_scope(actor: Actor, qs: models.QuerySet[Any], person_ref: Any) -> models.QuerySet[Any]:
    """``qs`` narrowed to rows about people this actor may read (``person_ref``: the
    person's key in ``qs``, e.g. ``OuterRef("person_id")``)."""
    if access.allows(person_read, actor, HUB):
        return qs
    if access.allows(person_read, actor, INVOLVED):
        return qs.filter(active_involvement(actor.agency.pk, person_ref))
    return qs.none()


def visible_people(actor: Actor) -> models.QuerySet[Person]:
    """Every person this actor may see; empty for roles without person data."""
    return person_scope(actor, Person.objects.filter(merged_into__isnull=True), OuterRef("pk"))


def can_see_person(actor: Actor, person: Person) -> bool:
    if access.allows(person_read, actor, HUB):
        return True
    return (
        access.allows(person_read, actor, INVOLVED)
        and Involvement.objects.filter(
            person=person, agency_id=actor.agency.pk, ended_at__isnull=True
        ).exists()
    )


def person_refusal(actor: Actor) -> str:
    return access.refusal_text(actor, "this person's record")


def require_person(actor: Actor, person: Person) -> None:
    if not can_see_person(actor, person):
        raise access.refuse(actor, person_refusal(actor), object_type="person", object_id=person.pk)


access.register_object(Person, kind="person", visible=visible_people, refusal=person_refusal)
