"""Figures for the board, and data-quality counts, that apps provide without reporting
importing them (as :mod:`lantern.core.panels` does for pages).

An app registers a **figure provider** in its ``AppConfig.ready``::

    from lantern.core.figures import register_figures
    register_figures("intelligence", alert_figures)

where ``alert_figures(period: Period) -> Iterable[Figure]`` counts what happened in
``period`` (``period.start`` inclusive, ``period.end`` exclusive) and returns plain counts:
no person, no name, no identifier. Reporting asks every provider when it refreshes its
snapshot, and every figure then goes through small-number suppression before anyone sees
it. A provider reads its own tables directly (aggregate counts are not person data); it
must not return a figure whose labels identify anyone.

A **data-quality check** (``check(actor) -> QualityCount | None``) gives a manager one count
of work to fix, with a link to the page that fixes it when ``actor`` may open it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from lantern.core.access import Actor


@dataclass(frozen=True)
class Period:
    """A reporting period: ``start`` inclusive, ``end`` exclusive; ``key`` like ``2026Q3``."""

    key: str
    label: str
    start: date
    end: date

    def starts_at(self) -> datetime:
        """Midnight (local time) at the start of the period, for timestamps."""
        return datetime.combine(self.start, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    def ends_at(self) -> datetime:
        """Midnight (local time) at the start of the day after the period."""
        return datetime.combine(self.end, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass(frozen=True)
class Figure:
    """Counts by row and column for one period, before suppression.

    Figures that publish the same totals (people referred by sex in two tables, say) name
    the same ``row_margin`` / ``col_margin`` with the same labels, so suppression hides the
    same totals in both. Name a margin only where the totals really are equal.
    """

    key: str
    title: str
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    description: str = ""
    row_margin: str = ""
    col_margin: str = ""
    #: "bar" (rows along the axis, a series per column) or "stacked".
    chart: str = "bar"
    #: Which report the figure belongs to: "dashboard" or a return ("sac", "children").
    collection: str = "dashboard"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "row_labels": list(self.row_labels),
            "col_labels": list(self.col_labels),
            "counts": [list(row) for row in self.counts],
            "description": self.description,
            "row_margin": self.row_margin,
            "col_margin": self.col_margin,
            "chart": self.chart,
            "collection": self.collection,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        return cls(
            key=data["key"],
            title=data["title"],
            row_labels=tuple(data["row_labels"]),
            col_labels=tuple(data["col_labels"]),
            counts=tuple(tuple(int(v) for v in row) for row in data["counts"]),
            description=data.get("description", ""),
            row_margin=data.get("row_margin", ""),
            col_margin=data.get("col_margin", ""),
            chart=data.get("chart", "bar"),
            collection=data.get("collection", "dashboard"),
            notes=tuple(data.get("notes", ())),
        )


FigureProvider = Callable[[Period], Iterable[Figure]]
_PROVIDERS: dict[str, FigureProvider] = {}


def register_figures(name: str, provider: FigureProvider) -> None:
    """Add ``provider(period) -> figures`` under ``name`` (one provider per name)."""
    _PROVIDERS[name] = provider


def providers() -> dict[str, FigureProvider]:
    """Every registered provider, in registration order."""
    return dict(_PROVIDERS)


@dataclass(frozen=True)
class QualityCount:
    """One count of work to fix; ``url`` only when the actor may open the page that fixes it."""

    key: str
    label: str
    count: int
    url: str = ""
    hint: str = ""


QualityCheck = Callable[[Actor], "QualityCount | None"]
_CHECKS: dict[str, QualityCheck] = {}


def register_quality_check(name: str, check: QualityCheck) -> None:
    _CHECKS[name] = check


def quality_counts(actor: Actor) -> list[QualityCount]:
    """Every registered check's count for ``actor``, in registration order."""
    counts = []
    for check in _CHECKS.values():
        result = check(actor)
        if result is not None:
            counts.append(result)
    return counts
