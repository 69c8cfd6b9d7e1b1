"""The real-time scorer gives the same match weights as a Splink batch run."""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pytest

from lantern.linkage import engine, features
from lantern.linkage.datasets import read_extracts
from lantern.linkage.scorer import Scorer, contributions_from_prediction


def test_python_scores_equal_splinks_to_the_last_decimal(
    synthetic_extracts: Path, trained_settings: dict[str, Any]
) -> None:
    records, _ = read_extracts(synthetic_extracts)
    prepared = features.prepare(records)
    model = engine.TrainedModel("lantern", trained_settings)
    pairs = engine.predict(engine.make_api("duckdb"), prepared, model, threshold=0.0).pairs
    assert len(pairs) > 1000
    rows = {row["unique_id"]: row for row in prepared.to_pylist()}
    scorer = Scorer(trained_settings)
    frequencies: dict[str, dict[Any, float]] = {}
    for column in set(scorer.tf_columns()):
        values = [row[column] for row in rows.values() if row[column] is not None]
        counts = collections.Counter(values)
        frequencies[column] = {k: v / len(values) for k, v in counts.items()}

    def tf(column: str, value: Any) -> float | None:
        return frequencies[column].get(value) if value is not None else None

    for row in pairs.to_dict("records"):
        score = scorer.score(rows[row["unique_id_l"]], rows[row["unique_id_r"]], tf)
        assert score.match_weight == pytest.approx(row["match_weight"], abs=1e-6)
        breakdown = contributions_from_prediction(trained_settings, row)
        assert [c["label"] for c in breakdown] == [c.label for c in score.contributions]
