"""``lantern synth --seed N --people N``: add a synthetic city to the database."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lantern.synth.generator import CityConfig, build_city


class Command(BaseCommand):
    help = "Generate a synthetic city (agencies, staff, people, referrals, cases, chronologies)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--people", type=int, default=1000)
        parser.add_argument(
            "--events",
            type=int,
            default=None,
            help="Chronology events in all (default: 10 per person)",
        )
        parser.add_argument(
            "--heavy-case-entries",
            type=int,
            default=0,
            help="Give one case this many chronology entries",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        report = build_city(
            CityConfig(
                seed=options["seed"],
                people=options["people"],
                events=options["events"],
                heavy_case_entries=options["heavy_case_entries"],
            )
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic city: {report.people:,} people, {report.referrals:,} referrals, "
                f"{report.cases:,} cases, {report.events:,} chronology events in {elapsed:.1f} s"
            )
        )
