"""The board's support figures: key-worker continuity, outcome measures over time, and
National Referral Mechanism referrals and decisions by age group. Counts only; labels are
numbers of key workers, scale names from ``data/outcome_scales.yaml`` and fixed words.
Registered in :class:`lantern.support.apps.SupportConfig` through
:mod:`lantern.core.figures`; reporting publishes them through its suppression module.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from django.db.models import Q
from django.utils import timezone

from lantern.core.figures import Figure, Period
from lantern.core.normalisers import age_on
from lantern.people.models import ADULT_AGE, Person
from lantern.support.models import (
    GroundsDecision,
    KeyWorkerAssignment,
    NrmJourney,
    NrmRoute,
    OutcomeMeasure,
)
from lantern.support.rules import outcome_scales

CHILD, ADULT, AGE_UNKNOWN = "Children (under 18)", "Adults (18 and over)", "Age not known"
KEY_WORKER_ROWS = ("1 key worker", "2 key workers", "3 key workers", "4 or more key workers")
IMPROVED, SAME, WORSE = "Better than their first score", "The same", "Worse than their first"


def _grid(
    rows: tuple[str, ...], cols: tuple[str, ...], counts: Counter[tuple[str, str]]
) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(counts[(r, c)] for c in cols) for r in rows)


def _group(dob: date | None, on: date) -> str:
    if dob is None:
        return AGE_UNKNOWN
    return CHILD if age_on(dob, on) < ADULT_AGE else ADULT


def key_worker_figures(period: Period) -> list[Figure]:
    """People who had a key worker during the period, by how many key workers they have had
    in all by its end (continuity is a measure: fewer is better)."""
    end = period.ends_at()
    during = KeyWorkerAssignment.objects.filter(started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=period.starts_at())
    )
    people = set(during.values_list("person_id", flat=True))
    had: Counter[int] = Counter(
        KeyWorkerAssignment.objects.filter(person_id__in=people, started_at__lt=end).values_list(
            "person_id", flat=True
        )
    )
    on = min(period.end, timezone.localdate())
    dobs = dict(Person.objects.filter(pk__in=people).values_list("pk", "date_of_birth"))
    counts: Counter[tuple[str, str]] = Counter()
    for person_id, number in had.items():
        row = KEY_WORKER_ROWS[min(number, len(KEY_WORKER_ROWS)) - 1]
        counts[(row, _group(dobs.get(person_id), on))] += 1
    cols = (CHILD, ADULT, AGE_UNKNOWN)
    return [
        Figure(
            key="key_worker_continuity",
            title="Key-worker continuity",
            row_labels=KEY_WORKER_ROWS,
            col_labels=cols,
            counts=_grid(KEY_WORKER_ROWS, cols, counts),
            description=(
                "People who had a key worker at any time in the period, by how many key "
                "workers they have had in all by the end of it (a change of key worker is "
                "counted however it came about). Age at the end of the period."
            ),
            chart="stacked",
        )
    ]


def outcome_figures(period: Period) -> list[Figure]:
    """For each scale, people scored on it in the period (and at least once before): their
    latest score by the end of the period against their first ever."""
    scored = OutcomeMeasure.objects.filter(
        measured_on__gte=period.start, measured_on__lt=period.end
    ).values_list("person_id", "scale")
    pairs = set(scored)
    series: dict[tuple[int, str], list[int]] = defaultdict(list)
    people = {person for person, _ in pairs}
    for person_id, scale, score in (
        OutcomeMeasure.objects.filter(person_id__in=people, measured_on__lt=period.end)
        .order_by("measured_on", "recorded_at", "pk")
        .values_list("person_id", "scale", "score")
    ):
        if (person_id, scale) in pairs:
            series[(person_id, scale)].append(score)
    scales = outcome_scales()
    counts: Counter[tuple[str, str]] = Counter()
    for (_, scale), scores in series.items():
        if len(scores) < 2:
            continue
        first, latest = scores[0], scores[-1]
        column = IMPROVED if latest > first else WORSE if latest < first else SAME
        counts[(scales.label(scale), column)] += 1
    known = [s.label for s in scales.scales]
    rows = tuple(known + sorted({r for r, _ in counts} - set(known)))
    cols = (IMPROVED, SAME, WORSE)
    return [
        Figure(
            key="outcome_measures",
            title="Outcome measures: latest score against the first",
            row_labels=rows,
            col_labels=cols,
            counts=_grid(rows, cols, counts),
            description=(
                "On each outcome scale, the people scored on it in the period who had been "
                "scored on it before: whether their latest score is higher (better), the same "
                "or lower than their first. A person counts once on each scale."
            ),
            chart="stacked",
        )
    ]


REFERRED, NOTIFIED = "Referral to the NRM", "Duty to notify (anonymous)"
DECISION_ROWS = (
    ("reasonable_grounds", GroundsDecision.POSITIVE, "Reasonable grounds: positive"),
    ("reasonable_grounds", GroundsDecision.NEGATIVE, "Reasonable grounds: negative"),
    ("conclusive_grounds", GroundsDecision.POSITIVE, "Conclusive grounds: positive"),
    ("conclusive_grounds", GroundsDecision.NEGATIVE, "Conclusive grounds: negative"),
)
NRM_CHILD, NRM_ADULT = "Child at referral", "Adult at referral"


def nrm_figures(period: Period) -> list[Figure]:
    """NRM referrals and notifications in the period by age group; decisions made in it."""
    referred: Counter[tuple[str, str]] = Counter()
    for route, child in NrmJourney.objects.filter(
        referred_on__gte=period.start, referred_on__lt=period.end
    ).values_list("route", "child_at_referral"):
        column = REFERRED if route == NrmRoute.REFERRAL else NOTIFIED
        referred[(NRM_CHILD if child else NRM_ADULT, column)] += 1
    decided: Counter[tuple[str, str]] = Counter()
    for stage, decision, label in DECISION_ROWS:
        for (child,) in NrmJourney.objects.filter(
            **{
                stage: decision,
                f"{stage}_on__gte": period.start,
                f"{stage}_on__lt": period.end,
            }
        ).values_list("child_at_referral"):
            decided[(NRM_CHILD if child else NRM_ADULT, label)] += 1
    groups = (NRM_CHILD, NRM_ADULT)
    decision_rows = tuple(label for _, _, label in DECISION_ROWS)
    return [
        Figure(
            key="nrm_referrals",
            title="National Referral Mechanism referrals, by age group",
            row_labels=groups,
            col_labels=(REFERRED, NOTIFIED),
            counts=_grid(groups, (REFERRED, NOTIFIED), referred),
            description=(
                "NRM referrals made in the period (children need no consent; an adult's needs "
                "theirs) and anonymous duty-to-notify notifications for adults who did not "
                "consent, by age when referred."
            ),
        ),
        Figure(
            key="nrm_decisions",
            title="National Referral Mechanism decisions, by age group",
            # Age groups along the chart's axis, a series per decision (short axis labels).
            row_labels=groups,
            col_labels=decision_rows,
            counts=_grid(groups, decision_rows, decided),
            description=(
                "Reasonable-grounds and conclusive-grounds decisions dated in the period, by "
                "age when referred. The total counts decisions, not people."
            ),
        ),
    ]


def support_figures(period: Period) -> list[Figure]:
    return [*key_worker_figures(period), *outcome_figures(period), *nrm_figures(period)]
