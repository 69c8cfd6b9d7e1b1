"""Linkage fixtures: a model trained once per session on the synthetic generator's extracts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lantern.linkage import engine, features
from lantern.linkage.datasets import read_extracts


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
