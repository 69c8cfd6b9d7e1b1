#!/usr/bin/env python
"""Labels that teach: F1 before and after a simulated reviewer labels pairs (issue 12, point 4).

    .venv/bin/python bench/learning.py                 # 5 seeds, 10,000 people each
    .venv/bin/python bench/learning.py --people 3000   # quicker

For each seed (none of them the tuning seed 2018 of ``bench/linkage.py``), in a temporary
folder: the generator's agency extracts (``write_extracts``, read with their truth by
``read_extracts``), Lantern's model trained on them (``engine.train``) and every blocked pair
scored (``engine.predict``). Records are clustered at ``--threshold`` as ``engine.dedupe``
does (``clustering.cluster_pairs`` with the one-NHS-number constraint) and scored pairwise
against the truth: **before**.

The uncertain band is the review queue's: match probability in ``[--lower, --upper)``. A
simulated reviewer, who knows the truth, labels ``n`` pairs of it (50, 100, 200), chosen

- **active**: by ``learning.active_order`` (uncertainty x reach x stakes, spread over
  comparison patterns; the stakes are the sizes of the clusters on each side before);
- **random**: uniformly from the band (seeded).

The labels re-estimate m (``learning.reestimate_m``) and every pair is re-scored with the new
model: a pair's weight moves by log2(m_new / m_old) of the level each field reached (u, the
prior and the term-frequency adjustments are unchanged; for the first seed the figure is
checked against a full ``engine.predict`` with the new settings, and the largest difference
printed). Two figures after:

- **model**: the re-estimated model alone clusters the records (what the labels taught);
- **model + decisions**: as the hub would have it, the labelled pairs also bind (a match is
  joined, a not-a-match never), i.e. ``match_probability`` 1 or 0 for those pairs.

Also the **ceiling** of re-estimating m: m counted from every true matching pair among the
blocked pairs (what infinitely many labels could teach about m). Medians over the seeds.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Active learning benchmark (DuckDB)")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[4101, 4102, 4103, 4104, 4105])
    parser.add_argument("--labels", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--threshold", type=float, default=0.9, help="probability to join")
    parser.add_argument("--lower", type=float, default=0.5, help="uncertain band from")
    parser.add_argument("--upper", type=float, default=0.99, help="uncertain band to")
    parser.add_argument(
        "--doubt",
        choices=["error", "entropy"],
        default="error",
        help="active selection's doubt: the chance the automatic decision is wrong, or entropy",
    )
    return parser.parse_args(argv)


def _say(text: str) -> None:
    print(text, flush=True)


def _paths() -> None:
    sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "src")]
    from lantern.linkage import engine

    engine.SPLINK_LOG_LEVEL = logging.ERROR


class World:
    """One seed's records, model, scored pairs and truth."""

    def __init__(self, folder: Path, seed: int, people: int) -> None:
        import numpy as np
        import pandas as pd

        from lantern.linkage import engine, features
        from lantern.linkage.datasets import read_extracts
        from lantern.linkage.spec import lantern_model
        from lantern.synth.extracts import write_extracts

        write_extracts(folder, seed=seed, people=people)
        records, self.truth = read_extracts(folder)
        self.prepared = features.prepare(records)
        self.api = engine.make_api("duckdb")
        started = time.perf_counter()
        self.model = engine.train(self.api, self.prepared, "lantern", seed=seed)
        self.train_seconds = time.perf_counter() - started
        pairs = engine.predict(self.api, self.prepared, self.model).pairs
        self.ids = self.prepared.column("unique_id").to_numpy()
        key = pd.Series(self.truth.to_numpy(), index=self.ids)
        pairs["y"] = (
            key.loc[pairs["unique_id_l"]].to_numpy() == key.loc[pairs["unique_id_r"]].to_numpy()
        ).astype(np.int8)
        self.names = [c.name for c in lantern_model()]
        # DuckDB returns rows in no fixed order: sort, so a seed picks the same random pairs.
        self.pairs = pairs.sort_values(["unique_id_l", "unique_id_r"]).reset_index(drop=True)
        self.nhs = engine.valid_nhs(self.prepared)
        self.records = len(records)

    def contributions(self, i: int) -> list[dict[str, Any]]:
        row = self.pairs.iloc[i]
        out = []
        for name in self.names:
            tf = row.get(f"mw_tf_adj_{name}")
            out.append(
                {
                    "comparison": name,
                    "gamma": int(row[f"gamma_{name}"]),
                    "tf_weight": 0.0 if tf is None or math.isnan(tf) else float(tf),
                }
            )
        return out

    def clusters(self, probability: Any, threshold: float) -> Any:
        import pandas as pd

        from lantern.linkage.clustering import cluster_pairs

        frame = pd.DataFrame(
            {
                "unique_id_l": self.pairs["unique_id_l"],
                "unique_id_r": self.pairs["unique_id_r"],
                "match_probability": probability,
            }
        )
        return cluster_pairs(self.ids, frame, threshold=threshold, nhs=self.nhs)

    def score(self, probability: Any, threshold: float) -> dict[str, Any]:
        from lantern.linkage.evaluation import pairwise_score

        clusters = self.clusters(probability, threshold).set_index("unique_id").loc[self.ids]
        return pairwise_score(clusters["cluster_id"], self.truth).as_dict()

    def weights_under(self, settings: dict[str, Any]) -> Any:
        """Every pair's match weight with ``settings``' m (all else as trained)."""
        import numpy as np

        from lantern.linkage.learning import _levels

        weight = self.pairs["match_weight"].to_numpy(dtype=np.float64).copy()
        old = {c["output_column_name"]: c for c in self.model.settings["comparisons"]}
        for comparison in settings["comparisons"]:
            name = comparison["output_column_name"]
            new_levels, old_levels = _levels(comparison), _levels(old[name])
            gamma = self.pairs[f"gamma_{name}"].to_numpy()
            for position, (new, was) in enumerate(zip(new_levels, old_levels, strict=True)):
                if new["m_probability"] == was["m_probability"]:
                    continue
                at = gamma == len(new_levels) - 1 - position
                weight[at] += math.log2(new["m_probability"]) - math.log2(was["m_probability"])
        return weight

    def ceiling_settings(self) -> dict[str, Any]:
        """m counted from every true match among the blocked pairs (half a count each);
        the levels of fixed weight (the family levels) keep their m, as the model does."""
        import copy

        from lantern.linkage.learning import _levels

        settings = copy.deepcopy(self.model.settings)
        matches = self.pairs[self.pairs["y"] == 1]
        for comparison in settings["comparisons"]:
            levels = _levels(comparison)
            gamma = matches[f"gamma_{comparison['output_column_name']}"].to_numpy()
            fixed = [bool(level.get("fix_m_probability")) for level in levels]
            share = 1.0 - sum(
                float(level["m_probability"])
                for level, is_fixed in zip(levels, fixed, strict=True)
                if is_fixed
            )
            counts = [
                0.0 if f else float((gamma == len(levels) - 1 - i).sum()) + 0.5
                for i, f in enumerate(fixed)
            ]
            for level, count, f in zip(levels, counts, fixed, strict=True):
                if not f:
                    level["m_probability"] = share * count / sum(counts)
        return settings


def _probability(weight: Any) -> Any:
    import numpy as np

    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -1000, 1000)))


def measure_seed(args: argparse.Namespace, seed: int, folder: Path, check: bool) -> dict[str, Any]:
    import numpy as np

    from lantern.linkage import engine, learning

    world = World(folder, seed, args.people)
    pairs = world.pairs
    before = world.score(pairs["match_probability"], args.threshold)
    prob = pairs["match_probability"].to_numpy()
    band = np.flatnonzero((prob >= args.lower) & (prob < args.upper))
    # Stakes: the size of each record's cluster before any label.
    clusters = world.clusters(pairs["match_probability"], args.threshold).set_index("unique_id")
    size = clusters.groupby("cluster_id").size()
    cluster_of = clusters["cluster_id"]
    size_of = cluster_of.map(size)
    candidates = [
        learning.Candidate(
            key=int(i),
            probability=float(prob[i]),
            pattern=learning.pattern_of(world.contributions(int(i))),
            size_l=int(size_of.loc[pairs.at[int(i), "unique_id_l"]]),
            size_r=int(size_of.loc[pairs.at[int(i), "unique_id_r"]]),
        )
        for i in band
    ]
    biggest = max(args.labels)
    orders = {
        "active": [
            int(k)  # type: ignore[call-overload]
            for k in learning.active_order(
                candidates,
                limit=biggest,
                threshold=None if args.doubt == "entropy" else args.threshold,
            )
        ],
        "random": random.Random(seed).sample([int(i) for i in band], min(biggest, len(band))),
    }
    expected = learning.expected_matches(world.model.settings, world.records)
    _say(
        f"  seed {seed}: {world.records:,} records, {len(pairs):,} pairs scored, "
        f"{int(pairs['y'].sum()):,} of them true; uncertain band {len(band):,} pairs "
        f"({int(pairs['y'].to_numpy()[band].sum()):,} true); expected matches {expected:,.0f}; "
        f"trained in {world.train_seconds:.1f} s"
    )
    _say(f"    before           {_fmt(before)}")
    out: dict[str, Any] = {
        "seed": seed,
        "records": world.records,
        "pairs": len(pairs),
        "band": len(band),
        "band_true": int(pairs["y"].to_numpy()[band].sum()),
        "before": before,
        "after": {},
    }
    ceiling = world.score(
        _probability(world.weights_under(world.ceiling_settings())), args.threshold
    )
    out["ceiling"] = ceiling
    _say(f"    m ceiling        {_fmt(ceiling)}")
    for strategy, order in orders.items():
        for n in args.labels:
            chosen = order[:n]
            labels = [
                learning.from_contributions(world.contributions(i), is_match=bool(pairs.at[i, "y"]))
                for i in chosen
            ]
            result = learning.reestimate_m(world.model.settings, labels, expected=expected)
            weight = world.weights_under(result.settings)
            model_only = world.score(_probability(weight), args.threshold)
            bound = _probability(weight)
            bound[chosen] = pairs["y"].to_numpy()[chosen].astype(float)
            with_decisions = world.score(bound, args.threshold)
            matches = sum(1 for label in labels if label.is_match)
            out["after"][f"{strategy}-{n}"] = {
                "labels": len(chosen),
                "matches": matches,
                "model": model_only,
                "model_and_decisions": with_decisions,
                "levels_moved": len(result.changes),
            }
            _say(
                f"    {strategy:<6} {len(chosen):>4} ({matches:>3} matches)  "
                f"model {_fmt(model_only)}"
                f"\n    {'':<24}+ decisions {_fmt(with_decisions)}"
            )
            if check and strategy == "active" and n == biggest:
                rescored = engine.predict(
                    world.api,
                    world.prepared,
                    engine.TrainedModel(kind="lantern", settings=result.settings),
                ).pairs
                merged = (
                    pairs[["unique_id_l", "unique_id_r"]]
                    .assign(mine=weight)
                    .merge(
                        rescored[["unique_id_l", "unique_id_r", "match_weight"]],
                        on=["unique_id_l", "unique_id_r"],
                    )
                )
                gap = float((merged["mine"] - merged["match_weight"]).abs().max())
                out["rescoring_check_max_weight_difference"] = gap
                _say(
                    f"    (re-scoring checked against engine.predict: largest difference {gap:.2e})"
                )
    return out


def _fmt(score: dict[str, Any]) -> str:
    return f"P {score['precision']:.4f}  R {score['recall']:.4f}  F1 {score['f1']:.4f}"


def _median(rows: list[dict[str, Any]], *path: str) -> float:
    values = []
    for row in rows:
        value: Any = row
        for step in path:
            value = value[step]
        values.append(float(value))
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _paths()
    _say(
        f"Labels that teach: {len(args.seeds)} seeds x {args.people:,} people; join at "
        f"{args.threshold}; uncertain band [{args.lower}, {args.upper})"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="lantern-learning-") as scratch:
        for number, seed in enumerate(args.seeds):
            rows.append(measure_seed(args, seed, Path(scratch) / str(seed), check=number == 0))
    _say("\nMedians over the seeds (pairwise precision / recall / F1):")
    _say(f"  {'':<34}{'P':>8}{'R':>8}{'F1':>8}")

    def line(label: str, *path: str) -> None:
        p = _median(rows, *path, "precision")
        r = _median(rows, *path, "recall")
        f = _median(rows, *path, "f1")
        _say(f"  {label:<34}{p:8.4f}{r:8.4f}{f:8.4f}")

    line("before", "before")
    line("m from every true match (ceiling)", "ceiling")
    for n in args.labels:
        for strategy in ("active", "random"):
            line(f"{strategy} {n}: model", "after", f"{strategy}-{n}", "model")
            line(
                f"{strategy} {n}: model + decisions",
                "after",
                f"{strategy}-{n}",
                "model_and_decisions",
            )
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"learning-{stamp}.json"
    path.write_text(json.dumps({"args": vars(args), "seeds": rows}, indent=1), encoding="utf-8")
    _say(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
