"""Real-time matching: one person's details against every active agency record.

Fast enough to type against: the details are prepared exactly as a batch run prepares a
record, candidates come from indexed lookups on :class:`~lantern.linkage.models.RecordFeatures`
(the batch blocking rules, a few hundred rows at most), and each candidate is scored in
Python with the active model (:class:`~lantern.linkage.scorer.Scorer`), term frequencies
counted from the same index. No access checks or audit here: the query layer does both.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q

from lantern.linkage import features
from lantern.linkage.models import LinkageModel, RecordFeatures
from lantern.linkage.scorer import Score, Scorer

logger = logging.getLogger(__name__)

#: Rows taken per lookup: enough for the true match to be among them for any name.
PER_RULE = 150
#: The indexed lookups, each an equality on prepared columns (``a=b``: a's value in b).
LOOKUPS: tuple[tuple[str, ...], ...] = (
    ("nhs",),
    ("last_name", "first_name"),
    ("last_name", "dob"),
    ("first_name", "dob"),
    ("last_name", "pc_unit"),
    ("first_name", "pc_unit"),
    ("last_key", "first_key"),
    ("dob", "pc_unit"),
    ("phone",),
    ("email",),
    ("first_name=last_name", "last_name=first_name"),
)
COLUMNS = [f.name for f in RecordFeatures._meta.get_fields() if f.concrete and f.name != "record"]
_TOTALS_TTL = 300.0


@dataclass(frozen=True)
class Match:
    record_id: int
    score: Score

    @property
    def probability(self) -> float:
        return self.score.match_probability

    @property
    def weight(self) -> float:
        return self.score.match_weight


_scorers: dict[tuple[int, str], Scorer] = {}
_totals: dict[str, tuple[float, int, int]] = {}


def scorer_for(model: LinkageModel) -> Scorer:
    key = (model.pk, model.updated_at.isoformat())
    if key not in _scorers:
        _scorers.clear()
        _scorers[key] = Scorer(model.splink_settings)
    return _scorers[key]


def prepare_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """Typed-in details (standard-layout names) as the model compares them."""
    row = {name: str(details.get(name) or "") for name in features.STANDARD_COLUMNS}
    prepared: dict[str, Any] = features.prepare_records([row]).to_pylist()[0]
    return prepared


def _lookup_filter(columns: tuple[str, ...], record: Mapping[str, Any]) -> Q | None:
    conditions = {}
    for column in columns:
        mine, _, theirs = column.partition("=")
        value = record.get(mine)
        if value is None or value == "":
            return None
        conditions[theirs or mine] = value
    return Q(**conditions)


def candidates(record: Mapping[str, Any], *, exclude: Iterable[int] = ()) -> list[dict[str, Any]]:
    """Active records that share a blocking key with ``record`` (as feature dicts)."""
    found: dict[int, dict[str, Any]] = {}
    excluded = set(exclude)
    for columns in LOOKUPS:
        condition = _lookup_filter(columns, record)
        if condition is None:
            continue
        rows = RecordFeatures.objects.filter(condition).values("record_id", *COLUMNS)[:PER_RULE]
        for row in rows:
            if row["record_id"] not in excluded:
                found.setdefault(row["record_id"], row)
    return list(found.values())


def _total(column: str, newest: int) -> int:
    """How many records have a value in ``column``: counted again when records were added
    (``newest``, the latest record's id, moved on) or after a few minutes (changed values)."""
    now = time.monotonic()
    cached = _totals.get(column)
    if cached and cached[2] == newest and now - cached[0] < _TOTALS_TTL:
        return cached[1]
    count = RecordFeatures.objects.filter(**{f"{column}__isnull": False}).count()
    _totals[column] = (now, count, newest)
    return count


def clear_caches() -> None:
    """Forget the scorer and the counts (tests, whose databases come and go, call this)."""
    _scorers.clear()
    _totals.clear()


def term_frequencies(scorer: Scorer, record: Mapping[str, Any]) -> dict[tuple[str, Any], float]:
    """How common each of the record's values is, for the columns the model adjusts."""
    out = {}
    newest = RecordFeatures.objects.aggregate(newest=Max("record_id"))["newest"] or 0
    for column in set(scorer.tf_columns()):
        value = record.get(column)
        if value is None:
            continue
        total = _total(column, newest)
        if not total:
            continue
        count = RecordFeatures.objects.filter(**{column: value}).count()
        out[(column, value)] = max(count, 1) / total
    return out


def match(
    model: LinkageModel,
    record: Mapping[str, Any],
    *,
    limit: int = 10,
    exclude: Iterable[int] = (),
    pool: list[dict[str, Any]] | None = None,
) -> list[Match]:
    """The best-scoring active records for ``record`` (prepared), strongest first.

    A model saved by an earlier version of Lantern, whose comparisons differ from this
    version's, cannot be scored here: searches find nothing (and say why in the log) until
    an analyst trains the model again, rather than failing the pages that search.
    """
    try:
        scorer = scorer_for(model)
    except ValueError as exc:
        logger.warning(
            "Real-time matching is off until the linkage model is trained again "
            "(lantern link train): model v%s: %s",
            model.version,
            exc,
        )
        return []
    frequencies = term_frequencies(scorer, record)

    def tf(column: str, value: Any) -> float | None:
        # A candidate's value counts only on an exact match, when it equals the record's.
        return frequencies.get((column, value))

    rows = pool if pool is not None else candidates(record, exclude=exclude)
    scored = [
        Match(record_id=row["record_id"], score=scorer.score(record, row, tf)) for row in rows
    ]
    scored.sort(key=lambda m: (-m.weight, m.record_id))
    return scored[:limit]


def score_against(record_id: int, others: Iterable[int]) -> float:
    """The best match probability between one record and any of ``others`` (0 if none)."""
    chosen = [pk for pk in others if pk != record_id]
    model = LinkageModel.objects.filter(is_active=True).first()
    if model is None or not chosen:
        return 0.0
    rows = {
        row["record_id"]: row
        for row in RecordFeatures.objects.filter(record_id__in=[record_id, *chosen]).values(
            "record_id", *COLUMNS
        )
    }
    if record_id not in rows:
        return 0.0
    pool = [rows[pk] for pk in chosen if pk in rows]
    best = match(model, rows[record_id], limit=1, pool=pool)
    return best[0].probability if best else 0.0
