"""Charts of published figures: SVG drawn on the server by pygal.

A chart is drawn from the **published** text of a table (after suppression), never from the
counts: a hidden cell is left out of the chart (a gap), as it is shown as a mark in the
table beside it. The SVG carries no script (``js=[]``) and is shown as an image (a ``data:``
URL, which the Content-Security-Policy allows for images), so its own styles never meet
the page's policy; the table beside it is the accessible alternative.
"""

from __future__ import annotations

import base64

import pygal
from pygal.style import Style

from lantern.reporting.suppression import PublishedTable

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    font_family="Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
    no_data_font_size=16,
    colors=("#1d70b8", "#f47738", "#00703c", "#6f72af", "#d4351c", "#505a5f", "#b58840", "#912b88"),
)


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


#: Tables with more columns than this are drawn full width, the table below the chart.
SIDE_BY_SIDE_COLUMNS = 3


def chart_svg(table: PublishedTable, *, stacked: bool = False) -> str:
    """The table as a bar chart: a bar per row, a series per column."""
    kind = pygal.StackedBar if stacked else pygal.Bar
    wide = len(table.col_labels) > SIDE_BY_SIDE_COLUMNS
    chart = kind(
        style=STYLE,
        js=[],
        width=960 if wide else 480,
        height=320 if wide else 300,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(3, len(table.col_labels)) if wide else 1,
        print_values=False,
        show_y_guides=True,
        x_label_rotation=0 if len(table.row_labels) <= 4 else 20,
        truncate_label=28,
        truncate_legend=40,
        title=table.name,
        disable_xml_declaration=True,
        no_data_text="Nothing to show for this period",
    )
    values = [[_number(cell) or 0 for cell in row] for row in table.cells]
    top = max([sum(row) if stacked else max(row, default=0) for row in values], default=0)
    step = _step(top)
    chart.y_labels = list(range(0, max(top, 5) + step, step))
    chart.x_labels = list(table.row_labels)
    for c, column in enumerate(table.col_labels):
        chart.add(column, [_number(row[c]) for row in table.cells])
    return str(chart.render(is_unicode=True))


def _step(top: int) -> int:
    """A whole-number step giving at most about eight gridlines."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 8:
            return step
    return 10_000


def data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
