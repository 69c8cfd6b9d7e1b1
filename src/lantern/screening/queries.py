"""Reads for risk screening, scoped by the access policy and audited.

Restricted evidence (an answer or a suggestion in a restricted category) comes back with
``readable=False`` for anyone who may not read it: pages and the API show that it exists,
not what it says. The level is never restricted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lantern.agencies.models import AgencyKind
from lantern.cases import access as cases_access
from lantern.cases.models import Case, CaseAgency, CaseStatus, ChronologyEntry
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.people import access as people_access
from lantern.people.models import Person
from lantern.screening import access as screening_access
from lantern.screening import services
from lantern.screening.chart import LevelChart, Point, level_chart
from lantern.screening.instruments import Indicator, InstrumentDef, Theme
from lantern.screening.jobs import eighteenth_birthday
from lantern.screening.models import (
    CapacityAssessment,
    Instrument,
    InstrumentVersion,
    Screening,
    ScreeningAnswer,
    ScreeningStatus,
    ScreeningSuggestion,
    Transition,
    TransitionStatus,
)
from lantern.screening.suggest import suggested

DUE_SOON_DAYS = 14
ENTRIES_SHOWN = 10


# --- one screening ----------------------------------------------------------------------------


@dataclass
class SuggestionView:
    """A suggestion with the chronology entries behind it that the viewer may read."""

    code: str
    label: str
    indicator: str
    entries: list[ChronologyEntry]
    total: int
    latest_on: date | None
    readable: bool = True
    decision: str = ""
    decision_label: str = ""

    @property
    def more(self) -> int:
        return max(self.total - len(self.entries), 0)


@dataclass
class AnswerView:
    indicator: Indicator
    answer: ScreeningAnswer | None
    readable: bool
    suggestions: list[SuggestionView] = field(default_factory=list)

    @property
    def restricted_category(self) -> str:
        if self.answer is not None and self.answer.restricted_category:
            return self.answer.restricted_category
        return self.indicator.restricted_category


@dataclass
class ThemeView:
    theme: Theme
    answers: list[AnswerView]


@dataclass
class ReasonView:
    label: str
    band: str
    weight: int
    escalates_to: str
    readable: bool


@dataclass
class ScreeningDetail:
    screening: Screening
    spec: InstrumentDef
    themes: list[ThemeView]
    reasons: list[ReasonView]
    suggestions: list[SuggestionView]
    capacity: list[CapacityAssessment]

    @property
    def hidden_reasons(self) -> int:
        return sum(1 for r in self.reasons if not r.readable)


def _entries_by_id(actor: Actor, ids: Iterable[int]) -> dict[int, ChronologyEntry]:
    readable = ExpressionWrapper(cases_access.restricted_filter(actor), output_field=BooleanField())
    return {
        e.pk: e
        for e in ChronologyEntry.objects.filter(pk__in=set(ids))
        .annotate(readable=readable)
        .select_related("source_agency")
    }


def _suggestion_view(
    *,
    code: str,
    label: str,
    indicator: str,
    entry_ids: Iterable[int],
    entries: dict[int, ChronologyEntry],
    latest_on: date | None,
    readable: bool,
) -> SuggestionView:
    ids = list(entry_ids)
    shown = [entries[pk] for pk in ids if pk in entries and getattr(entries[pk], "readable", False)]
    return SuggestionView(
        code=code,
        label=label,
        indicator=indicator,
        entries=shown[:ENTRIES_SHOWN] if readable else [],
        total=len(shown) if readable else 0,
        latest_on=latest_on if readable else None,
        readable=readable,
    )


def screening_get(actor: Actor, pk: int, *, purpose: str = "") -> ScreeningDetail:
    """One screening, displayed against the instrument version it used; audited.

    Answers, evidence, reasons and suggestions in a restricted category the viewer may not
    read are masked (``readable=False``); the level stays visible.
    """
    screening = get_object_or_404(
        Screening.objects.select_related(
            "person", "case", "referral", "instrument_version", "screened_by", "agency"
        ),
        pk=pk,
    )
    screening_access.require_screening(actor, screening)
    audit.record(
        actor,
        Event.SCREENING_VIEWED,
        object_id=screening.pk,
        person_id=screening.person_id,
        purpose=purpose,
    )
    spec = screening.instrument_version.spec
    readable = ExpressionWrapper(
        screening_access.restricted_screening_filter(actor), output_field=BooleanField()
    )
    answers = {
        a.indicator: a
        for a in ScreeningAnswer.objects.filter(screening=screening).annotate(readable=readable)
    }
    suggestion_rows = list(
        ScreeningSuggestion.objects.filter(screening=screening).annotate(readable=readable)
    )
    entries = _entries_by_id(actor, (pk for s in suggestion_rows for pk in s.entry_ids))
    suggestions = []
    for row in suggestion_rows:
        view = _suggestion_view(
            code=row.rule,
            label=row.label,
            indicator=row.indicator,
            entry_ids=row.entry_ids,
            entries=entries,
            latest_on=row.latest_on,
            readable=bool(getattr(row, "readable", False)),
        )
        view.decision = row.decision
        view.decision_label = row.get_decision_display()
        suggestions.append(view)
    themes = []
    for theme in spec.themes:
        views = []
        for indicator in theme.indicators:
            answer = answers.get(indicator.code)
            views.append(
                AnswerView(
                    indicator=indicator,
                    answer=answer,
                    readable=bool(getattr(answer, "readable", True)),
                    suggestions=[s for s in suggestions if s.indicator == indicator.code],
                )
            )
        themes.append(ThemeView(theme=theme, answers=views))
    band_labels = {b.code: b.label for b in spec.bands}
    level_labels = {lv.code: lv.label for lv in spec.levels}
    reasons = []
    for raw in screening.computed_reasons:
        answer = answers.get(raw["indicator"])
        reasons.append(
            ReasonView(
                label=raw["label"],
                band=band_labels.get(raw["band"], raw["band"]),
                weight=raw["weight"],
                escalates_to=level_labels.get(raw.get("escalates_to", ""), ""),
                readable=bool(getattr(answer, "readable", not raw.get("restricted_category"))),
            )
        )
    return ScreeningDetail(
        screening=screening,
        spec=spec,
        themes=themes,
        reasons=reasons,
        suggestions=suggestions,
        capacity=list(screening.capacity_assessments.select_related("recorded_by")),
    )


# --- a person's screenings ---------------------------------------------------------------------


@dataclass
class TransitionView:
    transition: Transition
    adult_services_joined: bool


@dataclass
class ScreeningSummary:
    """What the person and case pages show: the level over time and every screening."""

    person: Person
    screenings: list[Screening]
    status: ScreeningStatus | None
    transition: TransitionView | None
    capacity: list[CapacityAssessment]
    chart: LevelChart | None
    today: date
    may_screen: bool = False

    @property
    def latest(self) -> Screening | None:
        return self.screenings[0] if self.screenings else None

    @property
    def overdue(self) -> bool:
        return self.status is not None and self.status.is_overdue(self.today)


def _joined() -> Exists:
    return Exists(
        CaseAgency.objects.filter(
            case=OuterRef("case_id"),
            agency__kind=AgencyKind.ADULT_SOCIAL_CARE,
            left_at__isnull=True,
        )
    )


def person_summary(
    actor: Actor, person: Person, *, purpose: str = "", audited_by_page: bool = False
) -> ScreeningSummary:
    """Every screening of the person the actor may see, newest first, with the chart.

    The access policy scopes the screenings. The read is audited here, unless it is shown
    inside a page whose own read of this person is already audited (``audited_by_page``: the
    case and person pages), as the chronology on the case page is.
    """
    people_access.require_person(actor, person)
    today = timezone.localdate()
    screenings = list(
        screening_access.visible_screenings(actor)
        .filter(person=person)
        .select_related("screened_by", "agency", "instrument_version")
        .order_by("-screened_on", "-pk")
    )
    # The status and the transition in one query, through the person.
    facts = (
        Person.objects.filter(pk=person.pk)
        .select_related("screening_status", "transition__adult_services", "transition__case")
        .annotate(
            adult_services_joined=Exists(
                CaseAgency.objects.filter(
                    case=OuterRef("transition__case_id"),
                    agency__kind=AgencyKind.ADULT_SOCIAL_CARE,
                    left_at__isnull=True,
                )
            )
        )
        .get()
    )
    status: ScreeningStatus | None = getattr(facts, "screening_status", None)
    transition: Transition | None = getattr(facts, "transition", None)
    # Capacity is assessed with the adults' instrument only: no adult screening, no query.
    capacity = (
        list(CapacityAssessment.objects.filter(person=person).select_related("recorded_by"))
        if any(s.audience == "adults" for s in screenings)
        else []
    )
    if not audited_by_page:
        audit.record(
            actor,
            Event.SCREENING_HISTORY_VIEWED,
            object_id=person.pk,
            person_id=person.pk,
            purpose=purpose,
            detail={"screenings": len(screenings)},
        )
    chart = None
    if screenings:
        newest_spec = screenings[0].instrument_version.spec
        points = [
            Point(s.screened_on, s.level_rank, s.level_label, s.computed_rank, s.reference)
            for s in reversed(screenings)
        ]
        chart = level_chart(
            points,
            [lv.label for lv in newest_spec.levels],
            eighteenth=eighteenth_birthday(person.date_of_birth) if person.date_of_birth else None,
            today=today,
        )
    return ScreeningSummary(
        person=person,
        screenings=screenings,
        status=status,
        transition=TransitionView(transition, bool(facts.adult_services_joined))
        if transition is not None
        else None,
        capacity=capacity,
        chart=chart,
        today=today,
        may_screen=screening_access.may_screen(actor),
    )


# --- a new screening ----------------------------------------------------------------------


@dataclass
class NewScreening:
    """What the screening form needs: the instrument by age today and its suggestions."""

    person: Person
    version: InstrumentVersion | None
    suggestions: list[SuggestionView]
    audience_known: bool
    today: date

    @property
    def spec(self) -> InstrumentDef | None:
        return self.version.spec if self.version else None

    def for_indicator(self, code: str) -> list[SuggestionView]:
        return [s for s in self.suggestions if s.indicator == code]


def new_screening(
    actor: Actor, person: Person, *, audience: str = "", purpose: str = "screen risk"
) -> NewScreening:
    """The instrument to screen with (by age on today's date) and the suggestions from the
    chronology entries this actor may read, each with the entries behind it. Audited."""
    screening_access.require_screen(actor, person)
    today = timezone.localdate()
    version = services.instrument_for(person, today, audience=audience)
    views: list[SuggestionView] = []
    if version is not None:
        found = suggested(actor, person.pk, version.spec, today)
        entries = _entries_by_id(
            actor, (pk for s in found for pk in s.match.entry_ids[:ENTRIES_SHOWN])
        )
        for s in found:
            view = _suggestion_view(
                code=s.match.rule.code,
                label=s.match.rule.label,
                indicator=s.indicator,
                entry_ids=s.match.entry_ids,
                entries=entries,
                latest_on=s.match.latest_on,
                readable=True,
            )
            view.total = len(s.match.entry_ids)
            views.append(view)
    audit.record(
        actor,
        Event.SCREENING_SUGGESTIONS_VIEWED,
        object_id=person.pk,
        person_id=person.pk,
        purpose=purpose,
        detail={"suggestions": [v.code for v in views]},
    )
    return NewScreening(
        person=person,
        version=version,
        suggestions=views,
        audience_known=person.date_of_birth is not None,
        today=today,
    )


# --- work lists ---------------------------------------------------------------------------


def _open_case() -> QuerySet[Case]:
    return Case.objects.filter(person=OuterRef("person_id"), status=CaseStatus.OPEN).order_by(
        "opened_at", "pk"
    )


def due_list(
    actor: Actor, *, scope: str = "mine", within_days: int = DUE_SOON_DAYS
) -> QuerySet[ScreeningStatus]:
    """Screenings overdue or due soon, soonest first. ``mine``: people whose open case the
    actor leads or whom they last screened; ``all``: everyone (hub caseworkers)."""
    access.check(actor, screening_access.may_see_screening_work(actor), "see screening work lists")
    today = timezone.localdate()
    open_case = _open_case()
    qs = (
        ScreeningStatus.objects.filter(
            person__in=people_access.visible_people(actor),
            next_due_on__lte=today + timedelta(days=within_days),
        )
        .select_related("person", "latest_screening__screened_by")
        .annotate(
            case_id=Subquery(open_case.values("pk")[:1]),
            lead_id=Subquery(open_case.values("lead_professional_id")[:1]),
            overdue=ExpressionWrapper(Q(next_due_on__lt=today), output_field=BooleanField()),
            lead_name=Subquery(
                open_case.annotate(
                    name=Concat(
                        "lead_professional__first_name", Value(" "), "lead_professional__last_name"
                    )
                ).values("name")[:1]
            ),
        )
    )
    if scope == "mine":
        qs = qs.filter(Q(lead_id=actor.user.pk) | Q(latest_screening__screened_by=actor.user))
    audit.record(
        actor,
        Event.SCREENINGS_DUE_LISTED,
        purpose="screenings due",
        detail={"scope": scope},
    )
    return qs.order_by("next_due_on", "person_id")


def transitions_due(actor: Actor, *, waiting_only: bool = False) -> QuerySet[Transition]:
    """Transitions at 18: everyone in planning, and those who turned 18 in the last 90 days
    or whose adult services have not joined yet. ``joined`` says whether adult social care
    is an active member of the case."""
    access.check(actor, screening_access.may_see_screening_work(actor), "see transitions at 18")
    today = timezone.localdate()
    qs = (
        Transition.objects.filter(person__in=people_access.visible_people(actor))
        .annotate(joined=_joined())
        .filter(
            Q(status=TransitionStatus.PLANNING)
            | Q(turned_18_on__gte=today - timedelta(days=90))
            | Q(joined=False, case__status=CaseStatus.OPEN)
        )
        .select_related("person", "case", "adult_services")
    )
    if waiting_only:
        qs = qs.filter(joined=False)
    audit.record(
        actor,
        Event.TRANSITIONS_LISTED,
        purpose="transitions at 18",
        detail={"waiting_only": waiting_only},
    )
    return qs.order_by("eighteenth_birthday", "pk")


@dataclass(frozen=True)
class WorkSummary:
    mine_overdue: int
    mine_due_soon: int
    all_overdue: int
    transitions_planning: int
    transitions_waiting: int


def work_summary(actor: Actor) -> WorkSummary:
    """Counts for the home page (numbers only, no one named; not audited as a read)."""
    access.check(actor, screening_access.may_see_screening_work(actor), "see screening work lists")
    today = timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    open_case = _open_case()
    statuses = ScreeningStatus.objects.annotate(
        lead_id=Subquery(open_case.values("lead_professional_id")[:1])
    )
    mine = statuses.filter(Q(lead_id=actor.user.pk) | Q(latest_screening__screened_by=actor.user))
    planning = Transition.objects.filter(status=TransitionStatus.PLANNING).annotate(
        joined=_joined()
    )
    return WorkSummary(
        mine_overdue=mine.filter(next_due_on__lt=today).count(),
        mine_due_soon=mine.filter(next_due_on__gte=today, next_due_on__lte=soon).count(),
        all_overdue=ScreeningStatus.objects.filter(next_due_on__lt=today).count(),
        transitions_planning=planning.count(),
        transitions_waiting=planning.filter(joined=False).count(),
    )


# --- instruments (not person data) -------------------------------------------------------------


def instruments() -> list[Instrument]:
    return list(Instrument.objects.select_related("current_version").prefetch_related("versions"))


def instrument_version_get(pk: int) -> InstrumentVersion:
    return get_object_or_404(InstrumentVersion.objects.select_related("instrument"), pk=pk)


def home_panel(actor: Actor, _obj: object = None) -> dict[str, Any]:
    """The home page's screening work for the hub's caseworkers."""
    return {"screening_work": work_summary(actor)} if actor.does_casework else {}


def person_panel(actor: Actor, person: Person) -> dict[str, Any]:
    """The person's page: their screenings (the page's own read audits them)."""
    return {"summary": person_summary(actor, person, audited_by_page=True)}
