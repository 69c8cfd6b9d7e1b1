"""Writes for hub cases and the chronology."""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lantern.cases import access as cases_access
from lantern.cases.models import (
    Case,
    CaseAgency,
    CaseStatus,
    ChronologyEntry,
    ChronologyRevision,
    Significance,
)
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
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
        case.closed_at = timezone.now() if status == CaseStatus.CLOSED else None
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
