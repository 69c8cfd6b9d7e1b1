"""The rules' memo of the graph: re-evaluating after changes, with what earlier evaluations
kept, gives exactly what evaluating afresh gives; round one's quick score is the scorer's."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from lantern.intelligence import vocab
from lantern.intelligence.engine import AnalysisGraph, Link, affected_subjects, evaluate
from lantern.intelligence.engine import rules as engine_rules
from lantern.intelligence.engine.rules import _Context, _round_one, _score
from lantern.synth import networks


@pytest.fixture(scope="module")
def city() -> networks.City:
    return networks.generate(1500, 21)


def _graph(city: networks.City) -> AnalysisGraph:
    return AnalysisGraph.build(networks.with_known(city), city.links)


def _shared_rule() -> vocab.Rule:
    return next(r for r in vocab.alert_rules().rules if r.kind == "shared_entity")


def _seen(alerts: list[engine_rules.Alert]) -> list[tuple[str, float, str]]:
    return [(a.key, a.score, a.explanation) for a in alerts]


def test_round_one_quick_score_is_the_full_scorers(city: networks.City) -> None:
    graph = _graph(city)
    rules, rule = vocab.alert_rules(), _shared_rule()
    quick = _Context(graph, rules, city.as_of, True)
    full = _Context(graph, rules, city.as_of, True)
    people = [v for v in range(len(graph)) if engine_rules._eligible(graph, v)]
    over = 0
    for v in people:
        expected = _score(full, rule, v, propagate=False)[0]
        assert _round_one(quick, rule, v) == pytest.approx(expected, abs=1e-12), v
        over += expected >= rule.threshold
    # the comparison means something: people both above and below the threshold
    assert 0 < over < len(people)


def _fresh(
    graph: AnalysisGraph, today: date, subjects: set[str] | None = None
) -> list[engine_rules.Alert]:
    """Evaluate with nothing remembered, then put the graph's memo back as it was."""
    memo, journal = graph.memo, graph._journal
    graph.memo, graph._journal = None, None
    try:
        return evaluate(graph, today=today, subjects=subjects)
    finally:
        graph.memo, graph._journal = memo, journal


def test_evaluating_after_changes_with_the_memo_is_evaluating_afresh(
    city: networks.City,
) -> None:
    graph = _graph(city)
    today = city.as_of
    rng = random.Random(5)
    evaluate(graph, today=today)  # the memo now holds the whole graph
    assert graph.memo is not None
    people = [e for e in graph.entities() if e.kind == "person"]
    known = [e for e in people if e.status]
    known_ids = {e.id for e in known}

    def neighbours(entity_id: str) -> set[str]:
        return {x for lk in graph.links_of(entity_id) for x in (lk.a, lk.b)} - {entity_id}

    # changes where they tell: things a known person is linked to, people linked to things
    things = [
        e for e in graph.entities() if e.kind != "person" and neighbours(e.id) & known_ids
    ]
    linked = [e for e in people if any(graph.entity(x).kind != "person" for x in neighbours(e.id))]
    added: list[str] = []
    for step in range(16):
        change = step % 4
        if change in {0, 1}:  # a new link, from someone to a thing or to a known person
            a = rng.choice(people).id
            b = rng.choice(things).id if change == 0 else rng.choice(known).id
            kind = "seen_at" if change == 0 else "associate"
            lid = f"memo-{step}"
            graph.add_link(Link(lid, a, b, kind, today, None, "police", "2", "B", "P"))
            added.append(lid)
            changed = graph.link(lid)
        elif change == 2:  # a link withdrawn
            changed = graph.link(added.pop(0) if added else city.links[step].id)
            graph.withdraw_link(changed.id)
        else:  # someone becomes known to the hub, or stops being
            who = graph.entity(rng.choice(linked).id)
            status = "" if who.status else "person_at_risk"
            graph.update_entity(replace(who, status=status))
            changed = Link("", who.id, who.id, "")
        # as the service does: only whom the change can affect, with the memo and without
        subjects = affected_subjects(graph, changed)
        remembered = evaluate(graph, today=today, subjects=subjects)
        assert _seen(remembered) == _seen(_fresh(graph, today, subjects)), f"after step {step}"
        _memo_holds_only_the_truth(graph, today)
    # and the whole graph, with all that the memo gathered on the way
    assert _seen(evaluate(graph, today=today)) == _seen(_fresh(graph, today))


def _memo_holds_only_the_truth(graph: AnalysisGraph, today: date) -> None:
    """Everything the memo still holds is what working it out now gives."""
    memo = graph.memo
    assert isinstance(memo, engine_rules._Memo)
    rule = _shared_rule()
    now = _Context(graph, vocab.alert_rules(), today, True)
    assert memo.round_one
    assert any(bridge is not None for bridge in memo.bridges.values())
    for v, score in memo.round_one.items():
        assert score == pytest.approx(_round_one(now, rule, v), abs=1e-12), v
    for x, bridge in memo.bridges.items():
        assert bridge == engine_rules._bridge(now, rule, x), x
    for x, persons in memo.persons_at.items():
        assert persons == now.persons(x), x
    for x, rows in memo.known_at.items():
        assert rows == now.known_rows_at(x), x


def test_a_new_day_or_other_rules_start_the_memo_afresh(city: networks.City) -> None:
    graph = _graph(city)
    evaluate(graph, today=city.as_of)
    first = graph.memo
    evaluate(graph, today=city.as_of)
    assert graph.memo is first
    evaluate(graph, today=date(2026, 7, 1))
    assert graph.memo is not first
