"""Turning scored pairs into people: connected components, with what a person cannot be.

Pairs are taken strongest first and joined with a union-find, except where the join would
put together what cannot be one person:

- two different valid NHS numbers (a person has one; a number whose check digit fails may
  be a typo and constrains nothing). This separates twins and namesakes whose records
  otherwise agree on everything the model sees: each twin's health record carries their
  own number;
- two records a reviewer said are different people (a "not a match" label), or, in a batch
  dedupe, two records the model itself scored as two people beyond doubt (match weight at
  most ``engine.APART_WEIGHT``): a parent and child, each matching a third record with no
  date of birth, are not joined through it (docs/decisions/0011-families-in-the-model.md);
- anything else the caller forbids (``allow``): the services refuse to join people whose
  merge was undone, and people who both already have casework.

The same code clusters a batch on DuckDB or Spark (the edges come back to Python), the
command-line dedupe and the database's people, so each gets the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Refusal:
    left: int
    right: int
    probability: float
    reason: str


@dataclass
class Components:
    """A constrained union-find over record ids."""

    nhs: Mapping[int, str] = field(default_factory=dict)
    cannot: Iterable[tuple[int, int]] = ()
    allow: Callable[[set[int], set[int]], str | None] | None = None
    parent: dict[int, int] = field(default_factory=dict)
    members: dict[int, set[int]] = field(default_factory=dict)
    root_nhs: dict[int, str | None] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cannot: dict[int, set[int]] = {}
        for a, b in self.cannot:
            self._cannot.setdefault(a, set()).add(b)
            self._cannot.setdefault(b, set()).add(a)

    def add(self, record: int) -> None:
        if record not in self.parent:
            self.parent[record] = record
            self.members[record] = {record}
            self.root_nhs[record] = self.nhs.get(record)

    def find(self, record: int) -> int:
        self.add(record)
        root = record
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record] != root:  # path compression
            self.parent[record], record = root, self.parent[record]
        return root

    def why_not(self, a: int, b: int) -> str | None:
        """Why the components of ``a`` and ``b`` cannot be one person, or None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        na, nb = self.root_nhs[ra], self.root_nhs[rb]
        if na and nb and na != nb:
            return "different NHS numbers"
        small, large = sorted((self.members[ra], self.members[rb]), key=len)
        for record in small:
            if self._cannot.get(record, set()) & large:
                return "a reviewer said they are different people"
        if self.allow is not None:
            return self.allow(self.members[ra], self.members[rb])
        return None

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.root_nhs[ra] = self.root_nhs[ra] or self.root_nhs.pop(rb)
        self.root_nhs.pop(rb, None)

    def link(self, a: int, b: int, probability: float = 1.0) -> bool:
        """Join unless forbidden; a refusal is kept (it may go to review)."""
        reason = self.why_not(a, b)
        if reason is None:
            self.union(a, b)
            return True
        if self.find(a) != self.find(b):
            self.refused.append(Refusal(a, b, probability, reason))
        return False

    def labels(self, records: Iterable[int]) -> dict[int, int]:
        """Each record's component, named by its smallest record id."""
        named: dict[int, int] = {}
        out = {}
        for record in records:
            root = self.find(record)
            if root not in named:
                named[root] = min(self.members[root])
            out[record] = named[root]
        return out


def cluster_pairs(
    ids: np.ndarray,
    pairs: pd.DataFrame,
    *,
    threshold: float,
    nhs: pd.Series,
    cannot: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``unique_id, cluster_id, match_probability_to_cluster, cluster_weakest_link`` for
    every id.

    ``pairs`` has ``unique_id_l, unique_id_r, match_probability``; those at or above
    ``threshold`` are joined strongest first under the constraints above. ``nhs`` is each
    record's valid NHS number (indexed by record id; records without one left out).
    ``cannot`` (``unique_id_l, unique_id_r``) are pairs the model scored as two people
    beyond doubt: no chain of other pairs joins them (a parent and child, or two brothers,
    each matching a third record with no date of birth). A
    cluster is named by its smallest id. A record's probability to its cluster is its
    strongest pair inside the cluster (empty for a record alone).

    Most of a million records' edges constrain nothing, so the connected components come
    from SciPy's sparse-graph routine (in C) and only a component holding two different
    valid NHS numbers goes through the strongest-first union-find
    (:func:`_constrained_labels`). The answer is the union-find's on every edge: components
    never share an edge, and in a component with at most one valid NHS number no join is
    refused, so the union-find would join it all.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids = np.asarray(ids, dtype=np.int64)
    strong = pairs[pairs["match_probability"] >= threshold]
    left = strong["unique_id_l"].to_numpy(dtype=np.int64)
    right = strong["unique_id_r"].to_numpy(dtype=np.int64)
    prob = strong["match_probability"].to_numpy(dtype=np.float64)
    vertices = _vertices(ids, left, right)
    if not len(vertices):
        return pd.DataFrame(
            {
                "unique_id": ids,
                "cluster_id": ids,
                "match_probability_to_cluster": np.nan,
                "cluster_weakest_link": np.nan,
            }
        )
    lv, rv = _positions(vertices, left), _positions(vertices, right)
    n = len(vertices)
    graph = coo_matrix((np.ones(len(lv), dtype=np.int8), (lv, rv)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    # Name each component by its smallest id (vertices are sorted: the first one met).
    _, first = np.unique(component, return_index=True)
    label = vertices[first[component]]

    nhs_at = _positions(vertices, nhs.index.to_numpy(dtype=np.int64))
    nhs_number = nhs.to_numpy()
    conflicted = _conflicted_components(component[nhs_at], nhs_number)
    apart: list[tuple[int, int]] = []
    if cannot is not None and len(cannot):
        cl = _positions(vertices, cannot["unique_id_l"].to_numpy(dtype=np.int64))
        cr = _positions(vertices, cannot["unique_id_r"].to_numpy(dtype=np.int64))
        together = component[cl] == component[cr]
        if together.any():
            conflicted = np.union1d(conflicted, np.unique(component[cl[together]]))
            apart = list(
                zip(vertices[cl[together]].tolist(), vertices[cr[together]].tolist(), strict=True)
            )
    if conflicted.size:
        chosen = np.isin(component[lv], conflicted)
        edges = pd.DataFrame(
            {"unique_id_l": left[chosen], "unique_id_r": right[chosen], "p": prob[chosen]}
        )
        inside_nhs = np.isin(component[nhs_at], conflicted)
        numbers = dict(
            zip(vertices[nhs_at[inside_nhs]].tolist(), nhs_number[inside_nhs].tolist(), strict=True)
        )
        fixed = _constrained_labels(edges, numbers, apart)
        inside = np.flatnonzero(np.isin(component, conflicted))
        label[inside] = [fixed.get(int(v), int(v)) for v in vertices[inside].tolist()]

    # Each record's strongest pair inside its cluster.
    same = label[lv] == label[rv]
    best = np.full(n, -np.inf)
    np.maximum.at(best, lv[same], prob[same])
    np.maximum.at(best, rv[same], prob[same])
    best[np.isneginf(best)] = np.nan
    weakest = _weakest_links(n, lv[same], rv[same], prob[same], label)
    at = _positions(vertices, ids)
    return pd.DataFrame(
        {
            "unique_id": ids,
            "cluster_id": label[at],
            "match_probability_to_cluster": best[at],
            "cluster_weakest_link": weakest[at],
        }
    )


def _weakest_links(
    n: int, lv: np.ndarray, rv: np.ndarray, prob: np.ndarray, label: np.ndarray
) -> np.ndarray:
    """For each vertex, its cluster's weakest link: the weakest pair the cluster cannot do
    without (the smallest probability in its strongest spanning tree; the probability at
    which the cluster would fall apart). NaN for a record alone."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree

    out = np.full(n, np.nan)
    # One edge per pair of records (the strongest), none from a record to itself: the
    # sparse matrix would add duplicates up.
    edges = pd.DataFrame({"a": np.minimum(lv, rv), "b": np.maximum(lv, rv), "p": prob})
    edges = edges[edges["a"] != edges["b"]].sort_values("p", ascending=False, kind="stable")
    edges = edges.drop_duplicates(["a", "b"])
    lv, rv = edges["a"].to_numpy(), edges["b"].to_numpy()
    prob = edges["p"].to_numpy(dtype=np.float64)
    if not len(lv):
        return out
    # Strongest spanning tree = minimum spanning tree over each pair's rank, strongest first
    # (ranks from 1: every weight positive, and each maps back to its probability exactly).
    order = np.argsort(-prob, kind="stable")
    rank = np.empty(len(prob), dtype=np.float64)
    rank[order] = np.arange(1, len(prob) + 1)
    tree = minimum_spanning_tree(coo_matrix((rank, (lv, rv)), shape=(n, n))).tocoo()
    tree_prob = prob[order[tree.data.astype(np.int64) - 1]]
    weakest_by_vertex = np.full(n, np.inf)
    np.minimum.at(weakest_by_vertex, tree.row, tree_prob)
    np.minimum.at(weakest_by_vertex, tree.col, tree_prob)
    # Spread each cluster's minimum to all its members (label is the cluster's name).
    frame = pd.DataFrame({"label": label, "w": weakest_by_vertex})
    per_cluster = frame.groupby("label")["w"].transform("min").to_numpy()
    per_cluster[np.isinf(per_cluster)] = np.nan
    return np.asarray(per_cluster, dtype=np.float64)


def dates_of_birth_disagree(
    cluster: np.ndarray, year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """For each record, whether its cluster holds two dates of birth (known to the day) that
    no error explains: not the same, not two of year, month and day in common (a typo in
    one), not the day and month transposed. Such a cluster is flagged for a person to look
    at rather than trusted: one member matched another strongly but contradicts a third.
    Arrays are per record; a missing part is NaN."""
    known = ~(np.isnan(year) | np.isnan(month) | np.isnan(day))
    frame = pd.DataFrame(
        {"c": cluster[known], "y": year[known], "m": month[known], "d": day[known]}
    ).drop_duplicates()
    several = frame[frame.duplicated("c", keep=False)]
    # Every two distinct dates of one cluster, side by side (few: most clusters have one).
    pairs = several.merge(several, on="c", suffixes=("_a", "_b"))
    agree = (
        (pairs["y_a"] == pairs["y_b"]).astype(int)
        + (pairs["m_a"] == pairs["m_b"]).astype(int)
        + (pairs["d_a"] == pairs["d_b"]).astype(int)
    )
    transposed = (
        (pairs["y_a"] == pairs["y_b"])
        & (pairs["m_a"] == pairs["d_b"])
        & (pairs["d_a"] == pairs["m_b"])
    )
    bad = pairs.loc[(agree < 2) & ~transposed, "c"].unique()
    return np.isin(cluster, np.asarray(bad, dtype=np.int64))


def _vertices(ids: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Every id that the records or the pairs name, sorted and distinct.

    Records numbered 0..n-1 (a file being deduped) are already that, when the pairs name
    no other id; anything else is sorted.
    """
    n = len(ids)
    if n and ids[0] == 0 and ids[-1] == n - 1 and bool((np.diff(ids) == 1).all()):
        inside = [bool(((a >= 0) & (a < n)).all()) for a in (left, right) if len(a)]
        if all(inside):
            return ids
    return np.unique(np.concatenate([ids, left, right]))


def _positions(vertices: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Where each of ``values`` (all among the sorted ``vertices``) stands."""
    if len(vertices) and vertices[0] == 0 and vertices[-1] == len(vertices) - 1:
        return values.astype(np.int64)  # 0..n-1: an id is its own position
    return np.searchsorted(vertices, values)


def _conflicted_components(component: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Components whose records carry two or more different valid NHS numbers.

    ``component`` and ``number`` give, for each record with a valid NHS number, its
    component and its number."""
    if not len(component):
        return np.array([], dtype=np.int64)
    codes, distinct = pd.factorize(number)
    # One key per (component, number) met; a component met under two keys is conflicted.
    keys = np.sort(component.astype(np.int64) * len(distinct) + codes)
    met = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] // len(distinct)
    twice = met[1:][met[1:] == met[:-1]]
    if not len(twice):
        return np.asarray(twice, dtype=np.int64)
    return np.asarray(twice[np.concatenate([[True], twice[1:] != twice[:-1]])], dtype=np.int64)


def _constrained_labels(
    edges: pd.DataFrame, nhs: Mapping[int, str], cannot: Iterable[tuple[int, int]] = ()
) -> dict[int, int]:
    """The strongest-first union-find under the NHS constraint and the pairs that cannot be
    one person, on the given edges."""
    ordered = edges.sort_values(["p", "unique_id_l", "unique_id_r"], ascending=[False, True, True])
    components = Components(nhs=nhs, cannot=cannot)
    for a, b, p in zip(
        ordered["unique_id_l"].tolist(),
        ordered["unique_id_r"].tolist(),
        ordered["p"].tolist(),
        strict=True,
    ):
        components.link(a, b, p)
    return components.labels(sorted(components.parent))
