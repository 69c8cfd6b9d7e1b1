"""Reads for cases and the chronology, scoped by the access policy and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.shortcuts import get_object_or_404

from lantern.cases import access as cases_access
from lantern.cases.models import Case, CaseAgency, ChronologyEntry, ChronologyRevision
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.people import access as people_access

CHRONOLOGY_PAGE_SIZE = 100


def case_list(actor: Actor, *, status: str = "", mine: bool = False) -> QuerySet[Case]:
    access.check(actor, actor.may_read_person_data, "see cases")
    qs = cases_access.visible_cases(actor).select_related("person", "lead_professional")
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(lead_professional=actor.user)
    audit.record(actor, Event.CASE_LISTED, detail={"status": status, "mine": mine})
    return qs.order_by("-opened_at")


def case_get(actor: Actor, pk: int, *, purpose: str = "") -> Case:
    case = get_object_or_404(Case.objects.select_related("person", "lead_professional"), pk=pk)
    cases_access.require_case(actor, case)
    audit.record(
        actor,
        Event.CASE_VIEWED,
        object_id=case.pk,
        person_id=case.person_id,
        purpose=purpose,
    )
    return case


def case_agencies(case: Case) -> list[CaseAgency]:
    return list(
        case.memberships.filter(left_at__isnull=True)
        .select_related("agency")
        .order_by("agency__name")
    )


@dataclass
class ChronologyFilter:
    agencies: list[int] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    significance: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None

    def is_active(self) -> bool:
        return bool(
            self.agencies or self.event_types or self.significance or self.date_from or self.date_to
        )


def _entries(actor: Actor, person_id: int) -> QuerySet[ChronologyEntry]:
    readable = ExpressionWrapper(cases_access.restricted_filter(actor), output_field=BooleanField())
    qs: QuerySet[ChronologyEntry] = (
        ChronologyEntry.objects.filter(person_id=person_id)
        .annotate(readable=readable)
        .select_related("source_agency", "author")
    )
    return qs


def chronology_page(
    actor: Actor, case: Case, filters: ChronologyFilter, page_number: Any = 1
) -> Page[ChronologyEntry]:
    """One page of the person's multi-agency chronology, newest first.

    ``case`` must come from :func:`case_get` (already checked and audited). Restricted
    entries the actor cannot read come back with ``readable=False``; templates and
    serializers show only that they exist.
    """
    qs = _entries(actor, case.person_id)
    if filters.agencies:
        qs = qs.filter(source_agency_id__in=filters.agencies)
    # Type and significance filters must not reveal what a withheld entry is about.
    if filters.event_types:
        qs = qs.filter(Q(event_type__in=filters.event_types) & Q(readable=True))
    if filters.significance:
        qs = qs.filter(Q(significance__in=filters.significance) & Q(readable=True))
    if filters.date_from:
        qs = qs.filter(occurred_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(occurred_on__lte=filters.date_to)
    paginator = Paginator(
        qs.order_by("-occurred_on", "-occurred_time", "-pk"), CHRONOLOGY_PAGE_SIZE
    )
    page = paginator.get_page(page_number)
    _record_grant_use(actor, case, list(page.object_list))
    return page


def _record_grant_use(actor: Actor, case: Case, entries: list[ChronologyEntry]) -> None:
    """Audit restricted entries shown only because of a grant (request or break glass)."""
    through_grant = [
        e.pk
        for e in entries
        if getattr(e, "readable", False)
        and e.restricted_category
        and e.restricted_category not in actor.restricted_categories
        and e.author_id != actor.user.pk
    ]
    if through_grant:
        audit.record(
            actor,
            Event.RESTRICTED_ACCESS_USED,
            person_id=case.person_id,
            detail={"entries": through_grant},
        )


def chronology_agencies(case: Case) -> list[dict[str, Any]]:
    """The agencies that have contributed to this chronology, with counts (for filters)."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in ChronologyEntry.objects.filter(person_id=case.person_id)
        .values("source_agency_id", "source_agency__name")
        .annotate(entries=Count("pk"))
        .order_by("source_agency__name")
    ]
    return rows


def entry_revisions(entry: ChronologyEntry) -> list[ChronologyRevision]:
    """The history of an entry already returned by :func:`entry_get`, newest first."""
    return list(entry.revisions.select_related("amended_by").order_by("-version"))


def entry_get(actor: Actor, pk: int) -> ChronologyEntry:
    """One entry with its history; restricted content is refused (and audited) unless readable."""
    entry = get_object_or_404(
        ChronologyEntry.objects.select_related("source_agency", "author", "person", "case"),
        pk=pk,
    )
    people_access.require_person(actor, entry.person)
    if entry.case_id is not None:
        cases_access.require_case(actor, entry.case)  # type: ignore[arg-type]
    if not cases_access.can_read_entry(actor, entry):
        raise access.refuse(
            actor,
            "This entry is in a restricted category. Ask a manager for access, giving your reason.",
            object_type="chronology_entry",
            object_id=entry.pk,
        )
    audit.record(
        actor,
        Event.CHRONOLOGY_ENTRY_VIEWED,
        object_id=entry.pk,
        person_id=entry.person_id,
    )
    return entry


# --- closure without abandonment ----------------------------------------------------------


def closures(case: Case) -> list[Any]:
    """The case's closures, newest first, each with its follow-ups (read with the case)."""
    from lantern.cases.models import CaseClosure

    return list(
        CaseClosure.objects.filter(case=case)
        .select_related("closed_by", "closed_by_agency")
        .prefetch_related("follow_ups__done_by")
    )


def case_activity_list(case: Case) -> list[Any]:
    from lantern.cases.models import ClosedCaseActivity

    return list(
        ClosedCaseActivity.objects.filter(case=case).select_related("by", "acknowledged_by")
    )


def follow_up_get(actor: Actor, pk: int) -> Any:
    from lantern.cases.models import FollowUp

    follow_up = get_object_or_404(FollowUp.objects.select_related("case__person", "closure"), pk=pk)
    cases_access.require_case(actor, follow_up.case)
    audit.record(
        actor,
        Event.CASE_VIEWED,
        object_id=follow_up.case_id,
        person_id=follow_up.case.person_id,
        purpose="record a follow-up",
    )
    return follow_up


def activity_get(actor: Actor, pk: int) -> Any:
    from lantern.cases.models import ClosedCaseActivity

    activity = get_object_or_404(ClosedCaseActivity.objects.select_related("case__person"), pk=pk)
    cases_access.require_case(actor, activity.case)
    return activity


def follow_ups_due(actor: Actor, *, within_days: int, person_ids: set[int]) -> list[Any]:
    """Follow-ups not yet recorded, due within ``within_days``, on cases the actor leads or
    about people in ``person_ids`` (those they are or were key worker for); only cases the
    actor may see. The caller's page audits the list."""
    from datetime import timedelta

    from django.utils import timezone

    from lantern.cases.models import FollowUp

    today = timezone.localdate()
    visible = cases_access.visible_cases(actor)
    return list(
        FollowUp.objects.filter(
            done_on__isnull=True,
            due_on__lte=today + timedelta(days=within_days),
            case__in=visible,
            closure__reopened_at__isnull=True,
        )
        .filter(Q(case__lead_professional_id=actor.user.pk) | Q(case__person_id__in=person_ids))
        .select_related("case__person")
        .order_by("due_on", "pk")
    )


def activity_flags(actor: Actor, *, person_ids: set[int]) -> list[Any]:
    """New activity on closed cases not yet acknowledged, for the lead professional and
    the former key workers (``person_ids``), on cases the actor may see."""
    from lantern.cases.models import ClosedCaseActivity

    return list(
        ClosedCaseActivity.objects.filter(
            acknowledged_at__isnull=True, case__in=cases_access.visible_cases(actor)
        )
        .filter(Q(case__lead_professional_id=actor.user.pk) | Q(case__person_id__in=person_ids))
        .select_related("case__person")
        .order_by("-at")
    )
