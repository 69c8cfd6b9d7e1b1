"""Pairwise precision, recall and F1: FEBRL4, and the generator's UK extracts with truth."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from lantern.linkage import engine, features
from lantern.linkage.datasets import febrl4_standard, read_extracts
from lantern.linkage.evaluation import PairwiseScore, pairwise_score

FEBRL_F1_FLOOR = 0.995
SYNTHETIC_F1_FLOOR = 0.97


def _dedupe(records: pd.DataFrame, truth: pd.Series, kind: str, threshold: float) -> PairwiseScore:
    prepare = features.prepare if kind == "lantern" else features.prepare_plain
    prepared = prepare(records)
    api = engine.make_api("duckdb")
    model = engine.train(api, prepared, kind)  # type: ignore[arg-type]
    result = engine.dedupe(api, prepared, model, threshold=threshold)
    clusters = result.clusters.set_index("unique_id").loc[prepared.column("unique_id").to_numpy()]
    return pairwise_score(clusters["cluster_id"], truth)


def test_febrl4_f1_is_at_least_the_floor() -> None:
    records, truth = febrl4_standard()
    started = time.perf_counter()
    score = _dedupe(records, truth, "lantern", threshold=0.9)
    elapsed = time.perf_counter() - started
    assert score.true_pairs == 5000
    assert score.f1 >= FEBRL_F1_FLOOR, score.as_dict()
    assert elapsed < 60


def test_on_the_synthetic_extracts_lantern_beats_the_plain_configuration(
    synthetic_extracts: Path,
) -> None:
    records, truth = read_extracts(synthetic_extracts)
    lantern = _dedupe(records, truth, "lantern", threshold=0.9)
    plain = _dedupe(records, truth, "plain", threshold=0.9)
    assert lantern.f1 >= SYNTHETIC_F1_FLOOR, lantern.as_dict()
    assert lantern.f1 > plain.f1, (lantern.as_dict(), plain.as_dict())


def test_pairwise_score_counts_pairs_not_records() -> None:
    clusters = pd.Series([1, 1, 1, 2, 3])
    truth = pd.Series(["a", "a", "b", "b", "c"])
    score = pairwise_score(clusters, truth)
    assert (score.predicted_pairs, score.true_pairs, score.true_positives) == (3, 2, 1)
    assert score.precision == pytest.approx(1 / 3)
    assert score.recall == pytest.approx(0.5)


def _parameters(settings: dict[str, Any]) -> dict[str, float]:
    """Every trained probability, by comparison, level and which one."""
    found = {"prior": settings["probability_two_random_records_match"]}
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                if key in level:
                    name = f"{comparison['output_column_name']}: {level['sql_condition']}: {key}"
                    found[name] = level[key]
    return found


def _without_parameters(settings: dict[str, Any]) -> dict[str, Any]:
    """The design: the settings with every trained probability taken out."""
    design = copy.deepcopy(settings)
    design.pop("probability_two_random_records_match")
    for comparison in design["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("m_probability", None)
            level.pop("u_probability", None)
    return design


def test_training_without_term_frequencies_gives_the_same_model(
    synthetic_extracts: Path,
) -> None:
    """Training skips the frequency tables (EM runs without them); the model it saves, term
    frequency adjustments included, is the one training on the full design gives."""
    records, _ = read_extracts(synthetic_extracts)
    prepared = features.prepare(records)
    quick = engine.train(engine.make_api("duckdb"), prepared, "lantern")
    full = engine.train(engine.make_api("duckdb"), prepared, "lantern", term_frequencies=True)

    assert _without_parameters(quick.settings) == _without_parameters(full.settings)
    adjusted = {
        level["tf_adjustment_column"]
        for comparison in quick.settings["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    }
    assert adjusted == {"first_name", "last_name", "pc_unit", "phone", "email"}
    assert _parameters(quick.settings) == pytest.approx(_parameters(full.settings), rel=1e-9)
