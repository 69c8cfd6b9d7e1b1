"""Restricted access: request → a manager approves or refuses → a time-limited grant; and
emergency "break glass" access, taken at once with a reason and reviewed by a manager.

A grant lets one user, acting for one agency, read one restricted category (sexual health,
unproven allegations, informant intelligence) of one person's record
(:func:`lantern.cases.access.restricted_read`, relation "approved grant").
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lantern.cases.access import restricted_access_decide, restricted_access_request
from lantern.cases.models import RestrictedAccessGrant
from lantern.core import access, audit
from lantern.core.access import HUB, INVOLVED, Actor, RestrictedCategory
from lantern.core.errors import ConflictError, DomainError
from lantern.core.events import Event
from lantern.people import access as people_access
from lantern.people.models import Person

MIN_REASON = 10
OBJECT = "restricted_access_grant"


def grant_period() -> timedelta:
    """How long an approved grant lasts (``LANTERN_RESTRICTED_GRANT_DAYS``, default 30)."""
    return timedelta(days=float(getattr(settings, "LANTERN_RESTRICTED_GRANT_DAYS", 30)))


def break_glass_period() -> timedelta:
    """How long emergency access lasts (``LANTERN_BREAK_GLASS_HOURS``, default 24)."""
    return timedelta(hours=float(getattr(settings, "LANTERN_BREAK_GLASS_HOURS", 24)))


def _may_request(actor: Actor) -> bool:
    return access.allows(restricted_access_request, actor, HUB) or access.allows(
        restricted_access_request, actor, INVOLVED
    )


def _check_request(actor: Actor, person: Person, category: str, reason: str) -> str:
    access.check(
        actor,
        _may_request(actor),
        "ask for restricted access",
        object_type="person",
        object_id=person.pk,
    )
    people_access.require_person(actor, person)
    if category not in RestrictedCategory.values:
        raise DomainError("Choose which restricted category you need", field="category")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise DomainError(
            "Say why you need it: what you need to know, and to keep whom safe", field="reason"
        )
    if category in actor.restricted_categories:
        raise ConflictError(
            "Your role already reads this category of restricted entries", field="category"
        )
    if cases_grants_active(actor, person).filter(category=category).exists():
        raise ConflictError("You already have access to this category", field="category")
    return reason


def cases_grants_active(actor: Actor, person: Person) -> QuerySet[RestrictedAccessGrant]:
    return RestrictedAccessGrant.objects.active().filter(
        user_id=actor.user.pk, agency_id=actor.agency.pk, person=person
    )


def grant_request(
    *, actor: Actor, person: Person, category: str, reason: str
) -> RestrictedAccessGrant:
    """Ask a manager for access to one restricted category of a person's record."""
    reason = _check_request(actor, person, category, reason)
    pending = RestrictedAccessGrant.objects.pending().filter(
        user_id=actor.user.pk, agency_id=actor.agency.pk, person=person, category=category
    )
    if pending.exists():
        raise ConflictError(
            "You have already asked for this; a manager will decide", field="category"
        )
    return _grant_create(actor, person, category, reason, Event.RESTRICTED_ACCESS_REQUESTED)


def break_glass(
    *, actor: Actor, person: Person, category: str, reason: str
) -> RestrictedAccessGrant:
    """Take emergency access now: short-lived, flagged, and on the managers' review list."""
    reason = _check_request(actor, person, category, reason)
    now = timezone.now()
    return _grant_create(
        actor,
        person,
        category,
        reason,
        Event.BREAK_GLASS_USED,
        requested_at=now,
        approved_at=now,
        break_glass=True,
        expires_at=now + break_glass_period(),
    )


def _grant_create(
    actor: Actor, person: Person, category: str, reason: str, event: Event, **fields: Any
) -> RestrictedAccessGrant:
    with transaction.atomic():
        grant = RestrictedAccessGrant.objects.create(
            person=person,
            category=category,
            user=actor.user,
            agency=actor.agency,
            reason=reason,
            **fields,
        )
        audit.record(
            actor,
            event,
            object_id=grant.pk,
            person_id=person.pk,
            purpose=reason[:200],
            detail={"category": category},
        )
    return grant


def _check_decider(actor: Actor, grant: RestrictedAccessGrant, what: str) -> None:
    _require_manager(actor, what, object_id=grant.pk)
    if grant.user_id == actor.user.pk:
        raise access.refuse(
            actor,
            "A request for restricted access is decided by another manager, not by the "
            "person who asked.",
            object_type=OBJECT,
            object_id=grant.pk,
        )


def grant_decide(
    *, actor: Actor, grant: RestrictedAccessGrant, approve: bool, note: str = ""
) -> RestrictedAccessGrant:
    """Approve (for :func:`grant_period`) or refuse a pending request, with a note."""
    _check_decider(actor, grant, "decide requests for restricted access")
    note = note.strip()
    if not approve and len(note) < MIN_REASON:
        raise DomainError("Say why you are refusing, for the person who asked", field="note")
    with transaction.atomic():
        locked = RestrictedAccessGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.approved_at or locked.refused_at:
            raise ConflictError("This request has already been decided")
        now = timezone.now()
        if approve:
            locked.approved_by, locked.approved_at = actor.user, now
            locked.expires_at = now + grant_period()
        else:
            locked.refused_by, locked.refused_at = actor.user, now
        locked.decision_note = note
        locked.save()
        audit.record(
            actor,
            Event.RESTRICTED_ACCESS_APPROVED if approve else Event.RESTRICTED_ACCESS_REFUSED,
            object_id=locked.pk,
            person_id=locked.person_id,
            detail={"category": locked.category, "for": locked.user.get_username()},
        )
    return locked


def break_glass_review(
    *, actor: Actor, grant: RestrictedAccessGrant, note: str
) -> RestrictedAccessGrant:
    """A manager records their review of emergency access (and may revoke it)."""
    _check_decider(actor, grant, "review emergency access")
    note = note.strip()
    if len(note) < MIN_REASON:
        raise DomainError("Record what you checked and what you concluded", field="note")
    with transaction.atomic():
        locked = RestrictedAccessGrant.objects.select_for_update().get(pk=grant.pk)
        if not locked.break_glass or locked.reviewed_at:
            raise ConflictError("This is not emergency access waiting for review")
        locked.reviewed_by, locked.reviewed_at = actor.user, timezone.now()
        locked.review_note = note
        locked.save()
        audit.record(
            actor,
            Event.BREAK_GLASS_REVIEWED,
            object_id=locked.pk,
            person_id=locked.person_id,
            detail={"category": locked.category},
        )
    return locked


def for_decision(actor: Actor) -> QuerySet[RestrictedAccessGrant]:
    """Requests waiting for a manager, oldest first (refused, and audited, to others)."""
    _require_manager(actor, "see requests for restricted access")
    audit.record(actor, Event.RESTRICTED_ACCESS_LISTED, purpose="requests to decide")
    return (
        RestrictedAccessGrant.objects.pending()
        .select_related("person", "user", "agency")
        .order_by("requested_at")
    )


def for_review(actor: Actor) -> QuerySet[RestrictedAccessGrant]:
    """Emergency access not yet reviewed by a manager, oldest first."""
    _require_manager(actor, "review emergency access")
    audit.record(actor, Event.RESTRICTED_ACCESS_LISTED, purpose="emergency access to review")
    return (
        RestrictedAccessGrant.objects.filter(break_glass=True, reviewed_at__isnull=True)
        .select_related("person", "user", "agency")
        .order_by("requested_at")
    )


def get_for_manager(actor: Actor, pk: int) -> RestrictedAccessGrant:
    _require_manager(actor, "decide requests for restricted access", object_id=pk)
    grant: RestrictedAccessGrant = get_object_or_404(
        RestrictedAccessGrant.objects.select_related("person", "user", "agency"), pk=pk
    )
    audit.record(
        actor, Event.RESTRICTED_ACCESS_VIEWED, object_id=grant.pk, person_id=grant.person_id
    )
    return grant


def _require_manager(actor: Actor, what: str, *, object_id: Any = "") -> None:
    """Deciding and reviewing restricted access is for the hub's managers (refusal audited)."""
    access.check(
        actor,
        access.may(restricted_access_decide, actor),
        what,
        object_type=OBJECT,
        object_id=object_id,
    )


def mine(actor: Actor, person: Person) -> QuerySet[RestrictedAccessGrant]:
    """This user's requests and grants about one person (the request page shows them)."""
    return RestrictedAccessGrant.objects.filter(
        user_id=actor.user.pk, agency_id=actor.agency.pk, person=person
    ).order_by("-requested_at")
