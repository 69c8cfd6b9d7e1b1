#!/usr/bin/env python
"""Support history benchmark: a person's support page with 1,000 contacts, against its target.

    .venv/bin/python bench/support.py                 # 1,000 contacts, 25 timed renders
    .venv/bin/python bench/support.py --contacts 3000 --runs 50

On a fresh SQLite file in a temporary folder it migrates, builds a small synthetic city
(``build_city``) and its support histories (``lantern.support.synth``), gives one person
``--contacts`` contacts (with outcome measures every month, their words and consent,
loaded through support's bulk loader), then renders ``GET /support/person/<id>/`` through
``django.test.Client`` as ``hub.practitioner``: every middleware, the access policy, the
hash-chained audit entry and the real template. Three warm-up renders, then ``--runs`` timed
ones; the median is compared with the target (300 ms). The outcome chart (its own SVG
request) and the person's page are timed too, for information.

Prints each figure against its target and writes JSON to ``bench/results/``.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
TARGETS = {"support_page_ms": 300.0}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Support history benchmark (SQLite)")
    parser.add_argument("--people", type=int, default=500, help="people in the city")
    parser.add_argument("--contacts", type=int, default=1000, help="contacts of one person")
    parser.add_argument("--runs", type=int, default=25, help="timed renders")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--keep", action="store_true", help="keep the database and say where")
    return parser.parse_args(argv)


def _setup(db_path: Path) -> None:
    os.environ["LANTERN_SQLITE_PATH"] = str(db_path)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "src")]
    import django

    django.setup()


def _time(client: Any, url: str, runs: int) -> list[float]:
    timings = []
    for index in range(runs + 3):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if index >= 3:  # warm-up: the connection, templates and query plans
            timings.append(elapsed)
    return timings


def _summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "runs": len(timings),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from lantern.accounts.actors import SESSION_KEY
    from lantern.agencies.models import Agency, Membership
    from lantern.cases.models import Case
    from lantern.core.access import Role
    from lantern.support.models import (
        ConsentRecord,
        Contact,
        OutcomeMeasure,
        VoiceEntry,
    )
    from lantern.support.rules import contact_types, outcome_scales
    from lantern.support.services import support_bulk_insert
    from lantern.support.synth import add_support_histories
    from lantern.synth.generator import CityConfig, build_city

    settings.LANTERN_REQUIRE_2FA_FOR_HUB = False  # pages are measured, not TOTP
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    results: dict[str, Any] = {
        "database": connection.vendor,
        "people": args.people,
        "contacts": args.contacts,
        "seed": args.seed,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "targets": TARGETS,
    }
    print(f"Support benchmark: one person with {args.contacts:,} contacts on {connection.vendor}")
    call_command("migrate", verbosity=0)
    build_city(CityConfig(seed=args.seed, people=args.people))
    add_support_histories(seed=args.seed)
    membership = Membership.objects.select_related("user", "agency").get(
        user__username="hub.practitioner", role=Role.PRACTITIONER
    )
    user = membership.user
    hub = membership.agency
    person = Case.objects.filter(status="open").order_by("pk").first().person  # type: ignore[union-attr]
    today = timezone.localdate()
    types = [t.code for t in contact_types().terms]
    Contact.objects.filter(person=person).delete()
    contacts = [
        Contact(
            person=person,
            occurred_on=today - timedelta(days=index * 2),
            contact_type=types[index % len(types)],
            planned=index % 3 != 0,
            initiated_by="worker" if index % 3 else "person",
            attendance="missed" if index % 7 == 0 else "attended",
            note="Met at the café near college; talked about keeping safe at night and the "
            "plan for the court date.",
            next_contact_on=today + timedelta(days=7) if index == 0 else None,
            agency=hub,
            recorded_by=user,
        )
        for index in range(args.contacts)
    ]
    support_bulk_insert(Contact, contacts)
    scales = outcome_scales()
    support_bulk_insert(
        OutcomeMeasure,
        [
            OutcomeMeasure(
                person=person,
                scale=s.code,
                score=min(scales.maximum, scales.minimum + (month // 4) % scales.maximum),
                measured_on=today - timedelta(days=30 * month),
                agency=hub,
                recorded_by=user,
            )
            for month in range(36)
            for s in scales.scales
        ],
    )
    support_bulk_insert(
        VoiceEntry,
        [
            VoiceEntry(
                person=person,
                said_on=today - timedelta(days=40 * n),
                kind="wish",
                words="I want a worker who doesn't keep changing.",
                agency=hub,
                recorded_by=user,
            )
            for n in range(20)
        ],
    )
    consent = ConsentRecord.objects.create(
        person=person, given_on=today, what="Health records", recorded_by=user
    )
    consent.agencies.set(Agency.objects.all()[:3])
    results["history"] = {
        "contacts": Contact.objects.filter(person=person).count(),
        "outcome_measures": OutcomeMeasure.objects.filter(person=person).count(),
    }
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    connection.close()  # a fresh connection, as a web worker would have
    page = _time(client, f"/support/person/{person.pk}/", args.runs)
    chart = _time(client, f"/support/person/{person.pk}/outcomes.svg", args.runs)
    record = _time(client, f"/people/{person.pk}/", args.runs)
    results["support_page"] = _summary(page)
    results["outcome_chart"] = _summary(chart)
    results["person_page"] = _summary(record)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def report(results: dict[str, Any]) -> bool:
    page = results["support_page"]
    ok = page["median_ms"] < TARGETS["support_page_ms"]
    print()
    print(
        f"Support history of {results['history']['contacts']:,} contacts and "
        f"{results['history']['outcome_measures']:,} outcome measures"
    )
    print(
        f"support page median {page['median_ms']:.1f} ms (p95 {page['p95_ms']:.1f}, max "
        f"{page['max_ms']:.1f}; {page['runs']} renders)  target < "
        f"{TARGETS['support_page_ms']:.0f} ms  {'PASS' if ok else 'FAIL'}"
    )
    for name in ("outcome_chart", "person_page"):
        figures = results[name]
        print(f"{name.replace('_', ' ')} median {figures['median_ms']:.1f} ms (for information)")
    load = results["load_average_at_start"], results["load_average_at_end"]
    print(f"Load average at start {load[0]}, at end {load[1]} ({results['machine']})")
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="lantern-support-bench-"))
    try:
        _setup(folder / "bench.sqlite3")
        results = run(args)
        ok = report(results)
        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS_DIR / f"{stamp}-support-sqlite-{args.contacts}c.json"
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
