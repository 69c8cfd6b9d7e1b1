"""Pairwise precision, recall and F1 of a clustering against a known truth.

A pair of records is *predicted* when both are in the same cluster and *true* when both
belong to the same person in the truth file. Counting is done per cluster and per person
(sizes choose 2) and through their intersection, so it stays fast for a million records.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class PairwiseScore:
    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 5),
            "recall": round(self.recall, 5),
            "f1": round(self.f1, 5),
            "true_positives": self.true_positives,
            "predicted_pairs": self.predicted_pairs,
            "true_pairs": self.true_pairs,
        }


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_score(clusters: pd.Series, truth: pd.Series) -> PairwiseScore:
    """``clusters`` and ``truth`` give, for the same records in the same order, a cluster
    id and a true person key."""
    frame = pd.DataFrame({"c": clusters.to_numpy(), "t": truth.to_numpy()})
    predicted = _pairs(frame.groupby("c").size())
    true = _pairs(frame.groupby("t").size())
    both = _pairs(frame.groupby(["c", "t"]).size())
    return PairwiseScore(true_positives=both, predicted_pairs=predicted, true_pairs=true)
