#!/usr/bin/env python
"""Import benchmark: a 1,000,000-row agency extract into SQLite, against the 5-minute target.

    .venv/bin/python bench/imports.py                   # 1,000,000 rows (the requirement)
    .venv/bin/python bench/imports.py --rows 100000     # quicker, while developing

In a temporary folder it writes one standard-layout CSV of ``--rows`` records with
``lantern.synth.extracts.write_standard_extract`` (every agency's records, with their
realistic errors, so some rows are quarantined and some NHS numbers fail their check
digit), migrates a fresh SQLite database, and imports the file exactly as ``lantern import``
and the background task do (``extract_create``, then ``extract_run``: streaming, batched
upserts, quarantine, audit). Linkage's hook is left out: linkage has its own benchmark.

Prints the wall time of the import against the target, rows per second and the peak
resident memory of the process, and writes JSON to ``bench/results/``. ``--again`` also times
importing the same file a second time (every row unchanged).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
TARGET_SECONDS = 300.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Import benchmark (SQLite, a fresh database)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--again", action="store_true", help="also time a second import")
    parser.add_argument("--keep", action="store_true", help="keep the database and the file")
    return parser.parse_args(argv)


def _setup(folder: Path) -> None:
    os.environ["LANTERN_SQLITE_PATH"] = str(folder / "lantern.sqlite3")
    os.environ["LANTERN_VAR_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "src")]
    import django

    django.setup()
    # Import speed is measured, not linkage (which has its own benchmark): imports tell a
    # linker that does nothing, in place of the one linkage registers.
    from lantern.imports import linking

    linking.register(_NoLinkage())


class _NoLinkage:
    def records_imported(self, *, extract_id: int, record_ids: list[int]) -> None:
        return None

    def records_withdrawn(self, *, record_ids: list[int]) -> None:
        return None


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _import(path: Path, actor: Any, agency: Any) -> tuple[Any, float]:
    from lantern.imports import services

    last_report = [0]

    def progress(extract: Any) -> None:
        if extract.rows_done - last_report[0] >= 100_000:
            last_report[0] = extract.rows_done
            print(f"    {extract.rows_done:>9,} rows", flush=True)

    started = time.perf_counter()
    with path.open("rb") as upload:
        extract = services.extract_create(
            actor=actor,
            upload=upload,
            file_name=path.name,
            agency=agency,
            sharing_agreement="Benchmark (synthetic data)",
        )
    extract = services.extract_run(extract_id=extract.pk, progress=progress)
    return extract, time.perf_counter() - started


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from lantern.accounts.actors import actor_for_membership
    from lantern.agencies.models import Agency, AgencyKind, Membership
    from lantern.core.access import Role
    from lantern.imports.models import ExtractStatus, SourceRecord
    from lantern.synth.extracts import write_standard_extract

    print(f"Import benchmark: {args.rows:,} rows, SQLite at {folder}", flush=True)
    path = folder / "extract.csv"
    started = time.perf_counter()
    info = write_standard_extract(path, seed=args.seed, rows=args.rows)
    written = time.perf_counter() - started
    size = path.stat().st_size
    print(
        f"  wrote {info['rows']:,} rows ({info['people']:,} people, {size / 1e6:,.0f} MB) "
        f"in {written:.1f} s",
        flush=True,
    )
    call_command("migrate", interactive=False, verbosity=0)
    hub = Agency.objects.create(code="hub", name="Benchmark Hub", kind=AgencyKind.HUB)
    police = Agency.objects.create(code="police", name="Benchmark Police", kind=AgencyKind.POLICE)
    user = get_user_model().objects.create_user(username="bench.analyst")
    analyst = actor_for_membership(
        Membership.objects.create(user=user, agency=hub, role=Role.ANALYST), channel="cli"
    )
    rss_before = _peak_rss_mib()
    print("  importing…", flush=True)
    extract, seconds = _import(path, analyst, police)
    if extract.status != ExtractStatus.DONE:
        msg = f"the import did not finish: {extract.error}"
        raise SystemExit(msg)
    results: dict[str, Any] = {
        "rows": extract.rows_done,
        "file_mb": round(size / 1e6, 1),
        "created": extract.rows_created,
        "quarantined": extract.rows_quarantined,
        "nhs_check_digit_warnings": extract.warnings.get("nhs_number", {}).get("count", 0),
        "source_records": SourceRecord.objects.count(),
        "seconds": round(seconds, 1),
        "rows_per_second": round(extract.rows_done / seconds),
        "target_seconds": TARGET_SECONDS,
        "passed": seconds < TARGET_SECONDS,
        "peak_rss_mib_before_import": round(rss_before, 1),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
        "generate_seconds": round(written, 1),
    }
    if args.again:
        print("  importing the same file again…", flush=True)
        again, again_seconds = _import(path, analyst, police)
        results["again_seconds"] = round(again_seconds, 1)
        results["again_unchanged"] = again.rows_unchanged
        results["again_created"] = again.rows_created
    return results


def report(results: dict[str, Any]) -> None:
    verdict = "PASS" if results["passed"] else "FAIL"
    lines = [
        "",
        f"rows imported         {results['rows']:>12,}   ({results['file_mb']} MB CSV)",
        f"new source records    {results['created']:>12,}",
        f"quarantined rows      {results['quarantined']:>12,}",
        f"NHS check-digit warns {results['nhs_check_digit_warnings']:>12,}",
        f"wall time             {results['seconds']:>12,.1f} s   target < "
        f"{results['target_seconds']:.0f} s   {verdict}",
        f"rows per second       {results['rows_per_second']:>12,}",
        f"peak RSS              {results['peak_rss_mib']:>12,.0f} MiB "
        f"(before the import: {results['peak_rss_mib_before_import']:,.0f} MiB)",
    ]
    if "again_seconds" in results:
        lines.append(
            f"same file again       {results['again_seconds']:>12,.1f} s   "
            f"({results['again_unchanged']:,} unchanged, {results['again_created']:,} new)"
        )
    lines.append(f"load average          {os.getloadavg()[0]:>12.1f}   ({os.cpu_count()} cpus)")
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="lantern-bench-imports-"))
    try:
        _setup(folder)
        results = run(args, folder)
        results.update(
            {
                "seed": args.seed,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
                "load_average": os.getloadavg(),
            }
        )
        report(results)
        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = RESULTS_DIR / f"{stamp}-imports-sqlite-{args.rows}r.json"
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")
        print(f"results: {out}")
        return 0 if results["passed"] else 1
    finally:
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
