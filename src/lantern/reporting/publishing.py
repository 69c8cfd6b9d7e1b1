"""From figures to what leaves the hub: every table goes through
:func:`lantern.reporting.suppression.publish` here, and nowhere else.

One **report** is the set of tables published together (the dashboard's figures for one
period; a national return; a quarterly board report): suppression settles a report as a
whole, so tables that share a margin hide the same totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings

from lantern.core.figures import Figure
from lantern.reporting.suppression import Policy, PublishedTable, Table, publish

COLLECTIONS = {
    "dashboard": "Board dashboard",
    "sac": "Safeguarding Adults Collection",
    "children": "Children's exploitation",
}


def policy() -> Policy:
    """The partnership's suppression policy (``LANTERN_SUPPRESSION``, default health-style)."""
    return Policy(str(getattr(settings, "LANTERN_SUPPRESSION", "health") or "health"))


def to_table(figure: Figure) -> Table:
    return Table(
        name=figure.title,
        row_labels=figure.row_labels,
        col_labels=figure.col_labels,
        counts=figure.counts,
        row_margin=figure.row_margin,
        col_margin=figure.col_margin,
    )


def publish_report(
    figures: Sequence[Figure], chosen: Policy | str | None = None
) -> list[PublishedTable]:
    """The tables of one report as they may leave the hub (same order as ``figures``)."""
    if not figures:
        return []
    return publish([to_table(f) for f in figures], chosen or policy())


def by_collection(figures: Iterable[Figure]) -> dict[str, list[Figure]]:
    grouped: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        grouped[figure.collection].append(figure)
    return dict(grouped)


def table_dict(figure: Figure, table: PublishedTable) -> dict[str, Any]:
    """A published table as stored and served (JSON): text only, no counts."""
    return {
        "key": figure.key,
        "title": figure.title,
        "description": figure.description,
        "notes": list(figure.notes),
        "chart": figure.chart,
        "policy": table.policy.value,
        "row_labels": list(table.row_labels),
        "col_labels": list(table.col_labels),
        "cells": [list(row) for row in table.cells],
        "row_totals": list(table.row_totals),
        "col_totals": list(table.col_totals),
        "total": table.total,
    }


def table_from_dict(data: dict[str, Any]) -> PublishedTable:
    return PublishedTable(
        name=data["title"],
        policy=Policy(data["policy"]),
        row_labels=tuple(data["row_labels"]),
        col_labels=tuple(data["col_labels"]),
        cells=tuple(tuple(row) for row in data["cells"]),
        row_totals=tuple(data["row_totals"]),
        col_totals=tuple(data["col_totals"]),
        total=data["total"],
    )


def rows_of(data: dict[str, Any]) -> list[list[str]]:
    """Header, body and totals of a stored published table, for CSV and XLSX."""
    return table_from_dict(data).rows()
