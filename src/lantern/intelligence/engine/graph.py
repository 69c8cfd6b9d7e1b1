"""One in-memory analysis graph of entities and links, updated in place.

Storage (docs/intelligence-engine.md says why):

- entities in a list, with compact columns (kind, status) for the rules; an entity's
  position (its vertex) never changes and vertices are never deleted;
- links as columns in :mod:`array` arrays (ends, type, date, agency, grading, alive), so a
  million entities and five million links fit in well under 4 GiB;
- adjacency for local work (ego networks, paths, rules) as a compressed sparse row index
  built once by :meth:`AnalysisGraph.build`, plus a small per-vertex list of links added
  since; adding a link is O(1);
- an igraph graph for whole-graph work (components, communities, betweenness). igraph
  re-indexes its edge list on every insertion (about a second at five million edges), so
  links added since are appended to it in one batch the next time a whole-graph function
  runs; withdrawn links are marked and left out of the view those functions use.
"""

from __future__ import annotations

import random
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

import igraph  # type: ignore[import-untyped,unused-ignore]
import numpy as np

from lantern.intelligence.engine.model import (
    ASSESSMENTS,
    ENTITY_KINDS,
    SOURCE_EVALS,
    STATUSES,
    CoOffending,
    Entity,
    Hotspot,
    Link,
    Path,
    Subgraph,
)
from lantern.intelligence.vocab import location_types

KIND_CODE = {kind: code for code, kind in enumerate(ENTITY_KINDS)}
STATUS_CODE = {status: code for code, status in enumerate(STATUSES)}
PERSON, LOCATION = KIND_CODE["person"], KIND_CODE["location"]
AT_RISK, OF_CONCERN = STATUS_CODE["person_at_risk"], STATUS_CODE["person_of_concern"]
#: A link as a plain tuple, in :class:`Link`'s field order: id, a, b, link_type, date,
#: date_to, agency, source_eval, intel_assessment, handling.
LinkRow = tuple[str, str, str, str, date | None, date | None, str, str, str, str]
_EVAL_CODE = {code: i for i, code in enumerate(SOURCE_EVALS)}
_ASSESSMENT_CODE = {code: i for i, code in enumerate(ASSESSMENTS)}
#: Betweenness is exact up to this many vertices; beyond, sampled from this many sources.
EXACT_BETWEENNESS_LIMIT = 20_000
BETWEENNESS_SAMPLE = 64
#: Leiden passes over the graph: the second refines the first (modularity 0.77 -> 0.85 on a
#: million-entity city graph, 26 s -> 34 s); more rarely change a community an alert uses.
LEIDEN_ITERATIONS = 2


class _Interned:
    """Short codes (link types, agencies) stored once, referred to by number."""

    def __init__(self, initial: Iterable[str] = ()) -> None:
        self.values: list[str] = []
        self.codes: dict[str, int] = {}
        for value in initial:
            self.code(value)

    def code(self, value: str) -> int:
        found = self.codes.get(value)
        if found is None:
            found = self.codes[value] = len(self.values)
            self.values.append(value)
        return found


class AnalysisGraph:
    def __init__(self) -> None:
        self._entities: list[Entity] = []
        self._vindex: dict[str, int] = {}
        self._kind = array("b")
        self._status = array("b")
        self._by_status: dict[int, set[int]] = defaultdict(set)
        # live links to known persons, per vertex: lets the rules skip things no known
        # person is linked to without looking at everyone linked to them
        self._known_deg = array("i")
        self._lids: list[str] = []
        self._lindex: dict[str, int] = {}
        self._la = array("i")
        self._lb = array("i")
        self._lt = array("h")
        self._ld = array("i")  # date ordinal, 0 when undated
        self._ld2 = array("i")
        self._lag = array("h")
        self._lev = array("b")
        self._las = array("b")
        self._lh = array("b")  # 0 P, 1 C
        self._alive = bytearray()
        self._types = _Interned()
        self._agencies = _Interned([""])
        self._indptr = np.zeros(1, dtype=np.int64)
        self._inc = np.zeros(0, dtype=np.int32)
        self._extra: dict[int, list[int]] = defaultdict(list)
        self._ig: Any = igraph.Graph(n=0, directed=False)
        self._ig_links = 0
        self._withdrawn = 0
        self._view: tuple[int, Any] | None = None
        self._version = 0
        #: The rules' memo of this graph (engine/rules.py) and the journal of what changes
        #: touched since it was last brought up to date: (vertex, whether its own status or
        #: type changed). No journal is kept until a memo asks for one.
        self.memo: object | None = None
        self._journal: list[tuple[int, bool]] | None = None
        self._communities: tuple[int, dict[str, int]] | None = None
        self._membership: list[int] = []
        self._community_sizes: dict[int, int] = {}

    # --- building and updating ---------------------------------------------------------

    @classmethod
    def build(
        cls,
        entities: Iterable[Entity],
        links: Iterable[Link] = (),
        *,
        link_rows: Iterable[LinkRow] = (),
    ) -> AnalysisGraph:
        """The graph of ``entities`` and ``links`` (all streamed: nothing is held twice);
        ``link_rows``, the same as plain tuples, is how a database build gives them."""
        graph = cls()
        for entity in entities:
            graph._append_entity(entity)
        graph._append_links(links)
        graph._append_link_rows(link_rows)
        graph._build_adjacency()
        graph._ig = igraph.Graph(n=len(graph._entities), directed=False)
        if graph._lids:
            pairs = np.column_stack(
                (np.frombuffer(graph._la, dtype=np.int32), np.frombuffer(graph._lb, dtype=np.int32))
            )
            graph._ig.add_edges(pairs)  # the array as it is: half the time of a list
            del pairs
        graph._ig_links = len(graph._lids)
        graph._count_known()
        return graph

    def _append_entity(self, entity: Entity) -> int:
        if entity.id in self._vindex:
            raise ValueError(f"Entity {entity.id} is given twice")
        if entity.kind not in KIND_CODE:
            raise ValueError(f"Entity {entity.id}: unknown kind {entity.kind!r}")
        index = len(self._entities)
        self._vindex[entity.id] = index
        self._entities.append(entity)
        self._kind.append(KIND_CODE[entity.kind])
        self._known_deg.append(0)
        status = STATUS_CODE.get(entity.status, 0)
        self._status.append(status)
        if status:
            self._by_status[status].add(index)
        return index

    def _append_link(self, link: Link) -> int:
        self._append_links((link,))
        return len(self._lids) - 1

    def _append_links(self, links: Iterable[Link]) -> None:
        self._append_link_rows(
            (
                link.id,
                link.a,
                link.b,
                link.link_type,
                link.date,
                link.date_to,
                link.agency,
                link.source_eval,
                link.intel_assessment,
                link.handling,
            )
            for link in links
        )

    def _append_link_rows(self, rows: Iterable[LinkRow]) -> None:
        """Append links given as :data:`LinkRow` tuples, as columns. One loop with every
        column bound once: at five million links the build spends most of its time here
        (a method call per link, or a frozen Link made per row, cost a third more)."""
        lindex, vindex = self._lindex, self._vindex
        lids, la, lb, lt, ld, ld2 = (
            self._lids, self._la, self._lb, self._lt, self._ld, self._ld2
        )
        lag, lev, las, lh, alive = self._lag, self._lev, self._las, self._lh, self._alive
        type_code, agency_code = self._types.code, self._agencies.code
        evals, assessments = _EVAL_CODE, _ASSESSMENT_CODE
        row = len(lids)
        for lid, end_a, end_b, kind, day, day_to, agency, source_eval, assessment, handling in rows:
            if lindex.setdefault(lid, row) != row:
                raise ValueError(f"Link {lid} is given twice")
            try:
                a, b = vindex[end_a], vindex[end_b]
            except KeyError as exc:
                del lindex[lid]
                raise ValueError(f"Link {lid} names an entity not in the graph: {exc}") from None
            if a == b:
                del lindex[lid]
                raise ValueError(f"Link {lid} joins {end_a} to itself")
            lids.append(lid)
            la.append(a)
            lb.append(b)
            lt.append(type_code(kind))
            ld.append(day.toordinal() if day else 0)
            ld2.append(day_to.toordinal() if day_to else 0)
            lag.append(agency_code(agency))
            lev.append(evals.get(source_eval, 0))
            las.append(assessments.get(assessment, 0))
            lh.append(1 if handling == "C" else 0)
            alive.append(1)
            row += 1

    def _count_known(self) -> None:
        if not self._lids:
            return
        la = np.frombuffer(self._la, dtype=np.int32)
        lb = np.frombuffer(self._lb, dtype=np.int32)
        status = np.frombuffer(self._status, dtype=np.int8)
        counts = np.bincount(lb[status[la] > 0], minlength=len(self._entities))
        counts += np.bincount(la[status[lb] > 0], minlength=len(self._entities))
        del la, lb, status
        self._known_deg = array("i", counts.astype(np.int32).tobytes())

    def _bump_known(self, row: int, step: int) -> None:
        a, b = self._la[row], self._lb[row]
        if self._status[a]:
            self._known_deg[b] += step
        if self._status[b]:
            self._known_deg[a] += step

    def _degree(self, v: int) -> int:
        """Links at ``v``, withdrawn ones included (an upper bound, in O(1))."""
        base = int(self._indptr[v + 1] - self._indptr[v]) if v + 1 < len(self._indptr) else 0
        extra = self._extra.get(v)
        return base + (len(extra) if extra else 0)

    def _build_adjacency(self) -> None:
        n, m = len(self._entities), len(self._lids)
        la = np.frombuffer(self._la, dtype=np.int32).copy()
        lb = np.frombuffer(self._lb, dtype=np.int32).copy()
        ends = np.concatenate((la, lb))
        rows = np.concatenate((np.arange(m, dtype=np.int32), np.arange(m, dtype=np.int32)))
        del la, lb
        order = np.argsort(ends, kind="stable")
        self._inc = rows[order]
        del rows, order
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=n), out=indptr[1:])
        self._indptr = indptr
        self._extra = defaultdict(list)

    def add_entity(self, e: Entity) -> None:
        self._append_entity(e)
        self._version += 1

    def update_entity(self, e: Entity) -> bool:
        """Replace what is known about entity ``e.id`` (its kind may not change); says
        whether anything the graph holds about it changed."""
        index = self._vindex[e.id]
        if KIND_CODE.get(e.kind) != self._kind[index]:
            raise ValueError(f"Entity {e.id}: the kind of an entity cannot change")
        before = self._entities[index]
        if before == e:
            return False  # nothing the graph holds has changed: nothing to forget
        self._entities[index] = e
        self._by_status[self._status[index]].discard(index)
        status = STATUS_CODE.get(e.status, 0)
        # A new status changes how every thing it is linked to reads (wide); a new type,
        # label or date of birth changes only what is said at and next to it.
        wide = status != self._status[index]
        if bool(status) != bool(self._status[index]):
            step = 1 if status else -1
            for row in self._incident(index):
                self._known_deg[self._other(row, index)] += step
        self._status[index] = status
        if status:
            self._by_status[status].add(index)
        self._note(index, wide=wide)
        self._version += 1
        return True

    def add_link(self, l: Link) -> None:  # noqa: E741 (the contract's name)
        """Add a link in place: O(1); whole-graph functions pick it up in their next batch."""
        row = self._append_link(l)
        self._extra[self._la[row]].append(row)
        self._bump_known(row, 1)
        self._extra[self._lb[row]].append(row)
        self._note(self._la[row])
        self._note(self._lb[row])
        self._version += 1

    def withdraw_link(self, link_id: str) -> None:
        """Leave the link out of everything from now on (its id stays known, not reused)."""
        row = self._lindex[link_id]
        if self._alive[row]:
            self._alive[row] = 0
            self._bump_known(row, -1)
            self._withdrawn += 1
            self._note(self._la[row])
            self._note(self._lb[row])
            self._version += 1

    def _note(self, v: int, wide: bool = False) -> None:
        if self._journal is not None:
            self._journal.append((v, wide))

    # --- reading ----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entities)

    @property
    def link_count(self) -> int:
        return len(self._lids) - self._withdrawn

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._vindex

    def entity(self, id: str) -> Entity:  # noqa: A002 (the contract's name)
        return self._entities[self._vindex[id]]

    def entities(self) -> Iterator[Entity]:
        return iter(self._entities)

    def link(self, id: str) -> Link:  # noqa: A002
        return self._link_at(self._lindex[id])

    def is_withdrawn(self, link_id: str) -> bool:
        return not self._alive[self._lindex[link_id]]

    def links_of(self, id: str, *, include_handling_c: bool = True) -> list[Link]:  # noqa: A002
        rows = self._incident(self._vindex[id], include_handling_c)
        return [self._link_at(row) for row in rows]

    def _link_at(self, row: int) -> Link:
        d, d2 = self._ld[row], self._ld2[row]
        return Link(
            id=self._lids[row],
            a=self._entities[self._la[row]].id,
            b=self._entities[self._lb[row]].id,
            link_type=self._types.values[self._lt[row]],
            date=date.fromordinal(d) if d else None,
            date_to=date.fromordinal(d2) if d2 else None,
            agency=self._agencies.values[self._lag[row]],
            source_eval=SOURCE_EVALS[self._lev[row]],
            intel_assessment=ASSESSMENTS[self._las[row]],
            handling="C" if self._lh[row] else "P",
        )

    def _incident(self, v: int, include_handling_c: bool = True) -> list[int]:
        """Rows of the live links at vertex ``v``."""
        rows: list[int] = (
            self._inc[self._indptr[v] : self._indptr[v + 1]].tolist()
            if v + 1 < len(self._indptr)
            else []
        )
        extra = self._extra.get(v)
        if extra:
            rows = rows + extra
        alive, handling = self._alive, self._lh
        if include_handling_c:
            return [r for r in rows if alive[r]] if self._withdrawn else rows
        return [r for r in rows if alive[r] and not handling[r]]

    def _other(self, row: int, v: int) -> int:
        a = self._la[row]
        return self._lb[row] if a == v else a

    def _v(self, id: str) -> int:  # noqa: A002
        try:
            return self._vindex[id]
        except KeyError:
            raise KeyError(f"No entity {id} in the analysis graph") from None

    # --- local functions --------------------------------------------------------------

    def ego(
        self,
        id: str,  # noqa: A002
        depth: int = 2,
        *,
        kinds: Iterable[str] | None = None,
        link_types: Iterable[str] | None = None,
        since: date | None = None,
        until: date | None = None,
        include_handling_c: bool = True,
    ) -> Subgraph:
        """Entities within ``depth`` links of ``id`` and the links followed to reach them.

        ``kinds`` keeps only entities of those kinds (the start is always kept);
        ``link_types`` only links of those types; ``since``/``until`` only dated links whose
        date (range) overlaps the window."""
        start = self._v(id)
        kind_codes = {KIND_CODE[k] for k in kinds} if kinds is not None else None
        type_codes = (
            {self._types.codes[t] for t in link_types if t in self._types.codes}
            if link_types is not None
            else None
        )
        lo = since.toordinal() if since else None
        hi = until.toordinal() if until else None
        seen = {start: None}
        order = [start]
        followed: list[int] = []
        frontier = [start]
        for _ in range(depth):
            nxt: list[int] = []
            for v in frontier:
                for row in self._incident(v, include_handling_c):
                    if type_codes is not None and self._lt[row] not in type_codes:
                        continue
                    if (lo is not None or hi is not None) and not self._in_window(row, lo, hi):
                        continue
                    other = self._other(row, v)
                    if kind_codes is not None and self._kind[other] not in kind_codes:
                        continue
                    if other not in seen:
                        seen[other] = None
                        order.append(other)
                        nxt.append(other)
                        followed.append(row)
                    elif other != v:
                        followed.append(row)
            frontier = nxt
        rows = list(dict.fromkeys(followed))
        return Subgraph(
            entities=[self._entities[v] for v in order], links=[self._link_at(r) for r in rows]
        )

    def _in_window(self, row: int, lo: int | None, hi: int | None) -> bool:
        start = self._ld[row]
        if not start:
            return False
        end = self._ld2[row] or start
        return (lo is None or end >= lo) and (hi is None or start <= hi)

    def shortest_paths(
        self, a: str, b: str, *, max_paths: int = 5, include_handling_c: bool = True
    ) -> list[Path]:
        """Up to ``max_paths`` shortest paths from ``a`` to ``b`` (each a different sequence
        of links): entity id, link id, entity id, ... Empty when they are not connected."""
        source, target = self._v(a), self._v(b)
        if source == target:
            return [(a,)]
        parents: dict[int, list[tuple[int, int]]] = {source: []}
        frontier = [source]
        found = False
        while frontier and not found:
            level: dict[int, list[tuple[int, int]]] = {}
            for v in frontier:
                for row in self._incident(v, include_handling_c):
                    other = self._other(row, v)
                    if other in parents:
                        continue
                    level.setdefault(other, []).append((v, row))
            parents.update(level)
            found = target in level
            frontier = list(level)
        if not found:
            return []
        paths: list[Path] = []

        def walk(v: int, tail: list[str]) -> None:
            if len(paths) >= max_paths:
                return
            if v == source:
                paths.append((a, *tail))
                return
            for parent, row in parents[v]:
                walk(parent, [self._lids[row], self._entities[v].id, *tail])

        walk(target, [])
        return paths

    # --- whole-graph functions (igraph) -----------------------------------------------

    def _global(self) -> Any:
        """igraph graph of the live links, vertex i = entity i (pending additions flushed)."""
        g = self._ig
        if g.vcount() < len(self._entities):
            g.add_vertices(len(self._entities) - g.vcount())
        if self._ig_links < len(self._lids):
            start = self._ig_links
            g.add_edges(list(zip(self._la[start:], self._lb[start:], strict=True)))
            self._ig_links = len(self._lids)
        if not self._withdrawn:
            return g
        if self._view is None or self._view[0] != self._version:
            keep = [row for row in range(len(self._lids)) if self._alive[row]]
            self._view = (self._version, g.subgraph_edges(keep, delete_vertices=False))
        return self._view[1]

    def components(self) -> list[list[str]]:
        """Connected components, largest first, each a list of entity ids."""
        parts = self._global().connected_components()
        ids = [[self._entities[v].id for v in part] for part in parts]
        return sorted(ids, key=len, reverse=True)

    def communities(self, *, seed: int = 0) -> dict[str, int]:
        """Community of every entity: Leiden optimising modularity, numbered by size
        (community 0 is the largest), the same for the same graph and ``seed``.

        igraph's own Leiden (its C core), not leidenalg's: the same algorithm, about twenty
        times faster on large sparse graphs, so the whole-graph refresh at a million entities
        stays well under a minute (docs/decisions/0010-communities-with-igraph-leiden.md).
        """
        if self._communities is not None and self._communities[0] == self._version:
            return self._communities[1]
        # igraph draws from an object with Python's random API (the module by default)
        igraph.set_random_number_generator(random.Random(seed))  # noqa: S311  # nosec B311 - not for secrets
        try:
            clustering = self._global().community_leiden(
                objective_function="modularity", n_iterations=LEIDEN_ITERATIONS
            )
        finally:
            igraph.set_random_number_generator(random)
        raw = clustering.membership
        # sizes() counts every community in one pass; Clustering.size(c) scans the whole
        # membership for each c, which at a million entities took minutes
        raw_sizes = clustering.sizes()
        by_size = sorted(range(len(raw_sizes)), key=lambda c: (-raw_sizes[c], c))
        renumber = {old: new for new, old in enumerate(by_size)}
        membership = [renumber[c] for c in raw]
        result = {entity.id: membership[i] for i, entity in enumerate(self._entities)}
        self._communities = (self._version, result)
        self._membership = membership
        self._community_sizes = {renumber[c]: size for c, size in enumerate(raw_sizes)}
        return result

    def community_of(self, v: int) -> tuple[int, int]:
        """(community, its size) of vertex ``v`` from the last computation; (-1, 0) for a
        vertex added since."""
        if self._communities is None:
            self.communities()
        if v >= len(self._membership):
            return -1, 0
        community = self._membership[v]
        return community, self._community_sizes[community]

    def last_communities(self) -> dict[str, int]:
        """The communities last computed (computed now if never): the alert rules use them
        between refreshes, because a whole-graph run is too slow for every new link."""
        if self._communities is None:
            return self.communities()
        return self._communities[1]

    def centrality(
        self, ids: Iterable[str] | None = None, *, sample: int | None = None, seed: int = 0
    ) -> dict[str, tuple[int, float]]:
        """Degree (live links) and betweenness of ``ids`` (all entities if None).

        Betweenness is exact on graphs up to EXACT_BETWEENNESS_LIMIT vertices; beyond, or
        when ``sample`` is given, it is estimated from that many random sources and scaled
        up (Brandes and Pich's estimate)."""
        g = self._global()
        vertices = [self._v(i) for i in ids] if ids is not None else list(range(g.vcount()))
        degrees = g.degree(vertices)
        n = g.vcount()
        if sample is None and n <= EXACT_BETWEENNESS_LIMIT:
            between = g.betweenness(vertices=vertices, directed=False)
        else:
            k = min(n, sample or BETWEENNESS_SAMPLE)
            rng = np.random.default_rng(seed)
            sources = rng.choice(n, size=k, replace=False).tolist()
            raw = g.betweenness(vertices=vertices, directed=False, sources=sources)
            between = [value * n / k for value in raw]
        return {
            self._entities[v].id: (int(d), float(bw))
            for v, d, bw in zip(vertices, degrees, between, strict=True)
        }

    # --- places and persons of concern ---------------------------------------------------

    def hotspots(
        self,
        *,
        window_days: int = 90,
        min_persons: int = 3,
        today: date,
        include_handling_c: bool = True,
    ) -> list[Hotspot]:
        """Places linked to ``min_persons`` or more persons at risk by links dated within
        ``window_days`` up to ``today``; most persons first."""
        lo = (today - timedelta(days=window_days)).toordinal()
        hi = today.toordinal()
        found: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for v in self.vertices_with_status(AT_RISK):
            for row in self._incident(v, include_handling_c):
                other = self._other(row, v)
                if self._kind[other] == LOCATION and self._in_window(row, lo, hi):
                    found[other][v].append(row)
        result = []
        for place, persons in found.items():
            if len(persons) < min_persons:
                continue
            rows = [r for rs in persons.values() for r in rs]
            dates = [self._ld[r] for r in rows]
            result.append(
                Hotspot(
                    location_id=self._entities[place].id,
                    person_ids=tuple(sorted(self._entities[p].id for p in persons)),
                    link_ids=tuple(sorted(self._lids[r] for r in rows)),
                    first=date.fromordinal(min(dates)),
                    last=date.fromordinal(max(dates)),
                )
            )
        return sorted(result, key=lambda h: (-len(h.person_ids), h.location_id))

    def vertices_with_status(self, status: int) -> list[int]:
        return sorted(self._by_status.get(status, ()))

    def co_offending(self, *, include_handling_c: bool = True) -> list[CoOffending]:
        """Pairs of persons of concern sharing persons at risk, places, vehicles or phones
        (directly linked to both), most shared first. Public places are left out."""
        public = {code for code, t in location_types().items() if t.public}
        sharers: dict[int, set[int]] = defaultdict(set)
        for v in self.vertices_with_status(OF_CONCERN):
            for row in self._incident(v, include_handling_c):
                other = self._other(row, v)
                kind = self._kind[other]
                if kind == PERSON and self._status[other] != AT_RISK:
                    continue
                if kind == LOCATION and self._entities[other].subtype in public:
                    continue
                sharers[other].add(v)
        pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
        for shared, persons in sharers.items():
            ordered = sorted(persons)
            for i, p in enumerate(ordered):
                for q in ordered[i + 1 :]:
                    pairs[(p, q)].append(shared)
        result = [
            CoOffending(
                a=self._entities[p].id,
                b=self._entities[q].id,
                shared_ids=tuple(self._entities[s].id for s in sorted(shared)),
                shared_kinds=tuple(self._entities[s].kind for s in sorted(shared)),
            )
            for (p, q), shared in pairs.items()
        ]
        return sorted(result, key=lambda c: (-len(c.shared_ids), c.a, c.b))
