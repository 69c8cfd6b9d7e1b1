"""Turning scored pairs into people: connected components, with what a person cannot be.

Pairs are taken strongest first and joined with a union-find, except where the join would
put together what cannot be one person:

- two different valid NHS numbers (a person has one; a number whose check digit fails may
  be a typo and constrains nothing). This separates twins and namesakes whose records
  otherwise agree on everything the model sees: each twin's health record carries their
  own number;
- two records a reviewer said are different people (a "not a match" label);
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
    nhs: Mapping[int, str],
) -> pd.DataFrame:
    """``unique_id, cluster_id, match_probability_to_cluster`` for every id.

    ``pairs`` has ``unique_id_l, unique_id_r, match_probability``; those at or above
    ``threshold`` are joined strongest first under the constraints above. A record's
    probability to its cluster is its strongest pair inside the cluster (empty for a record
    alone).
    """
    strong = pairs[pairs["match_probability"] >= threshold].sort_values(
        ["match_probability", "unique_id_l", "unique_id_r"], ascending=[False, True, True]
    )
    components = Components(nhs=nhs)
    left = strong["unique_id_l"].to_numpy()
    right = strong["unique_id_r"].to_numpy()
    prob = strong["match_probability"].to_numpy()
    for a, b, p in zip(left.tolist(), right.tolist(), prob.tolist(), strict=True):
        components.link(a, b, p)
    touched = set(components.parent)
    label = components.labels(sorted(touched))
    cluster = np.array([label.get(int(i), int(i)) for i in ids.tolist()], dtype=np.int64)
    frame = pd.DataFrame({"unique_id": ids, "cluster_id": cluster})
    if len(strong):
        inside = strong[
            [
                label.get(a) == label.get(b)
                for a, b in zip(left.tolist(), right.tolist(), strict=True)
            ]
        ]
        both = pd.concat(
            [
                inside[["unique_id_l", "match_probability"]].rename(
                    columns={"unique_id_l": "unique_id"}
                ),
                inside[["unique_id_r", "match_probability"]].rename(
                    columns={"unique_id_r": "unique_id"}
                ),
            ]
        )
        best = both.groupby("unique_id")["match_probability"].max()
        frame["match_probability_to_cluster"] = frame["unique_id"].map(best)
    else:
        frame["match_probability_to_cluster"] = np.nan
    return frame
