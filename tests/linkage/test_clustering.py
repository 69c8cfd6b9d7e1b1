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

from lantern.linkage.clustering import Components, cluster_pairs, dates_of_birth_disagree

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
        for i, c, p in frame[
            ["unique_id", "cluster_id", "match_probability_to_cluster"]
        ].itertuples(index=False)
    }
    assert got == expected
    cluster_of = {i: c for i, (c, _) in got.items()}
    weakest = dict(zip(frame["unique_id"], frame["cluster_weakest_link"], strict=True))
    for i, c in cluster_of.items():
        expected_weakest = _weakest_link(cluster_of, edges, c)
        if expected_weakest is None:
            assert np.isnan(weakest[i])
        else:
            assert weakest[i] == expected_weakest


def _weakest_link(
    cluster_of: dict[int, int], edges: list[tuple[int, int, float]], cluster: int
) -> float | None:
    """The probability at which a cluster falls apart: add its own strong pairs strongest
    first; the one that makes it whole."""
    members = {i for i, c in cluster_of.items() if c == cluster}
    if len(members) < 2:
        return None
    inside = sorted(
        (e for e in edges if e[2] >= THRESHOLD and e[0] in members and e[1] in members),
        key=lambda e: -e[2],
    )
    parent = {m: m for m in members}

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    parts = len(members)
    for a, b, p in inside:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
            parts -= 1
            if parts == 1:
                return p
    raise AssertionError("a cluster is connected by its own pairs")


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


def test_a_pair_scored_as_two_people_is_not_joined_through_a_third_record() -> None:
    # 1 (a mother) - 2 (a record of her daughter with no date of birth) - 3 (the daughter):
    # the model scored 1 and 3 two people beyond doubt, so the weaker link (2-3) is refused
    # and 2 stays with the record it matched best (0011).
    pairs = pd.DataFrame(
        [(1, 2, 0.99), (2, 3, 0.97)], columns=["unique_id_l", "unique_id_r", "match_probability"]
    )
    empty = pd.Series([], dtype=object, index=pd.Index([], dtype="int64"))
    apart = pd.DataFrame([(1, 3)], columns=["unique_id_l", "unique_id_r"])
    ids = np.array([1, 2, 3])
    frame = cluster_pairs(ids, pairs, threshold=THRESHOLD, nhs=empty, cannot=apart)
    assert frame["cluster_id"].tolist() == [1, 1, 3]
    # Without it (the plain configuration) the chain is one cluster.
    plain = cluster_pairs(ids, pairs, threshold=THRESHOLD, nhs=empty)
    assert plain["cluster_id"].tolist() == [1, 1, 1]
    # A pair scored apart in different clusters anyway changes nothing.
    elsewhere = pd.DataFrame([(1, 4)], columns=["unique_id_l", "unique_id_r"])
    same = cluster_pairs(
        np.array([1, 2, 3, 4]), pairs, threshold=THRESHOLD, nhs=empty, cannot=elsewhere
    )
    assert same["cluster_id"].tolist() == [1, 1, 1, 4]


def test_no_pairs_leaves_everyone_alone() -> None:
    pairs = pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_probability"])
    empty = pd.Series([], dtype=object, index=pd.Index([], dtype="int64"))
    frame = cluster_pairs(np.array([5, 7]), pairs, threshold=THRESHOLD, nhs=empty)
    assert frame["cluster_id"].tolist() == [5, 7]
    none = cluster_pairs(np.array([], dtype=np.int64), pairs, threshold=THRESHOLD, nhs=empty)
    assert len(none) == 0


def test_a_cluster_whose_dates_of_birth_no_error_explains_is_flagged() -> None:
    """One record matched another strongly but its date of birth contradicts a third's: the
    cluster is flagged for a person to look at (a typo, a transposition or a year only are
    not contradictions)."""
    nan = np.nan
    cluster = np.array([1, 1, 2, 2, 3, 3, 4, 4, 5])
    year = np.array([2001, 2001, 2001, 2011, 1980, 2005, 1990, nan, 1999], dtype=float)
    month = np.array([5, 3, 5, 5, 1, 7, 4, nan, 2], dtype=float)
    day = np.array([3, 5, 3, 3, 2, 9, 4, nan, 2], dtype=float)

    flagged = dates_of_birth_disagree(cluster, year, month, day)

    assert flagged.tolist() == [False, False, False, False, True, True, False, False, False]
