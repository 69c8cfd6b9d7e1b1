"""``lantern screening nightly``: recompute due re-screens and transitions at 18.

Runs the job here and now, or (``--enqueue``) hands it to the task worker.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.screening.jobs import nightly
from lantern.screening.tasks import nightly_screening


class Command(BaseCommand):
    help = "Screening jobs. 'nightly': due re-screens and transitions at 18 for everyone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["nightly"])
        parser.add_argument("--today", help="Run as if on this date (YYYY-MM-DD), for testing")
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for the task worker instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            if options["today"]:
                raise CommandError("--today runs the job here; it cannot be queued")
            result = nightly_screening.enqueue()
            self.stdout.write(f"Queued the nightly screening job ({result.id})")
            return
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError("--today must be a date like 2026-11-25") from exc
        report = nightly(today=today, channel="cli")
        self.stdout.write(
            self.style.SUCCESS(
                f"Nightly screening job for {report.today:%d %b %Y} in {report.seconds:.2f} s: "
                f"{report.first_screenings_due} first screenings due, "
                f"{report.brought_forward} re-screens brought forward by new information, "
                f"{report.overdue} overdue, {report.due_within_14_days} due within 14 days; "
                f"{report.transitions_flagged} transitions flagged, "
                f"{report.transitions_turned_18} turned 18, "
                f"{report.adult_services_asked} asked adult services to join."
            )
        )
