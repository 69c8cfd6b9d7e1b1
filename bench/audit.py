#!/usr/bin/env python
"""Audit benchmark: audited reads per second on PostgreSQL with 1, 8 and 32 concurrent clients.

    .venv/bin/python bench/audit.py                       # 1, 8, 32 clients, 10 s each
    .venv/bin/python bench/audit.py --clients 1 4 --seconds 5

On a scratch PostgreSQL database (``lantern_bench_audit``, created and afterwards dropped with
psycopg; ``--pg-url`` names the server, default ``postgres://postgres@127.0.0.1:5432/`` or
``LANTERN_BENCH_PG_URL``) it migrates, makes a hub, a user and a membership, and then, for
each client count, starts that many processes (each its own connection, as web workers
are), which each call ``audit.record`` exactly as a query does for a read (one entry in its
own transaction) for ``--seconds``. It prints entries per second and latency percentiles.

Then it runs the same with one **long write transaction** open beside the readers (a
service that writes an audit entry and then works on for ``--hold`` seconds before
committing, as an import batch or a linkage run does): the readers' worst latency shows
whether a writer's transaction holds everyone else's audited reads up.

Afterwards it checks that no entry was lost (the rows in the table are exactly the calls that
returned) and that ``verify_chain()`` passes. Exit status 1 if either check fails.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DATABASE = "lantern_bench_audit"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Audited reads per second on PostgreSQL")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--hold", type=float, default=2.0, help="the long writer's seconds")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("LANTERN_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/"),
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args(argv)


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _setup(url: str) -> Any:
    _admin(url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    _admin(url, f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = url.rstrip("/") + "/" + DATABASE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from lantern.accounts.actors import actor_for_membership
    from lantern.agencies.models import Agency, AgencyKind, Membership
    from lantern.core.access import Role

    hub = Agency.objects.create(code="hub", name="Bench Hub", kind=AgencyKind.HUB)
    user = get_user_model().objects.create(username="bench.practitioner")
    membership = Membership.objects.create(user=user, agency=hub, role=Role.PRACTITIONER)
    return actor_for_membership(membership, ip_address="127.0.0.1")


def _reader(actor: Any, start: Any, until: float, worker: int, out: Any) -> None:
    """One client: audited reads, each its own transaction, until the deadline."""
    from django.db import connections

    from lantern.core import audit
    from lantern.core.events import Event

    latencies: list[float] = []
    start.wait()
    n = 0
    while time.time() < until:
        began = time.perf_counter()
        audit.record(actor, Event.PERSON_VIEWED, object_id=n, person_id=worker * 1_000_000 + n)
        latencies.append(time.perf_counter() - began)
        n += 1
    connections.close_all()
    out.put((worker, latencies))


def _long_writer(actor: Any, start: Any, hold: float, out: Any) -> None:
    """A service's transaction: one audit entry early, then work, then commit."""
    from django.db import connections, transaction

    from lantern.core import audit
    from lantern.core.events import Event

    start.wait()
    time.sleep(0.5)
    with transaction.atomic():
        audit.record(actor, Event.LINKAGE_RECORDS_ATTACHED, object_id=1, person_id=1)
        time.sleep(hold)
    connections.close_all()
    out.put(("writer", [hold]))


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))]


def run_round(actor: Any, clients: int, seconds: float, hold: float | None) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()  # children open their own connections
    ctx = mp.get_context("fork")
    start = ctx.Barrier(clients + 1 + (1 if hold else 0))
    out = ctx.Queue()
    until = time.time() + seconds + 1.0
    procs = [
        ctx.Process(target=_reader, args=(actor, start, until, i, out)) for i in range(clients)
    ]
    if hold:
        procs.append(ctx.Process(target=_long_writer, args=(actor, start, hold, out)))
    for proc in procs:
        proc.start()
    start.wait()
    began = time.perf_counter()
    results = [out.get() for _ in procs]
    elapsed = time.perf_counter() - began
    for proc in procs:
        proc.join()
    latencies = [x for worker, values in results if worker != "writer" for x in values]
    writes = len(latencies) + (1 if hold else 0)
    return {
        "clients": clients,
        "entries": writes,
        "seconds": round(elapsed, 2),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 2),
        "p95_ms": round(1000 * _percentile(latencies, 95), 2),
        "max_ms": round(1000 * max(latencies), 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        actor = _setup(args.pg_url)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server is reported
        print(f"PostgreSQL is not available at {args.pg_url}: {exc}")
        return 1
    from django.db import connection

    from lantern.core import audit
    from lantern.core.models import AuditEvent

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]
    print(
        f"PostgreSQL {connection.pg_version}, synchronous_commit={sync}, "  # type: ignore[attr-defined]
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; {args.seconds:.0f} s a round"
    )
    print(
        f"{'round':<22} {'clients':>7} {'entries':>8} {'per s':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'max ms':>8}"
    )
    expected = AuditEvent.objects.count()  # what setting up wrote, if anything
    rounds: list[tuple[str, int, float | None]] = [("reads", n, None) for n in args.clients]
    rounds += [(f"reads + {args.hold:.0f} s writer", n, args.hold) for n in args.clients if n > 1][
        -1:
    ]
    for name, clients, hold in rounds:
        result = run_round(actor, clients, args.seconds, hold)
        expected += result["entries"]
        print(
            f"{name:<22} {result['clients']:>7} {result['entries']:>8} "
            f"{result['per_second']:>8} {result['p50_ms']:>8} {result['p95_ms']:>8} "
            f"{result['max_ms']:>8}"
        )
    connection.close()
    found = AuditEvent.objects.count()
    report = audit.verify_chain()
    lost = expected - found
    print(
        f"entries written {expected}, in the log {found}: "
        + ("none lost" if not lost else f"{lost} LOST")
    )
    print(
        f"verify_chain: {'intact' if report.ok else 'BROKEN'} ({report.checked} checked"
        f"{', ' + report.problem if report.problem else ''})"
    )
    connection.close()
    if not args.keep:
        _admin(args.pg_url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    else:
        print(f"kept the database {DATABASE}")
    return 0 if (report.ok and lost == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
