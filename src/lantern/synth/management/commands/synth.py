"""``lantern synth --seed N --people N``: add a synthetic city to the database.

``lantern synth extracts --out DIR --people N --seed N`` writes synthetic agency extracts
(one standard-layout CSV per agency) and their truth file instead; see
:mod:`lantern.synth.extracts`.

``lantern synth yardstick --out DIR --people N --seed N`` writes the yardstick: extracts from
an independent generator with its own error model, to report linkage accuracy on (never to
tune on); see :mod:`lantern.synth.yardstick` and docs/yardstick.md.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.synth.generator import CityConfig, build_city


class Command(BaseCommand):
    help = "Generate a synthetic city (agencies, staff, people, referrals, cases, chronologies)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what",
            nargs="?",
            choices=["city", "extracts", "yardstick"],
            default="city",
            help=(
                "city (default): into the database; extracts: agency CSV files and truth.csv; "
                "yardstick: the independent report set (CSV files and truth.csv)"
            ),
        )
        parser.add_argument(
            "--out", default="", help="extracts, yardstick: the folder to write to"
        )
        parser.add_argument(
            "--agencies", default="", help="extracts: agency codes, comma-separated (default all)"
        )
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
        if options["what"] == "extracts":
            self._extracts(options)
            return
        if options["what"] == "yardstick":
            self._yardstick(options)
            return
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

    def _extracts(self, options: dict[str, Any]) -> None:
        from lantern.synth.extracts import write_extracts

        if not options["out"]:
            raise CommandError("Say where to write the extracts: --out DIR")
        agencies = [a.strip() for a in options["agencies"].split(",") if a.strip()] or None
        started = time.perf_counter()
        try:
            report = write_extracts(
                Path(options["out"]),
                seed=options["seed"],
                people=options["people"],
                agencies=agencies,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        for code, count in report.by_agency.items():
            self.stdout.write(f"  {report.files[code]}  {count:,} records")
        self.stdout.write(f"  {report.truth}  (source, record_id, person_key)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic extracts: {report.people:,} people, {report.records:,} records "
                f"({report.expected_quarantine:,} with a value an import refuses) in "
                f"{elapsed:.1f} s"
            )
        )

    def _yardstick(self, options: dict[str, Any]) -> None:
        from lantern.synth.yardstick import write_yardstick

        if not options["out"]:
            raise CommandError("Say where to write the yardstick: --out DIR")
        started = time.perf_counter()
        try:
            report = write_yardstick(
                Path(options["out"]), people=options["people"], seed=options["seed"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        for path in report.files:
            count = report.records_by_source[path.stem]
            self.stdout.write(f"  {path}  {count:,} records")
        self.stdout.write(f"  {report.truth}  (source, record_id, person_key)")
        self.stdout.write(f"  {report.hard_negative_pairs}  (kind, person_key, other_person_key)")
        self.stdout.write("Errors made (count / expected from the declared rates):")
        for kind, count in report.errors.items():
            expected = report.error_expected.get(kind)
            tail = f" / {expected:,.0f}" if expected is not None else " (habit or history)"
            self.stdout.write(f"  {kind:36} {count:>7,}{tail}")
        self.stdout.write("Hard negatives (different people who look alike):")
        for kind, count in report.hard_negatives.items():
            self.stdout.write(f"  {kind:36} {count:>7,}")
        self.stdout.write("The people, and records with an NHS number:")
        for kind, count in report.population.items():
            self.stdout.write(f"  {kind:36} {count:>7,}")
        self.stdout.write(
            f"Telephone numbers from the 04 range once Ofcom's drama ranges ran out: "
            f"{report.phones_beyond_drama:,}"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Yardstick: {report.people:,} people, {report.records:,} records, "
                f"{report.nhs_invalid:,} NHS numbers failing the check digit, seed "
                f"{report.seed}, in {elapsed:.1f} s. It is the report set: tune nothing on it."
            )
        )
