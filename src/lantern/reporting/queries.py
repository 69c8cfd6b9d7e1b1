"""Every read of board reporting: each checks its rule and is audited. Nothing returned here
names a person; figures are the published (suppressed) text from the snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import timezone

from lantern.core import audit
from lantern.core.access import Actor
from lantern.core.events import Event, ObjectType
from lantern.core.figures import Figure, Period, QualityCount, quality_counts
from lantern.reporting import access
from lantern.reporting.models import (
    OPEN_STATUSES,
    BoardReport,
    Recommendation,
    Snapshot,
    SnapshotPeriod,
)
from lantern.reporting.periods import quarter, recent_quarters
from lantern.reporting.publishing import COLLECTIONS, policy
from lantern.reporting.services import publish_period, report_tables


@dataclass
class Figures:
    """One collection's published tables for one period, as the snapshot holds them."""

    period: Period
    periods: list[Period]
    collection: str
    snapshot: Snapshot | None
    tables: list[dict[str, Any]] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)


def _require_figures(actor: Actor) -> None:
    access.require(
        actor, access.board_figures_read, "see the board's figures", ObjectType.BOARD_FIGURES
    )


def _figures(period_key: str | None, collection: str) -> Figures:
    if collection not in COLLECTIONS:
        raise Http404("No such collection")
    periods = recent_quarters()
    period = quarter(period_key) if period_key else periods[0]
    stored: SnapshotPeriod | None = (
        SnapshotPeriod.objects.filter(period=period.key)
        .select_related("snapshot")
        .order_by("-snapshot__refreshed_at", "-snapshot_id")
        .first()
    )
    if stored is None:
        return Figures(period=period, periods=periods, collection=collection, snapshot=None)
    published, charts = stored.published, stored.charts
    if stored.snapshot.policy != policy().value:
        # The policy changed since the refresh: publish again from the stored counts.
        raw = [Figure.from_dict(f) for f in stored.figures]
        published, charts = publish_period(raw, policy())
    return Figures(
        period=period,
        periods=periods,
        collection=collection,
        snapshot=stored.snapshot,
        tables=list(published.get(collection, [])),
        charts=charts if collection == "dashboard" else {},
    )


def figures(actor: Actor, period_key: str | None, collection: str = "dashboard") -> Figures:
    """The board's figures (or a return) for one period, read from the latest snapshot."""
    _require_figures(actor)
    found = _figures(period_key, collection)
    audit.record(
        actor,
        Event.BOARD_FIGURES_VIEWED,
        object_id=found.period.key,
        detail={"collection": collection},
    )
    return found


def figures_export(
    actor: Actor, period_key: str | None, collection: str, fmt: str, key: str = ""
) -> Figures:
    """The tables to download (one figure, or all of a collection), the download audited."""
    _require_figures(actor)
    found = _figures(period_key, collection)
    if key:
        found.tables = [t for t in found.tables if t["key"] == key]
        if not found.tables:
            raise Http404("No such figure")
    audit.record(
        actor,
        Event.BOARD_FIGURES_EXPORTED,
        object_id=found.period.key,
        detail={"collection": collection, "format": fmt, "figure": key or "all"},
    )
    return found


@dataclass
class ReportView:
    report: BoardReport
    period: Period
    tables: list[dict[str, Any]]


def report(actor: Actor, period_key: str, *, fmt: str = "") -> ReportView:
    """A quarterly report: as issued, or the draft from the latest figures."""
    access.require(actor, access.board_report_read, "see board reports", ObjectType.BOARD_REPORT)
    period = quarter(period_key)
    found = BoardReport.objects.filter(period=period.key).first() or BoardReport(period=period.key)
    tables = found.issued_tables if found.is_issued else report_tables(period.key)[1]
    audit.record(
        actor,
        Event.BOARD_REPORT_EXPORTED if fmt else Event.BOARD_REPORT_VIEWED,
        object_id=period.key,
        detail={"format": fmt} if fmt else None,
    )
    return ReportView(report=found, period=period, tables=list(tables))


def reports(actor: Actor) -> list[tuple[Period, BoardReport | None]]:
    access.require(actor, access.board_report_read, "see board reports", ObjectType.BOARD_REPORT)
    stored = {r.period: r for r in BoardReport.objects.all()}
    audit.record(actor, Event.BOARD_REPORT_VIEWED, object_id="list")
    return [(p, stored.get(p.key)) for p in recent_quarters()]


def recommendations(actor: Actor, *, overdue_only: bool = False) -> list[Recommendation]:
    access.require(
        actor,
        access.recommendation_read,
        "see the recommendation tracker",
        ObjectType.RECOMMENDATION,
    )
    found = Recommendation.objects.all()
    if overdue_only:
        found = found.filter(status__in=OPEN_STATUSES, review_date__lt=timezone.localdate())
    audit.record(actor, Event.RECOMMENDATIONS_LISTED, detail={"overdue_only": overdue_only})
    return list(found)


def recommendation_get(actor: Actor, pk: int) -> Recommendation:
    access.require(
        actor,
        access.recommendation_read,
        "see the recommendation tracker",
        ObjectType.RECOMMENDATION,
    )
    found = Recommendation.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such recommendation")
    return found


def data_quality(actor: Actor) -> list[QualityCount]:
    access.require(
        actor, access.data_quality_read, "see the data-quality report", ObjectType.DATA_QUALITY
    )
    counts = quality_counts(actor)
    audit.record(actor, Event.DATA_QUALITY_VIEWED, detail={c.key: c.count for c in counts})
    return counts
