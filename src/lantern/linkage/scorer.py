"""Scoring one pair of records in Python with a saved model's parameters.

The real-time path (a referral being typed, a person searched for) cannot wait for a Splink
run: it takes a few candidate records from the database and scores each here. The levels are
the ones in :mod:`lantern.linkage.spec`, whose Python tests mirror the SQL Splink runs, and the
arithmetic is Splink's (Fellegi-Sunter match weights in log2, with term-frequency adjustment
on exact matches), so a pair gets the same weight here as in a batch run; a test holds the
two to the same figures.

The same breakdown feeds the review page's waterfall chart: the prior, then each field's
contribution up or down.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lantern.linkage import spec

#: Splink's floor for m and u before taking logarithms.
_CLAMP = 1e-30


def probability(weight: float) -> float:
    """Match probability from a match weight (log2 of the odds)."""
    if weight > 1000:
        return 1.0
    odds: float = 2.0**weight
    return odds / (1.0 + odds)


@dataclass(frozen=True)
class Contribution:
    """What one field did to the match weight."""

    comparison: str  # output column name, e.g. "first_name"
    description: str  # "First name"
    label: str  # the level reached, e.g. "Nickname or short form (Kate, Katherine)"
    gamma: int  # Splink's comparison vector value (-1 for a null level)
    weight: float  # log2 Bayes factor of the level
    tf_weight: float = 0.0  # term-frequency adjustment (common names count for less)

    @property
    def total(self) -> float:
        return self.weight + self.tf_weight

    def as_dict(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "description": self.description,
            "label": self.label,
            "gamma": self.gamma,
            "weight": round(self.weight, 6),
            "tf_weight": round(self.tf_weight, 6),
        }


@dataclass(frozen=True)
class Score:
    prior: float
    contributions: tuple[Contribution, ...]

    @property
    def match_weight(self) -> float:
        return self.prior + sum(c.total for c in self.contributions)

    @property
    def match_probability(self) -> float:
        return probability(self.match_weight)


@dataclass(frozen=True)
class _LevelParams:
    level: spec.Level
    gamma: int
    weight: float
    u_exact: float | None  # for term-frequency adjustment


TermFrequency = Callable[[str, Any], float | None]


class Scorer:
    """A trained Lantern model, ready to score pairs of prepared records."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        lam = float(settings["probability_two_random_records_match"])
        self.prior = math.log2(lam / (1.0 - lam))
        trained = {c["output_column_name"]: c for c in settings["comparisons"]}
        self.comparisons: list[tuple[spec.Comparison, list[_LevelParams]]] = []
        for comparison in spec.lantern_model():
            if comparison.name not in trained:
                msg = f"the saved model has no {comparison.name} comparison (an older version)"
                raise ValueError(msg)
            saved = trained[comparison.name]["comparison_levels"]
            if len(saved) != len(comparison.levels):
                msg = f"the saved model's {comparison.name} levels differ from this version's"
                raise ValueError(msg)
            non_null = sum(1 for level in comparison.levels if not level.is_null)
            params, position = [], 0
            for level, values in zip(comparison.levels, saved, strict=True):
                if level.is_null:
                    params.append(_LevelParams(level, -1, 0.0, None))
                    continue
                m = max(float(values["m_probability"]), _CLAMP)
                u = max(float(values["u_probability"]), _CLAMP)
                gamma = non_null - 1 - position
                position += 1
                params.append(_LevelParams(level, gamma, math.log2(m / u), u))
            self.comparisons.append((comparison, params))

    def tf_columns(self) -> list[str]:
        return [
            p.level.tf_column for _, params in self.comparisons for p in params if p.level.tf_column
        ]

    def score(
        self,
        left: Mapping[str, Any],
        right: Mapping[str, Any],
        term_frequency: TermFrequency | None = None,
    ) -> Score:
        contributions = []
        for comparison, params in self.comparisons:
            for p in params:
                if p.level.test(left, right):
                    tf_weight = 0.0
                    column = p.level.tf_column
                    if column and term_frequency is not None and p.u_exact is not None:
                        frequencies = [
                            f
                            for f in (
                                term_frequency(column, left[column]),
                                term_frequency(column, right[column]),
                            )
                            if f is not None
                        ]
                        if frequencies:
                            tf_weight = math.log2(p.u_exact) - math.log2(max(frequencies))
                    contributions.append(
                        Contribution(
                            comparison=comparison.name,
                            description=comparison.description,
                            label=p.level.label,
                            gamma=p.gamma,
                            weight=p.weight,
                            tf_weight=tf_weight,
                        )
                    )
                    break
        return Score(prior=self.prior, contributions=tuple(contributions))


def contributions_from_prediction(
    settings: Mapping[str, Any], row: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The same breakdown from a row of Splink's predictions (``retain_intermediate…``)."""
    by_name = {c["output_column_name"]: c for c in settings["comparisons"]}
    out = []
    for comparison in spec.lantern_model():
        gamma = int(row[f"gamma_{comparison.name}"])
        levels = by_name[comparison.name]["comparison_levels"]
        non_null = [level for level in levels if not level.get("is_null_level")]
        if gamma == -1:
            label = next(
                (lv.get("label_for_charts", "") for lv in levels if lv.get("is_null_level")), ""
            )
        else:
            label = non_null[len(non_null) - 1 - gamma].get("label_for_charts", "")
        tf = row.get(f"mw_tf_adj_{comparison.name}")
        out.append(
            {
                "comparison": comparison.name,
                "description": comparison.description,
                "label": label,
                "gamma": gamma,
                "weight": round(float(row[f"mw_{comparison.name}"]), 6),
                "tf_weight": round(float(tf), 6) if tf is not None and not math.isnan(tf) else 0.0,
            }
        )
    return out
