"""Linking a file in the standard layout, outside the database (``lantern link dedupe``).

Reads the CSV with Arrow (every column as text, so nothing is guessed), prepares it, uses a
saved model or trains one on the file, clusters, and writes ``source, record_id, cluster_id,
match_probability_to_cluster, cluster_weakest_link, cluster_check`` (each record's own source
and id beside its cluster, so the file is read without a join; the cluster's weakest link,
the probability at which it would fall apart; and a flag where its dates of birth disagree
in a way no typing error explains, for a person to look at). A million rows fit in a few GiB.
"""

from __future__ import annotations

import csv
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from lantern.core.exports import FORMULA_TRIGGERS
from lantern.linkage import engine, features
from lantern.linkage.clustering import dates_of_birth_disagree
from lantern.linkage.spec import ModelKind

DEFAULT_THRESHOLD = 0.99


def csv_header(path: Path) -> list[str]:
    """A CSV file's column names (quoted or not, after any byte-order mark)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def read_standard(path: Path) -> pa.Table:
    """A standard-layout CSV as text columns; a missing column is read as empty."""
    header = csv_header(path)
    missing = [c for c in ("record_id",) if c not in header]
    if missing:
        msg = f"{path} has no record_id column (the standard layout needs it)"
        raise ValueError(msg)
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=False,
        ),
    )
    for column in features.STANDARD_COLUMNS:
        if column not in table.column_names:
            table = table.append_column(column, pa.array([""] * table.num_rows, pa.string()))
    return table


def load_model(path: Path) -> engine.TrainedModel:
    """A model file written by Lantern (``var/linkage/models/…``) or Splink's own JSON."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") == "lantern-linkage-model":
        return engine.TrainedModel(
            kind=data.get("kind", "lantern"), settings=data["splink_settings"], summary=data
        )
    return engine.TrainedModel(kind="lantern", settings=data)


def write_plain_csv(table: pa.Table, out: Path) -> None:
    """``table`` as CSV with a plain header, a null as an empty field, and quotes only if a
    file needs them (Arrow's writer: several times faster than pandas' on a million rows;
    its "needed" style quotes every text value, so it is the fallback, not the rule)."""
    header = (",".join(table.column_names) + "\n").encode()
    table = _formula_safe(table)
    for style in ("none", "needed"):
        with out.open("wb") as handle:
            handle.write(header)
            try:
                options = pacsv.WriteOptions(include_header=False, quoting_style=style)
                pacsv.write_csv(table, handle, options)
            except pa.ArrowInvalid:  # a value holds a comma, a quote or a line break
                continue
            return


def _formula_safe(table: pa.Table) -> pa.Table:
    """Text that a spreadsheet would read as a formula gains a leading apostrophe, as in
    every export (:func:`lantern.core.exports.escape_cell`, here over whole Arrow columns)."""
    triggers = "^[" + "".join(re.escape(c) for c in FORMULA_TRIGGERS) + "]"
    columns = []
    for column in table.columns:
        safe = column
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.fill_null(pc.match_substring_regex(column, triggers), False)
            safe = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(safe)
    return pa.table(columns, names=table.column_names)


#: The columns of the clusters file, in order.
OUTPUT_COLUMNS = (
    "source",
    "record_id",
    "cluster_id",
    "match_probability_to_cluster",
    "cluster_weakest_link",
    "cluster_check",
)
#: ``cluster_check`` of a cluster whose dates of birth no error explains.
DOB_CONFLICT = "dates of birth disagree"


def _checks(prepared: pa.Table, clusters: pd.DataFrame) -> pa.Array:
    """Each record's cluster flagged where its dates of birth disagree (empty otherwise)."""
    if "dob_day" not in prepared.column_names:  # the plain configuration's columns
        return pa.array([""] * len(clusters), pa.string())
    rows = clusters["unique_id"].to_numpy()

    def part(name: str) -> np.ndarray:
        values = prepared.column(name).to_numpy(zero_copy_only=False)
        return np.asarray(values[rows], dtype=np.float64)

    bad = dates_of_birth_disagree(
        clusters["cluster_id"].to_numpy(), part("dob_year"), part("dob_month"), part("dob_day")
    )
    return pa.array(np.where(bad, DOB_CONFLICT, ""), pa.string())


@dataclass
class FileDedupe:
    records: int
    clusters: int
    pairs_scored: int
    rule_counts: list[dict[str, Any]]
    model: engine.TrainedModel
    trained: bool
    threshold: float
    seconds: dict[str, float] = field(default_factory=dict)
    #: With the truth given: the share of true pairs the blocking rules put forward.
    blocking: engine.BlockingRecall | None = None


def dedupe_file(
    source: Path,
    out: Path,
    *,
    model: engine.TrainedModel | None = None,
    kind: ModelKind = "lantern",
    threshold: float = DEFAULT_THRESHOLD,
    backend: str | None = None,
    api: Any = None,
    truth: pd.Series | None = None,
) -> FileDedupe:
    """Cluster the records of ``source`` and write the clusters to ``out``.

    With ``truth`` (a person key per record, in the file's order: the benchmark's) the
    blocking rules' true and false pairs are counted too; that count is timed apart
    (``blocking_truth``) and left out of the total."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    table = read_standard(source)
    timings["read"] = round(time.perf_counter() - started, 2)
    t = time.perf_counter()
    prepared = features.prepare(table) if kind == "lantern" else features.prepare_plain(table)
    timings["prepare"] = round(time.perf_counter() - t, 2)
    api = api or engine.make_api(backend)
    trained = model is None
    if model is None:
        t = time.perf_counter()
        model = engine.train(api, prepared, kind)
        timings["train"] = round(time.perf_counter() - t, 2)
    result = engine.dedupe(api, prepared, model, threshold=threshold, truth=truth)
    timings.update(result.seconds)
    t = time.perf_counter()
    clusters = result.clusters.sort_values("unique_id")
    rows = pa.array(clusters["unique_id"].to_numpy())
    output = pa.table(
        {
            "source": table.column("source").combine_chunks().take(rows),
            "record_id": table.column("record_id").combine_chunks().take(rows),
            "cluster_id": pa.array(clusters["cluster_id"].to_numpy(), pa.int64()),
            "match_probability_to_cluster": pa.array(
                clusters["match_probability_to_cluster"].round(6).to_numpy(), from_pandas=True
            ),
            "cluster_weakest_link": pa.array(
                clusters["cluster_weakest_link"].round(6).to_numpy(), from_pandas=True
            ),
            "cluster_check": _checks(prepared, clusters),
        }
    )
    write_plain_csv(output, out)
    timings["write"] = round(time.perf_counter() - t, 2)
    timings["total"] = round(time.perf_counter() - started - timings.get("blocking_truth", 0.0), 2)
    return FileDedupe(
        records=table.num_rows,
        clusters=int(clusters["cluster_id"].nunique()),
        pairs_scored=result.pairs_scored,
        rule_counts=result.rule_counts,
        model=model,
        trained=trained,
        threshold=threshold,
        seconds=timings,
        blocking=result.blocking,
    )
