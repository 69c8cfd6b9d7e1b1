"""The level over time, drawn on the server as SVG: readable without JavaScript.

Charts are drawn one way in Lantern: the geometry is worked out here, in Python, and a
template draws it (``screening/_level_chart.html``, as linkage's waterfall does), so every
text is escaped by the template engine and the look lives in the stylesheet (classes, no
``style``: the strict Content-Security-Policy holds). The chart is an image with a title and
a description (``role="img"``, ``aria-labelledby``); the page shows the same screenings as a
table, which is the accessible alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 150, 20, 20, 40
MIN_SPAN_DAYS = 90
#: Marker tones by how far up the scale a level is (``lantern-chart__point--N`` in the CSS).
TONES = 4


@dataclass(frozen=True)
class Point:
    on: date
    rank: int
    label: str
    computed_rank: int
    reference: str


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str

    @property
    def label_y(self) -> float:
        return round(self.y + 5, 1)


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    tone: int
    title: str


@dataclass(frozen=True)
class LevelChart:
    """What the template draws: a step line through the markers, one gridline a level."""

    chart_id: str
    summary: str
    start: date
    end: date
    gridlines: list[Gridline]
    markers: list[Marker]
    path: str
    eighteenth_x: float | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_x: int = WIDTH - RIGHT
    top: int = TOP
    bottom_y: int = HEIGHT - BOTTOM
    label_x: int = LEFT - 8
    date_y: int = HEIGHT - 10
    eighteen_label_y: int = TOP + 12

    @property
    def eighteenth_label_x(self) -> float | None:
        return None if self.eighteenth_x is None else round(self.eighteenth_x + 4, 1)


def _tone(rank: int, levels: int) -> int:
    if levels <= 1:
        return 0
    return min(round(rank * (TONES - 1) / (levels - 1)), TONES - 1)


def level_chart(
    points: Sequence[Point],
    level_labels: Sequence[str],
    *,
    chart_id: str = "level-chart",
    eighteenth: date | None = None,
    today: date,
) -> LevelChart | None:
    """A step chart of the judged level at each screening, oldest to newest."""
    if not points:
        return None
    levels = max(len(level_labels), 1)
    end = max(today, *(p.on for p in points))
    # At least three months across, so that one or two screenings still read as a timeline.
    start = min(end - timedelta(days=MIN_SPAN_DAYS), *(p.on for p in points))
    span = max((end - start).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    inset = 14  # keeps the first and last points clear of the axis labels

    def x(day: date) -> float:
        return round(LEFT + inset + (plot_w - 2 * inset) * (day - start).days / span, 1)

    def y(rank: int) -> float:
        step = plot_h / max(levels - 1, 1)
        return round(TOP + plot_h - step * min(rank, levels - 1), 1)

    latest = points[-1]
    summary = (
        f"{len(points)} screening{'s' if len(points) != 1 else ''} from "
        f"{points[0].on:%-d %B %Y} to {latest.on:%-d %B %Y}. Latest level: {latest.label}. "
        "The table below lists every screening."
    )
    steps = [f"M {x(points[0].on)} {y(points[0].rank)}"]
    steps += [f"H {x(p.on)} V {y(p.rank)}" for p in points[1:]]
    steps.append(f"H {x(end)}")
    return LevelChart(
        chart_id=chart_id,
        summary=summary,
        start=start,
        end=end,
        gridlines=[Gridline(y(rank), label) for rank, label in enumerate(level_labels)],
        markers=[
            Marker(
                x(p.on),
                y(p.rank),
                _tone(p.rank, levels),
                f"{p.reference}, {p.on:%-d %b %Y}: {p.label}",
            )
            for p in points
        ],
        path=" ".join(steps),
        eighteenth_x=x(eighteenth)
        if eighteenth is not None and start <= eighteenth <= end
        else None,
    )
