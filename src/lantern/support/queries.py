"""Reads for long-term support, scoped by the access policy and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.people import access as people_access
from lantern.people.models import Person
from lantern.support import access as support_access
from lantern.support.models import (
    Attendance,
    ConsentRecord,
    Contact,
    KeyWorkerAssignment,
    NrmJourney,
    OutcomeMeasure,
    VoiceEntry,
)
from lantern.support.rules import (
    Milestone,
    OutcomeScales,
    contact_types,
    milestones,
    outcome_scales,
)


@dataclass
class OutcomeRow:
    measured_on: date
    scores: list[int | None]


@dataclass
class JourneyView:
    journey: NrmJourney
    milestones: list[Milestone]


@dataclass
class SupportHistory:
    person: Person
    key_worker: KeyWorkerAssignment | None
    assignments: list[KeyWorkerAssignment]
    key_worker_count: int
    contacts: list[Contact]
    contact_labels: dict[str, str]
    next_contact_on: date | None
    voice: list[VoiceEntry]
    consents: list[ConsentRecord]
    scales: OutcomeScales
    outcome_rows: list[OutcomeRow]
    journeys: list[JourneyView]
    counts: dict[str, int] = field(default_factory=dict)


def _assignments(person: Person) -> list[KeyWorkerAssignment]:
    return list(
        KeyWorkerAssignment.objects.filter(person=person)
        .select_related("worker", "agency", "assigned_by")
        .order_by("-started_at", "-pk")
    )


def outcome_rows(measures: list[OutcomeMeasure], scales: OutcomeScales) -> list[OutcomeRow]:
    """One row a date, one column a scale (``None`` where not scored that day)."""
    by_date: dict[date, dict[str, int]] = {}
    for m in measures:
        by_date.setdefault(m.measured_on, {})[m.scale] = m.score
    return [
        OutcomeRow(day, [by_date[day].get(s.code) for s in scales.scales])
        for day in sorted(by_date, reverse=True)
    ]


def support_history(actor: Actor, person: Person, *, purpose: str = "") -> SupportHistory:
    """Everything about the person's support, for the support page (an audited read)."""
    support_access.require_support(actor, person)
    audit.record(
        actor, Event.SUPPORT_VIEWED, object_id=person.pk, person_id=person.pk, purpose=purpose
    )
    assignments = _assignments(person)
    contacts = list(
        Contact.objects.filter(person=person)
        .select_related("agency", "recorded_by")
        .order_by("-occurred_on", "-pk")
    )
    labels = dict(contact_types().choices())
    for contact in contacts:
        contact.type_label = labels.get(contact.contact_type, contact.contact_type)  # type: ignore[attr-defined]
    scales = outcome_scales()
    measures = list(OutcomeMeasure.objects.filter(person=person).order_by("measured_on", "pk"))
    journeys = list(
        NrmJourney.objects.filter(person=person)
        .select_related("first_responder")
        .order_by("-referred_on", "-pk")
    )
    return SupportHistory(
        person=person,
        key_worker=next((a for a in assignments if a.ended_at is None), None),
        assignments=assignments,
        key_worker_count=len({a.worker_id for a in assignments}),
        contacts=contacts,
        contact_labels=labels,
        next_contact_on=next((c.next_contact_on for c in contacts if c.next_contact_on), None),
        voice=list(
            VoiceEntry.objects.filter(person=person)
            .select_related("agency")
            .order_by("-said_on", "-pk")
        ),
        consents=list(
            ConsentRecord.objects.filter(person=person)
            .prefetch_related("agencies")
            .select_related("recorded_by", "withdrawn_by")
            .order_by("-given_on", "-pk")
        ),
        scales=scales,
        outcome_rows=outcome_rows(measures, scales),
        journeys=[JourneyView(j, milestones(j)) for j in journeys],
        counts={
            "contacts": len(contacts),
            "attended": sum(1 for c in contacts if c.attendance == Attendance.ATTENDED),
            "missed": sum(1 for c in contacts if c.attendance == Attendance.MISSED),
            "planned": sum(1 for c in contacts if c.planned),
        },
    )


def outcome_measures(actor: Actor, person: Person) -> list[OutcomeMeasure]:
    """The measures behind the chart (the chart image is fetched by the page just read)."""
    support_access.require_support(actor, person)
    audit.record(
        actor,
        Event.SUPPORT_VIEWED,
        object_id=person.pk,
        person_id=person.pk,
        purpose="outcome chart",
    )
    return list(OutcomeMeasure.objects.filter(person=person).order_by("measured_on", "pk"))


def person_for_support(actor: Actor, pk: int, *, purpose: str = "") -> Person:
    """The person, if the actor may read their support (refused and audited otherwise)."""
    person = get_object_or_404(Person, pk=pk, merged_into__isnull=True)
    support_access.require_support(actor, person)
    return person


def consent_get(actor: Actor, pk: int) -> ConsentRecord:
    consent = get_object_or_404(ConsentRecord.objects.select_related("person"), pk=pk)
    access.require(actor, consent)
    return consent


def journey_get(actor: Actor, pk: int) -> NrmJourney:
    journey = get_object_or_404(
        NrmJourney.objects.select_related("person", "first_responder"), pk=pk
    )
    access.require(actor, journey)
    audit.record(
        actor,
        Event.SUPPORT_VIEWED,
        object_id=journey.person_id,
        person_id=journey.person_id,
        purpose="NRM journey",
    )
    return journey


@dataclass
class PanelJourney:
    pk: int
    route_label: str
    referred_on: date

    @property
    def reference(self) -> str:
        return f"NRM-{self.pk:05d}"


def person_panel(actor: Actor, person: Person) -> dict[str, Any]:
    """The person's page: key worker, continuity, contacts and NRM status (the page's own
    read audits it), in two queries. Nothing for those who may not read their support."""
    if not support_access.may_read_support(actor, person):
        return {}
    assignments = _assignments(person)
    contacts = Contact.objects.filter(person=OuterRef("pk"))
    latest = contacts.order_by("-occurred_on", "-pk")
    journey = NrmJourney.objects.filter(person=OuterRef("pk")).order_by("-referred_on", "-pk")
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            contact_count=Subquery(
                contacts.values("person").annotate(n=Count("pk")).values("n")[:1]
            ),
            last_contact_on=Subquery(
                latest.filter(attendance=Attendance.ATTENDED).values("occurred_on")[:1]
            ),
            next_contact_on=Subquery(
                latest.filter(next_contact_on__isnull=False).values("next_contact_on")[:1]
            ),
            journey_id=Subquery(journey.values("pk")[:1]),
            journey_route=Subquery(journey.values("route")[:1]),
            journey_on=Subquery(journey.values("referred_on")[:1]),
        )
        .values(
            "contact_count",
            "last_contact_on",
            "next_contact_on",
            "journey_id",
            "journey_route",
            "journey_on",
        )
        .get()
    )
    routes = dict(NrmJourney._meta.get_field("route").choices or [])
    return {
        "support_panel": {
            "key_worker": next((a for a in assignments if a.ended_at is None), None),
            "key_worker_count": len({a.worker_id for a in assignments}),
            "last_contact_on": row["last_contact_on"],
            "next_contact_on": row["next_contact_on"],
            "contacts": row["contact_count"] or 0,
            "journey": PanelJourney(
                row["journey_id"], str(routes.get(row["journey_route"], "")), row["journey_on"]
            )
            if row["journey_id"]
            else None,
        }
    }


# --- a manager's oversight ----------------------------------------------------------------


@dataclass
class Caseload:
    worker_id: int
    worker_name: str
    people: int


@dataclass
class PersonContactRow:
    person: Person
    key_worker_name: str
    last_planned_on: date | None
    next_contact_on: date | None
    days_without: int | None


@dataclass
class Oversight:
    caseloads: list[Caseload]
    overdue: list[PersonContactRow]
    longest_without: list[PersonContactRow]


def _supported_people(actor: Actor) -> QuerySet[KeyWorkerAssignment]:
    return people_access.person_scope(
        actor,
        KeyWorkerAssignment.objects.filter(ended_at__isnull=True, person__merged_into__isnull=True),
        OuterRef("person_id"),
    )


def oversight(actor: Actor, *, limit: int = 50) -> Oversight:
    """Caseloads per key worker, people whose planned contact is overdue, and people who
    have gone longest without a planned contact that happened."""
    access.check(actor, support_access.may_see_caseloads(actor), "see caseloads")
    audit.record(actor, Event.CASELOADS_VIEWED, purpose="oversight of support")
    today = timezone.localdate()
    current = _supported_people(actor)
    users = get_user_model().objects.in_bulk(
        list(current.values_list("worker_id", flat=True).distinct())
    )
    loads = [
        Caseload(
            worker_id=row["worker_id"],
            worker_name=_name(users.get(row["worker_id"])),
            people=row["people"],
        )
        for row in current.values("worker_id")
        .annotate(people=Count("person_id"))
        .order_by("-people", "worker_id")
    ]
    latest = Contact.objects.filter(person=OuterRef("person_id")).order_by("-occurred_on", "-pk")
    last_planned = (
        Contact.objects.filter(
            person=OuterRef("person_id"), planned=True, attendance=Attendance.ATTENDED
        )
        .values("person")
        .annotate(last=Max("occurred_on"))
        .values("last")
    )
    rows = current.select_related("person").annotate(
        next_contact_on=Subquery(latest.values("next_contact_on")[:1]),
        last_planned_on=Subquery(last_planned[:1]),
    )

    def row(a: Any) -> PersonContactRow:
        last: date | None = a.last_planned_on
        return PersonContactRow(
            person=a.person,
            key_worker_name=_name(users.get(a.worker_id)),
            last_planned_on=last,
            next_contact_on=a.next_contact_on,
            days_without=(today - last).days if last else None,
        )

    overdue = [
        row(a) for a in rows.filter(next_contact_on__lt=today).order_by("next_contact_on")[:limit]
    ]
    longest = [
        row(a)
        for a in rows.order_by(
            # Never seen at a planned contact first, then the longest ago.
            F("last_planned_on").asc(nulls_first=True),
            "started_at",
        )[:limit]
    ]
    return Oversight(caseloads=loads, overdue=overdue, longest_without=longest)


def _name(user: Any) -> str:
    if user is None:
        return "Unknown"
    return str(user.get_full_name() or user.get_username())


# --- work list items (see worklist.py) ----------------------------------------------------


def my_people(actor: Actor) -> QuerySet[KeyWorkerAssignment]:
    """The people the actor is key worker for now, among those they may see."""
    return _supported_people(actor).filter(worker_id=actor.user.pk)


def former_key_worker_of(actor: Actor) -> QuerySet[KeyWorkerAssignment]:
    return KeyWorkerAssignment.objects.filter(worker_id=actor.user.pk)


def has_assignment(person_ref: Any, user_id: int) -> Exists:
    return Exists(KeyWorkerAssignment.objects.filter(person=person_ref, worker_id=user_id))


def next_contacts(actor: Actor, within_days: int) -> list[tuple[Person, date]]:
    """The actor's people whose next planned contact is due within ``within_days``."""
    today = timezone.localdate()
    latest = Contact.objects.filter(person=OuterRef("person_id")).order_by("-occurred_on", "-pk")
    rows = (
        my_people(actor)
        .select_related("person")
        .annotate(next_contact_on=Subquery(latest.values("next_contact_on")[:1]))
        .filter(next_contact_on__lte=today + timedelta(days=within_days))
    )
    return [(a.person, a.next_contact_on) for a in rows]


def journeys_for_reminders(actor: Actor) -> list[NrmJourney]:
    """Open NRM journeys of the actor's people (as key worker) or that the actor recorded."""
    mine = Q(Exists(my_people(actor).filter(person=OuterRef("person_id")))) | Q(
        recorded_by=actor.user
    )
    qs = support_access.support_scope(actor, NrmJourney.objects.filter(route="referral"))
    return list(
        qs.filter(mine)
        .filter(Q(reasonable_grounds="") | Q(reasonable_grounds="positive", conclusive_grounds=""))
        .select_related("person")
    )
