"""The board's intelligence figures: alerts raised, accepted and dismissed by rule, and
disruption activity and what followed it, by activity type. Counts only: the labels are
rule names and activity types from the data files, never an entity, a place or a person.
Registered in :class:`lantern.intelligence.apps.IntelligenceConfig` through
:mod:`lantern.core.figures`; reporting publishes them through its suppression module.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from lantern.core.figures import Figure, Period
from lantern.intelligence import terms
from lantern.intelligence.models import Alert, AlertStatus, Disruption, Link

RAISED, ACCEPTED, DISMISSED = "Raised", "Accepted", "Dismissed"
OUTCOME, NO_OUTCOME = "Outcome recorded", "No outcome recorded yet"
NEW_LINKS, NO_NEW_LINKS = "New links to the subject since", "No new links since"


def _grid(
    rows: tuple[str, ...], cols: tuple[str, ...], counts: Counter[tuple[str, str]]
) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(counts[(r, c)] for c in cols) for r in rows)


def alert_figures(period: Period) -> list[Figure]:
    """Alerts raised in the period, and alerts accepted or dismissed in it, by rule."""
    start, end = period.starts_at(), period.ends_at()
    counts: Counter[tuple[str, str]] = Counter()
    for (rule,) in Alert.objects.filter(raised_at__gte=start, raised_at__lt=end).values_list(
        "rule"
    ):
        counts[(terms.rule_label(rule), RAISED)] += 1
    for rule, status in Alert.objects.filter(
        decided_at__gte=start,
        decided_at__lt=end,
        status__in=(AlertStatus.ACCEPTED, AlertStatus.DISMISSED),
    ).values_list("rule", "status"):
        column = ACCEPTED if status == AlertStatus.ACCEPTED else DISMISSED
        counts[(terms.rule_label(rule), column)] += 1
    rows = tuple(sorted({row for row, _ in counts}))
    cols = (RAISED, ACCEPTED, DISMISSED)
    return [
        Figure(
            key="alerts_by_rule",
            title="Alerts raised, accepted and dismissed, by rule",
            row_labels=rows,
            col_labels=cols,
            counts=_grid(rows, cols, counts),
            description=(
                "Alerts the network rules raised in the period, and alerts an analyst accepted "
                "or dismissed in it (an alert raised earlier may be decided now). The total "
                "counts events, not alerts."
            ),
        )
    ]


def disruption_figures(period: Period) -> list[Figure]:
    """Disruption recorded in the period by activity type: whether an outcome is recorded,
    and whether the subject gained any new link (to anyone, anywhere) after it."""
    disruptions = list(
        Disruption.objects.filter(
            occurred_on__gte=period.start, occurred_on__lt=period.end
        ).values_list("activity", "outcome", "subject_id", "occurred_on")
    )
    subjects = {subject for _, _, subject, _ in disruptions}
    link_days: dict[int, list[date]] = {}
    for from_id, to_id, date_from, recorded_at in _links_of(subjects):
        # The link's own date where the source gave one, else the day it was recorded.
        day = date_from or timezone.localtime(recorded_at).date()
        for entity_id in {from_id, to_id} & subjects:
            link_days.setdefault(entity_id, []).append(day)
    outcome: Counter[tuple[str, str]] = Counter()
    followed: Counter[tuple[str, str]] = Counter()
    for activity, text, subject, occurred_on in disruptions:
        label = terms.disruption_label(activity)
        outcome[(label, OUTCOME if text.strip() else NO_OUTCOME)] += 1
        later = any(day > occurred_on for day in link_days.get(subject, []))
        followed[(label, NEW_LINKS if later else NO_NEW_LINKS)] += 1
    rows = tuple(sorted({label for label, _ in outcome}))
    return [
        Figure(
            key="disruption_activity",
            title="Disruption activity and outcomes, by activity type",
            row_labels=rows,
            col_labels=(OUTCOME, NO_OUTCOME),
            counts=_grid(rows, (OUTCOME, NO_OUTCOME), outcome),
            description=(
                "Disruption the partnership recorded in the period (a warning notice, an order, "
                "an arrest, a closure, a visit…), by whether what came of it has been recorded."
            ),
            row_margin="disruption activity",
            chart="stacked",
        ),
        Figure(
            key="disruption_followed_by_links",
            title="Disruption followed by new links, by activity type",
            row_labels=rows,
            col_labels=(NEW_LINKS, NO_NEW_LINKS),
            counts=_grid(rows, (NEW_LINKS, NO_NEW_LINKS), followed),
            description=(
                "The same disruption, by whether the person, place or vehicle disrupted has "
                "gained any new link (still held) dated after the day of the disruption (the "
                "link's own date, or the day it was recorded): "
                "no new links is a sign, not proof, that the disruption worked."
            ),
            row_margin="disruption activity",
            chart="stacked",
        ),
    ]


def _links_of(subjects: set[int]) -> list[tuple[int, int, date | None, datetime]]:
    """Every link still held that touches one of ``subjects``."""
    if not subjects:
        return []
    ids = list(subjects)
    return list(
        Link.objects.filter(withdrawn_at__isnull=True)
        .filter(Q(from_entity_id__in=ids) | Q(to_entity_id__in=ids))
        .values_list("from_entity_id", "to_entity_id", "date_from", "recorded_at")
    )


def intelligence_figures(period: Period) -> list[Figure]:
    return [*alert_figures(period), *disruption_figures(period)]
