"""Alert rules over the analysis graph: who to look at, how strongly, and why in words.

Each rule kind is a function of the graph, the rule's parameters (``alert_rules.yaml``) and
the shared scoring weights. Evidence is weighed, not counted (docs/intelligence-engine.md):

- a link counts ``strength(type) x source_eval x assessment x recency`` (each 0..1);
- a shared thing counts by its specificity: ``min(1, pivot / persons linked to it) ** power``
  times its location type's hint; busy public places are left out;
- independent pieces of evidence combine as a noisy-or, ``1 - prod(1 - w)``: two weak
  paths make a stronger case than one, and no count alone reaches the threshold.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from lantern.intelligence import vocab
from lantern.intelligence.engine.graph import (
    AT_RISK,
    KIND_CODE,
    LOCATION,
    OF_CONCERN,
    PERSON,
    AnalysisGraph,
)
from lantern.intelligence.engine.model import ASSESSMENTS, SOURCE_EVALS, Alert, Entity, Link, Path
from lantern.intelligence.vocab import AlertRules, Rule

STATUS_WORDS = {AT_RISK: "a person at risk", OF_CONCERN: "a person of concern"}
STATUS_NAMES = {AT_RISK: "person_at_risk", OF_CONCERN: "person_of_concern"}
KIND_WORDS = {
    "location": "a place",
    "vehicle": "a vehicle",
    "phone": "a phone",
    "handle": "an online handle",
    "person": "a person",
}
#: Traversals for the community rule do not pass through things linked to more people.
BUSY = 200
#: Evidence sentences listed per alert; the rest are counted.
SHOWN = 6


def noisy_or(weights: Iterable[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(1.0, max(0.0, weight))
    return 1.0 - remaining


def alert_key(rule: str, subject_id: str) -> str:
    """Stable per rule and subject: the same situation re-evaluated gives the same key."""
    return hashlib.sha256(f"{rule}\x1f{subject_id}".encode()).hexdigest()[:20]


def _date_words(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "undated"


@dataclass(frozen=True)
class _SharedParams:
    """Rule 1's parameters as the graph's codes, worked out once per evaluation."""

    kinds: frozenset[int]
    direct_types: frozenset[int]
    family: int | None
    household_types: frozenset[int]
    busiest: int  # links at a thing beyond which it is too busy to say anything

    @classmethod
    def of(cls, graph: AnalysisGraph, rule: Rule) -> _SharedParams:
        p, codes = rule.params, graph._types.codes
        return cls(
            kinds=frozenset(KIND_CODE[k] for k in p["bridge_kinds"]),
            direct_types=frozenset(codes[t] for t in p["direct_link_types"] if t in codes),
            family=codes.get("family"),
            household_types=frozenset(
                codes[t] for t in p.get("household_link_types", []) if t in codes
            ),
            busiest=4 * p["max_bridge_persons"],
        )


@dataclass(frozen=True)
class _Bridge:
    """What round one needs of a thing, whoever is asking: how specific it is, and each
    known person linked to it (vertex, that person's weight before any family discount,
    whether all their links to it are household links)."""

    spec: float
    known: tuple[tuple[int, float, bool], ...]


@dataclass
class _Memo:
    """What evaluations learn about the graph that stays true until it changes nearby:
    who is linked to each thing, each link's weight, round one's view of each thing and
    each person's round-one score. Kept on the graph between evaluations (``graph.memo``)
    for the same rules, day and handling-code view; the graph journals what each change
    touched and the memo forgets around it before the next evaluation. Without it, one new
    link re-scores round one for thousands of people whose evidence did not change."""

    key: tuple[int, int, int, bool]
    holds: tuple[object, ...]  # what the key's ids are of, kept alive so an id is not reused
    persons_at: dict[int, frozenset[int]] = field(default_factory=dict)
    known_at: dict[int, list[int]] = field(default_factory=dict)
    weights: dict[int, float] = field(default_factory=dict)
    bridges: dict[int, _Bridge | None] = field(default_factory=dict)
    round_one: dict[int, float] = field(default_factory=dict)

    def forget_around(self, graph: AnalysisGraph, v: int, wide: bool) -> None:
        """Drop what a change at ``v`` can alter: about ``v`` and its neighbours (a new
        or withdrawn link journals both its ends); with ``wide`` (its status or type
        changed, so every thing it is linked to reads differently) round one's scores two
        links out too."""
        near = {v}
        for row in graph._incident(v):
            near.add(graph._other(row, v))
        for x in near:
            self.persons_at.pop(x, None)
            self.known_at.pop(x, None)
            self.bridges.pop(x, None)
        reach = near
        if wide:
            reach = set(near)
            for u in near:
                reach.update(graph._other(row, u) for row in graph._incident(u))
        for k in reach:
            self.round_one.pop(k, None)


#: Changes journalled beyond this many between evaluations: start the memo afresh instead.
MEMO_JOURNAL_LIMIT = 50_000


def _memo(graph: AnalysisGraph, rules: AlertRules, today: date, include_c: bool) -> _Memo:
    shared = next((r for r in rules.rules if r.kind == "shared_entity"), None)
    key = (id(rules.scoring), id(shared), today.toordinal(), include_c)
    memo = graph.memo
    journal = graph._journal
    if (
        not isinstance(memo, _Memo)
        or memo.key != key
        or journal is None
        or len(journal) > MEMO_JOURNAL_LIMIT
    ):
        memo = graph.memo = _Memo(key, (rules.scoring, shared))
        graph._journal = []
        return memo
    for v, wide in journal:
        memo.forget_around(graph, v, wide)
    journal.clear()
    return memo


@dataclass
class _Context:
    graph: AnalysisGraph
    rules: AlertRules
    today: date
    include_c: bool
    persons_at: dict[int, frozenset[int]] = field(default_factory=dict)
    strength: dict[int, float] = field(default_factory=dict)
    public: frozenset[str] = frozenset()
    scores: dict[tuple[int, bool], tuple[float, list[_Piece]]] = field(default_factory=dict)
    known_at: dict[int, list[int]] = field(default_factory=dict)
    hints: dict[str, float] = field(default_factory=dict)
    weights: dict[int, float] = field(default_factory=dict)
    shared: dict[str, _SharedParams] = field(default_factory=dict)
    bridges: dict[int, _Bridge | None] = field(default_factory=dict)
    round_one: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        types = vocab.link_types()
        self.strength = {
            code: types[name].strength if name in types else 0.5
            for code, name in enumerate(self.graph._types.values)
        }
        locations = vocab.location_types()
        self.public = frozenset(code for code, t in locations.items() if t.public)
        self.hints = {code: t.specificity for code, t in locations.items()}
        scoring = self.rules.scoring
        self._eval = [
            scoring.source_eval.get(code, scoring.source_eval[""]) for code in SOURCE_EVALS
        ]
        self._assess = [
            scoring.intel_assessment.get(code, scoring.intel_assessment[""]) for code in ASSESSMENTS
        ]
        self._today = self.today.toordinal()

    def shared_params(self, rule: Rule) -> _SharedParams:
        found = self.shared.get(rule.code)
        if found is None:
            found = self.shared[rule.code] = _SharedParams.of(self.graph, rule)
        return found

    def incident(self, v: int) -> list[int]:
        return self.graph._incident(v, self.include_c)

    def weight(self, row: int) -> float:
        """How much one link says: type strength x grading x recency (kept for the
        evaluation: the same link is weighed for every subject near it)."""
        found = self.weights.get(row)
        if found is None:
            found = self.weights[row] = self._weight(row)
        return found

    def _weight(self, row: int) -> float:
        g = self.graph
        scoring = self.rules.scoring
        day = g._ld2[row] or g._ld[row]
        if not day:
            recency = scoring.undated
        else:
            age = max(0, self._today - day)
            recency = max(scoring.floor, 0.5 ** (age / scoring.half_life_days))
        return (
            self.strength[g._lt[row]]
            * self._eval[g._lev[row]]
            * self._assess[g._las[row]]
            * recency
        )

    def persons(self, v: int) -> frozenset[int]:
        """Distinct persons linked to ``v`` (cached for the evaluation)."""
        found = self.persons_at.get(v)
        if found is None:
            g = self.graph
            found = frozenset(
                o for row in self.incident(v) if g._kind[(o := g._other(row, v))] == PERSON
            )
            self.persons_at[v] = found
        return found

    def known_rows_at(self, v: int) -> list[int]:
        """Rows of the live links from ``v`` to known persons (cached for the evaluation)."""
        found = self.known_at.get(v)
        if found is None:
            g = self.graph
            found = [r for r in self.incident(v) if g._status[g._other(r, v)]]
            self.known_at[v] = found
        return found

    def specificity(self, v: int, pivot: float, power: float) -> float:
        entity = self.graph._entities[v]
        hint = self.hints.get(entity.subtype, 0.5) if entity.kind == "location" else 1.0
        return float(hint * min(1.0, pivot / max(1, len(self.persons(v)))) ** power)

    def bridge_allowed(self, v: int, kinds: frozenset[int], exclude_public: bool) -> bool:
        g = self.graph
        if g._kind[v] not in kinds:
            return False
        return not (
            exclude_public and g._kind[v] == LOCATION and g._entities[v].subtype in self.public
        )

    # --- words ----------------------------------------------------------------------

    def name(self, v: int) -> str:
        entity = self.graph._entities[v]
        return entity.label or entity.id

    def evidence(self, row: int) -> str:
        link = self.graph._link_at(row)
        agency = link.agency or "agency not given"
        return f"{agency}, {_date_words(link.date)}, graded {link.grading}"

    def link_words(self, row: int) -> str:
        code = self.graph._types.values[self.graph._lt[row]]
        types = vocab.link_types()
        return types[code].label if code in types else code.replace("_", " ")

    def thing(self, v: int) -> str:
        entity = self.graph._entities[v]
        words = KIND_WORDS[entity.kind]
        if entity.kind == "location" and entity.subtype:
            place = vocab.location_types().get(entity.subtype)
            words = f"a place ({place.label.lower() if place else entity.subtype})"
        return f"{words} {entity.label or entity.id}"

    def sightings(self, person: int, rows: Sequence[int], what: str = "it") -> str:
        """'Sam T. seen in it (police, 3 Mar 2026, graded 2B P; ...)'."""
        by_type: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            by_type[self.link_words(row)].append(row)
        parts = []
        for words, group in by_type.items():
            shown = "; ".join(self.evidence(r) for r in group[:3])
            more = f"; and {len(group) - 3} more" if len(group) > 3 else ""
            parts.append(f"{words} {what} ({shown}{more})")
        return f"{self.name(person)} " + " and ".join(parts)


@dataclass
class _Piece:
    weight: float
    sentence: str
    paths: tuple[Path, ...]
    rows: tuple[int, ...]


def _alert(  # noqa: PLR0917
    ctx: _Context, rule: Rule, subject: int, score: float, lead: str, pieces: list[_Piece]
) -> Alert:
    g = ctx.graph
    ranked = sorted(pieces, key=lambda p: -p.weight)
    sentences = [p.sentence for p in ranked[:SHOWN]]
    if len(ranked) > SHOWN:
        sentences.append(f"And {len(ranked) - SHOWN} more weaker connections.")
    explanation = (
        f"{lead} " + " ".join(sentences) + f" Score {score:.2f} (alerts from {rule.threshold:.2f})."
    )
    entity = g._entities[subject]
    return Alert(
        key=alert_key(rule.code, entity.id),
        rule=rule.code,
        subject_id=entity.id,
        subject_kind=entity.kind,
        score=round(score, 4),
        explanation=explanation,
        paths=tuple(path for p in ranked for path in p.paths),
        evidence_link_ids=frozenset(g._lids[r] for p in pieces for r in p.rows),
    )


# --- rule 1: tied to a known person through something specific --------------------------


def _shared_entity_pieces(  # noqa: C901, PLR0912, PLR0915 (one rule, read top to bottom)
    ctx: _Context, rule: Rule, s: int, propagate: bool, words: bool = True
) -> list[_Piece]:
    """Rule 1's evidence about ``s``. With ``propagate``, persons not known to the hub
    whom the rule alone alerts on (round one) count too, as suspected, with their score
    times ``propagation``: how an analyst follows a network outward from what is known."""
    g, p = ctx.graph, rule.params
    c = ctx.shared_params(rule)
    kinds, direct_types, family, household_types = (
        c.kinds,
        c.direct_types,
        c.family,
        c.household_types,
    )
    by_bridge: dict[int, list[int]] = defaultdict(list)
    family_of: set[int] = set()
    pieces: list[_Piece] = []
    direct: dict[int, list[int]] = defaultdict(list)
    for row in ctx.incident(s):
        other = g._other(row, s)
        if g._kind[other] == PERSON:
            if g._lt[row] == family:
                family_of.add(other)
            elif g._lt[row] in direct_types:
                direct[other].append(row)
        elif ctx.bridge_allowed(other, kinds, p["exclude_public"]):
            by_bridge[other].append(row)
    for k, rows in direct.items():
        if k in family_of:
            continue
        known, said = _known(ctx, rule, k, s, propagate, p["direct_weight"])
        if not known:
            continue
        w = known * noisy_or(ctx.weight(r) for r in rows)
        sentence = f"{ctx.sightings(s, rows, ctx.name(k))}, {said}." if words else ""
        path = (g._entities[s].id, g._lids[rows[0]], g._entities[k].id)
        pieces.append(_Piece(w, sentence, (path,), tuple(rows)))
    for x, rows_s in by_bridge.items():
        degree = g._degree(x)
        follow = propagate and degree <= 4 * p["propagation_max_persons"]
        if not (g._known_deg[x] or follow) or degree > c.busiest:
            continue  # nobody known there (and not followed), or far too busy to say anything
        persons = ctx.persons(x)
        if len(persons) > p["max_bridge_persons"]:
            continue
        follow = follow and len(persons) <= p["propagation_max_persons"]
        known_rows: dict[int, list[int]] = defaultdict(list)
        for row in ctx.incident(x) if follow else ctx.known_rows_at(x):
            k = g._other(row, x)
            if k != s and g._kind[k] == PERSON:
                known_rows[k].append(row)
        parts, paths, rows, hot = [], [], list(rows_s), []
        for k, rows_k in known_rows.items():
            known, said = _known(ctx, rule, k, s, follow, p["known_weight"])
            if not known:
                continue
            w_k = known * noisy_or(ctx.weight(r) for r in rows_k)
            household = household_types and all(
                g._lt[r] in household_types for r in (*rows_s, *rows_k)
            )
            if k in family_of or household:
                w_k *= p["family_discount"]
                said += " (family or sharing a home: counts for little)"
            hot.append(w_k)
            if words:
                parts.append(f"{ctx.name(k)}, {said}: {ctx.sightings(k, rows_k)}")
            paths.append(
                (
                    g._entities[s].id,
                    g._lids[rows_s[0]],
                    g._entities[x].id,
                    g._lids[rows_k[0]],
                    g._entities[k].id,
                )
            )
            rows += rows_k
        if not hot:
            continue
        # how strongly the thing is tied to known people; then both ends must hold: the
        # geometric mean, so two fair links do not make a negligible path
        spec = ctx.specificity(x, p["specificity_pivot"], p["specificity_power"])
        w = spec * (noisy_or(ctx.weight(r) for r in rows_s) * noisy_or(hot)) ** 0.5
        sentence = (
            (
                f"Shares {ctx.thing(x)} (linked to {len(persons)} people) with "
                f"{len(parts)} {'person' if len(parts) == 1 else 'people'} of note: "
                f"{ctx.sightings(s, rows_s)}; " + "; ".join(parts) + "."
            )
            if words
            else ""
        )
        pieces.append(_Piece(w, sentence, tuple(paths), tuple(rows)))
    return pieces


def _known(  # noqa: PLR0917
    ctx: _Context, rule: Rule, k: int, s: int, propagate: bool, weights: dict[str, float]
) -> tuple[float, str]:
    """How much a tie to person ``k`` counts in rule 1, and how to describe ``k``."""
    g = ctx.graph
    status = g._status[k]
    if status in STATUS_WORDS:
        return weights[STATUS_NAMES[status]], STATUS_WORDS[status]
    if not propagate:
        return 0.0, ""
    suspicion = _round_one(ctx, rule, k)
    if suspicion < rule.threshold:
        return 0.0, ""
    weight = weights["person_of_concern"] * rule.params["propagation"]
    return weight, f"not known to the hub but raising this alert too (score {suspicion:.2f})"


def _score(ctx: _Context, rule: Rule, s: int, *, propagate: bool) -> tuple[float, list[_Piece]]:
    key = (s, propagate)
    found = ctx.scores.get(key)
    if found is None:
        # the score only: the words are written for the subjects that alert
        pieces = _shared_entity_pieces(ctx, rule, s, propagate, words=False)
        score = noisy_or(piece.weight for piece in pieces)
        if len({piece.paths[0][2] for piece in pieces}) < 2:
            # one shared thing or one person only: uncorroborated
            score *= rule.params["uncorroborated"]
        found = ctx.scores[key] = (score, pieces)
    return found


def _round_one(ctx: _Context, rule: Rule, s: int) -> float:  # noqa: C901, PLR0912 (as _score)
    """Rule 1's round-one score of ``s`` (what ``_score(..., propagate=False)`` gives),
    without the words and paths: round two asks it of every person near every subject, so
    it is worked out from what each thing holds, kept for the evaluation (``_bridge``).
    tests/intelligence/engine/test_rules.py checks the two agree."""
    key = (s, False)
    found = ctx.scores.get(key)
    if found is not None:
        ctx.round_one[s] = found[0]
        return found[0]
    cached = ctx.round_one.get(s)
    if cached is not None:
        return cached
    g, p, c = ctx.graph, rule.params, ctx.shared_params(rule)
    by_bridge: dict[int, list[int]] = defaultdict(list)
    direct: dict[int, list[int]] = defaultdict(list)
    family_of: set[int] = set()
    exclude_public = p["exclude_public"]
    for row in ctx.incident(s):
        other = g._other(row, s)
        if g._kind[other] == PERSON:
            if g._lt[row] == c.family:
                family_of.add(other)
            elif g._lt[row] in c.direct_types:
                direct[other].append(row)
        elif (
            g._known_deg[other]
            and g._degree(other) <= c.busiest
            and ctx.bridge_allowed(other, c.kinds, exclude_public)
        ):
            by_bridge[other].append(row)
    remaining, things = 1.0, 0
    for k, rows in direct.items():
        status = g._status[k]
        if k in family_of or status not in STATUS_NAMES:
            continue
        w = p["direct_weight"][STATUS_NAMES[status]] * noisy_or(ctx.weight(r) for r in rows)
        remaining *= 1.0 - min(1.0, max(0.0, w))
        things += 1
    for x, rows_s in by_bridge.items():
        bridge = _bridge(ctx, rule, x)
        if bridge is None:
            continue
        household_s = bool(c.household_types) and all(
            g._lt[r] in c.household_types for r in rows_s
        )
        hot = [
            w_k * p["family_discount"] if k in family_of or (household_s and household_k) else w_k
            for k, w_k, household_k in bridge.known
            if k != s
        ]
        if not hot:
            continue
        w = bridge.spec * (noisy_or(ctx.weight(r) for r in rows_s) * noisy_or(hot)) ** 0.5
        remaining *= 1.0 - min(1.0, max(0.0, w))
        things += 1
    score = 1.0 - remaining
    if things < 2:
        score *= p["uncorroborated"]
    ctx.round_one[s] = score
    return score


def _bridge(ctx: _Context, rule: Rule, x: int) -> _Bridge | None:
    """Round one's view of thing ``x`` (None: too busy, or nobody known there)."""
    if x in ctx.bridges:
        return ctx.bridges[x]
    g, p, c = ctx.graph, rule.params, ctx.shared_params(rule)
    found: _Bridge | None = None
    if len(ctx.persons(x)) <= p["max_bridge_persons"]:
        rows_of: dict[int, list[int]] = defaultdict(list)
        for row in ctx.known_rows_at(x):
            k = g._other(row, x)
            if g._kind[k] == PERSON and g._status[k] in STATUS_NAMES:
                rows_of[k].append(row)
        known = tuple(
            (
                k,
                p["known_weight"][STATUS_NAMES[g._status[k]]]
                * noisy_or(ctx.weight(r) for r in rows),
                bool(c.household_types) and all(g._lt[r] in c.household_types for r in rows),
            )
            for k, rows in rows_of.items()
        )
        if known:
            spec = ctx.specificity(x, p["specificity_pivot"], p["specificity_power"])
            found = _Bridge(spec, known)
    ctx.bridges[x] = found
    return found


def _shared_entity(ctx: _Context, rule: Rule, subjects: Iterable[int] | None) -> list[Alert]:
    g = ctx.graph
    ctx.scores.clear()
    propagate = rule.params["propagation"] > 0
    if subjects is None:
        subjects = _near(
            ctx, rule, g.vertices_with_status(AT_RISK) + g.vertices_with_status(OF_CONCERN)
        )
        if propagate:
            first = [
                s
                for s in subjects
                if _eligible(g, s) and _round_one(ctx, rule, s) >= rule.threshold
            ]
            subjects |= _near(ctx, rule, first, rule.params["propagation_max_persons"])
    alerts = []
    for s in subjects:
        if not _eligible(g, s):
            continue
        score, pieces = _score(ctx, rule, s, propagate=propagate)
        if pieces and score >= rule.threshold:
            pieces = _shared_entity_pieces(ctx, rule, s, propagate, words=True)
            noted = {path[-1] for piece in pieces for path in piece.paths}
            lead = (
                f"{ctx.name(s)} is not known to the hub and is tied to {len(noted)} "
                f"{'person' if len(noted) == 1 else 'people'} of note."
            )
            alerts.append(_alert(ctx, rule, s, score, lead, pieces))
    return alerts


def _eligible(g: AnalysisGraph, s: int) -> bool:
    return g._kind[s] == PERSON and not g._status[s]


def _near(ctx: _Context, rule: Rule, starts: Iterable[int], limit: int | None = None) -> set[int]:
    """Persons within reach of rule 1 of ``starts`` (the candidates)."""
    g, p = ctx.graph, rule.params
    kinds = frozenset(KIND_CODE[k] for k in p["bridge_kinds"])
    limit = limit or p["max_bridge_persons"]
    found: set[int] = set()
    for k in starts:
        for row in ctx.incident(k):
            x = g._other(row, k)
            if g._kind[x] == PERSON:
                found.add(x)
            elif ctx.bridge_allowed(x, kinds, p["exclude_public"]):
                persons = ctx.persons(x)
                if len(persons) <= limit:
                    found.update(persons)
    return found


# --- rule 2: a place linked to several persons at risk in a window ----------------------


def _place_hotspot(ctx: _Context, rule: Rule, subjects: Iterable[int] | None) -> list[Alert]:
    g, p = ctx.graph, rule.params
    lo = ctx.today.toordinal() - p["window_days"]
    hi = ctx.today.toordinal()
    excluded = {g._types.codes[t] for t in p.get("exclude_link_types", []) if t in g._types.codes}
    if subjects is None:
        places: set[int] = set()
        for v in g.vertices_with_status(AT_RISK):
            places.update(
                o for row in ctx.incident(v) if g._kind[(o := g._other(row, v))] == LOCATION
            )
        subjects = places
    alerts = []
    for place in subjects:
        if g._kind[place] != LOCATION:
            continue
        by_person: dict[int, list[int]] = defaultdict(list)
        for row in ctx.incident(place):
            person = g._other(row, place)
            if (
                g._status[person] == AT_RISK
                and g._lt[row] not in excluded
                and g._in_window(row, lo, hi)
            ):
                by_person[person].append(row)
        if len(by_person) < p["min_persons"]:
            continue
        pieces = [
            _Piece(
                noisy_or(ctx.weight(r) for r in rows),
                f"{ctx.sightings(person, rows)}: {STATUS_WORDS[AT_RISK]}.",
                ((g._entities[place].id, g._lids[rows[0]], g._entities[person].id),),
                tuple(rows),
            )
            for person, rows in by_person.items()
        ]
        score = noisy_or(piece.weight for piece in pieces)
        if score >= rule.threshold:
            lead = (
                f"{ctx.thing(place)[0].upper()}{ctx.thing(place)[1:]} is linked to "
                f"{len(by_person)} persons at risk in the {p['window_days']} days to "
                f"{_date_words(ctx.today)}."
            )
            alerts.append(_alert(ctx, rule, place, score, lead, pieces))
    return alerts


# --- rule 3: a person of concern linked to a second person at risk ------------------------


def _concern_second_victim(  # noqa: C901
    ctx: _Context, rule: Rule, subjects: Iterable[int] | None
) -> list[Alert]:
    g, p = ctx.graph, rule.params
    family = g._types.codes.get("family")
    shared_rule = Rule(
        "",
        "",
        "",
        True,
        0.0,
        {"bridge_kinds": ["location", "vehicle", "phone", "handle"], "exclude_public": True},
    )
    kinds = frozenset(KIND_CODE[k] for k in shared_rule.params["bridge_kinds"])
    if subjects is None:
        subjects = g.vertices_with_status(OF_CONCERN)
    alerts = []
    for c in subjects:
        if g._kind[c] != PERSON or g._status[c] != OF_CONCERN:
            continue
        per_victim: dict[int, list[_Piece]] = defaultdict(list)
        for row in ctx.incident(c):
            other = g._other(row, c)
            if g._kind[other] == PERSON:
                if g._status[other] == AT_RISK and g._lt[row] != family:
                    per_victim[other].append(
                        _Piece(
                            ctx.weight(row),
                            f"{ctx.sightings(c, [row], ctx.name(other))}, {STATUS_WORDS[AT_RISK]}.",
                            ((g._entities[c].id, g._lids[row], g._entities[other].id),),
                            (row,),
                        )
                    )
            elif p["via_shared"] and ctx.bridge_allowed(other, kinds, True):
                persons = ctx.persons(other)
                if len(persons) > p["max_bridge_persons"]:
                    continue
                spec = ctx.specificity(other, p["specificity_pivot"], 1.0)
                for row2 in ctx.incident(other):
                    v = g._other(row2, other)
                    if v != c and g._status[v] == AT_RISK:
                        per_victim[v].append(
                            _Piece(
                                spec * (ctx.weight(row) * ctx.weight(row2)) ** 0.5,
                                f"Shares {ctx.thing(other)} (linked to {len(persons)} people) with "
                                f"{ctx.name(v)}, {STATUS_WORDS[AT_RISK]}: "
                                f"{ctx.sightings(c, [row])}; "
                                f"{ctx.sightings(v, [row2])}.",
                                (
                                    (
                                        g._entities[c].id,
                                        g._lids[row],
                                        g._entities[other].id,
                                        g._lids[row2],
                                        g._entities[v].id,
                                    ),
                                ),
                                (row, row2),
                            )
                        )
        if len(per_victim) < p["min_persons"]:
            continue
        strengths = sorted(
            (noisy_or(x.weight for x in pieces) for pieces in per_victim.values()), reverse=True
        )
        # the strongest tie is the first person at risk; the alert is about the others
        score = noisy_or(strengths[p["min_persons"] - 1 :])
        if score >= rule.threshold:
            lead = (
                f"{ctx.name(c)}, a person of concern, is linked to "
                f"{len(per_victim)} persons at risk."
            )
            pieces = [x for group in per_victim.values() for x in group]
            alerts.append(_alert(ctx, rule, c, score, lead, pieces))
    return alerts


# --- rule 4: no open case, in the same community as someone at serious risk --------------


def _community_serious_risk(
    ctx: _Context, rule: Rule, subjects: Iterable[int] | None
) -> list[Alert]:
    g, p = ctx.graph, rule.params
    levels = set(p["risk_levels"])
    excluded = {g._types.codes[t] for t in p.get("exclude_link_types", []) if t in g._types.codes}
    if subjects is None:
        serious = [
            v for v in g.vertices_with_status(AT_RISK) if g._entities[v].risk_level in levels
        ]
        found: set[int] = set()
        for r in serious:
            community, size = g.community_of(r)
            if 0 < size <= p["max_community_size"]:
                found.update(_ball(ctx, r, p["max_hops"], excluded, community))
        subjects = found
    alerts = []
    for o in subjects:
        entity = g._entities[o]
        if entity.kind != "person" or entity.open_case or g._status[o] == OF_CONCERN:
            continue
        if entity.risk_level in levels:
            continue
        community, size = g.community_of(o)
        if not 0 < size <= p["max_community_size"]:
            continue
        pieces = []
        for r, (w, rows) in _ball(ctx, o, p["max_hops"], excluded, community).items():
            near = g._entities[r]
            if g._status[r] != AT_RISK or near.risk_level not in levels or r == o:
                continue
            path_ids: list[str] = [entity.id]
            v = o
            for row in rows:
                v = g._other(row, v)
                path_ids += [g._lids[row], g._entities[v].id]
            steps = "; ".join(f"{ctx.link_words(row)} ({ctx.evidence(row)})" for row in rows)
            sentence = (
                f"Within {len(rows)} link{'s' if len(rows) > 1 else ''} of {ctx.name(r)}, "
                f"a person at {near.risk_level} risk, in a community of {size}: {steps}."
            )
            pieces.append(_Piece(w, sentence, (tuple(path_ids),), rows))
        score = noisy_or(x.weight for x in pieces)
        if pieces and score >= rule.threshold:
            lead = f"{ctx.name(o)} has no open case and is close to someone at serious risk."
            alerts.append(_alert(ctx, rule, o, score, lead, pieces))
    return alerts


def _ball(
    ctx: _Context, start: int, hops: int, excluded: set[int], community: int
) -> dict[int, tuple[float, tuple[int, ...]]]:
    """Vertices of ``community`` within ``hops`` links of ``start`` (not through busy
    things), each with the weight of the path first found and its link rows."""
    g = ctx.graph
    reached: dict[int, tuple[float, tuple[int, ...]]] = {start: (1.0, ())}
    frontier = [start]
    for _ in range(hops):
        nxt = []
        for v in frontier:
            if v != start and g._kind[v] != PERSON and len(ctx.persons(v)) > BUSY:
                continue
            for row in ctx.incident(v):
                if g._lt[row] in excluded:
                    continue
                o = g._other(row, v)
                if o in reached or g.community_of(o)[0] != community:
                    continue
                w, rows = reached[v]
                reached[o] = (w * ctx.weight(row), (*rows, row))
                nxt.append(o)
        frontier = nxt
    return reached


RuleFunction = Callable[[_Context, Rule, "Iterable[int] | None"], list[Alert]]
KINDS: dict[str, RuleFunction] = {
    "shared_entity": _shared_entity,
    "place_hotspot": _place_hotspot,
    "concern_second_victim": _concern_second_victim,
    "community_serious_risk": _community_serious_risk,
}


def evaluate(
    graph: AnalysisGraph,
    rules: AlertRules | None = None,
    *,
    today: date,
    subjects: Iterable[str] | None = None,
    include_handling_c: bool = True,
) -> list[Alert]:
    """Every alert the enabled rules raise (for ``subjects`` only, if given), strongest first."""
    rules = rules or vocab.alert_rules()
    memo = _memo(graph, rules, today, include_handling_c)
    ctx = _Context(
        graph,
        rules,
        today,
        include_handling_c,
        persons_at=memo.persons_at,
        known_at=memo.known_at,
        weights=memo.weights,
        bridges=memo.bridges,
        round_one=memo.round_one,
    )
    chosen = None
    if subjects is not None:
        chosen = [graph._vindex[s] for s in subjects if s in graph._vindex]
    alerts: list[Alert] = []
    for rule in rules.rules:
        if rule.enabled:
            alerts += KINDS[rule.kind](ctx, rule, chosen)
    return sorted(alerts, key=lambda a: (-a.score, a.rule, a.subject_id))


def affected_subjects(graph: AnalysisGraph, link: Link) -> set[str]:
    """Entities whose alerts a new or withdrawn ``link`` can change: everything within two
    links of either end (what any rule looks at), through things no busier than BUSY."""
    found: set[int] = set()
    for end in (link.a, link.b):
        if end not in graph:
            continue
        v = graph._vindex[end]
        found.add(v)
        for row in graph._incident(v):
            o = graph._other(row, v)
            found.add(o)
            rows = graph._incident(o)
            if len(rows) > BUSY:
                continue
            found.update(graph._other(r, o) for r in rows)
    return {graph._entities[v].id for v in found}


__all__ = ["Entity", "affected_subjects", "alert_key", "evaluate", "noisy_or"]
