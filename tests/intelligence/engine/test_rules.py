from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from lantern.intelligence import vocab
from lantern.intelligence.engine import AnalysisGraph, Entity, affected_subjects, evaluate
from tests.intelligence.engine.conftest import TODAY, link, person


def only(rule: str) -> vocab.AlertRules:
    rules = vocab.alert_rules()
    return dataclasses.replace(rules, rules=(rules.rule(rule),))


# --- rule 1: shared non-public place, vehicle or phone ---------------------------------


def test_a_person_sharing_a_vehicle_and_a_flat_with_known_people_is_alerted(
    shared_vehicle: AnalysisGraph,
) -> None:
    alerts = evaluate(shared_vehicle, only("shared_entity"), today=TODAY)

    assert [(a.rule, a.subject_id, a.subject_kind) for a in alerts] == [
        ("shared_entity", "sam", "person")
    ]
    alert = alerts[0]
    assert 0 < alert.score <= 1
    assert alert.evidence_link_ids == {"l1", "l2", "l3", "l4", "l5"}
    assert ("sam", "l1", "car", "l2", "jordan") in alert.paths
    assert ("sam", "l4", "flat", "l5", "ali") in alert.paths


def test_the_explanation_names_the_path_and_the_evidence_on_each_link(
    shared_vehicle: AnalysisGraph,
) -> None:
    (alert,) = evaluate(shared_vehicle, only("shared_entity"), today=TODAY)

    text = alert.explanation
    assert "Sam T. is not known to the hub" in text
    assert "a vehicle AB12 CDE" in text
    assert "Jordan S., a person at risk" in text
    assert "Ali C., a person of concern" in text
    assert "Sam T. seen in it (police, 3 Mar 2026, graded 2B P)" in text
    assert "Jordan S. seen in it (police, 20 Feb 2026, graded 1A P)" in text
    assert "a place (flat) Flat 3, Mill House" in text
    assert "taken to it" in text


def test_re_evaluating_gives_the_same_keys_and_no_duplicates(shared_vehicle: AnalysisGraph) -> None:
    first = evaluate(shared_vehicle, today=TODAY)
    second = evaluate(shared_vehicle, today=TODAY)

    assert [a.key for a in first] == [a.key for a in second]
    assert len({a.key for a in first}) == len(first)


def _busy(place_type: str, crowd: int) -> AnalysisGraph:
    entities = [
        person("sam"),
        person("jordan", status="person_at_risk"),
        Entity("x", "location", "X", place_type),
    ]
    entities += [person(f"p{i}") for i in range(crowd)]
    links = [
        link("l1", "sam", "x", "seen_at", grading="1A"),
        link("l2", "jordan", "x", "seen_at", grading="1A"),
    ]
    links += [link(f"c{i}", f"p{i}", "x", "seen_at") for i in range(crowd)]
    return AnalysisGraph.build(entities, links)


def test_a_busy_public_place_alone_does_not_alert() -> None:
    assert evaluate(_busy("bus_station", 5), only("shared_entity"), today=TODAY) == []


def test_a_place_hundreds_are_linked_to_says_little() -> None:
    assert evaluate(_busy("hotel", 300), only("shared_entity"), today=TODAY) == []
    # the same two people at a quiet place score far higher: the place is specific
    rules = only("shared_entity")
    zero = dataclasses.replace(rules, rules=(dataclasses.replace(rules.rules[0], threshold=0.0),))
    quiet = {a.subject_id: a.score for a in evaluate(_busy("hotel", 0), zero, today=TODAY)}
    crowded = {a.subject_id: a.score for a in evaluate(_busy("hotel", 300), zero, today=TODAY)}
    assert quiet["sam"] > 10 * crowded["sam"]


def test_better_graded_and_more_recent_evidence_scores_higher() -> None:
    def scored(grading: str, when: date) -> float:
        graph = AnalysisGraph.build(
            [
                person("sam"),
                person("ali", status="person_of_concern"),
                Entity("ph", "phone", "Mobile 1"),
            ],
            [
                link("l1", "sam", "ph", "contacted_by", when, grading=grading),
                link("l2", "ali", "ph", "uses", when, grading=grading),
            ],
        )
        rules = only("shared_entity")
        zero = dataclasses.replace(
            rules, rules=(dataclasses.replace(rules.rules[0], threshold=0.0),)
        )
        return evaluate(graph, zero, today=TODAY)[0].score

    assert scored("1A", TODAY) > scored("3E", TODAY)
    assert scored("2B", TODAY) > scored("2B", TODAY - timedelta(days=900))


def test_handling_code_c_links_are_left_out_when_asked() -> None:
    graph = AnalysisGraph.build(
        [
            person("sam"),
            person("ali", status="person_of_concern"),
            Entity("car", "vehicle", "AB12 CDE"),
            Entity("ph", "phone", "Mobile 1"),
        ],
        [
            link("l1", "sam", "car", "seen_in", grading="1A", handling="C"),
            link("l2", "ali", "car", "driver_of", grading="1A"),
            link("l3", "sam", "ph", "contacted_by", grading="1A", handling="C"),
            link("l4", "ali", "ph", "uses", grading="1A"),
        ],
    )

    assert [a.subject_id for a in evaluate(graph, only("shared_entity"), today=TODAY)] == ["sam"]
    assert evaluate(graph, only("shared_entity"), today=TODAY, include_handling_c=False) == []


def test_family_sharing_a_home_with_a_person_at_risk_is_not_alerted() -> None:
    graph = AnalysisGraph.build(
        [
            person("sib"),
            person("jordan", status="person_at_risk"),
            Entity("home", "location", "1 Mill St", "house"),
        ],
        [
            link("l1", "sib", "home", "lives_at", grading="1A"),
            link("l2", "jordan", "home", "lives_at", grading="1A"),
            link("l3", "sib", "jordan", "family", grading="1A"),
        ],
    )
    assert evaluate(graph, only("shared_entity"), today=TODAY) == []


def test_known_people_are_not_subjects_of_rule_one(shared_vehicle: AnalysisGraph) -> None:
    subjects = {a.subject_id for a in evaluate(shared_vehicle, only("shared_entity"), today=TODAY)}
    assert subjects.isdisjoint({"jordan", "ali"})


# --- rule 2: a place linked to three persons at risk in 90 days ---------------------------


def _place_with(ages: list[int]) -> AnalysisGraph:
    entities = [Entity("hotel", "location", "Station Hotel", "hotel")]
    entities += [person(f"r{i}", status="person_at_risk") for i in range(len(ages))]
    links = [
        link(f"l{i}", f"r{i}", "hotel", "taken_to", TODAY - timedelta(days=age), grading="1B")
        for i, age in enumerate(ages)
    ]
    return AnalysisGraph.build(entities, links)


def test_a_place_linked_to_three_persons_at_risk_within_90_days_is_alerted() -> None:
    (alert,) = evaluate(_place_with([1, 20, 80]), only("place_hotspot"), today=TODAY)

    assert (alert.subject_id, alert.subject_kind) == ("hotel", "location")
    assert "linked to 3 persons at risk in the 90 days" in alert.explanation
    assert alert.evidence_link_ids == {"l0", "l1", "l2"}


def test_two_persons_at_risk_or_an_old_third_do_not_make_a_hotspot() -> None:
    assert evaluate(_place_with([1, 20]), only("place_hotspot"), today=TODAY) == []
    assert evaluate(_place_with([1, 20, 200]), only("place_hotspot"), today=TODAY) == []


# --- rule 3: a person of concern linked to a second person at risk ------------------------


def _concern_with(victims: int) -> AnalysisGraph:
    entities = [person("ali", "Ali C.", "person_of_concern"), Entity("car", "vehicle", "AB12 CDE")]
    entities += [person(f"r{i}", f"R{i}", "person_at_risk") for i in range(victims)]
    links = [link("d", "ali", "car", "driver_of", grading="1A")]
    links += [
        link(f"l{i}", f"r{i}", "car" if i else "ali", "seen_in" if i else "seen_with", grading="1B")
        for i in range(victims)
    ]
    return AnalysisGraph.build(entities, links)


def test_a_person_of_concern_linked_to_a_second_person_at_risk_is_alerted() -> None:
    (alert,) = evaluate(_concern_with(2), only("concern_second_victim"), today=TODAY)

    assert alert.subject_id == "ali"
    assert "Ali C., a person of concern, is linked to 2 persons at risk" in alert.explanation
    assert "R1" in alert.explanation
    assert "R0" in alert.explanation


def test_one_person_at_risk_is_not_a_second() -> None:
    assert evaluate(_concern_with(1), only("concern_second_victim"), today=TODAY) == []


# --- rule 4: no open case, in the same community as someone at serious risk ---------------


def _community(open_case: bool, risk: str = "serious") -> AnalysisGraph:
    return AnalysisGraph.build(
        [
            person("r", "Riley", "person_at_risk", risk_level=risk, open_case=True),
            person("f", "Frankie", open_case=open_case),
            person("far", "Far Away"),
            Entity("car", "vehicle", "AB12 CDE"),
        ],
        [
            link("l1", "r", "f", "seen_with", grading="1A"),
            link("l2", "f", "car", "seen_in", grading="1A"),
        ],
    )


def test_a_person_without_an_open_case_near_someone_at_serious_risk_is_alerted() -> None:
    (alert,) = evaluate(_community(open_case=False), only("community_serious_risk"), today=TODAY)

    assert alert.subject_id == "f"
    assert "Riley, a person at serious risk" in alert.explanation


def test_an_open_case_or_a_lower_risk_does_not_alert() -> None:
    assert evaluate(_community(open_case=True), only("community_serious_risk"), today=TODAY) == []
    assert (
        evaluate(
            _community(open_case=False, risk="medium"), only("community_serious_risk"), today=TODAY
        )
        == []
    )


# --- incremental ---------------------------------------------------------------------------


def test_a_new_link_is_picked_up_by_re_evaluating_only_who_it_affects() -> None:
    graph = AnalysisGraph.build(
        [
            person("sam"),
            person("ali", status="person_of_concern"),
            Entity("car", "vehicle", "AB12 CDE"),
            Entity("ph", "phone", "Mobile 1"),
            person("other"),
        ],
        [
            link("l1", "ali", "car", "driver_of", grading="1A"),
            link("l2", "ali", "ph", "uses", grading="1A"),
            link("l3", "sam", "ph", "contacted_by", date(2023, 1, 1), grading="3E"),
        ],
    )
    before = {a.subject_id for a in evaluate(graph, only("shared_entity"), today=TODAY)}
    new = link("l4", "sam", "car", "seen_in", grading="1A")
    graph.add_link(new)
    affected = affected_subjects(graph, new)
    partial = evaluate(graph, only("shared_entity"), today=TODAY, subjects=affected)
    full = evaluate(graph, only("shared_entity"), today=TODAY)

    assert "sam" in affected
    assert "other" not in affected
    assert "sam" not in before
    assert [a.subject_id for a in partial] == [a.subject_id for a in full] == ["sam"]
    assert "l4" in partial[0].evidence_link_ids

    graph.withdraw_link("l4")
    assert (
        evaluate(graph, only("shared_entity"), today=TODAY, subjects=affected_subjects(graph, new))
        == []
    )


def test_every_alert_is_explained(shared_vehicle: AnalysisGraph) -> None:
    graph = shared_vehicle
    graph.add_entity(person("r2", status="person_at_risk"))
    graph.add_link(link("l9", "r2", "car", "seen_in"))
    alerts = evaluate(graph, today=TODAY)
    assert {a.rule for a in alerts} >= {"shared_entity", "concern_second_victim"}
    assert all(a.explanation.strip() and a.paths for a in alerts)
