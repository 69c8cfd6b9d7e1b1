"""Who may run and read meetings, read issued minutes, and read and review plans.

The meeting record (agenda, notes, decisions) is the hub's working record: the hub runs it,
and its room view shows the room only what every attending agency may see. Other agencies
receive minutes: each reads the version issued to it, in which what it may not see is
redacted (:mod:`lantern.meetings.redaction`). A case's plan is read by the agencies in the
case and written and reviewed by the hub's caseworkers.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef

from lantern.cases.access import MEMBER, visible_cases
from lantern.cases.models import Case, CaseAgency
from lantern.core import access
from lantern.core.access import (
    CASEWORK_ROLES,
    CHANGE,
    HUB,
    HUB_ROLES,
    OTHER,
    PERSON_DATA_ROLES,
    READ,
    REFUSED,
    Actor,
)
from lantern.meetings.models import Meeting, Minutes, Plan

RECIPIENT = "agency it was issued to"


@access.rule("meeting", "schedule, run, issue minutes", relations=(HUB, OTHER))
def meeting_run(role: str, relation: str) -> access.Decision:
    """The hub's caseworkers schedule meetings, set the agenda, record the meeting and issue
    its minutes."""
    return CHANGE if relation == HUB and role in CASEWORK_ROLES else REFUSED


@access.rule("meeting", "read record, room view", relations=(HUB, OTHER))
def meeting_read(role: str, relation: str) -> access.Decision:
    """The meeting's working record and its room view are the hub's; other agencies receive
    minutes."""
    return READ if relation == HUB and role in HUB_ROLES else REFUSED


@access.rule("minutes", "read", relations=(HUB, RECIPIENT, OTHER))
def minutes_read(role: str, relation: str) -> access.Decision:
    """The hub reads every version of issued minutes; an agency reads the version issued to
    it (with what it may not see redacted)."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    return READ if relation in (HUB, RECIPIENT) else REFUSED


@access.rule("plan", "read", relations=(HUB, MEMBER, OTHER))
def plan_read(role: str, relation: str) -> access.Decision:
    """A case's multi-agency plan is read by the hub and by the agencies in the case."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    return READ if relation in (HUB, MEMBER) else REFUSED


@access.rule("plan", "write, review", relations=(HUB, OTHER))
def plan_write(role: str, relation: str) -> access.Decision:
    """The hub's caseworkers write and review plans."""
    return CHANGE if relation == HUB and role in CASEWORK_ROLES else REFUSED


def visible_meetings(actor: Actor) -> models.QuerySet[Meeting]:
    if access.allows(meeting_read, actor, HUB):
        return Meeting.objects.all()
    return Meeting.objects.none()


def visible_minutes(actor: Actor) -> models.QuerySet[Minutes]:
    if access.allows(minutes_read, actor, HUB):
        return Minutes.objects.all()
    if access.allows(minutes_read, actor, RECIPIENT):
        return Minutes.objects.filter(recipient_id=actor.agency.pk)
    return Minutes.objects.none()


def visible_plans(actor: Actor) -> models.QuerySet[Plan]:
    if access.allows(plan_read, actor, HUB):
        return Plan.objects.all()
    if access.allows(plan_read, actor, MEMBER):
        member = CaseAgency.objects.filter(
            case=OuterRef("case_id"), agency_id=actor.agency.pk, left_at__isnull=True
        )
        return Plan.objects.filter(Exists(member))
    return Plan.objects.none()


def may_run(actor: Actor) -> bool:
    return access.may(meeting_run, actor)


def may_read_meetings(actor: Actor) -> bool:
    return access.may(meeting_read, actor)


def may_write_plan(actor: Actor) -> bool:
    return access.may(plan_write, actor)


def plan_readable_cases(actor: Actor) -> models.QuerySet[Case]:
    """The cases whose plan (written or not yet) the actor may read."""
    if access.allows(plan_read, actor, HUB):
        return Case.objects.all()
    if access.allows(plan_read, actor, MEMBER):
        return visible_cases(actor)
    return Case.objects.none()


def may_read_plan_of(actor: Actor, case_id: int) -> bool:
    """Whether the actor may read the plan of this case (even before one is written)."""
    if access.allows(plan_read, actor, HUB):
        return True
    return access.allows(plan_read, actor, MEMBER) and (
        visible_cases(actor).filter(pk=case_id).exists()
    )


def _meeting_refusal(actor: Actor) -> str:
    return access.hub_only_refusal(
        actor,
        "this meeting",
        "A meeting's working record is the hub's. Your agency receives its minutes.",
    )


def _minutes_refusal(actor: Actor) -> str:
    return access.refusal_text(actor, "these minutes")


def _plan_refusal(actor: Actor) -> str:
    return access.refusal_text(actor, "this plan")


access.register_object(Meeting, kind="meeting", visible=visible_meetings, refusal=_meeting_refusal)
access.register_object(Minutes, kind="minutes", visible=visible_minutes, refusal=_minutes_refusal)
access.register_object(Plan, kind="plan", visible=visible_plans, refusal=_plan_refusal)
