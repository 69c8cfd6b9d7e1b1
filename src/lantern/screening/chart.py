"""The level over time, drawn on the server as SVG: readable without JavaScript.

The chart is an image with a title and a description (``role="img"``, ``aria-labelledby``);
the page shows the same screenings as a table, which is the accessible alternative. Only
presentation attributes are used (no ``style``), so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 150, 20, 20, 40
#: Colours by how far up the scale a level is (GOV.UK palette; text stays black).
MIN_SPAN_DAYS = 90
COLOURS = ("#505a5f", "#f47738", "#d4351c", "#942514")


@dataclass(frozen=True)
class Point:
    on: date
    rank: int
    label: str
    computed_rank: int
    reference: str


def _colour(rank: int, levels: int) -> str:
    if levels <= 1:
        return COLOURS[0]
    index = round(rank * (len(COLOURS) - 1) / (levels - 1))
    return COLOURS[min(index, len(COLOURS) - 1)]


def level_chart(
    points: Sequence[Point],
    level_labels: Sequence[str],
    *,
    chart_id: str = "level-chart",
    eighteenth: date | None = None,
    today: date,
) -> SafeString:
    """An SVG step chart of the judged level at each screening, oldest to newest."""
    if not points:
        return mark_safe("")  # an empty string  # nosec B308
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

    title = f"{chart_id}-title"
    desc = f"{chart_id}-desc"
    latest = points[-1]
    summary = (
        f"{len(points)} screening{'s' if len(points) != 1 else ''} from "
        f"{points[0].on:%-d %B %Y} to {latest.on:%-d %B %Y}. Latest level: {latest.label}. "
        "The table below lists every screening."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="lantern-chart" role="img" aria-labelledby="{title} {desc}" '
        f'font-family="arial, sans-serif" font-size="14">',
        f'<title id="{title}">Screening level over time</title>',
        f'<desc id="{desc}">{escape(summary)}</desc>',
    ]
    for rank, label in enumerate(level_labels):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(rank)}" y2="{y(rank)}" '
            'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{y(rank) + 5}" text-anchor="end" fill="#0b0c0c">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 10}" fill="#0b0c0c">{start:%-d %b %Y}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 10}" text-anchor="end" fill="#0b0c0c">'
        f"{end:%-d %b %Y}</text>"
    )
    if eighteenth is not None and start <= eighteenth <= end:
        ex = x(eighteenth)
        parts.append(
            f'<line x1="{ex}" x2="{ex}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#1d70b8" '
            'stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{ex + 4}" y="{TOP + 12}" fill="#1d70b8">18th birthday</text>'
        )
    path = []
    for index, point in enumerate(points):
        if index == 0:
            path.append(f"M {x(point.on)} {y(point.rank)}")
        else:
            path.append(f"H {x(point.on)} V {y(point.rank)}")
    path.append(f"H {x(end)}")
    parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="#0b0c0c" stroke-width="3"/>')
    for point in points:
        parts.append(
            f'<circle cx="{x(point.on)}" cy="{y(point.rank)}" r="7" '
            f'fill="{_colour(point.rank, levels)}" stroke="#0b0c0c" stroke-width="2">'
            f"<title>{escape(point.reference)}, {point.on:%-d %b %Y}: {escape(point.label)}</title>"
            "</circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text value above is escaped  # nosec: B703, B308
