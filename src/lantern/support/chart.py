"""Outcome measures over time, drawn on the server as SVG by pygal.

The chart is served as its own image (``support:outcomes_chart``), shown with ``<img>`` and
a text alternative, and the page puts the same measures in a table beside it (the
accessible alternative). As an image its script never runs; its own inline style is allowed
for that one response only.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from pygal.style import Style

from lantern.support.models import OutcomeMeasure
from lantern.support.rules import OutcomeScales

# GOV.UK Frontend colours that stay distinguishable side by side.
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f", "#28a197")


def outcomes_svg(measures: Sequence[OutcomeMeasure], scales: OutcomeScales) -> bytes:
    dates = sorted({m.measured_on for m in measures})
    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#0b0c0c",
        foreground_strong="#0b0c0c",
        foreground_subtle="#505a5f",
        colors=COLOURS,
        font_family="Arial, sans-serif",
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        title_font_size=16,
    )
    chart = pygal.Line(
        style=style,
        js=[],
        width=720,
        height=360,
        range=(scales.minimum, scales.maximum),
        min_scale=scales.maximum - scales.minimum,
        max_scale=scales.maximum - scales.minimum,
        show_dots=True,
        dots_size=4,
        stroke_style={"width": 2},
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        x_label_rotation=0 if len(dates) <= 8 else 30,
        show_minor_x_labels=len(dates) <= 12,
        disable_xml_declaration=False,
        allow_interruptions=False,
    )
    chart.title = "Outcomes over time"
    chart.x_labels = [d.strftime("%d %b %Y") for d in dates]
    if len(dates) > 12:
        step = max(1, len(dates) // 8)
        chart.x_labels_major = chart.x_labels[::step]
    by_scale: dict[str, dict[object, int]] = {}
    for m in measures:
        by_scale.setdefault(m.scale, {})[m.measured_on] = m.score
    for scale in scales.scales:
        points = by_scale.get(scale.code)
        if points:
            chart.add(scale.label, [points.get(d) for d in dates])
    rendered: bytes = chart.render()
    return rendered
