"""The measured run on one database. Imported by ``run.py`` only after ``django.setup()``,
in a process whose environment already points Lantern at a fresh, empty database."""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import TARGETS, summarise, verdicts
from lantern.accounts.actors import SESSION_KEY
from lantern.agencies.models import Membership
from lantern.cases.models import Case, ChronologyEntry
from lantern.core.access import Role
from lantern.people.models import DatePrecision, Identifier, IdentifierScheme, Involvement, Person
from lantern.synth.generator import CityConfig, build_city

#: Concern categories ticked on the referral form (codes of referrals/data vocabulary).
CONCERNS = [
    "going_missing",
    "older_or_risky_associates",
    "gifts_money_substances",
    "places_and_travel",
    "online",
]
WHAT_WAS_SEEN = (
    "Seen getting into a grey hatchback outside school at 15:20 with two older "
    "males; said she was going to a party and would not say where."
)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(args.seed * 7919 + 17)
        self.results: dict[str, Any] = {}
        self.heavy_case_id: int | None = None

    @staticmethod
    def log(text: str) -> None:
        print(f"[{connection.vendor}] {text}", flush=True)

    def run(self) -> dict[str, Any]:
        args = self.args
        self.results = {
            "database": connection.vendor,
            "database_version": _db_version(),
            "people": args.people,
            "events": args.events,
            "heavy_case_entries": args.heavy,
            "seed": args.seed,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
            "targets": TARGETS,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        }
        started = time.perf_counter()
        self.log("migrating a fresh database")
        call_command("migrate", interactive=False, verbosity=0)
        self.results["migrate_s"] = round(time.perf_counter() - started, 2)
        self.generate()
        self.after_load()
        connection.close()  # a fresh connection, as a web worker would have
        self.practitioner = _membership("hub.practitioner", Role.PRACTITIONER)
        self.contributor = _membership("school.lead", Role.CONTRIBUTOR)
        self.measure_search()
        self.measure_case_pages()
        self.measure_referrals()
        self.query_counts()
        self.results["total_s"] = round(time.perf_counter() - started, 1)
        self.results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        self.results["verdicts"] = verdicts(self.results)
        return self.results

    # -- (d) generation -----------------------------------------------------------------

    def generate(self) -> None:
        args = self.args
        self.log(f"generating {args.people:,} people and {args.events:,} chronology events")
        started = time.perf_counter()
        report = build_city(
            CityConfig(
                seed=args.seed,
                people=args.people,
                events=args.events,
                heavy_case_entries=args.heavy,
            )
        )
        elapsed = time.perf_counter() - started
        self.heavy_case_id = report.heavy_case_id
        self.results["generate"] = {
            "wall_s": round(elapsed, 1),
            "people": report.people,
            "referrals": report.referrals,
            "cases": report.cases,
            "events": report.events,
            "heavy_case_id": report.heavy_case_id,
        }
        self.log(
            f"generated in {elapsed:.1f} s: {report.people:,} people, "
            f"{report.referrals:,} referrals, {report.cases:,} cases, "
            f"{report.events:,} events"
        )

    def after_load(self) -> None:
        """PostgreSQL: ``VACUUM ANALYZE``, what autovacuum would do minutes after a bulk load.

        Without it the planner sees a 100,000-person table through the statistics of an
        empty one, and autovacuum competes for the 2 cores in the middle of the timings.
        SQLite keeps no statistics unless told to and Lantern does not tell it, so nothing
        is done there.
        """
        if connection.vendor != "postgresql":
            self.results["after_load"] = {"step": "none", "wall_s": 0.0}
            return
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        elapsed = time.perf_counter() - started
        self.results["after_load"] = {"step": "VACUUM ANALYZE", "wall_s": round(elapsed, 1)}
        self.log(f"VACUUM ANALYZE after the bulk load: {elapsed:.1f} s")

    # -- (a) person search --------------------------------------------------------------

    def search_queries(self) -> list[tuple[str, str]]:
        """Realistic searches drawn from the generated people, a quarter of each kind."""
        per_kind = math.ceil(self.args.searches / 4)
        pks = list(Person.objects.values_list("pk", flat=True))
        chosen = self.rng.sample(pks, min(len(pks), per_kind * 4))
        people = Person.objects.in_bulk(chosen)
        queries: list[tuple[str, str]] = []
        for pk in chosen[:per_kind]:
            p = people[pk]
            queries.append(("given family", f"{p.given_name} {p.family_name}"))
        for pk in chosen[per_kind : 2 * per_kind]:
            queries.append(("family", people[pk].family_name))
        known_to_the_day = [
            people[pk]
            for pk in chosen[2 * per_kind :]
            if people[pk].date_of_birth and people[pk].dob_precision == DatePrecision.DAY
        ]
        for p in known_to_the_day[:per_kind]:
            dob = p.date_of_birth.strftime("%d/%m/%Y")  # type: ignore[union-attr]
            queries.append(("family + dob", f"{p.family_name} {dob}"))
        nhs = list(
            Identifier.objects.filter(
                scheme=IdentifierScheme.NHS, person_id__in=chosen
            ).values_list("value", flat=True)
        )
        for value in self.rng.sample(nhs, min(len(nhs), per_kind)):
            spaced = f"{value[:3]} {value[3:6]} {value[6:]}" if self.rng.random() < 0.5 else value
            queries.append(("nhs number", spaced))
        self.rng.shuffle(queries)
        return queries

    def measure_search(self) -> None:
        queries = self.search_queries()
        client = _client_for(self.practitioner)
        self.log(
            f"person search: {len(queries)} queries through /people/ as "
            f"{self.practitioner.user.username}"
        )
        found = 0

        def ok(response: Any) -> None:
            nonlocal found
            assert response.status_code == 200, response.status_code
            found += b"people found" in response.content

        for _kind, text in queries[:5]:  # warm up: templates, URL resolver, connection
            client.get("/people/", {"q": text})
        by_kind: dict[str, list[float]] = {}
        for kind, text in queries:
            elapsed = _timed(lambda t=text: client.get("/people/", {"q": t}), ok)
            by_kind.setdefault(kind, []).append(elapsed)
        every = [s for samples in by_kind.values() for s in samples]
        self.results["search"] = {
            **summarise(every),
            "with_results": found,
            "by_kind": {kind: summarise(samples) for kind, samples in sorted(by_kind.items())},
        }

    # -- (b) the heavy case page --------------------------------------------------------

    def measure_case_pages(self) -> None:
        case = Case.objects.get(pk=self.heavy_case_id)
        entries = ChronologyEntry.objects.filter(person_id=case.person_id)
        top_agency = (
            entries.values("source_agency_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("source_agency_id", flat=True)
            .first()
        )
        self.heavy_person_id = case.person_id
        url = f"/cases/{case.pk}/"
        views: dict[str, dict[str, Any]] = {
            "case page 1": {},
            "case filtered": {"agency": top_agency, "significance": ["high", "medium"]},
            "case page 2": {"page": 2},
        }
        results: dict[str, Any] = {"entries": entries.count(), "case_id": case.pk}
        client = _client_for(self.practitioner)
        self.log(
            f"case page: {results['entries']:,} chronology entries, "
            f"{self.args.case_requests} requests for each of {len(views)} views"
        )

        def ok(response: Any) -> None:
            assert response.status_code == 200, response.status_code
            assert b"lantern-entry--" in response.content or b"lantern-restricted" in (
                response.content
            )

        for name, params in views.items():
            for _ in range(3):
                client.get(url, params)
            samples = [
                _timed(lambda p=params: client.get(url, p), ok)
                for _ in range(self.args.case_requests)
            ]
            results[name] = summarise(samples)
            results[name]["params"] = params
            results[name]["bytes"] = len(client.get(url, params).content)
        self.results["case"] = results

    # -- (c) referral submission --------------------------------------------------------

    def measure_referrals(self) -> None:
        client = _client_for(self.contributor)
        visible = list(
            Involvement.objects.filter(agency_id=self.contributor.agency_id, ended_at__isnull=True)
            .values_list("person_id", flat=True)
            .distinct()
            .order_by("person_id")
        )
        count = self.args.referrals
        targets = self.rng.sample(visible, min(count + 3, len(visible)))
        while len(targets) < count + 3:
            targets.append(self.rng.choice(visible))
        self.log(
            f"referral submission: {count} POSTs of the referral form as "
            f"{self.contributor.user.username} ({self.contributor.agency.name}), "
            f"chosen among the {len(visible):,} people it is involved with"
        )

        def ok(response: Any) -> None:
            assert response.status_code == 302, (
                f"referral form refused: {response.status_code} {response.content[:400]!r}"
            )

        def post(pk: int) -> Any:
            return client.post(
                f"/referrals/new/person/{pk}/",
                {
                    "concern_categories": self.rng.sample(CONCERNS, 2),
                    "what_was_seen": WHAT_WAS_SEEN,
                    "urgency": self.rng.choice(["standard", "high", "immediate"]),
                },
            )

        for pk in targets[:3]:  # warm up
            ok(post(pk))
        samples = [_timed(lambda pk=pk: post(pk), ok) for pk in targets[3:]]
        self.results["referral"] = summarise(samples)

    # -- (e) queries per request --------------------------------------------------------

    def query_counts(self) -> None:
        client = _client_for(self.practitioner)

        def count(url: str, params: dict[str, Any] | None = None) -> int:
            client.get(url, params or {})
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code)
            return len(ctx.captured_queries)

        # Compared among a sample, so that finding them does not scan the whole city.
        case_ids = list(Case.objects.exclude(pk=self.heavy_case_id).values_list("pk", flat=True))
        cases = Case.objects.filter(pk__in=self.rng.sample(case_ids, min(500, len(case_ids))))
        light_case = (
            cases.annotate(n=Count("person__chronology"))
            .filter(n__gte=1)
            .order_by("n", "pk")
            .first()
        )
        person_ids = list(Person.objects.values_list("pk", flat=True))
        sample = Person.objects.filter(
            pk__in=self.rng.sample(person_ids, min(2000, len(person_ids)))
        )
        fewest = (
            sample.annotate(
                n=Count("addresses", distinct=True)
                + Count("names", distinct=True)
                + Count("referrals", distinct=True)
            )
            .order_by("n", "pk")
            .first()
        )
        most = (
            sample.annotate(
                n=Count("addresses", distinct=True)
                + Count("referrals", distinct=True)
                + Count("cases", distinct=True)
                + Count("names", distinct=True)
            )
            .order_by("-n", "pk")
            .first()
        )
        assert light_case is not None
        assert fewest is not None
        assert most is not None
        heavy_url = f"/cases/{self.heavy_case_id}/"
        self.results["query_subjects"] = {
            "light case": {"id": light_case.pk, "entries": light_case.n},
            "person with most facts": {"id": most.pk, "addresses+referrals+cases+names": most.n},
            "person with fewest facts": {"id": fewest.pk, "addresses+names+referrals": fewest.n},
        }
        self.results["queries"] = {
            "case page (heavy)": count(heavy_url),
            "case page 2 (heavy)": count(heavy_url, {"page": 2}),
            "case filtered (heavy)": count(heavy_url, {"significance": "high"}),
            "case page (light)": count(f"/cases/{light_case.pk}/"),
            "person page (heavy case person)": count(f"/people/{self.heavy_person_id}/"),
            "person page (most facts)": count(f"/people/{most.pk}/"),
            "person page (fewest facts)": count(f"/people/{fewest.pk}/"),
            "search page": count("/people/", {"q": most.family_name}),
        }


def _db_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return str(cursor.fetchone()[0])


def _membership(username: str, role: str) -> Membership:
    return Membership.objects.select_related("user", "agency").get(
        user__username=username, role=role
    )


def _client_for(membership: Membership) -> Client:
    """A browser session signed in as this membership (no second factor: see run.py)."""
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    return client


def _timed(call: Callable[[], Any], check: Callable[[Any], None]) -> float:
    """Wall time of one request through the test client: middleware, view, template."""
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    check(response)
    return elapsed
