"""``lantern demo``: migrate, build the synthetic demo city once, print the demo logins."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lantern.agencies.models import Agency
from lantern.core.access import Role
from lantern.synth.generator import DEMO_PASSWORD, DEMO_USERS, CityConfig, build_city


class Command(BaseCommand):
    help = "Set up the demo: database, synthetic city (Northwick) and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument(
            "--extract-people", type=int, default=600,
            help="People behind the synthetic agency extracts that are imported and linked",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if Agency.objects.exists():
            self.stdout.write("The demo city is already there; keeping it.")
        else:
            self.stdout.write("Building the synthetic city of Northwick…")
            report = build_city(
                CityConfig(seed=options["seed"], people=options["people"], heavy_case_entries=300)
            )
            self.stdout.write(
                f"  {report.people:,} people, {report.referrals:,} referrals, {report.cases:,} cases, "
                f"{report.events:,} chronology events"
            )
            from lantern.screening.synth import add_screenings

            screened = add_screenings(seed=options["seed"])
            flagged = screened.nightly.transitions_flagged if screened.nightly else 0
            self.stdout.write(
                f"  {screened.screenings:,} risk screenings of {screened.people:,} people, "
                f"{flagged:,} transitions at 18 flagged"
            )
            from lantern.support.synth import add_support_histories

            supported = add_support_histories(seed=options["seed"])
            self.stdout.write(
                f"  {supported.people:,} support histories ({supported.contacts:,} contacts), "
                f"{supported.closures:,} closed cases with follow-ups, "
                f"{supported.journeys:,} NRM journeys"
            )
            from lantern.meetings.synth import add_meetings

            met = add_meetings(seed=options["seed"])
            self.stdout.write(
                f"  {met.meetings} meetings ({met.items} agenda items, {met.actions} actions, "
                f"{met.minutes} issued minutes), {met.plans} multi-agency plans"
            )
            self.stdout.write("Importing agency extracts and linking them (trains a model)…")
            # Splink's notes on training (levels too rare to learn) are for analysts, who see
            # them in the model's training summary; the console keeps to the outcome.
            from lantern.linkage import engine
            from lantern.linkage.synth import add_agency_extracts

            engine.SPLINK_LOG_LEVEL = logging.ERROR

            linked = add_agency_extracts(seed=options["seed"], people=options["extract_people"])
            self.stdout.write(
                f"  {linked.records:,} agency records ({linked.quarantined:,} quarantined), "
                f"{linked.people_created:,} people, {linked.pairs_linked:,} pairs linked, "
                f"{linked.pairs_for_review:,} pairs in the review queue"
            )
            self.stdout.write("Loading the police's intelligence extract and running the alerts…")
            from lantern.intelligence.synth import add_networks

            intel = add_networks(seed=options["seed"])
            self.stdout.write(
                f"  {intel.entities:,} persons, places, vehicles, phones and handles, "
                f"{intel.links:,} graded links, {intel.alerts:,} alerts to read"
            )
            self.stdout.write(
                f"  {intel.disruptions} disruptions recorded, {intel.plans} disruption plans "
                f"({intel.plan_actions} actions), {intel.alerts_decided} alerts decided"
            )
            from lantern.learning.synth import add_learning

            learned = add_learning(seed=options["seed"])
            level = "withheld" if learned.level is None else f"level {learned.level}"
            self.stdout.write(
                f"  {learned.profiles} perpetrator profiles, {learned.history} earlier persons "
                f"of concern, {learned.case_studies} case studies; learning set {level}"
            )
            self.stdout.write("Counting the board's figures and loading example recommendations…")
            call_command("board", "recommendations", verbosity=0)
            call_command("board", "refresh", verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        width = max(len(u[0]) for u in DEMO_USERS)
        names = dict(Agency.objects.values_list("code", "name"))
        for username, _first, _last, agency, role, categories in DEMO_USERS:
            extra = f" – reads restricted: {', '.join(categories)}" if categories else ""
            self.stdout.write(
                f"  {username.ljust(width)}  {Role(role).label}, {names.get(agency, agency)}{extra}"
            )
