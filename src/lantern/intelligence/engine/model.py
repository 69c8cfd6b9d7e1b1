"""The analysis engine's plain values: entities, links, alerts (no database, no Django)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date

ENTITY_KINDS = ("person", "location", "vehicle", "phone", "handle")
STATUSES = ("", "person_at_risk", "person_of_concern")
RISK_LEVELS = ("", "low", "medium", "significant", "serious")
SOURCE_EVALS = ("", "1", "2", "3")
ASSESSMENTS = ("", "A", "B", "C", "D", "E")
HANDLING = ("P", "C")


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    kind: str
    label: str = ""
    subtype: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    status: str = ""
    risk_level: str = ""
    open_case: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    id: str
    a: str
    b: str
    link_type: str
    date: datetime.date | None = None
    date_to: datetime.date | None = None
    agency: str = ""
    source_eval: str = ""
    intel_assessment: str = ""
    handling: str = "P"

    @property
    def grading(self) -> str:
        """The 3x5x2 grading as analysts write it (``2B P``; ``?`` for a part not given)."""
        return f"{self.source_eval or '?'}{self.intel_assessment or '?'} {self.handling or 'P'}"


@dataclass(frozen=True)
class Alert:
    key: str
    rule: str
    subject_id: str
    subject_kind: str
    score: float
    explanation: str
    paths: tuple[tuple[str, ...], ...]
    evidence_link_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class Subgraph:
    entities: list[Entity]
    links: list[Link]


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A place linked to ``len(person_ids)`` persons at risk between ``first`` and ``last``."""

    location_id: str
    person_ids: tuple[str, ...]
    link_ids: tuple[str, ...]
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class CoOffending:
    """Two persons of concern and what they share: persons at risk, places, vehicles, phones."""

    a: str
    b: str
    shared_ids: tuple[str, ...]
    shared_kinds: tuple[str, ...]


#: A path for the UI: entity id, link id, entity id, ... (alternating, starting and ending
#: with an entity).
Path = tuple[str, ...]
