"""Reads for referrals and the triage queue, scoped by the access policy and audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from lantern.cases.models import ChronologyEntry
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.people.models import Involvement
from lantern.people.queries import DuplicateCheck, possible_duplicates
from lantern.referrals import access as referrals_access
from lantern.referrals.models import EnquiryConclusion, Referral, ReferralStatus


def triage_queue(actor: Actor) -> QuerySet[Referral]:
    """Referrals awaiting a decision: most urgent first, then oldest first."""
    access.check(actor, referrals_access.may_triage(actor), "see the triage queue")
    audit.record(actor, Event.REFERRAL_QUEUE_LISTED, purpose="triage queue")
    return (
        referrals_access.visible_referrals(actor)
        .filter(status=ReferralStatus.SUBMITTED)
        # The person's latest screening level is shown in the queue (never restricted).
        .select_related("person", "person__screening_status", "referring_agency")
        .order_by("urgency_rank", "submitted_at")
    )


def agency_referrals(actor: Actor) -> QuerySet[Referral]:
    """The referrals this actor can follow: their agency's own (or all, for the hub)."""
    access.check(actor, actor.may_read_person_data, "see referrals")
    audit.record(actor, Event.REFERRAL_LISTED, purpose="referral list")
    return (
        referrals_access.visible_referrals(actor)
        .select_related("person", "referring_agency", "decision", "decision__case")
        .order_by("-submitted_at")
    )


def referral_get(actor: Actor, pk: int) -> Referral:
    referral = get_object_or_404(
        Referral.objects.select_related(
            "person", "referring_agency", "referrer", "decision", "decision__case"
        ),
        pk=pk,
    )
    referrals_access.require_referral(actor, referral)
    audit.record(
        actor,
        Event.REFERRAL_VIEWED,
        object_id=referral.pk,
        person_id=referral.person_id,
    )
    return referral


def conclusion_versions(actor: Actor, referral: Referral) -> list[EnquiryConclusion]:
    """How the referral's enquiry concluded, newest version first (its history after it).
    Part of the referral's record: the caller has read it through :func:`referral_get`."""
    referrals_access.require_referral(actor, referral)
    return list(
        EnquiryConclusion.objects.filter(referral_id=referral.pk)
        .select_related("recorded_by")
        .order_by("-version")
    )


@dataclass(frozen=True)
class ConclusionFacts:
    """An enquiry's latest conclusion as codes only: what figure providers count."""

    concluded_on: Any
    types_of_risk: tuple[str, ...]
    location_of_risk: str
    source_of_risk: str
    risk_assessment: str
    risk_outcome: str
    outcomes_asked: str
    outcomes_achieved: str
    #: Whether action was taken; None where the conclusion did not record it.
    action_taken: bool | None = None


def latest_conclusions(referral_ids: list[int]) -> dict[int, ConclusionFacts]:
    """The latest conclusion of each of these enquiries, for aggregate figures (codes and
    dates, nothing that names anyone; reporting publishes them only through suppression)."""
    latest: dict[int, ConclusionFacts] = {}
    rows = (
        EnquiryConclusion.objects.filter(referral_id__in=referral_ids)
        .order_by("referral_id", "version")
        .values_list(
            "referral_id",
            "concluded_on",
            "types_of_risk",
            "location_of_risk",
            "source_of_risk",
            "risk_assessment",
            "risk_outcome",
            "outcomes_asked",
            "outcomes_achieved",
            "action_taken",
        )
    )
    for referral_id, on, types, *codes, action_taken in rows.iterator():
        location, source, assessment, outcome, asked, achieved = codes
        latest[referral_id] = ConclusionFacts(
            on,
            tuple(types or ()),
            location,
            source,
            assessment,
            outcome,
            asked,
            achieved,
            action_taken=action_taken,
        )
    return latest


@dataclass
class AgencyPicture:
    """What each agency already knows about the person, for triage."""

    involvements: list[Involvement]
    entries_by_agency: list[dict[str, Any]]
    recent_entries: list[ChronologyEntry]
    other_referrals: list[Referral]
    duplicates: DuplicateCheck


def triage_picture(actor: Actor, referral: Referral) -> AgencyPicture:
    access.check(actor, referrals_access.may_triage(actor), "triage referrals")
    person = referral.person
    from lantern.cases.queries import _entries  # same restricted masking as the case page

    entries = _entries(actor, person.pk)
    identifiers = {i.scheme: i.value for i in person.identifiers.all()}
    return AgencyPicture(
        involvements=list(
            person.involvements.filter(ended_at__isnull=True).select_related("agency")
        ),
        entries_by_agency=[
            dict(row)
            for row in ChronologyEntry.objects.filter(person=person)
            .values("source_agency__name")
            .annotate(entries=Count("pk"))
            .order_by("source_agency__name")
        ],
        recent_entries=list(entries.order_by("-occurred_on", "-pk")[:10]),
        other_referrals=list(
            Referral.objects.filter(person=person)
            .exclude(pk=referral.pk)
            .select_related("referring_agency", "decision")
            .order_by("-submitted_at")[:20]
        ),
        duplicates=possible_duplicates(
            actor,
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            nhs_number=identifiers.get("nhs", ""),
            exclude_pk=person.pk,
        ),
    )


def home_panel(actor: Actor, _obj: object = None) -> dict[str, Any]:
    """The home page's triage counts (for caseworkers) and the agency's recent referrals."""
    context: dict[str, Any] = {}
    if actor.does_casework:
        queue = list(triage_queue(actor)[:200])
        context["queue_count"] = len(queue)
        context["overdue_count"] = sum(1 for r in queue if r.is_overdue)
    if actor.may_read_person_data:
        context["recent_referrals"] = list(agency_referrals(actor)[:5])
    return context
