"""Linkage fixtures: a model trained once per session on the synthetic generator's extracts."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from lantern.linkage import engine, features


def read_extracts(folder: Path) -> tuple[pd.DataFrame, pd.Series]:
    """The generator's agency files as one frame, and each row's true person."""
    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False)
        for path in sorted(folder.glob("*.csv"))
        if path.name != "truth.csv"
    ]
    records = pd.concat(frames, ignore_index=True)
    truth = {}
    with (folder / "truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[(row["source"], row["record_id"])] = row["person_key"]
    keys = pd.Series(
        [truth[(s, r)] for s, r in zip(records["source"], records["record_id"], strict=True)]
    )
    return records, keys


@pytest.fixture(scope="session")
def synthetic_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from lantern.synth.extracts import write_extracts

    folder = tmp_path_factory.mktemp("extracts")
    write_extracts(folder, seed=20260301, people=2500)
    return folder


@pytest.fixture(scope="session")
def trained_settings(synthetic_extracts: Path) -> dict[str, Any]:
    """Splink settings of the Lantern model trained on ~5,500 synthetic records."""
    records, _ = read_extracts(synthetic_extracts)
    api = engine.make_api("duckdb")
    model = engine.train(api, features.prepare(records), "lantern")
    return model.settings
