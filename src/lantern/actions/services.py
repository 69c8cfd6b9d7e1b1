"""Every write to actions. Other apps (meetings, plans, triage, intelligence's disruption
plans) create actions through :func:`action_create`, naming their source generically."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lantern.actions import access as actions_access
from lantern.actions.dates import due_in_working_days, overdue_cutoff
from lantern.actions.models import (
    CLOSED_STATUSES,
    LIVE_STATUSES,
    Action,
    ActionChase,
    ActionStatus,
)
from lantern.agencies.models import Agency
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import ConflictError, InvalidError
from lantern.core.events import Event
from lantern.core.limits import MAX_TEXT
from lantern.people.models import Involvement

MAX_TITLE = 300
MAX_WORKING_DAYS = 260
SOURCE_KIND = re.compile(r"^[a-z_]{1,40}$")
#: Labels of the sources Lantern knows; another app may name its own kind.
SOURCE_LABELS = {
    "meeting_item": "Meeting",
    "plan": "Multi-agency plan",
    "triage": "Triage",
    "referral": "Referral",
    "disruption_plan": "Disruption plan",
}


def _owner_may_see_person(agency: Agency, person: Any) -> bool:
    if agency.is_hub:
        return True
    return bool(
        Involvement.objects.filter(
            person=person, agency_id=agency.pk, ended_at__isnull=True
        ).exists()
    )


def _due(due_on: date | None, due_working_days: int | None) -> tuple[date | None, str]:
    """The due date from a date or a number of working days (exactly one), or an error."""
    if (due_on is None) == (due_working_days is None):
        return None, "Give a due date, or a number of working days, but not both"
    if due_working_days is not None:
        if not 1 <= due_working_days <= MAX_WORKING_DAYS:
            return None, f"Give between 1 and {MAX_WORKING_DAYS} working days"
        return due_in_working_days(timezone.localtime(), due_working_days), ""
    assert due_on is not None  # noqa: S101  # nosec B101 - exactly one is given
    if due_on < timezone.localdate():
        return due_on, "The due date must be today or later"
    return due_on, ""


def _validate_new(
    *,
    title: str,
    owner_agency_id: int | None,
    owner_user_id: int | None,
    due_on: date | None,
    due_working_days: int | None,
    source_kind: str,
    person: Any,
) -> tuple[Agency | None, date | None]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Say what is to be done"
    elif len(title.strip()) > MAX_TITLE:
        errors["title"] = f"Write no more than {MAX_TITLE} characters"
    agency = Agency.objects.filter(pk=owner_agency_id).first() if owner_agency_id else None
    if agency is None:
        errors["owner_agency"] = "Select the agency that will do it"
    elif person is not None and not _owner_may_see_person(agency, person):
        errors["owner_agency"] = (
            f"{agency.name} is not involved with this person, so it cannot be given an "
            "action about them; add the agency to the case first"
        )
    if owner_user_id and agency is not None:
        user_model = get_user_model()
        if not user_model.objects.filter(
            pk=owner_user_id, memberships__agency=agency, memberships__is_active=True
        ).exists():
            errors["owner_user"] = f"The person who owns it must work for {agency.name}"
    due, due_error = _due(due_on, due_working_days)
    if due_error:
        errors["due_on"] = due_error
    if source_kind and not SOURCE_KIND.match(source_kind):
        errors["source_kind"] = "A source kind is lower-case letters and underscores"
    if errors:
        raise InvalidError(errors)
    return agency, due


def action_create(
    *,
    actor: Actor,
    title: str,
    owner_agency_id: int | None,
    owner_user_id: int | None = None,
    due_on: date | None = None,
    due_working_days: int | None = None,
    source_kind: str = "",
    source_id: int | None = None,
    source_label: str = "",
    person: Any = None,
    case: Any = None,
) -> Action:
    """Set an action: owned by an agency (and optionally one of its people), due on a date
    or in N working days, from a named source. An action about a person can only be owned
    by an agency that may see them. Safe to call inside the caller's transaction."""
    access.check(actor, actions_access.may_create(actor), "set actions", object_type="action")
    if person is None and case is not None:
        person = case.person
    agency, due = _validate_new(
        title=title,
        owner_agency_id=owner_agency_id,
        owner_user_id=owner_user_id,
        due_on=due_on,
        due_working_days=due_working_days,
        source_kind=source_kind,
        person=person,
    )
    assert agency is not None  # noqa: S101  # nosec B101 - _validate_new refuses otherwise
    assert due is not None  # noqa: S101  # nosec B101 - _validate_new refuses otherwise
    with transaction.atomic():
        action = Action.objects.create(
            title=title.strip(),
            owner_agency=agency,
            owner_user_id=owner_user_id or None,
            due_on=due,
            source_kind=source_kind,
            source_id=source_id,
            source_label=(source_label or SOURCE_LABELS.get(source_kind, ""))[:300],
            person=person,
            case=case,
            created_by=actor.user,
            created_by_agency=actor.agency,
        )
        audit.record(
            actor,
            Event.ACTION_CREATED,
            object_id=action.pk,
            person_id=person.pk if person is not None else None,
            detail={
                "owner_agency": agency.pk if agency else None,
                "due_on": str(due),
                "source": [source_kind, source_id],
            },
        )
    return action


def action_update(
    *,
    actor: Actor,
    action: Action,
    status: str,
    outcome: str = "",
    owner_user_id: int | None = None,
) -> Action:
    """Move an action on. **An action cannot be closed (done or cancelled) without an
    outcome**; a closed action stays closed (set a new one instead)."""
    access.require(actor, action)
    access.check(
        actor,
        actions_access.may_update(actor, action),
        "change this action",
        object_type="action",
        object_id=action.pk,
    )
    errors: dict[str, str] = {}
    if status not in ActionStatus.values:
        errors["status"] = "Select a status"
    if status in CLOSED_STATUSES and not outcome.strip():
        errors["outcome"] = "Say what came of the action before closing it"
    if len(outcome) > MAX_TEXT:
        errors["outcome"] = f"Write no more than {MAX_TEXT:,} characters"
    if owner_user_id:
        user_model = get_user_model()
        if not user_model.objects.filter(
            pk=owner_user_id,
            memberships__agency_id=action.owner_agency_id,
            memberships__is_active=True,
        ).exists():
            errors["owner_user"] = "The person who owns it must work for the owning agency"
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.status in CLOSED_STATUSES:
            raise ConflictError("This action is closed; set a new action if more is needed")
        before = {"status": locked.status, "owner_user": locked.owner_user_id}
        locked.status = status
        locked.outcome = outcome.strip()
        if owner_user_id:
            locked.owner_user_id = owner_user_id
        closing = status in CLOSED_STATUSES
        if closing:
            locked.closed_at = timezone.now()
            locked.closed_by = actor.user
        locked.save()
        audit.record(
            actor,
            Event.ACTION_CLOSED if closing else Event.ACTION_UPDATED,
            object_id=locked.pk,
            person_id=locked.person_id,
            detail={"before": before, "after": {"status": status}},
        )
    return locked


def action_chase_agency(*, actor: Actor, agency_id: int, note: str = "") -> int:
    """Chase an agency about every action of theirs that is overdue: one chase per action,
    each audited. Returns how many were chased."""
    access.check(
        actor,
        actions_access.may_oversee(actor),
        "chase agencies about actions",
        object_type="action",
    )
    if len(note) > MAX_TEXT:
        raise InvalidError({"note": f"Write no more than {MAX_TEXT:,} characters"})
    cutoff = overdue_cutoff(timezone.localdate())
    with transaction.atomic():
        overdue = list(
            Action.objects.select_for_update().filter(
                owner_agency_id=agency_id, status__in=LIVE_STATUSES, due_on__lt=cutoff
            )
        )
        if not overdue:
            raise ConflictError("That agency has no overdue actions to chase")
        for action in overdue:
            ActionChase.objects.create(
                action=action, agency_id=agency_id, chased_by=actor.user, note=note.strip()
            )
            audit.record(
                actor,
                Event.ACTION_CHASED,
                object_id=action.pk,
                person_id=action.person_id,
                detail={"agency": agency_id},
            )
    return len(overdue)
