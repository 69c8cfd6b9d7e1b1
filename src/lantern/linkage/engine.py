"""Training and running the linkage model with Splink, on DuckDB (default) or Spark.

No Django models here: the functions take prepared frames (:mod:`lantern.linkage.features`)
and return plain data, so the services, the ``lantern link`` command, the benchmark and the
tests all drive the same code. The backend is chosen by ``LANTERN_LINKAGE_BACKEND``
(``duckdb`` or ``spark``) or passed explicitly.
"""

from __future__ import annotations

import logging
import math
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from splink import Linker
from splink.internals.exceptions import EMTrainingException

from lantern.linkage import spec
from lantern.linkage.clustering import cluster_pairs
from lantern.linkage.spec import ModelKind

BackendName = Literal["duckdb", "spark"]
logger = logging.getLogger(__name__)

#: Pairs sampled to estimate the u probabilities (chance agreement among non-matches): two
#: per record, between these bounds.
U_PAIRS_MIN = 3e5
U_PAIRS_MAX = 1e6
#: EM sees at most this many blocked pairs per session (Splink samples records to get there).
EM_MAX_PAIRS = 1e6
#: Recall assumed for the deterministic rules when estimating the share of matching pairs.
DETERMINISTIC_RECALL = 0.7
#: Splink logs at INFO by default; a web worker or a test does not want that.
SPLINK_LOG_LEVEL = logging.WARNING


def backend_name(name: str | None = None) -> BackendName:
    chosen = (name or os.environ.get("LANTERN_LINKAGE_BACKEND") or _setting_backend()).lower()
    if chosen not in ("duckdb", "spark"):
        msg = f"LANTERN_LINKAGE_BACKEND must be duckdb or spark, not {chosen!r}"
        raise ValueError(msg)
    return "spark" if chosen == "spark" else "duckdb"


def _setting_backend() -> str:
    try:
        from django.conf import settings

        return str(getattr(settings, "LANTERN_LINKAGE_BACKEND", "duckdb"))
    except Exception:  # noqa: BLE001 - outside Django (the benchmark) the default applies
        return "duckdb"


# --- backends --------------------------------------------------------------------------


#: A DuckDB memory size: digits, then a unit (5GB, 512MiB, 1.5 GB).
MEMORY_LIMIT = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def duckdb_api(*, memory_limit: str | None = None, threads: int | None = None) -> Any:
    """An in-memory DuckDB that spills to a temporary directory rather than run out."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(":memory:")
    limit = (memory_limit or os.environ.get("LANTERN_LINKAGE_MEMORY", "5GB")).strip()
    if not MEMORY_LIMIT.fullmatch(limit):
        raise ValueError(
            f"LANTERN_LINKAGE_MEMORY must be a size such as 5GB or 512MiB (got {limit!r})"
        )
    # SET takes no parameters: the size is checked above and the path's quotes doubled.
    connection.execute(f"SET memory_limit = '{limit}'")
    connection.execute("SET preserve_insertion_order = false")
    spill = f"{tempfile.gettempdir()}/lantern-duckdb".replace("'", "''")
    connection.execute(f"SET temp_directory = '{spill}'")
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    return DuckDBAPI(connection)


_spark_session: Any = None
#: A checkpoint directory made for this process (removed when the session stops).
_spark_scratch: str | None = None


def spark_session(
    *,
    master: str | None = None,
    partitions: int | None = None,
    driver_memory: str | None = None,
) -> Any:
    """The process's Spark session: the cluster's if ``SPARK_MASTER`` is set, else local mode.

    Splink's Spark backend needs its jar of string-similarity functions (Jaro-Winkler,
    Damerau-Levenshtein) on the session, and a checkpoint directory for the intermediate
    tables it writes out as parquet. ``LANTERN_SPARK_PARTITIONS`` sets the shuffle and default
    parallelism: each blocking rule is a join of that many tasks, so a small linkage wants few
    and a cluster many. The first call's arguments configure the session; later calls get it
    as it is (one JVM per process).
    """
    global _spark_session, _spark_scratch  # noqa: PLW0603 - one JVM per process
    if _spark_session is None:
        from pyspark.sql import SparkSession
        from splink.internals.spark.jar_location import similarity_jar_location

        parallelism = str(partitions or os.environ.get("LANTERN_SPARK_PARTITIONS", "8"))
        memory = driver_memory or os.environ.get("LANTERN_SPARK_DRIVER_MEMORY", "2g")
        builder = (
            SparkSession.builder.master(master or os.environ.get("SPARK_MASTER", "local[2]"))
            .appName("lantern-linkage")
            .config("spark.jars", similarity_jar_location())
            .config("spark.sql.shuffle.partitions", parallelism)
            .config("spark.default.parallelism", parallelism)
            .config("spark.driver.memory", memory)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        )
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        # On a cluster the checkpoints must be on storage every executor sees.
        checkpoints = os.environ.get("LANTERN_SPARK_CHECKPOINT_DIR")
        if not checkpoints:
            checkpoints = _spark_scratch = tempfile.mkdtemp(prefix="lantern-spark-checkpoints-")
        session.sparkContext.setCheckpointDir(checkpoints)
        _spark_session = session
    return _spark_session


def stop_spark_session() -> None:
    """Stop the process's Spark session (and its JVM's work), if one was started."""
    global _spark_session, _spark_scratch  # noqa: PLW0603 - one JVM per process
    if _spark_session is not None:
        _spark_session.stop()
        _spark_session = None
    if _spark_scratch is not None:
        shutil.rmtree(_spark_scratch, ignore_errors=True)
        _spark_scratch = None


def spark_api() -> Any:
    from splink import SparkAPI

    return SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=spark_session(), break_lineage_method="parquet"
    )


def make_api(backend: str | None = None, **options: Any) -> Any:
    if backend_name(backend) == "spark":
        return spark_api()
    return duckdb_api(**options)


def _table_name(prefix: str) -> str:
    """A name for an input table no other run in this process has used.

    (A Spark session outlives each run, and its temporary views with it: a name made from
    ``id()`` of a frame can come round again once the frame is freed, and Splink refuses a
    name already taken.)
    """
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


# --- the model as data ---------------------------------------------------------------


def settings_for(
    kind: ModelKind, dialect: str, trained: dict[str, Any] | None = None, *, retain: bool = True
) -> dict[str, Any]:
    """The model's Splink settings in one SQL dialect, with trained parameters if given.

    A saved model is DuckDB SQL; to run it on Spark the same design is rebuilt for Spark
    and the trained m and u probabilities are copied across level by level. (Comparisons
    are matched by name: Splink's EM sessions change their order in the saved model.)
    Levels of fixed weight keep the design's m and u; the others are matched in order (a
    model trained on the design without the fixed levels has the same others, in order).
    """
    built = spec.settings(kind, retain_columns=retain).create_settings_dict(dialect)
    built["sql_dialect"] = dialect
    if trained is None:
        return built
    built["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    by_name = {c["output_column_name"]: c for c in trained["comparisons"]}
    for new in built["comparisons"]:
        old = by_name[new["output_column_name"]]
        old_levels = old["comparison_levels"]
        new_levels = new["comparison_levels"]
        if len(old_levels) != len(new_levels):  # trained without the fixed levels
            new_levels = [lv for lv in new_levels if not lv.get("fix_m_probability")]
        for new_level, old_level in zip(new_levels, old_levels, strict=True):
            for key in ("m_probability", "u_probability"):
                if key in old_level:
                    new_level[key] = old_level[key]
    return built


@dataclass
class TrainedModel:
    kind: ModelKind
    settings: dict[str, Any]
    summary: dict[str, Any] = field(default_factory=dict)


def _rule_sql(columns: tuple[str, ...]) -> str:
    return spec.rule_sql(columns)


def train(
    api: Any,
    features: pa.Table,
    kind: ModelKind = "lantern",
    *,
    seed: int = 42,
    u_pairs: float | None = None,
    term_frequencies: bool = False,
) -> TrainedModel:
    """Train unsupervised: u by random sampling, m by EM on the blocking rules.

    Training never uses term frequencies (EM is run without them), so by default it runs on
    the design without them, which spares Splink building and joining a frequency table per
    adjusted column in every EM session; the trained parameters then go into the full
    design. ``term_frequencies=True`` trains on the full design, for the test that shows
    both give the same model.
    """
    started = time.perf_counter()
    table = api.register(features, dataset_display_name=_table_name(f"train_{kind}"))
    design = spec.settings(kind, term_frequencies=term_frequencies, fixed=False)
    linker = Linker(table, design, log_level=SPLINK_LOG_LEVEL)
    deterministic = (
        spec.DETERMINISTIC_RULES if kind == "lantern" else spec.PLAIN_DETERMINISTIC_RULES
    )
    linker.training.estimate_probability_two_random_records_match(
        [spec.rule_sql(rule) for rule in deterministic], recall=DETERMINISTIC_RECALL
    )
    u_started = time.perf_counter()
    u_sample = u_pairs or min(U_PAIRS_MAX, max(U_PAIRS_MIN, 2.0 * len(features)))
    # One pass per comparison over the whole sample: Splink's early-stopping chunks cost a
    # query each and never stop early here, since some levels are rare by design.
    linker.training.estimate_u_using_random_sampling(
        max_pairs=u_sample, seed=seed, num_chunks=1, min_count_per_level=None
    )
    sessions: list[dict[str, Any]] = []
    em_started = time.perf_counter()
    untrained = {c["output_column_name"] for c in settings_now(linker)}
    for rule in spec.EM_RULES if kind == "lantern" else spec.PLAIN_EM_RULES:
        if not untrained:
            break
        # Splink 5.0.0 leaves the linker's model cut down (and its prior replaced) when a
        # session finds no pairs; keep a copy to put back.
        before = linker._settings_obj.core_model_settings.copy()  # type: ignore[no-untyped-call]
        try:
            session = linker.training.estimate_parameters_using_expectation_maximisation(
                spec.rule_sql(rule),
                estimate_without_term_frequencies=True,
                max_pairs=EM_MAX_PAIRS,
            )
        except EMTrainingException:
            linker._settings_obj.core_model_settings = before
            sessions.append({"blocking_rule": _rule_sql(rule), "skipped": "no pairs"})
            continue
        fixed = {c.output_column_name for c in session._comparisons_that_cannot_be_estimated}
        learnt = {c["output_column_name"] for c in settings_now(linker)} - fixed
        untrained -= learnt
        sessions.append({"blocking_rule": _rule_sql(rule), "learnt": sorted(learnt)})
    dialect = api.sql_dialect.sql_dialect_str
    settings = settings_for(kind, dialect, linker.misc.save_model_to_json())
    adjusted = regularise(settings, u_sample=u_sample)
    summary = {
        "records": len(features),
        "probability_two_random_records_match": settings["probability_two_random_records_match"],
        "u_sampled_pairs": u_sample,
        "u_seed": seed,
        "em_sessions": sessions,
        "adjusted_levels": adjusted,
        "seconds": {
            "u": round(em_started - u_started, 2),
            "em": round(time.perf_counter() - em_started, 2),
            "total": round(time.perf_counter() - started, 2),
        },
        "parameters": parameters_table(settings),
    }
    return TrainedModel(kind=kind, settings=settings, summary=summary)


#: No level may say a true match is rarer than this (EM on a few thousand blocked pairs can
#: drive a probability to nearly nothing, and one field would then veto every other).
M_FLOOR = 0.0005


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def regularise(settings: dict[str, Any], *, u_sample: float) -> list[str]:
    """Give every level usable m and u probabilities, in place; return what was changed.

    - u never seen in the random sample: half a count in it (a continuity correction);
    - m never seen in EM: equal to u, so the level neither helps nor hurts until labels or
      a later training run say otherwise;
    - m below :data:`M_FLOOR`: raised to it, and the comparison's m renormalised.
    """
    changed = []
    for comparison in settings["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        # Levels of fixed weight (spec's family likeness) keep their m and u as designed.
        fixed = [lv for lv in levels if lv.get("fix_m_probability")]
        levels = [lv for lv in levels if not lv.get("fix_m_probability")]
        name = comparison["output_column_name"]
        for level in levels:
            label = level.get("label_for_charts", level["sql_condition"])
            u = _number(level.get("u_probability"))
            if u is None or u <= 0:
                level["u_probability"] = u = 0.5 / u_sample
                changed.append(f"{name}: {label}: u from a half count")
            m = _number(level.get("m_probability"))
            if m is None:
                level["m_probability"] = u
                changed.append(f"{name}: {label}: m not observed, no weight")
            elif m < M_FLOOR:
                level["m_probability"] = M_FLOOR
                changed.append(f"{name}: {label}: m raised to {M_FLOOR}")
        total = sum(float(level["m_probability"]) for level in levels)
        share = 1.0 - sum(float(level["m_probability"]) for level in fixed)
        for level in levels:
            level["m_probability"] = float(level["m_probability"]) / total * share
    return changed


def settings_now(linker: Linker) -> list[dict[str, Any]]:
    comparisons: list[dict[str, Any]] = linker.misc.save_model_to_json()["comparisons"]
    return comparisons


def parameters_table(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Every comparison level with its m, u and match weight, for the model report."""
    rows = []
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            rows.append(
                {
                    "comparison": comparison.get("comparison_description")
                    or comparison["output_column_name"],
                    "level": level.get("label_for_charts", level["sql_condition"]),
                    "m": m,
                    "u": u,
                    "match_weight": round(weight, 3) if weight is not None else None,
                }
            )
    return rows


# --- running it ------------------------------------------------------------------------


@dataclass
class Prediction:
    """Scored pairs at or above a probability, and how many pairs each blocking rule made."""

    pairs: pd.DataFrame
    rule_counts: list[dict[str, Any]]
    seconds: float
    blocking: BlockingRecall | None = None


def _rule_counts(
    kind: ModelKind, counts: dict[int, int], true_counts: dict[int, int] | None = None
) -> list[dict[str, Any]]:
    """Pairs each blocking rule adds (a pair counts for the first rule that makes it), and,
    with the truth known, how many of them are true and false."""
    rows = []
    for i, (label, columns) in enumerate(spec.blocking_rules(kind)):
        row: dict[str, Any] = {
            "rule": label,
            "sql": _rule_sql(columns),
            "pairs": int(counts.get(i, 0)),
        }
        if true_counts is not None:
            row["true_pairs"] = int(true_counts.get(i, 0))
            row["false_pairs"] = row["pairs"] - row["true_pairs"]
        rows.append(row)
    return rows


@dataclass(frozen=True)
class BlockingRecall:
    """How many of the true pairs (records of the same person, by the truth) any blocking
    rule puts forward to be scored: a pair no rule makes can never be matched directly."""

    true_pairs: int
    found: int

    @property
    def recall(self) -> float:
        return self.found / self.true_pairs if self.true_pairs else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"true_pairs": self.true_pairs, "found": self.found, "recall": round(self.recall, 5)}


def true_pair_count(truth: pd.Series) -> int:
    """Pairs of records of the same person."""
    sizes = truth.value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def _truth_table(api: Any, features: pa.Table, truth: pd.Series) -> Any:
    """The truth as a table ``unique_id, person`` on the backend: ``truth`` gives, for the
    records of ``features`` in the same order, a person key."""
    if len(truth) != features.num_rows:
        msg = "the truth must give one person per record, in the records' order"
        raise ValueError(msg)
    table = pa.table(
        {
            "unique_id": features.column("unique_id"),
            "person": pa.array(truth.astype(str).to_numpy(), pa.string()),
        }
    )
    return api.register(table, dataset_display_name=_table_name("truth"))


def linker_for(
    api: Any, features: pa.Table, model: TrainedModel, *, name: str = "records", retain: bool = True
) -> tuple[Linker, Any]:
    dialect = api.sql_dialect.sql_dialect_str
    table = api.register(features, dataset_display_name=_table_name(name))
    settings = settings_for(model.kind, dialect, model.settings, retain=retain)
    return Linker(table, settings, log_level=SPLINK_LOG_LEVEL), table


def _query(linker: Linker, sql: str) -> pd.DataFrame:
    """Run SQL on the backend. Table names in it are Splink's own, never user input."""
    result: pd.DataFrame = linker.misc.query_sql(sql, output_type="pandas")  # type: ignore[no-untyped-call]
    return result


def _count_by_rule(linker: Linker, table: str) -> dict[int, int]:
    sql = f"SELECT match_key, count(*) AS n FROM {table} GROUP BY match_key"  # noqa: S608
    counts = _query(linker, sql)
    return {int(k): int(n) for k, n in zip(counts["match_key"], counts["n"], strict=True)}


def _true_by_rule(linker: Linker, table: str, truth: str) -> dict[int, int]:
    """True pairs (the same person on both sides) among each rule's pairs."""
    sql = (
        f"SELECT p.match_key, count(*) AS n FROM {table} AS p "  # noqa: S608
        f"JOIN {truth} AS tl ON p.unique_id_l = tl.unique_id "
        f"JOIN {truth} AS tr ON p.unique_id_r = tr.unique_id "
        "WHERE tl.person = tr.person GROUP BY p.match_key"
    )
    counts = _query(linker, sql)
    return {int(k): int(n) for k, n in zip(counts["match_key"], counts["n"], strict=True)}


def _select(linker: Linker, table: str, columns: str = "*", where: str = "") -> pd.DataFrame:
    sql = f"SELECT {columns} FROM {table}" + (f" WHERE {where}" if where else "")  # noqa: S608
    return _query(linker, sql)


def predict(
    api: Any,
    features: pa.Table,
    model: TrainedModel,
    *,
    threshold: float = 0.0,
    retain: bool = True,
    truth: pd.Series | None = None,
) -> Prediction:
    """Score every blocked pair; return those at or above ``threshold`` and the rule counts
    (with ``truth``, a person key per record in the records' order: each rule's true and
    false pairs, and the blocking recall)."""
    started = time.perf_counter()
    linker, _ = linker_for(api, features, model, retain=retain)
    scored = linker.inference.predict(warning_mode="never")
    count_map = _count_by_rule(linker, scored.physical_name)
    pairs = _select(linker, scored.physical_name, where=f"match_probability >= {float(threshold)}")
    true_map: dict[int, int] | None = None
    blocking: BlockingRecall | None = None
    if truth is not None:
        truth_table = _truth_table(api, features, truth)
        true_map = _true_by_rule(linker, scored.physical_name, truth_table.physical_name)
        truth_table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        blocking = BlockingRecall(true_pair_count(truth), sum(true_map.values()))
    scored.drop_table_from_database_and_remove_from_cache()
    return Prediction(
        pairs=pairs,
        rule_counts=_rule_counts(model.kind, count_map, true_map),
        seconds=round(time.perf_counter() - started, 2),
        blocking=blocking,
    )


def predict_incremental(
    api: Any,
    existing: pa.Table,
    new: pa.Table,
    model: TrainedModel,
    *,
    threshold: float = 0.0,
) -> Prediction:
    """Score new records against each other and against existing ones (not existing pairs).

    Term frequencies are computed over all records together, as a full run would.
    """
    started = time.perf_counter()
    both = pa.concat_tables([existing, new])
    linker, _ = linker_for(api, both, model, name="all")
    for column in _tf_columns(model.settings):
        linker.table_management.compute_tf_table(column)
    new_table = api.register(new, dataset_display_name=_table_name("new"))
    frames = [linker.inference.predict_within(new_table, warning_mode="never")]
    if len(existing):
        old_table = api.register(existing, dataset_display_name=_table_name("old"))
        frames.append(linker.inference.predict_between(old_table, new_table, warning_mode="never"))
    pair_frames: list[pd.DataFrame] = []
    count_map: dict[int, int] = {}
    for scored in frames:
        for key, n in _count_by_rule(linker, scored.physical_name).items():
            count_map[key] = count_map.get(key, 0) + n
        where = f"match_probability >= {float(threshold)}"
        pair_frames.append(_select(linker, scored.physical_name, where=where))
        scored.drop_table_from_database_and_remove_from_cache()
    non_empty = [frame for frame in pair_frames if len(frame)]
    pairs = pd.concat(non_empty, ignore_index=True) if non_empty else pair_frames[0]
    return Prediction(
        pairs=pairs,
        rule_counts=_rule_counts(model.kind, count_map),
        seconds=round(time.perf_counter() - started, 2),
    )


def _tf_columns(settings: dict[str, Any]) -> list[str]:
    columns = []
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            column = level.get("tf_adjustment_column")
            if column and column not in columns:
                columns.append(column)
    return columns


# --- dedupe of a whole file (the command line and the benchmark) ------------------------


@dataclass
class DedupeResult:
    clusters: pd.DataFrame  # unique_id, cluster_id, match_probability_to_cluster
    rule_counts: list[dict[str, Any]]
    pairs_scored: int
    seconds: dict[str, float]
    #: With the truth known: the share of true pairs the blocking rules put forward.
    blocking: BlockingRecall | None = None


def valid_nhs(features: pa.Table) -> pd.Series:
    """Each record's NHS number where its check digit holds (a clustering constraint),
    indexed by record id. As a number: ten digits, so equal numbers are equal NHS numbers,
    and a million of them need no Python strings.

    The plain configuration has no such column, and clusters without the constraint."""
    if "nhs_valid" not in features.column_names:
        return pd.Series([], dtype="int64", index=pd.Index([], dtype="int64"))
    nhs = features.column("nhs")
    valid = pc.and_kleene(features.column("nhs_valid"), pc.ascii_is_decimal(nhs))
    chosen = features.filter(pc.fill_null(valid, False))
    return pd.Series(
        pc.cast(chosen.column("nhs"), pa.int64()).to_numpy(),
        index=chosen.column("unique_id").to_numpy(),
    )


#: A scored pair at or below this match weight is two people beyond doubt: clustering joins
#: no chain through a third record that would put them together (0011).
APART_WEIGHT = -10.0


def dedupe(
    api: Any,
    features: pa.Table,
    model: TrainedModel,
    *,
    threshold: float,
    truth: pd.Series | None = None,
) -> DedupeResult:
    """Cluster records whose pairwise match probability reaches ``threshold``.

    The backend scores and counts; the strong pairs (about one per record) come back to
    :func:`lantern.linkage.clustering.cluster_pairs`, which joins them under its constraints
    (one NHS number per person). With ``truth`` (a person key per record, in the records'
    order) each rule's true and false pairs and the blocking recall are counted too (timed
    apart, as ``blocking_truth``).
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    linker, _ = linker_for(api, features, model, retain=False)
    # Every blocked pair is scored (and counted by rule); only the strong ones come back.
    scored = linker.inference.predict(warning_mode="never")
    count_map = _count_by_rule(linker, scored.physical_name)
    pairs = _select(
        linker,
        scored.physical_name,
        "unique_id_l, unique_id_r, match_probability",
        where=f"match_probability >= {float(threshold)}",
    )
    # The plain configuration clusters as plain Splink does: connected components.
    # Only records that some joined pair holds can be chained together, so only their
    # pairs apart come back (most scored pairs are two strangers: left in DuckDB).
    table, cut = scored.physical_name, float(threshold)
    held = f"FROM {table} WHERE match_probability >= {cut}"
    joined = f"(SELECT unique_id_l {held} UNION SELECT unique_id_r {held})"  # nosec B608 - our table name, a float
    apart = (
        _select(
            linker,
            table,
            "unique_id_l, unique_id_r",
            where=(
                f"match_weight <= {float(APART_WEIGHT)}"
                f" AND unique_id_l IN {joined} AND unique_id_r IN {joined}"
            ),
        )
        if model.kind == "lantern"
        else None
    )
    timings["predict"] = round(time.perf_counter() - started, 2)
    true_map: dict[int, int] | None = None
    blocking: BlockingRecall | None = None
    if truth is not None:
        truth_started = time.perf_counter()
        truth_table = _truth_table(api, features, truth)
        true_map = _true_by_rule(linker, scored.physical_name, truth_table.physical_name)
        truth_table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        blocking = BlockingRecall(true_pair_count(truth), sum(true_map.values()))
        timings["blocking_truth"] = round(time.perf_counter() - truth_started, 2)
    scored.drop_table_from_database_and_remove_from_cache()
    cluster_started = time.perf_counter()
    clusters = cluster_pairs(
        features.column("unique_id").to_numpy(),
        pairs,
        threshold=threshold,
        nhs=valid_nhs(features),
        cannot=apart,
    )
    if model.kind == "lantern":
        contradicted = contradictions(features, clusters, model.settings)
        if len(contradicted):
            apart = pd.concat([apart, contradicted], ignore_index=True)
            clusters = cluster_pairs(
                features.column("unique_id").to_numpy(),
                pairs,
                threshold=threshold,
                nhs=valid_nhs(features),
                cannot=apart,
            )
    timings["cluster"] = round(time.perf_counter() - cluster_started, 2)
    return DedupeResult(
        clusters=clusters,
        rule_counts=_rule_counts(model.kind, count_map, true_map),
        pairs_scored=sum(count_map.values()),
        seconds=timings,
        blocking=blocking,
    )


def contradictions(
    features: pa.Table, clusters: pd.DataFrame, settings: dict[str, Any]
) -> pd.DataFrame:
    """Pairs inside a cluster that the model scores as two people beyond doubt (match weight
    at most APART_WEIGHT), though no blocking rule put them forward: ``unique_id_l,
    unique_id_r``, to be kept apart as the scored ones are (issue 12, point 5;
    docs/decisions/0012-blocking-and-households-again.md).

    A record with no date of birth matches a brother and his sister, or a mother and her
    daughter, each by name and home; the two family members may share nothing a rule joins
    on (another address, another phone), so their pair was never scored and nothing kept
    the chain from joining them. Only clusters of three or more records holding a record
    without a date of birth are looked at (the chains the issue names; few), each of their
    pairs scored in Python by the real-time scorer (:mod:`lantern.linkage.scorer`, without
    term frequencies: it only has to find pairs far below the threshold)."""
    from lantern.linkage.scorer import Scorer

    empty = pd.DataFrame({"unique_id_l": [], "unique_id_r": []}, dtype="int64")
    sizes = clusters.groupby("cluster_id")["unique_id"].transform("size")
    several = clusters[sizes.to_numpy() >= 3]
    if several.empty:
        return empty
    chosen = features.filter(
        pc.is_in(features.column("unique_id"), pa.array(several["unique_id"].to_numpy()))
    )
    # Which clusters hold an undated record, worked out in columns; only those clusters'
    # dated records are made into Python rows (the contradiction an undated record hides
    # is between the dated records it bridges; its own pairs were scored by the model).
    frame = pd.DataFrame(
        {
            "unique_id": chosen.column("unique_id").to_numpy(),
            "undated": pc.is_null(chosen.column("dob_year")).to_numpy(zero_copy_only=False),
        }
    ).merge(several[["unique_id", "cluster_id"]], on="unique_id")
    bridged = frame.loc[frame["undated"], "cluster_id"].unique()
    if not len(bridged):
        return empty
    dated = frame[frame["cluster_id"].isin(bridged) & ~frame["undated"]]
    cluster_of = dict(
        zip(dated["unique_id"].tolist(), dated["cluster_id"].tolist(), strict=True)
    )
    rows = chosen.filter(pc.is_in(chosen.column("unique_id"), pa.array(dated["unique_id"])))
    scorer = Scorer(settings)
    members: dict[int, list[dict[str, Any]]] = {}
    for record in rows.to_pylist():
        members.setdefault(cluster_of[int(record["unique_id"])], []).append(record)
    found: list[tuple[int, int]] = []
    for records in members.values():
        for i, left in enumerate(records):
            for right in records[i + 1 :]:
                if scorer.score(left, right).match_weight <= APART_WEIGHT:
                    found.append((int(left["unique_id"]), int(right["unique_id"])))
    if not found:
        return empty
    return pd.DataFrame(found, columns=["unique_id_l", "unique_id_r"], dtype="int64")


@contextmanager
def timed(timings: dict[str, float], key: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[key] = round(time.perf_counter() - started, 2)
