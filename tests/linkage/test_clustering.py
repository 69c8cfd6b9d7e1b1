"""Clustering scored pairs into people: the fast path gives the union-find's answer.

``cluster_pairs`` takes connected components in C and runs the strongest-first union-find
only inside components that hold two different valid NHS numbers. These tests hold it to
the plain union-find over every strong edge, on random graphs, so a shortcut can never
change who is joined with whom.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.linkage.clustering import Components, cluster_pairs

THRESHOLD = 0.9


def _reference(
    ids: list[int], edges: list[tuple[int, int, float]], nhs: dict[int, str]
) -> dict[int, tuple[int, float | None]]:
    """Every id's cluster (smallest member) and strongest pair inside it, the slow way."""
    strong = sorted((e for e in edges if e[2] >= THRESHOLD), key=lambda e: (-e[2], e[0], e[1]))
    components = Components(nhs=nhs)
    for a, b, p in strong:
        components.link(a, b, p)
    label = components.labels([*ids, *components.parent])
    best: dict[int, float] = {}
    for a, b, p in strong:
        if label[a] == label[b]:
            best[a], best[b] = max(best.get(a, 0.0), p), max(best.get(b, 0.0), p)
    return {i: (label.get(i, i), best.get(i)) for i in ids}


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[int], list[tuple[int, int, float]], dict[int, str]]:
    n = draw(st.integers(1, 30))
    numbered = draw(st.booleans())  # 0..n-1, as a file being deduped, or source record keys
    keys = st.sets(st.integers(1, 10**9), min_size=n, max_size=n)
    ids = list(range(n)) if numbered else sorted(draw(keys))
    index = st.integers(0, n - 1)
    probability = st.sampled_from([0.5, 0.9, 0.93, 0.97, 0.99, 0.999])
    edges = [
        (ids[min(a, b)], ids[max(a, b)], p)
        for a, b, p in draw(st.lists(st.tuples(index, index, probability), max_size=60))
        if a != b
    ]
    # Few distinct numbers, so components often hold two of them.
    drawn = draw(st.dictionaries(index, st.sampled_from("ABC")))
    nhs = {ids[i]: number for i, number in drawn.items()}
    return ids, edges, nhs


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_clusters_are_the_strongest_first_union_find_under_the_nhs_rule(
    graph: tuple[list[int], list[tuple[int, int, float]], dict[int, str]],
) -> None:
    ids, edges, nhs = graph
    pairs = pd.DataFrame(edges, columns=["unique_id_l", "unique_id_r", "match_probability"])
    numbers = pd.Series(list(nhs.values()), index=pd.Index(list(nhs), dtype="int64"), dtype=object)
    frame = cluster_pairs(np.array(ids, dtype=np.int64), pairs, threshold=THRESHOLD, nhs=numbers)

    expected = _reference(ids, edges, nhs)
    assert frame["unique_id"].tolist() == ids
    got = {
        int(i): (int(c), None if np.isnan(p) else float(p))
        for i, c, p in frame.itertuples(index=False)
    }
    assert got == expected


def test_two_valid_nhs_numbers_keep_a_chain_apart_at_its_weakest_link() -> None:
    # 1-2-3 chained; 1 and 3 carry different numbers: the weakest link (2-3) is refused.
    pairs = pd.DataFrame(
        [(1, 2, 0.99), (2, 3, 0.95)], columns=["unique_id_l", "unique_id_r", "match_probability"]
    )
    nhs = pd.Series(["9434765919", "9434765870"], index=pd.Index([1, 3], dtype="int64"))
    frame = cluster_pairs(np.array([1, 2, 3]), pairs, threshold=THRESHOLD, nhs=nhs)
    assert frame["cluster_id"].tolist() == [1, 1, 3]
    assert frame["match_probability_to_cluster"].tolist()[:2] == [0.99, 0.99]
    assert np.isnan(frame["match_probability_to_cluster"].tolist()[2])


def test_no_pairs_leaves_everyone_alone() -> None:
    pairs = pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_probability"])
    empty = pd.Series([], dtype=object, index=pd.Index([], dtype="int64"))
    frame = cluster_pairs(np.array([5, 7]), pairs, threshold=THRESHOLD, nhs=empty)
    assert frame["cluster_id"].tolist() == [5, 7]
    none = cluster_pairs(np.array([], dtype=np.int64), pairs, threshold=THRESHOLD, nhs=empty)
    assert len(none) == 0
