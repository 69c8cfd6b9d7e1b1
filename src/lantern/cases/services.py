"""Writes for hub cases and the chronology."""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lantern.cases import access as cases_access
from lantern.cases import closure as closure_rules
from lantern.cases.models import (
    ActivityResponse,
    ActivityTrigger,
    Case,
    CaseAgency,
    CaseClosure,
    CaseStatus,
    ChronologyEntry,
    ChronologyRevision,
    ClosedCaseActivity,
    FollowUp,
    Significance,
)
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import ConflictError, DomainError, InvalidError
from lantern.core.events import Event
from lantern.core.limits import MAX_TEXT
from lantern.core.vocab import vocabulary
from lantern.people import access as people_access
from lantern.people.models import InvolvementBasis, Person
from lantern.people.services import involvement_ensure

if TYPE_CHECKING:
    from lantern.referrals.models import Referral

MAX_SUMMARY = MAX_TEXT
#: Chronology event recorded automatically for triage outcomes that start a process.
OUTCOME_EVENT = {"strategy": "strategy_discussion", "s42": "s42_enquiry"}


def event_types() -> list[tuple[str, str]]:
    return vocabulary("cases", "event_types").choices()


def _join(actor: Actor, case: Case, agency_id: int) -> None:
    if not CaseAgency.objects.filter(case=case, agency_id=agency_id, left_at__isnull=True).exists():
        CaseAgency.objects.create(case=case, agency_id=agency_id, added_by=actor.user)
    involvement_ensure(
        actor=actor,
        person=case.person,
        agency_id=agency_id,
        basis=InvolvementBasis.CASE,
        reference=case.reference,
        purpose="member of the hub case",
    )


def case_open_or_join(*, actor: Actor, person: Person, referral: Referral, outcome: str) -> Case:
    """Called by triage inside its transaction: the person's open case, or a new one."""
    case = Case.objects.filter(person=person, status=CaseStatus.OPEN).order_by("opened_at").first()
    created = case is None
    if case is None:
        # The summary is seen by every agency in the case, so it does not copy the triage
        # rationale (which may carry another agency's information); the hub writes it.
        case = Case.objects.create(
            person=person,
            lead_professional=actor.user,
            summary=f"Opened at triage of referral {referral.reference}.",
        )
        audit.record(
            actor,
            Event.CASE_OPENED,
            object_id=case.pk,
            person_id=person.pk,
            detail={"from_referral": referral.pk},
        )
    _join(actor, case, actor.agency.pk)
    _join(actor, case, referral.referring_agency_id)
    if outcome in OUTCOME_EVENT:
        _entry_create(
            actor=actor,
            case=case,
            occurred_on=timezone.localdate(),
            occurred_time=None,
            event_type=OUTCOME_EVENT[outcome],
            summary=f"Decided at triage of referral {referral.reference}.",
            significance="",
            restricted_category="",
        )
    if not created:
        audit.record(
            actor,
            Event.CASE_REFERRAL_JOINED,
            object_id=case.pk,
            person_id=person.pk,
            detail={"joined_referral": referral.pk},
        )
    return case


def case_add_agency(*, actor: Actor, case: Case, agency_id: int) -> None:
    access.check(
        actor,
        cases_access.may_manage_case(actor),
        "add agencies to a case",
        object_type="case",
        object_id=case.pk,
    )
    with transaction.atomic():
        _join(actor, case, agency_id)
        audit.record(
            actor,
            Event.CASE_AGENCY_JOINED,
            object_id=case.pk,
            person_id=case.person_id,
            detail={"agency_joined": agency_id},
        )


def case_update(
    *, actor: Actor, case: Case, status: str, lead_professional_id: int, summary: str
) -> Case:
    access.check(
        actor,
        cases_access.may_manage_case(actor),
        "manage cases",
        object_type="case",
        object_id=case.pk,
    )
    errors: dict[str, str] = {}
    if status not in CaseStatus.values:
        errors["status"] = "Select a status"
    elif status == CaseStatus.CLOSED and case.status != CaseStatus.CLOSED:
        errors["status"] = (
            "Close a case from 'Close the case': it needs a reason, a step-down plan and "
            "follow-up check-ins"
        )
    user_model = get_user_model()
    if not user_model.objects.filter(
        pk=lead_professional_id, memberships__agency__kind="hub", memberships__is_active=True
    ).exists():
        errors["lead_professional"] = "The lead professional must be a member of the hub"
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        before = {"status": case.status, "lead": case.lead_professional_id}
        case.status = status
        case.lead_professional_id = lead_professional_id
        case.summary = summary.strip()
        if before["status"] == CaseStatus.CLOSED and status != CaseStatus.CLOSED:
            _end_closure(case, because=f"Reopened by {actor.describe()}")
        case.closed_at = case.closed_at if status == CaseStatus.CLOSED else None
        case.full_clean()
        case.save()
        audit.record(
            actor,
            Event.CASE_UPDATED,
            object_id=case.pk,
            person_id=case.person_id,
            detail={"before": before, "after": {"status": status, "lead": lead_professional_id}},
        )
    return case


def _validate_entry(
    event_type: str,
    occurred_on: date,
    summary: str,
    restricted_category: str,
    *,
    person: Person,
    significance: str = "",
) -> dict[str, Any]:
    vocab = vocabulary("cases", "event_types")
    errors: dict[str, str] = {}
    term = vocab.by_code.get(event_type)
    if term is None:
        errors["event_type"] = "Select the type of event"
    elif term.children_only and person.date_of_birth and not person.is_child:
        errors["event_type"] = f"'{term.label}' is for children; this person is an adult"
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date of the event must be today or in the past"
    if not summary.strip():
        errors["summary"] = "Describe what happened"
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = f"Write no more than {MAX_SUMMARY:,} characters"
    if significance and significance not in Significance.values:
        errors["significance"] = "Select high, medium or low"
    if restricted_category and restricted_category not in access.RestrictedCategory.values:
        errors["restricted_category"] = "Select a restricted category from the list"
    if errors:
        raise InvalidError(errors)
    assert term is not None  # noqa: S101 - checked above  # nosec B101
    return {
        "significance": term.significance,
        "restricted_category": restricted_category or term.restricted_category,
    }


def _entry_create(
    *,
    actor: Actor,
    case: Case,
    occurred_on: date,
    occurred_time: time | None,
    event_type: str,
    summary: str,
    significance: str,
    restricted_category: str,
) -> ChronologyEntry:
    defaults = _validate_entry(
        event_type,
        occurred_on,
        summary,
        restricted_category,
        person=case.person,
        significance=significance,
    )
    entry = ChronologyEntry.objects.create(
        person_id=case.person_id,
        case=case,
        occurred_on=occurred_on,
        occurred_time=occurred_time,
        event_type=event_type,
        significance=significance or defaults["significance"],
        summary=summary.strip(),
        source_agency=actor.agency,
        author=actor.user,
        restricted_category=defaults["restricted_category"],
    )
    audit.record(
        actor,
        Event.CHRONOLOGY_ENTRY_ADDED,
        object_id=entry.pk,
        person_id=case.person_id,
        detail={"case": case.pk, "event_type": event_type},
    )
    return entry


def chronology_add(
    *,
    actor: Actor,
    case: Case,
    occurred_on: date,
    event_type: str,
    summary: str,
    occurred_time: time | None = None,
    significance: str = "",
    restricted_category: str = "",
) -> ChronologyEntry:
    """Add an event to the person's chronology, said by the actor's agency."""
    access.check(
        actor,
        cases_access.may_add_to_chronology(actor, case),
        "add to this chronology",
        object_type="case",
        object_id=case.pk,
    )
    if (
        restricted_category
        and restricted_category not in actor.restricted_categories
        and not actor.is_hub
    ):
        raise InvalidError(
            {"restricted_category": "You can only restrict to a category your role holds"}
        )
    with transaction.atomic():
        return _entry_create(
            actor=actor,
            case=case,
            occurred_on=occurred_on,
            occurred_time=occurred_time,
            event_type=event_type,
            summary=summary,
            significance=significance,
            restricted_category=restricted_category,
        )


AMENDABLE = ("occurred_on", "occurred_time", "event_type", "significance", "summary")


def chronology_amend(
    *,
    actor: Actor,
    entry: ChronologyEntry,
    reason: str,
    occurred_on: date,
    event_type: str,
    summary: str,
    significance: str,
    occurred_time: time | None = None,
) -> ChronologyEntry:
    """Correct an entry. What it said before is kept as a revision, with who, when and why."""
    people_access.require_person(actor, entry.person)
    access.check(
        actor,
        cases_access.may_amend_entry(actor, entry),
        "correct another agency's entry",
        object_type="chronology_entry",
        object_id=entry.pk,
    )
    if not cases_access.can_read_entry(actor, entry):
        raise access.refuse(
            actor, "This entry is restricted.", object_type="chronology_entry", object_id=entry.pk
        )
    if not reason.strip():
        raise InvalidError({"reason": "Say why the entry is being corrected"})
    _validate_entry(
        event_type,
        occurred_on,
        summary,
        entry.restricted_category,
        person=entry.person,
        significance=significance,
    )
    with transaction.atomic():
        locked = ChronologyEntry.objects.select_for_update().get(pk=entry.pk)
        previous = {
            "occurred_on": locked.occurred_on.isoformat(),
            "occurred_time": locked.occurred_time.isoformat() if locked.occurred_time else None,
            "event_type": locked.event_type,
            "significance": locked.significance,
            "summary": locked.summary,
        }
        ChronologyRevision.objects.create(
            entry=locked,
            version=locked.version,
            previous=previous,
            reason=reason.strip(),
            amended_by=actor.user,
        )
        locked.occurred_on = occurred_on
        locked.occurred_time = occurred_time
        locked.event_type = event_type
        locked.significance = significance or locked.significance
        locked.summary = summary.strip()
        locked.version += 1
        locked.amended_at = timezone.now()
        locked.save()
        audit.record(
            actor,
            Event.CHRONOLOGY_ENTRY_CORRECTED,
            object_id=locked.pk,
            person_id=locked.person_id,
            detail={"version": locked.version, "reason": reason[:200]},
        )
    return locked


# --- closure without abandonment ----------------------------------------------------------


def closure_reasons() -> list[tuple[str, str]]:
    return list(closure_rules.rules().reasons)


def case_close(
    *, actor: Actor, case: Case, reason: str, step_down_plan: str, reason_detail: str = ""
) -> CaseClosure:
    """Close a case with a reason and a step-down plan, scheduling the follow-up check-ins
    (``data/closure.yaml``) in the same transaction. Refused without a reason or a plan."""
    access.check(
        actor,
        cases_access.may_close_case(actor),
        "close cases",
        object_type="case",
        object_id=case.pk,
    )
    rules = closure_rules.rules()
    errors: dict[str, str] = {}
    if reason not in dict(rules.reasons):
        errors["reason"] = "Select why the case is closing"
    elif reason == "other" and not reason_detail.strip():
        errors["reason_detail"] = "Say why the case is closing"
    if not step_down_plan.strip():
        errors["step_down_plan"] = (
            "Write the step-down plan: who supports the person now, and how they can come back"
        )
    elif len(step_down_plan) > MAX_TEXT:
        errors["step_down_plan"] = f"Write no more than {MAX_TEXT:,} characters"
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status == CaseStatus.CLOSED:
            raise DomainError("This case is already closed.")
        now = timezone.now()
        closure = CaseClosure.objects.create(
            case=locked,
            reason=reason,
            reason_detail=reason_detail.strip(),
            step_down_plan=step_down_plan.strip(),
            closed_by=actor.user,
            closed_by_agency=actor.agency,
            closed_at=now,
        )
        FollowUp.objects.bulk_create(
            FollowUp(closure=closure, case=locked, due_on=due_on, label=label)
            for due_on, label in closure_rules.follow_up_dates(timezone.localdate(now))
        )
        locked.status = CaseStatus.CLOSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        audit.record(
            actor,
            Event.CASE_CLOSED,
            object_id=closure.pk,
            person_id=locked.person_id,
            detail={"case": locked.pk, "reason": reason},
        )
    case.status, case.closed_at = locked.status, locked.closed_at
    return closure


def follow_up_record(
    *, actor: Actor, follow_up: FollowUp, done_on: date, outcome: str, concerns: bool = False
) -> FollowUp:
    """Record a check-in after closure: when it happened and what was found. Concerns raised
    at a check-in reopen the case (as any new contact would)."""
    case = follow_up.case
    people_access.require_person(actor, case.person)
    access.check(
        actor,
        cases_access.may_record_follow_up(actor, case),
        "record follow-ups on this case",
        object_type="follow_up",
        object_id=follow_up.pk,
    )
    errors: dict[str, str] = {}
    if done_on > timezone.localdate():
        errors["done_on"] = "The check-in date must be today or in the past"
    if not outcome.strip():
        errors["outcome"] = "Say how the person is and what was agreed"
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.done_on is not None:
            raise ConflictError("This follow-up has already been recorded.")
        locked.done_on = done_on
        locked.outcome = outcome.strip()
        locked.concerns = concerns
        locked.done_by = actor.user
        locked.save()
        audit.record(
            actor,
            Event.FOLLOW_UP_RECORDED,
            object_id=locked.pk,
            person_id=case.person_id,
            detail={"case": case.pk, "concerns": concerns},
        )
        if concerns:
            case_activity(
                case.person,
                trigger=ActivityTrigger.CONTACT,
                source_description=f"Concerns at the follow-up check-in of {done_on:%d %b %Y}",
                actor=actor,
            )
    return locked


def _end_closure(case: Case, *, because: str) -> None:
    CaseClosure.objects.filter(case=case, reopened_at__isnull=True).update(
        reopened_at=timezone.now(), reopened_because=because[:1000]
    )


def case_activity(
    person: Person, *, trigger: str, source_description: str, actor: Actor
) -> ClosedCaseActivity | None:
    """Something new about ``person`` (a referral, a linkage match, a contact, an alert).

    If the person has a closed case and no open one, the closure rules decide at once:
    reopen the latest closed case, or flag it for its lead professional and the person's
    former key worker (both see it on "My work"). Either way a
    :class:`ClosedCaseActivity` row keeps what happened. Called inside the caller's
    transaction by the service that recorded the activity; it is the system's reaction to
    that activity, so it checks no further permission of its own. Returns ``None`` when
    the person has no closed case (or has an open one).
    """
    if trigger not in ActivityTrigger.values:
        raise ValueError(f"Unknown trigger {trigger!r}")
    if Case.objects.filter(person=person, status=CaseStatus.OPEN).exists():
        return None
    case = (
        Case.objects.filter(person=person, status=CaseStatus.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )
    if case is None:
        return None
    description = source_description.strip()[:300] or ActivityTrigger(trigger).label
    reopen = closure_rules.rules().response_to(trigger) == "reopen"
    with transaction.atomic():
        activity = ClosedCaseActivity.objects.create(
            case=case,
            trigger=trigger,
            response=ActivityResponse.REOPENED if reopen else ActivityResponse.FLAGGED,
            source_description=description,
            by=actor.user,
        )
        if reopen:
            Case.objects.filter(pk=case.pk).update(
                status=CaseStatus.OPEN, closed_at=None, updated_at=timezone.now()
            )
            _end_closure(case, because=f"{ActivityTrigger(trigger).label}: {description}")
            audit.record(
                actor,
                Event.CASE_REOPENED,
                object_id=case.pk,
                person_id=person.pk,
                detail={"trigger": trigger, "activity": activity.pk},
            )
        else:
            audit.record(
                actor,
                Event.CASE_ACTIVITY_FLAGGED,
                object_id=case.pk,
                person_id=person.pk,
                detail={"trigger": trigger, "activity": activity.pk},
            )
    return activity


def activity_acknowledge(*, actor: Actor, activity: ClosedCaseActivity) -> ClosedCaseActivity:
    """Someone who knows the person has seen the flag and will act on it."""
    people_access.require_person(actor, activity.case.person)
    with transaction.atomic():
        locked = ClosedCaseActivity.objects.select_for_update().get(pk=activity.pk)
        if locked.acknowledged_at is None:
            locked.acknowledged_at = timezone.now()
            locked.acknowledged_by = actor.user
            locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
            audit.record(
                actor,
                Event.CASE_ACTIVITY_ACKNOWLEDGED,
                object_id=locked.case_id,
                person_id=locked.case.person_id,
                detail={"activity": locked.pk},
            )
    return locked


def closures_bulk_insert(closures: list[CaseClosure], follow_ups: list[FollowUp]) -> None:
    """Load closures and their follow-ups at once (the synthetic city's builder; no checks
    or audit per row: the builder audits what it made)."""
    from lantern.core.bulkload import insert_instances

    if closures:
        insert_instances(CaseClosure, list(closures))
    if follow_ups:
        insert_instances(FollowUp, list(follow_ups))
