"""Pairwise precision, recall and F1: FEBRL4, and the generator's UK extracts with truth."""

from __future__ import annotations

import time
from pathlib import Path

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
