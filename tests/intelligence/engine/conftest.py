from __future__ import annotations

from datetime import date

import pytest

from lantern.intelligence.engine import AnalysisGraph, Entity, Link

TODAY = date(2026, 3, 10)


def person(pid: str, label: str = "", status: str = "", **extra: object) -> Entity:
    return Entity(pid, "person", label or pid.title(), status=status, **extra)  # type: ignore[arg-type]


def link(
    lid: str,
    a: str,
    b: str,
    link_type: str,
    when: date | None = date(2026, 3, 3),
    *,
    grading: str = "2B",
    handling: str = "P",
    agency: str = "police",
) -> Link:
    return Link(lid, a, b, link_type, when, None, agency, grading[0], grading[1], handling)


@pytest.fixture
def shared_vehicle() -> AnalysisGraph:
    """Sam (not known) is seen in Jordan's vehicle and taken to a flat Ali lives at."""
    return AnalysisGraph.build(
        [
            person("sam", "Sam T."),
            person("jordan", "Jordan S.", "person_at_risk"),
            person("ali", "Ali C.", "person_of_concern"),
            Entity("car", "vehicle", "AB12 CDE"),
            Entity("flat", "location", "Flat 3, Mill House", "flat"),
        ],
        [
            link("l1", "sam", "car", "seen_in"),
            link("l2", "jordan", "car", "seen_in", date(2026, 2, 20), grading="1A"),
            link("l3", "ali", "car", "driver_of", date(2026, 1, 5), grading="1B"),
            link("l4", "sam", "flat", "taken_to", date(2026, 3, 5)),
            link("l5", "ali", "flat", "lives_at", date(2025, 11, 1), grading="1A"),
        ],
    )
