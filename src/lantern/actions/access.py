"""Who sees and works on actions.

The hub sees every action. Any other agency sees the actions it owns (about a person only
while it may still see that person). Owners move their actions on and close them with an
outcome; the hub's caseworkers create them; the hub's managers see what is overdue, agency
by agency, and chase.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from lantern.actions.models import Action
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
    Role,
)
from lantern.people.access import active_involvement

OWNER = "owning agency"


@access.rule("action", "read", relations=(HUB, OWNER, OTHER))
def action_read(role: str, relation: str) -> access.Decision:
    """The hub reads every action; an agency reads the actions it owns."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    return READ if relation in (HUB, OWNER) else REFUSED


@access.rule("action", "create", relations=(HUB, OTHER))
def action_create_rule(role: str, relation: str) -> access.Decision:
    """Actions are set by the hub (at a meeting, in a plan, at triage, in a disruption
    plan)."""
    return CHANGE if relation == HUB and role in HUB_ROLES else REFUSED


@access.rule("action", "update, close", relations=(HUB, OWNER, OTHER))
def action_update(role: str, relation: str) -> access.Decision:
    """The owning agency, or the hub's caseworkers, move an action on and close it with an
    outcome."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    if relation == HUB:
        return CHANGE if role in CASEWORK_ROLES else REFUSED
    return CHANGE if relation == OWNER else REFUSED


@access.rule("overdue actions by agency", "read, chase", relations=(HUB, OTHER))
def overdue_oversight(role: str, relation: str) -> access.Decision:
    """The hub's managers see overdue actions agency by agency and chase an agency."""
    return CHANGE if relation == HUB and role == Role.MANAGER else REFUSED


def visible_actions(actor: Actor) -> models.QuerySet[Action]:
    qs = Action.objects.all()
    if access.allows(action_read, actor, HUB):
        return qs
    if access.allows(action_read, actor, OWNER):
        person_ok = Q(person__isnull=True) | Q(
            active_involvement(actor.agency.pk, models.OuterRef("person_id"))
        )
        return qs.filter(owner_agency_id=actor.agency.pk).filter(person_ok)
    return qs.none()


def action_refusal(actor: Actor) -> str:
    return access.refusal_text(actor, "this action")


def may_create(actor: Actor) -> bool:
    return access.may(action_create_rule, actor)


def may_update(actor: Actor, action: Action) -> bool:
    if access.allows(action_update, actor, HUB):
        return True
    return action.owner_agency_id == actor.agency.pk and access.allows(action_update, actor, OWNER)


def may_oversee(actor: Actor) -> bool:
    return access.may(overdue_oversight, actor)


access.register_object(Action, kind="action", visible=visible_actions, refusal=action_refusal)
