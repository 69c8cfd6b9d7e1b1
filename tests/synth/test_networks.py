from __future__ import annotations

from pathlib import Path

from lantern.intelligence.engine import AnalysisGraph, evaluate
from lantern.intelligence.engine.files import read_graph
from lantern.synth import networks


def test_the_same_seed_gives_the_same_city_and_another_seed_a_different_one() -> None:
    first, again, other = (
        networks.generate(3000, 5),
        networks.generate(3000, 5),
        networks.generate(3000, 6),
    )
    assert first.links == again.links
    assert first.known == again.known
    assert first.links != other.links


def test_the_truth_is_hidden_from_what_the_hub_knows() -> None:
    city = networks.generate(5000, 8)
    known = city.known_ids
    assert city.hidden_victims
    assert city.hidden_offenders
    assert not (city.hidden_victims | city.hidden_offenders) & known
    assert city.hidden_victims <= city.victims
    assert city.hidden_offenders <= city.offenders
    # only some of each network are known, and every network has someone known
    assert city.victims & known
    assert city.offenders & known
    for network in city.networks:
        assert set(network["victims"] + network["offenders"]) & known


def test_the_written_files_load_without_a_refused_row(tmp_path: Path) -> None:
    city = networks.generate(2000, 3)
    paths = networks.write(city, tmp_path)
    graph, problems = read_graph(paths["entities"], paths["links"], paths["known"])
    assert problems == []
    assert len(graph) == len(city.entities)
    assert graph.link_count == len(city.links)
    assert paths["truth"].read_text(encoding="utf-8").startswith("entity_id,role")


def test_the_rules_find_most_hidden_victims_and_few_bystanders() -> None:
    city = networks.generate(10_000, 21)
    graph = AnalysisGraph.build(networks.with_known(city), city.links)
    known = city.known_ids
    subjects = {
        a.subject_id for a in evaluate(graph, today=city.as_of) if a.subject_kind == "person"
    } - known

    recall = len(subjects & city.hidden_victims) / len(city.hidden_victims)
    precision = len(subjects & (city.hidden_victims | city.hidden_offenders)) / len(subjects)
    assert recall > 0.8
    assert precision > 0.7
