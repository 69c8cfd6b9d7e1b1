"""The board's actions figure: actions opened, done and overdue, by the kind of agency that
owns them. No person, no agency name (a named small agency could point at its staff): the
rows are agency kinds. Registered in :class:`lantern.actions.apps.ActionsConfig` through
:mod:`lantern.core.figures`; reporting publishes it through its suppression module.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from lantern.actions.dates import overdue_cutoff
from lantern.actions.models import Action, ActionStatus
from lantern.agencies.models import AgencyKind
from lantern.core.figures import Figure, Period

OPENED, DONE, OVERDUE = "Opened", "Done", "Overdue at the end of the period"


def action_figures(period: Period) -> list[Figure]:
    """Actions set in the period, done in it, and live but overdue on its last day (or today
    for the current period), by the owning agency's kind."""
    start, end = period.starts_at(), period.ends_at()
    kinds = dict(AgencyKind.choices)
    counts: Counter[tuple[str, str]] = Counter()
    for (kind,) in Action.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "owner_agency__kind"
    ):
        counts[(str(kinds.get(kind, kind)), OPENED)] += 1
    for (kind,) in Action.objects.filter(
        status=ActionStatus.DONE, closed_at__gte=start, closed_at__lt=end
    ).values_list("owner_agency__kind"):
        counts[(str(kinds.get(kind, kind)), DONE)] += 1
    last_day = min(period.end, timezone.localdate() + timedelta(days=1))
    on = last_day - timedelta(days=1)
    live_then = Action.objects.filter(created_at__lt=end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=end)
    )
    for (kind,) in live_then.filter(due_on__lt=overdue_cutoff(on)).values_list(
        "owner_agency__kind"
    ):
        counts[(str(kinds.get(kind, kind)), OVERDUE)] += 1
    cols = (OPENED, DONE, OVERDUE)
    used = {row for row, _ in counts}
    rows = tuple(str(label) for _, label in AgencyKind.choices if str(label) in used)
    return [
        Figure(
            key="actions_by_agency_kind",
            title="Actions opened, done and overdue, by kind of agency",
            row_labels=rows,
            col_labels=cols,
            counts=tuple(tuple(counts[(r, c)] for c in cols) for r in rows),
            description=(
                "Actions set in the period (at meetings, in plans, at triage, in disruption "
                "plans), actions done in it, and actions still open on the last day of the "
                "period (or today) that were overdue in working days, by the kind of agency "
                "that owns them. The total counts events, not actions."
            ),
        )
    ]
