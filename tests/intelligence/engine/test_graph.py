from __future__ import annotations

import itertools
import random
from datetime import date

import igraph
import pytest

from lantern.intelligence.engine import AnalysisGraph, Entity, Link
from tests.intelligence.engine.conftest import TODAY, link, person


def chain(*ids: str, handling: str = "P") -> AnalysisGraph:
    """a - b - c - ... as persons linked by 'associate'."""
    return AnalysisGraph.build(
        [person(i) for i in ids],
        [link(f"{a}{b}", a, b, "associate", handling=handling) for a, b in itertools.pairwise(ids)],
    )


def test_shortest_paths_give_every_equal_route_with_its_links() -> None:
    graph = AnalysisGraph.build(
        [
            person("a"),
            person("b"),
            Entity("car", "vehicle", "AB12 CDE"),
            Entity("flat", "location", "Flat 1", "flat"),
            person("x"),
        ],
        [
            link("l1", "a", "car", "seen_in"),
            link("l2", "b", "car", "driver_of"),
            link("l3", "a", "flat", "taken_to"),
            link("l4", "b", "flat", "lives_at"),
            link("l5", "x", "flat", "seen_at"),
        ],
    )

    paths = graph.shortest_paths("a", "b")

    assert sorted(paths) == [("a", "l1", "car", "l2", "b"), ("a", "l3", "flat", "l4", "b")]
    assert graph.shortest_paths("a", "b", max_paths=1) in ([paths[0]], [paths[1]])


def test_shortest_paths_between_unconnected_entities_are_none_and_c_links_can_be_left_out() -> None:
    graph = chain("a", "b", "c", handling="C")
    graph.add_entity(person("z"))

    assert graph.shortest_paths("a", "z") == []
    assert graph.shortest_paths("a", "c") == [("a", "ab", "b", "bc", "c")]
    assert graph.shortest_paths("a", "c", include_handling_c=False) == []


def test_components_largest_first() -> None:
    graph = AnalysisGraph.build(
        [person(i) for i in "abcdef"],
        [
            link("1", "a", "b", "associate"),
            link("2", "b", "c", "associate"),
            link("3", "d", "e", "associate"),
        ],
    )
    assert [sorted(c) for c in graph.components()] == [["a", "b", "c"], ["d", "e"], ["f"]]


def test_links_added_and_withdrawn_change_the_whole_graph_functions_without_a_rebuild() -> None:
    graph = chain("a", "b")
    graph.add_entity(person("c"))
    graph.add_link(link("bc", "b", "c", "associate"))
    assert [sorted(c) for c in graph.components()] == [["a", "b", "c"]]

    graph.withdraw_link("ab")
    assert [sorted(c) for c in graph.components()] == [["b", "c"], ["a"]]
    assert graph.is_withdrawn("ab")
    assert [link_.id for link_ in graph.links_of("b")] == ["bc"]
    assert graph.link_count == 1


def test_leiden_recovers_a_planted_partition() -> None:
    # four groups of 30: 40 % of pairs inside a group are linked, 1 % across groups
    rng = random.Random(4)
    truth = [i // 30 for i in range(120)]
    edges = [
        (a, b)
        for a in range(120)
        for b in range(a + 1, 120)
        if rng.random() < (0.4 if truth[a] == truth[b] else 0.01)
    ]
    graph = AnalysisGraph.build(
        [person(f"p{i}") for i in range(120)],
        [link(f"l{n}", f"p{a}", f"p{b}", "associate") for n, (a, b) in enumerate(edges)],
    )

    found = graph.communities(seed=1)

    membership = [found[f"p{i}"] for i in range(120)]
    assert igraph.compare_communities(truth, membership, method="nmi") > 0.95


def test_communities_are_reproducible_and_numbered_by_size() -> None:
    """The same graph and seed give the same communities (``alerts evaluate`` on files and
    ``alerts run`` on the database must agree), community 0 is the largest, and igraph is
    handed back Python's own random module afterwards."""
    rng = random.Random(9)
    sizes = (12, 40, 25)
    truth = [g for g, size in enumerate(sizes) for _ in range(size)]
    n = len(truth)
    edges = [
        (a, b)
        for a in range(n)
        for b in range(a + 1, n)
        if rng.random() < (0.5 if truth[a] == truth[b] else 0.005)
    ]

    def build() -> AnalysisGraph:
        return AnalysisGraph.build(
            [person(f"p{i}") for i in range(n)],
            [link(f"l{k}", f"p{a}", f"p{b}", "associate") for k, (a, b) in enumerate(edges)],
        )

    first, second = build().communities(seed=3), build().communities(seed=3)
    assert first == second
    counts: dict[int, int] = {}
    for community in first.values():
        counts[community] = counts.get(community, 0) + 1
    assert counts[0] == max(counts.values()) == 40
    assert sorted(counts) == list(range(len(counts)))
    state = random.getstate()
    build().communities(seed=5)
    assert random.getstate() == state  # a seeded run leaves the process's own random alone


def test_betweenness_and_degree_on_a_known_graph() -> None:
    # a star: the centre lies on every path between two leaves, C(4, 2) = 6 of them
    graph = AnalysisGraph.build(
        [person("hub"), *[person(f"leaf{i}") for i in range(4)]],
        [link(f"l{i}", "hub", f"leaf{i}", "associate") for i in range(4)],
    )
    centrality = graph.centrality()
    assert centrality["hub"] == (4, 6.0)
    assert centrality["leaf0"] == (1, 0.0)
    path = chain("a", "b", "c")
    assert path.centrality(["b"]) == {"b": (2, 1.0)}


def test_ego_network_to_a_depth_with_filters() -> None:
    graph = chain("a", "b", "c", "d")
    assert [e.id for e in graph.ego("a", 1).entities] == ["a", "b"]
    two = graph.ego("a", 2)
    assert [e.id for e in two.entities] == ["a", "b", "c"]
    assert [link_.id for link_ in two.links] == ["ab", "bc"]
    assert {e.id for e in graph.ego("b", 1).entities} == {"a", "b", "c"}

    mixed = AnalysisGraph.build(
        [person("a"), Entity("car", "vehicle", "AB12 CDE"), person("b"), person("old")],
        [
            link("1", "a", "car", "seen_in", date(2026, 3, 1)),
            link("2", "b", "car", "driver_of", date(2026, 3, 2)),
            link("3", "a", "old", "associate", date(2019, 1, 1)),
        ],
    )
    assert {e.id for e in mixed.ego("a", 2, kinds=["vehicle"]).entities} == {"a", "car"}
    assert {e.id for e in mixed.ego("a", 2, link_types=["associate"]).entities} == {"a", "old"}
    assert {e.id for e in mixed.ego("a", 2, since=date(2026, 1, 1)).entities} == {"a", "car", "b"}


def test_hotspots_count_persons_at_risk_within_the_window_only() -> None:
    entities = [
        Entity("park", "location", "Mill Park", "park"),
        Entity("shop", "location", "Corner shop", "shop"),
    ]
    entities += [person(f"r{i}", status="person_at_risk") for i in range(4)] + [person("x")]
    links = [
        link("1", "r0", "park", "seen_at", date(2026, 3, 1)),
        link("2", "r1", "park", "seen_at", date(2026, 1, 20)),
        link("3", "r2", "park", "seen_at", date(2025, 12, 20)),
        link("4", "r3", "park", "seen_at", date(2025, 6, 1)),  # outside 90 days
        link("5", "x", "park", "seen_at", date(2026, 3, 1)),  # not a person at risk
        link("6", "r0", "shop", "seen_at", date(2026, 3, 1)),
    ]
    graph = AnalysisGraph.build(entities, links)

    (spot,) = graph.hotspots(window_days=90, min_persons=3, today=TODAY)
    assert (spot.location_id, spot.person_ids) == ("park", ("r0", "r1", "r2"))
    assert (spot.first, spot.last) == (date(2025, 12, 20), date(2026, 3, 1))
    assert graph.hotspots(window_days=30, min_persons=3, today=TODAY) == []
    assert len(graph.hotspots(window_days=400, min_persons=4, today=TODAY)) == 1


def test_co_offending_pairs_persons_of_concern_by_what_they_share() -> None:
    graph = AnalysisGraph.build(
        [
            person("ali", status="person_of_concern"),
            person("bo", status="person_of_concern"),
            person("cy", status="person_of_concern"),
            person("r", status="person_at_risk"),
            Entity("car", "vehicle", "AB12 CDE"),
            Entity("park", "location", "Mill Park", "park"),
        ],
        [
            link("1", "ali", "car", "driver_of"),
            link("2", "bo", "car", "driver_of"),
            link("3", "ali", "r", "seen_with"),
            link("4", "bo", "r", "seen_with"),
            link("5", "ali", "park", "seen_at"),
            link("6", "cy", "park", "seen_at"),  # a public place is not shared offending
        ],
    )
    (pair,) = graph.co_offending()
    assert (pair.a, pair.b) == ("ali", "bo")
    assert set(pair.shared_ids) == {"car", "r"}


def test_links_must_join_two_entities_in_the_graph() -> None:
    with pytest.raises(ValueError, match="not in the graph"):
        AnalysisGraph.build([person("a")], [Link("1", "a", "nobody", "associate")])
    with pytest.raises(ValueError, match="given twice"):
        AnalysisGraph.build([person("a"), person("a")], [])
