"""Reads of actions, scoped by the access policy and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lantern.actions import access as actions_access
from lantern.actions.dates import overdue_cutoff, working_days_overdue
from lantern.actions.models import CLOSED_STATUSES, LIVE_STATUSES, Action
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event

SCOPES = ("mine", "agency", "all")
#: "My work" shows live actions due within this many days, and every overdue one.
DUE_SOON_DAYS = 7


def _base(actor: Actor) -> QuerySet[Action]:
    return actions_access.visible_actions(actor).select_related(
        "owner_agency", "owner_user", "person", "case"
    )


def action_list(
    actor: Actor, *, scope: str = "mine", state: str = "live", person_id: int | None = None
) -> QuerySet[Action]:
    """Actions this actor may see: their own (``mine``), their agency's (``agency``) or, for
    the hub, every one (``all``); live, closed or both."""
    access.check(actor, actor.may_read_person_data, "see actions")
    qs = _base(actor)
    if scope == "mine":
        qs = qs.filter(owner_user=actor.user)
    elif scope == "agency" or not actor.is_hub:
        qs = qs.filter(owner_agency_id=actor.agency.pk)
    if state == "live":
        qs = qs.filter(status__in=LIVE_STATUSES)
    elif state == "closed":
        qs = qs.filter(status__in=CLOSED_STATUSES)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    audit.record(
        actor, Event.ACTIONS_LISTED, detail={"scope": scope, "state": state, "person": person_id}
    )
    return qs.order_by("due_on", "pk")


def action_get(actor: Actor, pk: int) -> Action:
    action = get_object_or_404(
        Action.objects.select_related("owner_agency", "owner_user", "person", "case"), pk=pk
    )
    access.require(actor, action)
    audit.record(actor, Event.ACTION_VIEWED, object_id=action.pk, person_id=action.person_id)
    return action


def decorate(actions: list[Action], today: date | None = None) -> list[Action]:
    """Set ``overdue`` and ``days_overdue`` (working days) on each action, for display."""
    today = today or timezone.localdate()
    for action in actions:
        days = working_days_overdue(action.due_on, today) if action.is_live else 0
        action.days_overdue = days  # type: ignore[attr-defined]
        action.overdue = days > 0  # type: ignore[attr-defined]
    return actions


@dataclass
class AgencyOverdue:
    agency: Any
    actions: list[Action] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.actions)

    @property
    def oldest(self) -> Action:
        return self.actions[0]


def overdue_by_agency(actor: Actor, today: date | None = None) -> list[AgencyOverdue]:
    """Every overdue live action, grouped by the owning agency (the hub's managers)."""
    access.check(
        actor,
        actions_access.may_oversee(actor),
        "see overdue actions by agency",
        object_type="action",
    )
    today = today or timezone.localdate()
    overdue = list(
        _base(actor)
        .filter(status__in=LIVE_STATUSES, due_on__lt=overdue_cutoff(today))
        .prefetch_related("chases")
        .order_by("owner_agency__name", "due_on", "pk")
    )
    decorate(overdue, today)
    groups: dict[int, AgencyOverdue] = {}
    for action in overdue:
        groups.setdefault(
            action.owner_agency_id, AgencyOverdue(action.owner_agency)
        ).actions.append(action)
    audit.record(actor, Event.ACTIONS_OVERDUE_LISTED, detail={"overdue": len(overdue)})
    return list(groups.values())


def actions_due_for(actor: Actor, today: date | None = None) -> list[Action]:
    """For "My work": live actions owned by this user, or by their agency with no named
    owner, that are overdue or due within a week. Audited as a list."""
    if not actor.may_read_person_data:
        return []
    today = today or timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    mine = Q(owner_user=actor.user) | Q(owner_agency_id=actor.agency.pk, owner_user__isnull=True)
    actions = list(
        _base(actor).filter(mine, status__in=LIVE_STATUSES, due_on__lte=soon).order_by("due_on")
    )
    audit.record(actor, Event.ACTIONS_LISTED, detail={"scope": "due", "count": len(actions)})
    return decorate(actions, today)


def home_panel(actor: Actor, _obj: object = None) -> dict[str, Any]:
    """The home page's actions due for this user and their agency."""
    if not actor.may_read_person_data:
        return {}
    return {"actions_due": actions_due_for(actor)}
