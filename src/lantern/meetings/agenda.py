"""Proposing a meeting's agenda from a registry of agenda sources.

An agenda source is a function ``(AgendaContext) -> list[Proposal]``, registered under a
code with :func:`register_agenda_source`. A meeting type (``data/meeting_types.yaml``)
names the sources it asks, in order; a source registered for a scope ("panel" or "case")
that the type does not name is asked after those it names. So another app (intelligence's
accepted alerts, persons of concern with new links) adds a source from its own
``AppConfig.ready`` without editing this module.

Proposals about the same case (or person) become one agenda item with every reason. The
proposal is a hub read (audited by :func:`lantern.meetings.queries.agenda_proposal`).

A source whose items not every agency may receive says so: ``shown_to(agency) -> bool``
(intelligence: the hub and police agencies only) decides, at redaction, whether an agency's
minutes (or the room) may show its items at all; a proposal with a ``restricted_category``
(``handling_c`` for intelligence shared only with conditions) is shown only to the hub.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery

from lantern.actions.dates import overdue_cutoff
from lantern.actions.models import LIVE_STATUSES, Action
from lantern.cases.models import Case, CaseStatus
from lantern.meetings.models import Meeting, PlanVersion
from lantern.meetings.types import MeetingType
from lantern.screening.models import Screening, ScreeningStatus

ADULT_YEARS = 18


@dataclass(frozen=True)
class AgendaContext:
    meeting_type: MeetingType
    meeting_day: date
    #: "New" and "went up" mean on or after this day.
    since: date
    #: The open cases this meeting covers (by audience, or the meeting's one case).
    cases: QuerySet[Case]
    #: The case a meeting about one case is about (always on its agenda).
    subject_case_id: int | None = None


@dataclass
class Proposal:
    source: str
    title: str
    reason: str
    case_id: int | None = None
    person_id: int | None = None
    #: A restricted category (``core.access.RestrictedCategory``) the item's content falls in.
    restricted_category: str = ""
    #: An item of its own rather than merged with the case's (``alert:12``, ``entity:7``).
    ref: str = ""

    @property
    def key(self) -> str:
        if self.ref:
            return self.ref
        if self.case_id:
            return f"case:{self.case_id}"
        if self.person_id:
            return f"person:{self.person_id}"
        return f"{self.source}:{self.title}"


@dataclass
class ProposedItem:
    """One proposed agenda item: what it is about and every reason it is proposed."""

    key: str
    title: str
    sources: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    case_id: int | None = None
    person_id: int | None = None
    restricted_category: str = ""

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


AgendaSourceFunction = Callable[[AgendaContext], list[Proposal]]
#: Whether an agency (a recipient of minutes, or one in the room) may see a source's items.
AudienceCheck = Callable[[Any], bool]


@dataclass(frozen=True)
class AgendaSource:
    code: str
    label: str
    proposes: AgendaSourceFunction
    scopes: tuple[str, ...] = ("panel", "case")
    shown_to: AudienceCheck | None = None


_SOURCES: dict[str, AgendaSource] = {}


def register_agenda_source(
    code: str,
    label: str,
    proposes: AgendaSourceFunction,
    *,
    scopes: tuple[str, ...] = ("panel", "case"),
    shown_to: AudienceCheck | None = None,
) -> None:
    """Add an agenda source (idempotent for the same function). ``shown_to(agency)``, when
    given, limits which agencies' minutes (and which rooms) may show the source's items."""
    existing = _SOURCES.get(code)
    if existing is not None and existing.proposes is not proposes:
        raise ValueError(f"Two agenda sources named {code}")
    _SOURCES[code] = AgendaSource(
        code=code, label=label, proposes=proposes, scopes=scopes, shown_to=shown_to
    )


def source_shown_to(codes: str, agency: Any) -> bool:
    """Whether ``agency`` may see an item proposed by these sources (comma-separated codes,
    as an agenda item stores them): every source that limits its audience must admit it."""
    for code in codes.split(","):
        source = _SOURCES.get(code)
        if source is not None and source.shown_to is not None and not source.shown_to(agency):
            return False
    return True


def agenda_sources() -> dict[str, AgendaSource]:
    return dict(_SOURCES)


def source_label(code: str) -> str:
    source = _SOURCES.get(code)
    return source.label if source else "Added by the chair"


def sources_for(meeting_type: MeetingType) -> list[AgendaSource]:
    named = [_SOURCES[c] for c in meeting_type.agenda if c in _SOURCES]
    others = [
        s
        for c, s in _SOURCES.items()
        if c not in meeting_type.agenda and meeting_type.scope in s.scopes
    ]
    return named + others


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cases_in_scope(meeting_type: MeetingType, meeting_day: date, case_id: int | None) -> Any:
    qs = Case.objects.filter(status=CaseStatus.OPEN, person__merged_into__isnull=True)
    if case_id is not None:
        return qs.filter(pk=case_id)
    eighteen = _years_before(meeting_day, ADULT_YEARS)
    if meeting_type.audience == "children":
        # Under 18 on the day; a person whose date of birth is not known is not left out.
        qs = qs.filter(Q(person__date_of_birth__gt=eighteen) | Q(person__date_of_birth=None))
    elif meeting_type.audience == "adults":
        qs = qs.filter(Q(person__date_of_birth__lte=eighteen) | Q(person__date_of_birth=None))
    return qs


def context_for(meeting: Meeting, meeting_type: MeetingType) -> AgendaContext:
    day = meeting.held_at.date()
    previous = (
        Meeting.objects.filter(meeting_type=meeting.meeting_type, held_at__lt=meeting.held_at)
        .exclude(pk=meeting.pk)
        .aggregate(last=Max("held_at"))["last"]
    )
    since = previous.date() if previous else day - timedelta(days=meeting_type.lookback_days)
    return AgendaContext(
        meeting_type=meeting_type,
        meeting_day=day,
        since=since,
        cases=cases_in_scope(meeting_type, day, meeting.case_id),
        subject_case_id=meeting.case_id,
    )


def _case_title(row: dict[str, Any]) -> str:
    name = f"{row['person__given_name']} {row['person__family_name']}".strip()
    return f"{name} (case C-{row['pk']:06d})"


CASE_FIELDS = ("pk", "person_id", "person__given_name", "person__family_name")


def propose(context: AgendaContext) -> list[ProposedItem]:
    """Ask every source the meeting type uses; one item per case or person, in order."""
    items: dict[str, ProposedItem] = {}
    if context.subject_case_id is not None:
        for row in Case.objects.filter(pk=context.subject_case_id).values(*CASE_FIELDS):
            key = f"case:{row['pk']}"
            items[key] = ProposedItem(
                key=key,
                title=_case_title(row),
                sources=["subject"],
                reasons=["The case this meeting is about"],
                case_id=row["pk"],
                person_id=row["person_id"],
            )
    for source in sources_for(context.meeting_type):
        for proposal in source.proposes(context):
            item = items.get(proposal.key)
            if item is None:
                item = items[proposal.key] = ProposedItem(
                    key=proposal.key,
                    title=proposal.title,
                    case_id=proposal.case_id,
                    person_id=proposal.person_id,
                )
            if proposal.restricted_category and not item.restricted_category:
                item.restricted_category = proposal.restricted_category
            if source.code not in item.sources:
                item.sources.append(source.code)
            item.reasons.append(proposal.reason)
    return list(items.values())


# --- the sources Lantern ships ------------------------------------------------------------


def cases_due_review(context: AgendaContext) -> list[Proposal]:
    """Open cases whose plan review, or re-screening, falls due by the meeting day."""
    latest_review = PlanVersion.objects.filter(
        plan__case=OuterRef("pk"), version=OuterRef("plan__current_version")
    ).values("review_on")[:1]
    rows = (
        context.cases.annotate(
            review_on=Subquery(latest_review),
            rescreen_on=F("person__screening_status__next_due_on"),
        )
        .filter(Q(review_on__lte=context.meeting_day) | Q(rescreen_on__lte=context.meeting_day))
        .order_by("review_on", "rescreen_on", "pk")
        .values(*CASE_FIELDS, "review_on", "rescreen_on")
    )
    proposals = []
    for row in rows:
        reasons = []
        if row["review_on"] and row["review_on"] <= context.meeting_day:
            reasons.append(f"plan review due {row['review_on']:%-d %b %Y}")
        if row["rescreen_on"] and row["rescreen_on"] <= context.meeting_day:
            reasons.append(f"re-screening due {row['rescreen_on']:%-d %b %Y}")
        proposals.append(
            Proposal(
                source="cases_due_review",
                title=_case_title(row),
                reason="Due review: " + " and ".join(reasons),
                case_id=row["pk"],
                person_id=row["person_id"],
            )
        )
    return proposals


def new_cases_at_risk(context: AgendaContext) -> list[Proposal]:
    """Cases opened since the last meeting whose person is screened at a level the meeting
    type names (significant or serious risk)."""
    levels = list(context.meeting_type.risk_levels)
    rows = (
        context.cases.filter(
            opened_at__date__gte=context.since,
            person__screening_status__level__in=levels,
        )
        .order_by("-person__screening_status__level_rank", "opened_at")
        .values(*CASE_FIELDS, "opened_at", "person__screening_status__level_label")
    )
    return [
        Proposal(
            source="new_cases_at_risk",
            title=_case_title(row),
            reason=(
                f"New case (opened {row['opened_at']:%-d %b %Y}) at "
                f"{row['person__screening_status__level_label'].lower()}"
            ),
            case_id=row["pk"],
            person_id=row["person_id"],
        )
        for row in rows
    ]


def screenings_went_up(context: AgendaContext) -> list[Proposal]:
    """People whose latest screening since the last meeting is at a higher level than the
    screening before it."""
    outer_day = OuterRef("latest_screening__screened_on")
    previous = (
        Screening.objects.filter(person=OuterRef("person_id"))
        .filter(
            Q(screened_on__lt=outer_day)
            | Q(screened_on=outer_day, pk__lt=OuterRef("latest_screening_id"))
        )
        .order_by("-screened_on", "-pk")
    )
    case_of = {row["person_id"]: row for row in context.cases.values(*CASE_FIELDS).order_by("pk")}
    latest = (
        ScreeningStatus.objects.filter(
            person_id__in=context.cases.values("person_id"),
            latest_screening__screened_on__gte=context.since,
        )
        .annotate(
            was_rank=Subquery(previous.values("level_rank")[:1]),
            was_label=Subquery(previous.values("level_label")[:1]),
            screened_on=F("latest_screening__screened_on"),
            now_rank=F("latest_screening__level_rank"),
            now_label=F("latest_screening__level_label"),
        )
        .filter(was_rank__isnull=False, now_rank__gt=F("was_rank"))
        .order_by("-now_rank", "person_id")
        .values("person_id", "was_label", "now_label", "screened_on")
    )
    proposals = []
    for row in latest:
        case = case_of.get(row["person_id"])
        if case is None:
            continue
        proposals.append(
            Proposal(
                source="screenings_went_up",
                title=_case_title(case),
                reason=(
                    f"Screening went up from {row['was_label'].lower()} to "
                    f"{row['now_label'].lower()} on {row['screened_on']:%-d %b %Y}"
                ),
                case_id=case["pk"],
                person_id=row["person_id"],
            )
        )
    return proposals


def actions_overdue(context: AgendaContext) -> list[Proposal]:
    """Cases with actions overdue (in working days) on the meeting day."""
    rows: dict[int, dict[str, Any]] = {}
    for row in (
        Action.objects.filter(
            case_id__in=context.cases.values("pk"),
            status__in=LIVE_STATUSES,
            due_on__lt=overdue_cutoff(context.meeting_day),
        )
        .order_by("case_id", "due_on")
        .values(
            "case_id",
            "due_on",
            "case__person_id",
            "case__person__given_name",
            "case__person__family_name",
        )
    ):
        entry = rows.setdefault(row["case_id"], {"count": 0, "oldest": row["due_on"], **dict(row)})
        entry["count"] += 1
    proposals = []
    for case_id, info in rows.items():
        title_row = {
            "pk": case_id,
            "person__given_name": info["case__person__given_name"],
            "person__family_name": info["case__person__family_name"],
        }
        count = info["count"]
        proposals.append(
            Proposal(
                source="actions_overdue",
                title=_case_title(title_row),
                reason=(
                    f"{count} action{'s' if count != 1 else ''} overdue "
                    f"(oldest due {info['oldest']:%-d %b %Y})"
                ),
                case_id=case_id,
                person_id=info["case__person_id"],
            )
        )
    return proposals


register_agenda_source("cases_due_review", "Cases due review", cases_due_review)
register_agenda_source(
    "new_cases_at_risk", "New cases at significant or serious risk", new_cases_at_risk
)
register_agenda_source("screenings_went_up", "Screenings that went up", screenings_went_up)
register_agenda_source("actions_overdue", "Actions overdue", actions_overdue)
