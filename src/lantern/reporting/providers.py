"""The board's figures from what the foundation apps record: referrals, triage, screening,
people, transitions at 18 and cases. Each function counts one period; nothing here returns
a person. Registered in :class:`lantern.reporting.apps.ReportingConfig` through the figure
registry (:mod:`lantern.core.figures`), as any other app registers its own.

Children and adults are not published as a table of their own beside the age bands: the
children's row would be the sum of the children's bands, a relation the suppression audit
does not know, so a hidden band could be worked out from it. The age-band table groups the
bands under "Child" and "Adult" instead, and screening levels are split by children and
adults.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from django.db.models import Exists, Min, OuterRef, QuerySet
from django.utils import timezone

from lantern.agencies.models import Agency
from lantern.cases.models import Case, CaseAgency, CaseStatus, ChronologyEntry
from lantern.core.figures import Figure, Period
from lantern.core.normalisers import age_on
from lantern.people.models import ADULT_AGE, Person, Sex
from lantern.referrals.models import Referral, ReferralStatus, TriageDecision
from lantern.reporting.periods import moment, month_label, months_of
from lantern.screening.models import Screening, Transition

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Child: under 13", 0, 12),
    ("Child: 13 to 15", 13, 15),
    ("Child: 16 and 17", 16, 17),
    ("Adult: 18 to 24", 18, 24),
    ("Adult: 25 to 39", 25, 39),
    ("Adult: 40 and over", 40, 200),
)
AGE_UNKNOWN = "Age not known"
SEX_LABELS: tuple[tuple[str, str], ...] = tuple((s.value, str(s.label)) for s in Sex)
CHILD, ADULT = "Children (under 18)", "Adults (18 and over)"
DELAY_BANDS: tuple[tuple[str, int], ...] = (
    ("Within a month", 31),
    ("1 to 6 months", 183),
    ("6 to 12 months", 366),
    ("1 to 2 years", 731),
    ("More than 2 years", 10**6),
)
NO_EARLIER_CONCERN = "No earlier concern recorded"


def age_band(dob: date | None, on: date) -> str:
    if dob is None:
        return AGE_UNKNOWN
    age = age_on(dob, on)
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return AGE_UNKNOWN


def child_or_adult(dob: date | None, on: date) -> str | None:
    if dob is None:
        return None
    return CHILD if age_on(dob, on) < ADULT_AGE else ADULT


def grid(
    rows: Sequence[str], cols: Sequence[str], counts: Counter[tuple[str, str]]
) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(counts[(r, c)] for c in cols) for r in rows)


def _referrals(period: Period) -> QuerySet[Referral]:
    return Referral.objects.filter(
        submitted_at__gte=moment(period.start), submitted_at__lt=moment(period.end)
    )


def referral_figures(period: Period) -> list[Figure]:
    """Referrals by source agency and month; triage timeliness by source agency."""
    referrals = list(
        _referrals(period).values_list(
            "pk", "referring_agency_id", "submitted_at", "due_by", "status"
        )
    )
    names = dict(Agency.objects.values_list("pk", "name"))
    agencies = sorted({names[r[1]] for r in referrals})
    months = [month_label(m) for m in months_of(period)]
    by_month: Counter[tuple[str, str]] = Counter()
    for _, agency_id, submitted, _, _ in referrals:
        by_month[(names[agency_id], month_label(timezone.localtime(submitted).date()))] += 1
    decided = dict(
        TriageDecision.objects.filter(referral_id__in=[r[0] for r in referrals]).values_list(
            "referral_id", "decided_at"
        )
    )
    within, later, waiting, overdue, withdrawn = (
        "Decided within one working day",
        "Decided later",
        "Awaiting a decision, in time",
        "Awaiting a decision, overdue",
        "Withdrawn",
    )
    cut = min(timezone.now(), moment(period.end))
    timeliness: Counter[tuple[str, str]] = Counter()
    for pk, agency_id, _, due_by, status in referrals:
        if pk in decided:
            column = within if decided[pk] <= due_by else later
        elif status == ReferralStatus.WITHDRAWN:
            column = withdrawn
        else:
            column = overdue if cut > due_by else waiting
        timeliness[(names[agency_id], column)] += 1
    columns = (within, later, waiting, overdue, withdrawn)
    return [
        Figure(
            key="referrals_by_agency_month",
            title="Referrals by source agency and month",
            row_labels=tuple(agencies),
            col_labels=tuple(months),
            counts=grid(agencies, months, by_month),
            description="Referrals submitted in the period, by the agency that referred.",
            row_margin="referring agency",
            chart="stacked",
        ),
        Figure(
            key="triage_timeliness",
            title="Triage against the one-working-day target",
            row_labels=tuple(agencies),
            col_labels=columns,
            counts=grid(agencies, columns, timeliness),
            description=(
                "Each referral submitted in the period, by whether the hub decided within one "
                "working day (bank holidays of the deployment's nation excluded)."
            ),
            row_margin="referring agency",
            chart="stacked",
        ),
    ]


def people_figures(period: Period) -> list[Figure]:
    """People referred in the period by age band and sex (boys and men counted)."""
    first = _referrals(period).values("person_id").annotate(first=Min("submitted_at"))
    firsts = {row["person_id"]: row["first"] for row in first}
    people = Person.objects.filter(pk__in=list(firsts)).values_list("pk", "date_of_birth", "sex")
    sexes = dict(SEX_LABELS)
    counts: Counter[tuple[str, str]] = Counter()
    for pk, dob, sex in people:
        on = timezone.localtime(firsts[pk]).date()
        counts[(age_band(dob, on), sexes.get(sex, sexes["not_known"]))] += 1
    rows = [label for label, _, _ in AGE_BANDS] + [AGE_UNKNOWN]
    cols = [label for _, label in SEX_LABELS]
    return [
        Figure(
            key="people_by_age_and_sex",
            title="People referred, by age band and sex",
            row_labels=tuple(rows),
            col_labels=tuple(cols),
            counts=grid(rows, cols, counts),
            description=(
                "Each person referred in the period once, by their age at their first referral "
                "in the period. Boys and men are counted like everyone else."
            ),
            chart="stacked",
        )
    ]


def screening_figures(period: Period) -> list[Figure]:
    """People at each screening level (their latest screening in the period)."""
    screenings = Screening.objects.filter(
        screened_on__gte=period.start, screened_on__lt=period.end
    ).order_by("person_id", "-screened_on", "-pk")
    latest: dict[int, tuple[str, str, str]] = {}
    for person_id, level, label, audience in screenings.values_list(
        "person_id", "level", "level_label", "audience"
    ):
        latest.setdefault(person_id, (level, label, audience))
    counts: Counter[tuple[str, str]] = Counter()
    labels: dict[str, str] = {}
    for level, label, audience in latest.values():
        labels.setdefault(label, level)
        counts[(label, CHILD if audience == "children" else ADULT)] += 1
    rows = sorted(labels)
    cols = (CHILD, ADULT)
    return [
        Figure(
            key="screening_levels",
            title="People at each screening level",
            row_labels=tuple(rows),
            col_labels=cols,
            counts=grid(rows, cols, counts),
            description=(
                "Each person screened in the period, at the level of their latest screening."
            ),
        )
    ]


def transition_figures(period: Period) -> list[Figure]:
    """Transitions at 18 in the period, and whether adult services joined the case."""
    transitions = Transition.objects.filter(
        eighteenth_birthday__gte=period.start, eighteenth_birthday__lt=period.end
    ).annotate(
        joined=Exists(
            CaseAgency.objects.filter(
                case_id=OuterRef("case_id"),
                agency__kind="adult_social_care",
            )
        )
    )
    joined, asked, not_asked = (
        "Adult services joined the case",
        "Adult services asked, not joined",
        "Adult services not asked",
    )
    sexes = dict(SEX_LABELS)
    counts: Counter[tuple[str, str]] = Counter()
    for sex, was_joined, asked_at in transitions.values_list("person__sex", "joined", "asked_at"):
        column = joined if was_joined else asked if asked_at else not_asked
        counts[(sexes.get(sex, sexes["not_known"]), column)] += 1
    rows = [label for _, label in SEX_LABELS]
    cols = (joined, asked, not_asked)
    return [
        Figure(
            key="transitions_at_18",
            title="Transitions at 18 and whether adult services joined",
            row_labels=tuple(rows),
            col_labels=cols,
            counts=grid(rows, cols, counts),
            description="People flagged for transition who turned 18 in the period.",
            chart="stacked",
        )
    ]


def case_figures(period: Period) -> list[Figure]:
    """Cases opened (first or reopened) and closed in the period, for children and adults."""
    start, end = moment(period.start), moment(period.end)
    opened = Case.objects.filter(opened_at__gte=start, opened_at__lt=end).annotate(
        earlier=Exists(
            Case.objects.filter(
                person_id=OuterRef("person_id"), opened_at__lt=OuterRef("opened_at")
            )
        )
    )
    closed = Case.objects.filter(status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
    first_open, reopened, was_closed = (
        "Opened (first case)",
        "Reopened (an earlier case)",
        "Closed",
    )
    unknown = "Age not known"
    counts: Counter[tuple[str, str]] = Counter()
    for dob, opened_at, earlier in opened.values_list(
        "person__date_of_birth", "opened_at", "earlier"
    ):
        group = child_or_adult(dob, timezone.localtime(opened_at).date()) or unknown
        counts[(group, reopened if earlier else first_open)] += 1
    for dob, closed_at in closed.values_list("person__date_of_birth", "closed_at"):
        group = child_or_adult(dob, timezone.localtime(closed_at).date()) or unknown
        counts[(group, was_closed)] += 1
    open_now: Counter[tuple[str, str]] = Counter()
    still_open = Case.objects.filter(opened_at__lt=end).exclude(closed_at__lt=end)
    on = min(period.end, timezone.localdate())
    for (dob,) in still_open.values_list("person__date_of_birth"):
        open_now[(child_or_adult(dob, on) or unknown, "Open cases")] += 1
    rows = (CHILD, ADULT, unknown)
    cols = (first_open, reopened, was_closed)
    return [
        Figure(
            key="cases_opened_closed",
            title="Cases opened, reopened and closed",
            row_labels=rows,
            col_labels=cols,
            counts=grid(rows, cols, counts),
            description=(
                "Hub cases opened in the period (a reopening is a case for someone who had an "
                "earlier one) and cases closed in it. The total counts events, not cases."
            ),
            chart="stacked",
        ),
        Figure(
            key="cases_open_at_end",
            title="Cases open at the end of the period",
            row_labels=rows,
            col_labels=("Open cases",),
            counts=grid(rows, ("Open cases",), open_now),
            description="Hub cases open on the last day of the period (or today).",
        ),
    ]


def recognition_figures(period: Period) -> list[Figure]:
    """Time from an agency's first recorded concern to the person's first referral."""
    first_ever = dict(
        Referral.objects.values("person_id")
        .annotate(first=Min("submitted_at"))
        .filter(first__gte=moment(period.start), first__lt=moment(period.end))
        .values_list("person_id", "first")
    )
    earliest: dict[int, date] = defaultdict(lambda: date.max)
    ids = list(first_ever)
    for chunk in range(0, len(ids), 5000):
        for person_id, first in (
            ChronologyEntry.objects.filter(person_id__in=ids[chunk : chunk + 5000])
            .values("person_id")
            .annotate(first=Min("occurred_on"))
            .values_list("person_id", "first")
        ):
            earliest[person_id] = first
    dobs = dict(Person.objects.filter(pk__in=ids).values_list("pk", "date_of_birth"))
    counts: Counter[tuple[str, str]] = Counter()
    for person_id, referred_at in first_ever.items():
        referred_on = timezone.localtime(referred_at).date()
        group = child_or_adult(dobs.get(person_id), referred_on) or AGE_UNKNOWN
        concern = earliest.get(person_id, date.max)
        if concern >= referred_on:
            band = NO_EARLIER_CONCERN
        else:
            days = (referred_on - concern).days
            band = next(label for label, limit in DELAY_BANDS if days < limit)
        counts[(band, group)] += 1
    rows = [label for label, _ in DELAY_BANDS] + [NO_EARLIER_CONCERN]
    cols = (CHILD, ADULT, AGE_UNKNOWN)
    return [
        Figure(
            key="time_to_recognition",
            title="Time from an agency's first recorded concern to the first referral",
            row_labels=tuple(rows),
            col_labels=cols,
            counts=grid(rows, cols, counts),
            description=(
                "People first referred in the period, by how long before the referral any "
                "agency's chronology first recorded something about them: how long it took to "
                "recognise exploitation."
            ),
            chart="stacked",
        )
    ]


def dashboard_figures(period: Period) -> list[Figure]:
    """Every figure the foundation apps give the board, for one period."""
    return [
        *referral_figures(period),
        *people_figures(period),
        *screening_figures(period),
        *transition_figures(period),
        *case_figures(period),
        *recognition_figures(period),
    ]
