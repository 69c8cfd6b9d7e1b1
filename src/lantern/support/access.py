"""Who may see and record a person's long-term support (key worker, contacts, their own
words, consent, outcomes, the NRM journey), and who sees the work lists.

Support follows the person: the hub and any agency involved with the person read it (the
same need to know as the person's record); contacts, the person's words and outcome
measures are recorded by whoever works with them; key workers, consent and the NRM journey
are the hub caseworkers' to record. Board members and administrators see none of it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import OuterRef

from lantern.core import access
from lantern.core.access import (
    CASEWORK_ROLES,
    CHANGE,
    HUB,
    INVOLVED,
    OTHER,
    PERSON_DATA_ROLES,
    READ,
    REFUSED,
    Actor,
    Role,
)
from lantern.people import access as people_access
from lantern.people.models import Person
from lantern.support.models import ConsentRecord, NrmJourney

OWN = "own work"


@access.rule("support record", "read", relations=(HUB, INVOLVED, OTHER))
def support_read(role: str, relation: str) -> access.Decision:
    """A person's support history is read by the hub and by agencies involved with the
    person; never by an uninvolved agency, a board member or an administrator."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    return READ if relation in (HUB, INVOLVED) else REFUSED


@access.rule("contact, voice, outcome measure", "record", relations=(HUB, INVOLVED, OTHER))
def support_record(role: str, relation: str) -> access.Decision:
    """Contacts, the person's own words and outcome measures are recorded by the hub and by
    any agency involved with the person (the one that saw them)."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    return CHANGE if relation in (HUB, INVOLVED) else REFUSED


@access.rule("key worker, consent, NRM journey", "record", relations=(HUB, INVOLVED, OTHER))
def support_manage(role: str, relation: str) -> access.Decision:
    """Choosing the key worker, recording consent (and its withdrawal) and the NRM journey:
    the hub's caseworkers."""
    return CHANGE if relation == HUB and role in CASEWORK_ROLES else REFUSED


@access.rule("work list", "read", relations=(OWN,))
def work_list_read(role: str, relation: str) -> access.Decision:
    """Everyone who works with people sees their own work list (items about people they may
    see)."""
    return READ if role in PERSON_DATA_ROLES else REFUSED


@access.rule("caseloads and contacts overdue", "read", relations=(HUB, OTHER))
def caseloads_read(role: str, relation: str) -> access.Decision:
    """Caseloads per key worker, contacts overdue and people longest without a planned
    contact: the hub's managers."""
    return READ if relation == HUB and role == Role.MANAGER else REFUSED


def _relation(actor: Actor, person: Person) -> str:
    if actor.is_hub:
        return HUB
    return INVOLVED if people_access.can_see_person(actor, person) else OTHER


def may_read_support(actor: Actor, person: Person) -> bool:
    return access.allows(support_read, actor, _relation(actor, person))


def may_record_support(actor: Actor, person: Person) -> bool:
    return access.allows(support_record, actor, _relation(actor, person))


def may_manage_support(actor: Actor) -> bool:
    return access.may(support_manage, actor)


def may_see_work_list(actor: Actor) -> bool:
    return access.allows(work_list_read, actor, OWN)


def may_see_caseloads(actor: Actor) -> bool:
    return access.may(caseloads_read, actor)


def support_refusal(actor: Actor) -> str:
    return access.refusal_text(actor, "this person's support")


def require_support(actor: Actor, person: Person) -> None:
    if not may_read_support(actor, person):
        raise access.refuse(
            actor, support_refusal(actor), object_type="person", object_id=person.pk
        )


def support_scope(actor: Actor, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """``qs`` (rows with a ``person``) narrowed to the support this actor may read."""
    if access.allows(support_read, actor, HUB):
        return qs
    if access.allows(support_read, actor, INVOLVED):
        return qs.filter(people_access.active_involvement(actor.agency.pk, OuterRef("person_id")))
    return qs.none()


def visible_consents(actor: Actor) -> models.QuerySet[ConsentRecord]:
    return support_scope(actor, ConsentRecord.objects.all())


def visible_journeys(actor: Actor) -> models.QuerySet[NrmJourney]:
    return support_scope(actor, NrmJourney.objects.all())


access.register_object(
    ConsentRecord, kind="consent", visible=visible_consents, refusal=support_refusal
)
access.register_object(
    NrmJourney, kind="nrm_journey", visible=visible_journeys, refusal=support_refusal
)
