#!/usr/bin/env python
"""Lantern's performance benchmark: a synthetic city, then the pages people wait on.

    .venv/bin/python bench/run.py                  # 100,000 people, 1,000,000 events, both DBs
    .venv/bin/python bench/run.py --people 5000 --events 50000 --database sqlite

For each database it creates a fresh, empty database (SQLite: a temporary file; PostgreSQL:
``lantern_bench`` on the server given by ``--pg-url``, dropped afterwards), migrates it,
times the generator and then measures through ``django.test.Client`` (every middleware,
real templates, a signed-in session, the audit chain appended to on every read):

- (a) person search through the people search page, as a hub practitioner;
- (b) the case page of the case with ``--heavy`` chronology entries: page 1, a filtered
  page and page 2;
- (c) referral submission: the referral form POSTed by an agency contributor;
- (d) city generation wall time;
- (e) queries per request for the case, person and search pages, and that they do not
  grow with the amount of data.

Each database runs in its own process, because settings read the database from the
environment. Results are printed as a table and written as JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PG_DATABASE = "lantern_bench"

sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "src")]
report = importlib.import_module("bench.report")


# --- PostgreSQL housekeeping ---------------------------------------------------------


def _pg_admin_url(base: str) -> str:
    return base.rstrip("/") + "/postgres"


def pg_unreachable(base: str) -> str | None:
    """``None`` if the server answers, else why not."""
    try:
        with psycopg.connect(_pg_admin_url(base), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        text = str(exc).strip()
        return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"
    return None


def pg_recreate(base: str, *, drop_only: bool = False) -> None:
    with psycopg.connect(_pg_admin_url(base), autocommit=True) as conn:
        name = sql.Identifier(PG_DATABASE)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


# --- one database, in its own process ------------------------------------------------


def child(args: argparse.Namespace) -> int:
    """Runs in a process whose environment already points Lantern at a fresh database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    django = importlib.import_module("django")
    django.setup()
    settings = importlib.import_module("django.conf").settings
    # Hub staff would otherwise be sent to the TOTP page first; the bench measures the pages.
    settings.LANTERN_REQUIRE_2FA_FOR_HUB = False
    measure = importlib.import_module("bench.measure")
    results = measure.Bench(args).run()
    Path(args.child).write_text(json.dumps(results, indent=2, default=str))
    report.print_table([results])
    return 0


def run_database(db: str, args: argparse.Namespace, stamp: str) -> dict[str, Any] | None:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["LANTERN_REQUIRE_2FA_FOR_HUB"] = "0"
    env["DJANGO_SETTINGS_MODULE"] = "lantern.settings"
    if db == "postgres":
        problem = pg_unreachable(args.pg_url)
        if problem:
            print(
                f"\nSKIPPED PostgreSQL: cannot reach {args.pg_url} ({problem}). "
                "Start PostgreSQL, or point --pg-url at one.",
                flush=True,
            )
            return None
        pg_recreate(args.pg_url)
        env["DATABASE_URL"] = args.pg_url.rstrip("/") + "/" + PG_DATABASE
    tmpdir = Path(tempfile.mkdtemp(prefix="lantern-bench-"))
    env["LANTERN_SQLITE_PATH"] = str(tmpdir / "bench.sqlite3")
    out = tmpdir / "results.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(out),
        "--people",
        str(args.people),
        "--events",
        str(args.events),
        "--heavy",
        str(args.heavy),
        "--seed",
        str(args.seed),
        "--searches",
        str(args.searches),
        "--case-requests",
        str(args.case_requests),
        "--referrals",
        str(args.referrals),
    ]
    try:
        completed = subprocess.run(command, env=env, check=False, cwd=PROJECT_DIR)  # noqa: S603 - this script
        if completed.returncode != 0 or not out.exists():
            print(f"\n{db}: the benchmark failed (exit {completed.returncode})", flush=True)
            return None
        results: dict[str, Any] = json.loads(out.read_text())
    finally:
        if args.keep:
            kept = env["LANTERN_SQLITE_PATH"] if db == "sqlite" else env["DATABASE_URL"]
            print(f"{db}: kept the database at {kept}", flush=True)
        else:
            shutil.rmtree(tmpdir, ignore_errors=True)
            if db == "postgres":
                pg_recreate(args.pg_url, drop_only=True)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-{db}-{args.people}p-{args.events}e.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"{db}: results written to {path.relative_to(PROJECT_DIR)}", flush=True)
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Lantern benchmark: generate a synthetic city, time the key pages."
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--heavy",
        type=int,
        default=2000,
        help="chronology entries of the heavy case (default 2000)",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("LANTERN_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/"),
        help=f"PostgreSQL server, without a database name; '{PG_DATABASE}' is created on it "
        "and dropped afterwards",
    )
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--searches", type=int, default=240, help="person searches (default 240)")
    parser.add_argument(
        "--case-requests",
        type=int,
        default=25,
        help="requests for each of the three case page views (default 25)",
    )
    parser.add_argument(
        "--referrals", type=int, default=200, help="referral form POSTs (default 200)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the benchmark databases (and say where they are)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(args)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    collected = [r for db in databases if (r := run_database(db, args, stamp)) is not None]
    if not collected:
        return 1
    print("\n=========================== Lantern benchmark ===========================")
    report.print_table(collected)
    failed = [
        f"{r['database']}: {v['measure']}"
        for r in collected
        for v in r["verdicts"]
        if not v["pass"]
    ]
    skipped = [db for db in databases if db not in {_name(r) for r in collected}]
    print(
        "\n"
        + ("ALL PASS" if not failed else "FAILED: " + "; ".join(failed))
        + (f" (not run: {', '.join(skipped)})" if skipped else "")
    )
    return 0 if not failed and not skipped else 1


def _name(results: dict[str, Any]) -> str:
    return "postgres" if results["database"] == "postgresql" else str(results["database"])


if __name__ == "__main__":
    sys.exit(main())
