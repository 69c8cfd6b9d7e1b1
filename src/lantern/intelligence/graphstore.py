"""The one in-memory analysis graph of a process, built from the database once.

:func:`current` returns the :class:`~lantern.intelligence.engine.graph.AnalysisGraph`,
building it on first use and after that only bringing it up to date: links added since the
last look (by primary key, which only grows), links withdrawn since then, entities added or
changed, and the hub's knowledge of people (open cases, screening levels, persons of
concern) that other apps change. Several worker processes each keep their own copy and
each catches up the same way, so none needs telling.

Node ids are ``e<pk>`` for entities and ``l<pk>`` for links (:attr:`Entity.node_id`).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection
from django.db.models import Exists, Max, OuterRef, QuerySet

from lantern.agencies.models import Agency
from lantern.cases.models import Case, CaseStatus
from lantern.intelligence.engine.graph import AnalysisGraph, LinkRow
from lantern.intelligence.engine.model import Entity as GEntity
from lantern.intelligence.engine.model import Link as GLink
from lantern.intelligence.models import Entity, Link, PersonOfConcern
from lantern.screening.models import ScreeningStatus

_BATCH = 50_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def entity_id(pk: int) -> str:
    return f"e{pk}"


def link_id(pk: int) -> str:
    return f"l{pk}"


def pk_of(node_id: str) -> int:
    return int(node_id[1:])


@dataclass
class _Knowledge:
    """What the hub knows about person entities beyond the entity rows."""

    concern: set[int] = field(default_factory=set)
    open_case: set[int] = field(default_factory=set)
    risk: dict[int, str] = field(default_factory=dict)


def _knowledge() -> _Knowledge:
    k = _Knowledge()
    k.concern = set(
        PersonOfConcern.objects.filter(ended_at__isnull=True).values_list("entity_id", flat=True)
    )
    hub_people = Entity.objects.filter(kind="person", person__isnull=False)
    open_case = Case.objects.filter(person=OuterRef("person_id"), status=CaseStatus.OPEN).values(
        "pk"
    )
    k.open_case = set(hub_people.filter(Exists(open_case)).values_list("pk", flat=True))
    level = ScreeningStatus.objects.filter(person=OuterRef("person_id")).values("level")[:1]
    for pk, risk in hub_people.annotate(level=level).values_list("pk", "level"):
        if risk:
            k.risk[pk] = risk
    return k


def _knowledge_marks() -> tuple[Any, ...]:
    """When the hub's knowledge of people last changed: the latest change to persons of
    concern, cases and screening levels (each an index seek on ``updated_at``; none of
    these rows is ever deleted while an entity refers to its person). While these stand
    still, :func:`_knowledge` would read what it read before."""
    return tuple(
        model.objects.aggregate(last=Max("updated_at"))["last"]
        for model in (PersonOfConcern, Case, ScreeningStatus)
    )


def _graph_entity(row: dict[str, Any], k: _Knowledge) -> GEntity:
    pk = int(row["pk"])
    status = ""
    if pk in k.concern:
        status = "person_of_concern"
    elif row["at_risk"] or row["person_id"]:
        status = "person_at_risk"
    return GEntity(
        id=entity_id(pk),
        kind=str(row["kind"]),
        label=str(row["label"]),
        subtype=str(row["subtype"]),
        date_of_birth=row["date_of_birth"],
        postcode=str(row["postcode"]),
        status=status,
        risk_level=k.risk.get(pk, "") or str(row["known_risk_level"]),
        open_case=pk in k.open_case or bool(row["known_open_case"]),
    )


ENTITY_FIELDS = (
    "pk",
    "kind",
    "label",
    "subtype",
    "date_of_birth",
    "postcode",
    "at_risk",
    "known_risk_level",
    "known_open_case",
    "person_id",
    "updated_at",
)
LINK_FIELDS = (
    "pk",
    "from_entity_id",
    "to_entity_id",
    "link_type",
    "date_from",
    "date_to",
    "agency_id",
    "source_eval",
    "intel_assessment",
    "handling",
)


def _day(value: Any) -> date | None:
    """A date column as the driver gives it (SQLite: ISO text; PostgreSQL: a date)."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value  # type: ignore[no-any-return]


def _graph_links(qs: QuerySet[Any]) -> Iterator[LinkRow]:
    """The links of ``qs`` for the graph (:data:`LinkRow` tuples), in primary-key batches,
    read by the database driver without Django's per-value converters, agencies by their
    code from one small query: at five million links, every object made per link shows."""
    agencies = dict(Agency.objects.values_list("pk", "code"))
    last = 0
    while True:
        query = qs.filter(pk__gt=last).order_by("pk").values_list(*LINK_FIELDS)[:_BATCH]
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return
        for pk, a, b, kind, day, day_to, agency, source_eval, assessment, handling in rows:
            yield (
                f"l{pk}",
                f"e{a}",
                f"e{b}",
                kind,
                _day(day) if day else None,
                _day(day_to) if day_to else None,
                agencies.get(agency, ""),
                source_eval,
                assessment,
                handling,
            )
        last = rows[-1][0]


def _dict_rows(qs: QuerySet[Any], fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """``qs.values(*fields)`` in primary-key batches (memory stays flat on big graphs)."""
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk").values(*fields)[:_BATCH])
        if not batch:
            return
        yield from batch
        last = batch[-1]["pk"]


def _holds(graph: AnalysisGraph, link: str) -> bool:
    try:
        graph.link(link)
    except KeyError:
        return False
    return True


class GraphStore:
    """Holds the process's graph and the watermarks it was brought up to."""

    def __init__(self) -> None:
        self.graph: AnalysisGraph | None = None
        self.max_link = 0
        self.max_entity = 0
        self.entities_changed: datetime | None = None
        self.withdrawn_since: datetime | None = None
        self.knowledge = _Knowledge()
        self.knowledge_marks: tuple[Any, ...] = ()
        self.lock = threading.RLock()

    def build(self) -> AnalysisGraph:
        gc.unfreeze()  # the graph this replaces may go
        self.knowledge_marks = _knowledge_marks()
        k = _knowledge()
        entities = Entity.objects.all()
        links = Link.objects.filter(withdrawn_at__isnull=True)
        marks = Entity.objects.aggregate(pk=Max("pk"), changed=Max("updated_at"))
        link_marks = Link.objects.aggregate(pk=Max("pk"), withdrawn=Max("withdrawn_at"))
        graph = AnalysisGraph.build(
            (_graph_entity(row, k) for row in _dict_rows(entities, ENTITY_FIELDS)),
            link_rows=_graph_links(links),
        )
        self.graph = graph
        self.max_entity = marks["pk"] or 0
        self.entities_changed = marks["changed"]
        self.max_link = link_marks["pk"] or 0
        self.withdrawn_since = link_marks["withdrawn"]
        self.knowledge = k
        settle()
        return graph

    def refresh(self, *, thorough: bool = False) -> tuple[AnalysisGraph, set[str]]:
        """Catch up with the database; returns the graph and the ids of what changed
        (entities first, with the hub's knowledge of people, then links added and
        withdrawn).

        The hub's knowledge of people is read again only when its marks moved (after one
        new link they have not, and reading it scans every person the hub knows), or when
        ``thorough`` (the full run), which also catches a change committed late with an
        older time than the marks had seen."""
        with self.lock:
            if self.graph is None:
                return self.build(), set()
            graph = self.graph
            changed = self._catch_up_entities(graph, thorough)
            changed |= self._catch_up_links(graph)
            return graph, changed

    def _catch_up_entities(self, graph: AnalysisGraph, thorough: bool) -> set[str]:
        changed: set[str] = set()
        # Entities added or changed (label, type, at risk).
        new_entities = Entity.objects.filter(pk__gt=self.max_entity)
        changed_entities = Entity.objects.none()
        if self.entities_changed is not None:
            # On the updated_at index alone (with the primary key too, SQLite walks the keys).
            changed_entities = Entity.objects.filter(updated_at__gt=self.entities_changed)
        marks = _knowledge_marks()
        k = _knowledge() if thorough or marks != self.knowledge_marks else self.knowledge
        self.knowledge_marks = marks
        for row in new_entities.order_by("pk").values(*ENTITY_FIELDS):
            graph.add_entity(_graph_entity(row, k))
            self.max_entity = max(self.max_entity, int(row["pk"]))
            changed.add(entity_id(int(row["pk"])))
            self._stamp(row["updated_at"])
        touched = {
            int(row["pk"]): row
            for row in changed_entities.values(*ENTITY_FIELDS)
            if entity_id(int(row["pk"])) not in changed  # just added, as it is now
        }
        # The hub's knowledge of people changes in other apps: compare and update.
        moved = (
            (k.concern ^ self.knowledge.concern)
            | (k.open_case ^ self.knowledge.open_case)
            | {
                pk
                for pk in set(k.risk) | set(self.knowledge.risk)
                if k.risk.get(pk) != self.knowledge.risk.get(pk)
            }
        )
        missing = moved - set(touched)
        if missing:
            for row in Entity.objects.filter(pk__in=missing).values(*ENTITY_FIELDS):
                touched[int(row["pk"])] = row
        for pk, row in touched.items():
            # An entity saved with nothing the graph holds changed is not a change.
            if graph.update_entity(_graph_entity(row, k)):
                changed.add(entity_id(pk))
            self._stamp(row["updated_at"])
        self.knowledge = k
        return changed

    def _stamp(self, stamp: datetime) -> None:
        if self.entities_changed is None or stamp > self.entities_changed:
            self.entities_changed = stamp

    def _catch_up_links(self, graph: AnalysisGraph) -> set[str]:
        changed: set[str] = set()
        for row in _graph_links(
            Link.objects.filter(pk__gt=self.max_link, withdrawn_at__isnull=True)
        ):
            graph.add_link(GLink(*row))
            changed.update((row[1], row[2]))
        top = Link.objects.aggregate(pk=Max("pk"))["pk"] or 0
        self.max_link = max(self.max_link, top)
        # A range on the index (``IS NOT NULL`` alone makes SQLite scan every link).
        withdrawn = Link.objects.filter(withdrawn_at__gt=self.withdrawn_since or _EPOCH)
        for pk, a, b, stamp in withdrawn.values_list(
            "pk", "from_entity_id", "to_entity_id", "withdrawn_at"
        ):
            if _holds(graph, link_id(pk)):
                graph.withdraw_link(link_id(pk))
                changed.update((entity_id(a), entity_id(b)))
            if stamp is not None and (self.withdrawn_since is None or stamp > self.withdrawn_since):
                self.withdrawn_since = stamp
        return changed

    def reset(self) -> None:
        with self.lock:
            self.graph = None
            gc.unfreeze()


def settle() -> None:
    """Take what is alive now (the graph, and after a full evaluation the rules' memo of it)
    out of the collector's full collections. Python's collector walks every container it
    tracks: with a million-entity graph that is a pause of a tenth of a second or more in
    whichever request comes next (seen as the slow ones of bench/intel_db.py's
    re-evaluations). These objects live as long as the graph; a rebuild or reset unfreezes
    them so the old graph can go."""
    gc.freeze()


_STORE = GraphStore()


def store() -> GraphStore:
    return _STORE


def current(*, thorough: bool = False) -> AnalysisGraph:
    """The analysis graph, up to date with the database (``thorough``: the hub's knowledge
    of people read again whatever its marks say)."""
    graph, _ = _STORE.refresh(thorough=thorough)
    return graph


def reset() -> None:
    """Forget the graph (tests that roll the database back, a restore)."""
    _STORE.reset()
