"""Labels that teach: re-estimating m from reviewers' decisions, and choosing what to ask.

Pure functions over plain data (no Django models), so the services, the benchmark
(``bench/learning.py``) and the tests drive the same arithmetic.

**Re-estimating m.** EM's estimate of a level's m is an M-step: the expected number of
matching pairs at that level over the expected number of matching pairs, each blocked pair
counted with its posterior match probability ``p``. A reviewer's decision replaces the
model's guess for the pair decided: the pair now counts ``y`` (1 for a match, 0 for not a
match) instead of ``p``. So for each comparison and level::

    count = N * m_em + sum over labelled pairs at that level of (y - p)
    m_new = count / sum of counts            (never below min(m_em, M_FLOOR))

where ``N`` is the model's own expected number of matching pairs among the records
(``probability_two_random_records_match * n (n - 1) / 2``) and ``p`` is the labelled pair's
probability under the model being re-estimated (recomputed from the level each field reached
and its term-frequency adjustment, kept with the label). This is the "weighted combination"
with a justified weight: a label counts as exactly one pair, EM's estimate as the ``N`` pairs
it came from. Consequences: no labels, no change; a decision the model already expected
(``p`` near ``y``) moves nothing; a labelled non-match the model thought likely (say ``p`` =
0.8) takes 0.8 of a match away from every level it reached, so m falls for the levels that
fooled the model; rare levels (where uncertain pairs live) move most, common ones barely.
The sum is :func:`math.fsum` (correctly rounded), so the same labels in any order give
identical parameters. u is not touched: labelled pairs are chosen from the uncertain band,
which says nothing about chance agreement among pairs in general (random sampling does).

Splink's own ``linker.training.estimate_m_from_pairwise_labels`` is not used: it takes every
labelled pair as a match (non-matches cannot be given) and replaces m with the labelled
pairs' level frequencies, which for pairs taken from the uncertain band (matches that
disagree somewhere, by construction) would teach the model that true matches usually
disagree.

**Active selection.** Which pending pair to show a reviewer first. Each pair's score is the
product of:

- *doubt*: given the threshold at which pairs link without a reviewer, the chance that what
  happens to the pair without one is wrong (``p`` below the threshold, where it is kept apart
  though it may be a match; ``1 - p`` above it), so the pairs nearest the boundary come
  first and sure pairs last; without a threshold, the binary entropy of ``p`` (1 at 0.5).
  ``bench/learning.py`` measured both: the chance of a wrong outcome beat entropy, because
  a decision changes the clusters only where it overturns what would have happened;
- *reach*: ``1 + log2(n)``, ``n`` the number of candidate pairs with the same comparison
  vector (the level every field reached): one decision informs the m of exactly those
  levels, which every pair of that pattern shares, so a label about a common pattern moves
  the scores of many pairs;
- *stakes*: ``1 + log2(a * b)``, ``a`` and ``b`` the numbers of records of the people (or
  clusters) on each side: joining or keeping apart two people of several records each
  decides ``a * b`` record pairs at once, one record against one record decides one.

Pairs are then taken greedily, a pair's score divided by ``1 + k`` where ``k`` counts the
pairs of its pattern already labelled or already chosen, so the selection spreads over the
patterns instead of asking the same question many times. Ties go to the lower key, so the
order is deterministic.
"""

from __future__ import annotations

import copy
import heapq
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lantern.linkage.engine import M_FLOOR

Pattern = tuple[tuple[str, int], ...]


# --- labels ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Labelled:
    """One decided pair: the level each comparison reached (Splink's gamma; -1 is null),
    each comparison's term-frequency adjustment (log2), and the reviewer's answer."""

    gammas: Mapping[str, int]
    is_match: bool
    tf_weights: Mapping[str, float] = field(default_factory=dict)


def from_contributions(contributions: Iterable[Mapping[str, Any]], *, is_match: bool) -> Labelled:
    """A label from the breakdown kept with a pair or label (``scorer.Contribution.as_dict``)."""
    gammas: dict[str, int] = {}
    tf: dict[str, float] = {}
    for entry in contributions:
        gammas[str(entry["comparison"])] = int(entry["gamma"])
        tf[str(entry["comparison"])] = float(entry.get("tf_weight") or 0.0)
    return Labelled(gammas=gammas, is_match=is_match, tf_weights=tf)


def pattern_of(contributions: Iterable[Mapping[str, Any]]) -> Pattern:
    """A pair's comparison vector, in a fixed order."""
    return tuple(sorted((str(e["comparison"]), int(e["gamma"])) for e in contributions))


def _levels(comparison: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]


def _level_at(levels: Sequence[Mapping[str, Any]], gamma: int) -> int | None:
    """The position in ``levels`` (most similar first) of Splink's gamma value."""
    if gamma < 0:
        return None
    position = len(levels) - 1 - gamma
    return position if 0 <= position < len(levels) else None


def match_weight(settings: Mapping[str, Any], label: Labelled) -> float:
    """The pair's match weight under ``settings`` (prior, each level's log2 m/u, and the
    term-frequency adjustments as they were when the pair was scored)."""
    prior = float(settings["probability_two_random_records_match"])
    weight = math.log2(prior / (1.0 - prior))
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        gamma = label.gammas.get(name)
        if gamma is None:
            continue
        levels = _levels(comparison)
        position = _level_at(levels, gamma)
        if position is None:
            continue
        level = levels[position]
        m, u = float(level["m_probability"]), float(level["u_probability"])
        weight += math.log2(max(m, 1e-30) / max(u, 1e-30)) + label.tf_weights.get(name, 0.0)
    return weight


def probability(weight: float) -> float:
    if weight > 1000:
        return 1.0
    if weight < -1000:
        return 0.0
    odds: float = 2.0**weight
    return odds / (1.0 + odds)


def expected_matches(settings: Mapping[str, Any], records: int) -> float:
    """The model's own estimate of how many pairs of ``records`` records are the same person."""
    prior = float(settings["probability_two_random_records_match"])
    return prior * records * (records - 1) / 2.0


@dataclass
class Reestimated:
    settings: dict[str, Any]
    matches: int
    non_matches: int
    expected_matches: float
    #: comparison, level, m before, m after: only the levels that moved
    changes: list[dict[str, Any]]

    @property
    def labels_used(self) -> int:
        return self.matches + self.non_matches

    def summary(self) -> dict[str, Any]:
        return {
            "method": "m re-estimated from labels (one M-step, labels replacing the posterior)",
            "matches": self.matches,
            "non_matches": self.non_matches,
            "expected_matches": round(self.expected_matches, 3),
            "changes": self.changes,
        }


def reestimate_m(
    settings: Mapping[str, Any], labels: Iterable[Labelled], *, expected: float
) -> Reestimated:
    """New settings whose m probabilities take ``labels`` into account (see the module).

    ``expected`` is EM's weight, the expected number of matching pairs
    (:func:`expected_matches`). The input is not changed.
    """
    if expected <= 0:
        msg = "The expected number of matching pairs must be positive"
        raise ValueError(msg)
    out = copy.deepcopy(dict(settings))
    chosen = list(labels)
    # Each label's surprise under the model being re-estimated: y - p.
    surprise = [
        (label, (1.0 if label.is_match else 0.0) - probability(match_weight(settings, label)))
        for label in chosen
    ]
    changes: list[dict[str, Any]] = []
    for comparison in out["comparisons"]:
        name = comparison["output_column_name"]
        levels = _levels(comparison)
        moves: list[list[float]] = [[] for _ in levels]
        for label, delta in surprise:
            position = _level_at(levels, label.gammas.get(name, -1))
            if position is not None:
                moves[position].append(delta)
        if not any(moves):
            continue
        before = [float(level["m_probability"]) for level in levels]
        # Levels of fixed weight (spec's family levels) keep their m as designed: labels
        # re-estimate the trained levels only, in the share the fixed ones leave.
        fixed = [bool(level.get("fix_m_probability")) for level in levels]
        share = 1.0 - math.fsum(m for m, f in zip(before, fixed, strict=True) if f)
        counts = [
            0.0 if f else max(0.0, expected * m + math.fsum(d))
            for m, d, f in zip(before, moves, fixed, strict=True)
        ]
        total = math.fsum(counts)
        if total <= 0:
            continue
        after = [
            0.0 if f else max(c / total, min(m, M_FLOOR))
            for c, m, f in zip(counts, before, fixed, strict=True)
        ]
        norm = math.fsum(after) / share
        for level, old, new, f in zip(levels, before, after, fixed, strict=True):
            if f:
                continue
            level["m_probability"] = new / norm
            if level["m_probability"] != old:
                changes.append(
                    {
                        "comparison": name,
                        "level": level.get("label_for_charts", level["sql_condition"]),
                        "m_before": old,
                        "m_after": level["m_probability"],
                    }
                )
    return Reestimated(
        settings=out,
        matches=sum(1 for label in chosen if label.is_match),
        non_matches=sum(1 for label in chosen if not label.is_match),
        expected_matches=expected,
        changes=changes,
    )


# --- active selection --------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A pending pair as active selection sees it."""

    key: Hashable  # the pair's id (any sortable, hashable value)
    probability: float
    pattern: Pattern
    size_l: int = 1  # records of the person (cluster) on each side
    size_r: int = 1


def entropy(p: float) -> float:
    """Binary entropy in bits: 1 at 0.5, 0 at 0 or 1."""
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log2(p) + (1.0 - p) * math.log2(1.0 - p))


def doubt(p: float, threshold: float | None = None) -> float:
    """How unsure the pair is: the binary entropy of ``p``; or, given the ``threshold`` at
    which pairs link without a reviewer, the chance that what happens without one is wrong
    (``p`` below it: kept apart though a match; ``1 - p`` at or above it)."""
    if threshold is None:
        return entropy(p)
    return p if p < threshold else 1.0 - p


def scores(
    candidates: Sequence[Candidate], *, threshold: float | None = None
) -> dict[Hashable, float]:
    """Each candidate's score before spreading over patterns: doubt x reach x stakes."""
    frequency = Counter(c.pattern for c in candidates)
    return {
        c.key: doubt(c.probability, threshold)
        * (1.0 + math.log2(frequency[c.pattern]))
        * (1.0 + math.log2(max(1, c.size_l * c.size_r)))
        for c in candidates
    }


def active_order(
    candidates: Sequence[Candidate],
    *,
    labelled: Iterable[Pattern] = (),
    limit: int | None = None,
    threshold: float | None = None,
) -> list[Hashable]:
    """Candidates' keys, the most useful to ask about first (greedy; see the module).

    ``labelled`` are the patterns of pairs already decided: a pattern asked about often
    counts for less.
    """
    base = scores(candidates, threshold=threshold)
    seen = Counter(labelled)
    remaining = list(candidates)
    wanted = len(remaining) if limit is None else min(limit, len(remaining))
    order: list[Hashable] = []
    # Greedy with lazy re-scoring: a pair's score only falls as its pattern is chosen, so the
    # best current score is found by re-checking the head of the list.
    heap = [
        (-base[c.key] / (1.0 + seen[c.pattern]), _sortable(c.key), i)
        for i, c in enumerate(remaining)
    ]
    stamp = [seen[c.pattern] for c in remaining]
    heapq.heapify(heap)
    while heap and len(order) < wanted:
        _, tie, i = heapq.heappop(heap)
        candidate = remaining[i]
        current = base[candidate.key] / (1.0 + seen[candidate.pattern])
        if seen[candidate.pattern] != stamp[i]:
            stamp[i] = seen[candidate.pattern]
            heapq.heappush(heap, (-current, tie, i))
            continue
        order.append(candidate.key)
        seen[candidate.pattern] += 1
    return order


def _sortable(key: Hashable) -> tuple[str, Any]:
    return (type(key).__name__, key)
