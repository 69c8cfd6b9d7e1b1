#!/usr/bin/env python
"""Board reporting benchmark: the dashboard from its snapshot, and the quarterly PDF.

    .venv/bin/python bench/board.py                    # 100,000 people, 1,000,000 events
    .venv/bin/python bench/board.py --people 10000     # quicker, while developing

On a fresh SQLite file it migrates, builds the synthetic city with
``lantern.synth.generator.build_city`` (the bulk loader, ``core/bulkload.py``), adds synthetic
screenings, then measures:

- the refresh of the board's figures (``lantern.reporting.services.snapshot_refresh``: every
  figure for eight quarters, published under the suppression policy, charts drawn), which the
  background task runs; printed for information, as the dashboard shows it;
- ``GET /board/`` as the board member, through every middleware, the access rule and the
  audit entry, read from the snapshot (target 1 s);
- ``GET /board/reports/<quarter>/document.pdf`` as the board member: the quarterly report
  printed by WeasyPrint (target 10 s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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
TARGETS = {"dashboard_s": 1.0, "pdf_s": 10.0}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Board reporting benchmark (SQLite)")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=None, help="default: 10 per person")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--runs", type=int, default=10, help="timed dashboard requests")
    parser.add_argument("--keep", action="store_true", help="keep the database and say where")
    return parser.parse_args(argv)


def _setup(db_path: Path) -> None:
    os.environ["LANTERN_SQLITE_PATH"] = str(db_path)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "src")]
    import django

    django.setup()


def _timed(label: str, func: Any) -> tuple[Any, float]:
    print(f"  {label}…", end="", flush=True)
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    print(f" {elapsed:.1f} s", flush=True)
    return result, elapsed


def _client(username: str, role: str) -> Any:
    from django.test import Client

    from lantern.accounts.actors import SESSION_KEY
    from lantern.agencies.models import Membership

    membership = Membership.objects.select_related("user").get(user__username=username, role=role)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    return client


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from lantern.accounts.actors import actor_for_membership
    from lantern.agencies.models import Membership
    from lantern.core.access import Role
    from lantern.people.models import Person
    from lantern.referrals.models import Referral
    from lantern.reporting import services
    from lantern.reporting.periods import recent_quarters
    from lantern.screening.synth import add_screenings
    from lantern.synth.generator import CityConfig, build_city

    settings.LANTERN_REQUIRE_2FA_FOR_HUB = False
    results: dict[str, Any] = {
        "database": connection.vendor,
        "people": args.people,
        "seed": args.seed,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "targets": TARGETS,
        "policy": getattr(settings, "LANTERN_SUPPRESSION", "health"),
    }
    print(f"Board reporting benchmark: {args.people:,} people on {connection.vendor}")
    _, results["migrate_s"] = _timed("migrating", lambda: call_command("migrate", verbosity=0))
    config = CityConfig(seed=args.seed, people=args.people, events=args.events)
    city, results["generate_s"] = _timed(
        f"building the city ({args.people:,} people)", lambda: build_city(config)
    )
    _, results["add_screenings_s"] = _timed(
        "adding synthetic screenings",
        lambda: add_screenings(seed=args.seed, with_answers=False, run_nightly=False),
    )
    results["city"] = {
        "people": Person.objects.count(),
        "events": city.events,
        "referrals": Referral.objects.count(),
    }
    snapshot, results["refresh_wall_s"] = _timed(
        "refreshing the board's figures (8 quarters)", services.snapshot_refresh
    )
    results["refresh_s"] = snapshot.took_seconds

    # The quarter with the most referrals, so the tables are full.
    quarters = recent_quarters()
    period = max(
        quarters,
        key=lambda q: Referral.objects.filter(
            submitted_at__date__gte=q.start, submitted_at__date__lt=q.end
        ).count(),
    )
    results["quarter"] = period.key
    board = _client("board.member", Role.BOARD)
    connection.close()
    timings = []
    for index in range(args.runs + 2):
        started = time.perf_counter()
        response = board.get(f"/board/?period={period.key}")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        if index >= 2:  # warm-up
            timings.append(elapsed)
    body = response.content.decode()
    results["dashboard"] = {
        "runs": len(timings),
        "median_s": round(statistics.median(timings), 4),
        "max_s": round(max(timings), 4),
        "bytes": len(body),
        "charts": body.count("data:image/svg+xml"),
    }

    manager = Membership.objects.select_related("user", "agency").get(
        user__username="hub.manager", role=Role.MANAGER
    )
    services.report_save(
        actor=actor_for_membership(manager, channel="cli"),
        period=period.key,
        narrative="Referrals rose this quarter; triage kept to its target.",
    )
    pdf_timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = board.get(f"/board/reports/{period.key}/document.pdf")
        pdf_timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    results["pdf"] = {
        "runs": len(pdf_timings),
        "median_s": round(statistics.median(pdf_timings), 3),
        "max_s": round(max(pdf_timings), 3),
        "bytes": len(response.content),
    }
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def report(results: dict[str, Any]) -> bool:
    d, p = results["dashboard"], results["pdf"]
    rows = [
        (
            "dashboard from the snapshot (median)",
            f"{d['median_s'] * 1000:.0f} ms",
            f"< {TARGETS['dashboard_s']:.0f} s",
            d["median_s"] < TARGETS["dashboard_s"],
        ),
        (
            "dashboard from the snapshot (max)",
            f"{d['max_s'] * 1000:.0f} ms",
            f"< {TARGETS['dashboard_s']:.0f} s",
            d["max_s"] < TARGETS["dashboard_s"],
        ),
        (
            "quarterly report PDF (median)",
            f"{p['median_s']:.2f} s",
            f"< {TARGETS['pdf_s']:.0f} s",
            p["median_s"] < TARGETS["pdf_s"],
        ),
    ]
    city = results["city"]
    print()
    print(
        f"People {city['people']:,}; chronology events {city['events']:,}; referrals "
        f"{city['referrals']:,}; quarter {results['quarter']}; policy {results['policy']}"
    )
    print(
        f"Refresh of the figures (the background task): {results['refresh_s']:.1f} s "
        f"(for information; the dashboard shows it)"
    )
    print(f"Dashboard page: {d['bytes']:,} bytes, {d['charts']} charts")
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure'.ljust(width)}  {'result':>10}  {'target':>8}")
    for name, value, target, ok in rows:
        print(f"{name.ljust(width)}  {value:>10}  {target:>8}  {'PASS' if ok else 'FAIL'}")
    load = results["load_average_at_start"], results["load_average_at_end"]
    print(f"\nLoad average at start {load[0]}, at end {load[1]} ({results['machine']})")
    return all(r[3] for r in rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="lantern-board-bench-"))
    try:
        _setup(folder / "bench.sqlite3")
        results = run(args)
        ok = report(results)
        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS_DIR / f"{stamp}-board-sqlite-{args.people}p.json"
        path.write_text(json.dumps(results, indent=2, default=str))
        print(f"Results written to {path.relative_to(PROJECT_DIR)}")
        print("ALL PASS" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"Kept the database at {folder / 'bench.sqlite3'}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
