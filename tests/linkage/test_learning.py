"""Labels that teach: re-estimating m from decisions, active selection, the queue's order."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from lantern.core.access import AccessRefused
from lantern.core.models import AuditAction, AuditEvent
from lantern.linkage import learning, services
from lantern.linkage.models import (
    CandidatePair,
    Decision,
    LabelSource,
    LinkageModel,
    PairLabel,
    PairStatus,
)
from lantern.linkage.services_learning import model_learn, review_order
from tests.conftest import Partnership
from tests.linkage.helpers import add_record, extract_for, install_model


def _levels(settings: dict[str, Any], name: str) -> list[dict[str, Any]]:
    comparison = next(c for c in settings["comparisons"] if c["output_column_name"] == name)
    return [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]


def _gammas(settings: dict[str, Any], **positions: int) -> dict[str, int]:
    """Gamma values: each named comparison at the level in that position (0: most similar);
    every other comparison at its last level (different)."""
    out = {}
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        count = len(_levels(settings, name))
        out[name] = count - 1 - positions.get(name, count - 1)
    return out


def _all_agree(settings: dict[str, Any]) -> dict[str, int]:
    return _gammas(
        settings, first_name=0, last_name=0, date_of_birth=0, nhs_number=0, sex=0, home=0
    )


def _m(settings: dict[str, Any], name: str, position: int) -> float:
    return float(_levels(settings, name)[position]["m_probability"])


def test_the_same_labels_give_identical_parameters(trained_settings: dict[str, Any]) -> None:
    rng = random.Random(7)
    labels = []
    for i in range(120):
        positions = {
            name: rng.randrange(3)
            for name in ("first_name", "last_name", "date_of_birth", "nhs_number", "home")
        }
        labels.append(
            learning.Labelled(gammas=_gammas(trained_settings, **positions), is_match=i % 3 != 0)
        )
    expected = learning.expected_matches(trained_settings, 5000)
    first = learning.reestimate_m(trained_settings, labels, expected=expected)
    shuffled = labels[:]
    random.Random(8).shuffle(shuffled)
    second = learning.reestimate_m(trained_settings, shuffled, expected=expected)
    assert json.dumps(first.settings, sort_keys=True) == json.dumps(second.settings, sort_keys=True)
    assert first.changes  # and they did change something
    assert (first.matches, first.non_matches) == (80, 40)
    # The input is left as it was; no labels, no change.
    before = copy.deepcopy(trained_settings)
    learning.reestimate_m(trained_settings, labels, expected=expected)
    assert trained_settings == before
    assert learning.reestimate_m(trained_settings, [], expected=expected).settings == before


def test_labels_move_m_the_right_way(trained_settings: dict[str, Any]) -> None:
    expected = learning.expected_matches(trained_settings, 5000)
    # Pairs agreeing on everything look certain; 60 of them were different people (twins,
    # say): the levels that fooled the model lose m.
    fooled = [
        learning.Labelled(gammas=_all_agree(trained_settings), is_match=False) for _ in range(60)
    ]
    result = learning.reestimate_m(trained_settings, fooled, expected=expected)
    assert _m(result.settings, "nhs_number", 0) < _m(trained_settings, "nhs_number", 0)
    assert _m(result.settings, "date_of_birth", 0) < _m(trained_settings, "date_of_birth", 0)
    # Matches the model doubted (the NHS number different, all else agreeing): that level
    # gains m.
    doubted = _gammas(trained_settings, first_name=0, last_name=0, date_of_birth=0, sex=0, home=0)
    missed = [learning.Labelled(gammas=doubted, is_match=True) for _ in range(60)]
    result = learning.reestimate_m(trained_settings, missed, expected=expected)
    last = len(_levels(trained_settings, "nhs_number")) - 1
    assert _m(result.settings, "nhs_number", last) > _m(trained_settings, "nhs_number", last)
    # Each comparison's m still sums to one, and u never moves.
    for comparison in result.settings["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        assert sum(lv["m_probability"] for lv in levels) == pytest.approx(1.0)
    assert [
        lv.get("u_probability")
        for c in result.settings["comparisons"]
        for lv in c["comparison_levels"]
    ] == [
        lv.get("u_probability")
        for c in trained_settings["comparisons"]
        for lv in c["comparison_levels"]
    ]
    # A decision the model already expected teaches (almost) nothing.
    expected_answer = [
        learning.Labelled(gammas=_all_agree(trained_settings), is_match=True) for _ in range(60)
    ]
    calm = learning.reestimate_m(trained_settings, expected_answer, expected=expected)
    assert _m(calm.settings, "nhs_number", 0) == pytest.approx(
        _m(trained_settings, "nhs_number", 0), abs=1e-6
    )


def test_labels_leave_the_family_levels_as_designed(trained_settings: dict[str, Any]) -> None:
    """The family levels' weights are fixed by design (0007, 0011): labels re-estimate the
    trained levels in the share the fixed ones leave, even labels that fall in a family
    level (here: 60 matches labelled at the twins' level, which the model says are not)."""
    expected = learning.expected_matches(trained_settings, 5000)
    levels = _levels(trained_settings, "first_name")
    twins = next(i for i, lv in enumerate(levels) if lv.get("fix_m_probability"))
    labels = [
        learning.Labelled(gammas=_gammas(trained_settings, first_name=twins), is_match=True)
        for _ in range(60)
    ]
    result = learning.reestimate_m(trained_settings, labels, expected=expected)
    for comparison, before in zip(
        result.settings["comparisons"], trained_settings["comparisons"], strict=True
    ):
        pairs = list(zip(comparison["comparison_levels"], before["comparison_levels"], strict=True))
        for level, was in pairs:
            if was.get("fix_m_probability"):
                assert level["m_probability"] == was["m_probability"]
        non_null = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        assert sum(lv["m_probability"] for lv in non_null) == pytest.approx(1.0)
    # The trained levels did move (the labels are not ignored).
    assert result.settings != trained_settings


def test_active_selection_prefers_pairs_near_the_boundary() -> None:
    common: learning.Pattern = (("a", 1),)
    candidates = [
        learning.Candidate(key=1, probability=0.999, pattern=common),
        learning.Candidate(key=2, probability=0.001, pattern=(("a", 2),)),
        learning.Candidate(key=3, probability=0.5, pattern=(("a", 3),)),
        learning.Candidate(key=4, probability=0.8, pattern=(("a", 4),)),
    ]
    # Entropy: the pair the model cannot call first, the sure ones last.
    assert learning.active_order(candidates) == [3, 4, 1, 2]
    # With a threshold at which pairs link unreviewed (0.9): the pair most likely to be
    # wrongly left apart first.
    assert learning.active_order(candidates, threshold=0.9)[:2] == [4, 3]
    assert set(learning.active_order(candidates, threshold=0.9)[2:]) == {1, 2}


def test_active_selection_weighs_reach_and_stakes_and_spreads_over_patterns() -> None:
    shared: learning.Pattern = (("a", 1), ("b", 0))
    other: learning.Pattern = (("a", 0), ("b", 1))
    candidates = [
        learning.Candidate(key=10, probability=0.5, pattern=other),
        *(learning.Candidate(key=k, probability=0.45, pattern=shared) for k in (11, 12, 13)),
        learning.Candidate(key=20, probability=0.5, pattern=(("a", 2), ("b", 2))),
        learning.Candidate(
            key=21, probability=0.5, pattern=(("a", 3), ("b", 3)), size_l=3, size_r=2
        ),
    ]
    order = learning.active_order(candidates)
    # Joining a three-record person to a two-record one first; then the common pattern,
    # twice (its score halved after the first), then a different question.
    assert order[:3] == [21, 11, 12]
    assert order[3] in (10, 20)
    # A pattern already decided counts for less.
    assert learning.active_order(candidates, labelled=[shared] * 5)[1] != 11


def _pair(
    extract_a: Any,
    extract_b: Any,
    *,
    model: LinkageModel,
    n: int,
    probability: float,
    gammas: dict[str, int],
) -> CandidatePair:
    left = add_record(extract_a, f"A{n}", first_name=f"Kim{n}", last_name="Ward")
    right = add_record(extract_b, f"B{n}", first_name=f"Kim{n}", last_name="Ward")
    contributions = [
        {"comparison": name, "gamma": gamma, "tf_weight": 0.0, "label": "", "weight": 0.0}
        for name, gamma in gammas.items()
    ]
    return CandidatePair.objects.create(
        record_l=left,
        record_r=right,
        model=model,
        match_weight=0.0,
        match_probability=probability,
        contributions=contributions,
    )


@pytest.mark.django_db
def test_the_queue_offers_pairs_in_the_active_order(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    model = install_model(trained_settings, upper=0.99, lower=0.5)
    police = extract_for(partnership.police, partnership.analyst, "police-niche")
    school = extract_for(partnership.school, partnership.analyst, "school-sims")
    common = _gammas(trained_settings, first_name=0, last_name=0, date_of_birth=1)
    rare = _gammas(trained_settings, first_name=2, last_name=0, date_of_birth=0)
    # Four pending pairs share a pattern; the most likely match has a pattern of its own.
    likely = _pair(police, school, model=model, n=0, probability=0.985, gammas=rare)
    shared = [
        _pair(police, school, model=model, n=n, probability=0.97, gammas=common)
        for n in range(1, 5)
    ]
    expected = [p.pk for p in review_order(CandidatePair.objects.filter(status=PairStatus.PENDING))]
    # Reach beats a slightly likelier pair of a pattern seen once; each pair of a pattern
    # taken halves, thirds... the rest of it, so a different question comes third.
    assert expected[:2] == [shared[0].pk, shared[1].pk]
    assert expected[2] == likely.pk
    claimed = services.pair_claim_next(actor=partnership.practitioner)
    assert claimed is not None
    assert claimed.pk == expected[0]
    # The old order (most likely match first) stays available.
    from django.test import override_settings

    with override_settings(LANTERN_LINKAGE_REVIEW_ORDER="probability"):
        assert (
            review_order(CandidatePair.objects.filter(pk__in=[likely.pk, shared[1].pk]))[0]
            == likely
        )


def _label(pair: CandidatePair, decision: str, actor: Any) -> PairLabel:
    return PairLabel.objects.create(
        record_l_id=pair.record_l_id,
        record_r_id=pair.record_r_id,
        pair=pair,
        decision=decision,
        source=LabelSource.REVIEW,
        model_id=pair.model_id,
        match_probability=pair.match_probability,
        contributions=pair.contributions,
        decided_by=actor.user,
    )


@pytest.mark.django_db
def test_an_analyst_re_estimates_the_model_from_labels(
    partnership: Partnership, trained_settings: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    model = install_model(trained_settings)
    police = extract_for(partnership.police, partnership.analyst, "police-niche")
    school = extract_for(partnership.school, partnership.analyst, "school-sims")
    agree = _all_agree(trained_settings)
    for n in range(30):
        pair = _pair(police, school, model=model, n=n, probability=0.999, gammas=agree)
        _label(pair, Decision.NOT_MATCH if n % 2 else Decision.MATCH, partnership.practitioner)
    learnt = model_learn(actor=partnership.analyst)
    assert learnt.is_active
    assert learnt.version == model.version + 1
    assert learnt.labels_used == 30
    assert learnt.summary["learning"]["from_version"] == model.version
    assert _m(learnt.splink_settings, "nhs_number", 0) < _m(trained_settings, "nhs_number", 0)
    assert Path(learnt.file_path).exists()
    event = AuditEvent.objects.filter(
        event="linkage_model.reestimated", object_id=str(learnt.pk)
    ).get()
    assert event.detail["labels_used"] == 30
    # Again from the same model and labels: the same parameters.
    install_model(trained_settings)
    again = model_learn(actor=partnership.manager)
    assert again.splink_settings == learnt.splink_settings
    # The command does the same, as the named user.
    install_model(trained_settings)
    call_command("link", "learn", "--as", partnership.analyst.user.username)
    newest = LinkageModel.objects.order_by("-version").first()
    assert newest is not None
    assert newest.splink_settings == learnt.splink_settings


@pytest.mark.django_db
def test_re_estimation_needs_labels(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    install_model(trained_settings)
    with pytest.raises(ValidationError) as nothing:
        model_learn(actor=partnership.analyst)
    assert nothing.value.code == "no_labels"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["school_lead", "practitioner"])
def test_only_hub_analysts_and_managers_re_estimate(
    partnership: Partnership, trained_settings: dict[str, Any], who: str
) -> None:
    install_model(trained_settings)
    refused_before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
    with pytest.raises(AccessRefused):
        model_learn(actor=getattr(partnership, who))
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == refused_before + 1
    assert LinkageModel.objects.count() == 1
