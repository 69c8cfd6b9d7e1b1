"""Alerts from the command line.

lantern alerts evaluate --entities F --links F --known F --out alerts.csv [--today D]
    the rules on files, without a database (test them on your own history first)
lantern alerts run        evaluate every rule on the live network
lantern alerts export --out FILE [--as USER]   the open alerts, in the evaluate layout
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lantern.core import audit, system
from lantern.core.events import Event
from lantern.core.exports import csv_writer
from lantern.intelligence import alerting
from lantern.intelligence.engine import files
from lantern.intelligence.models import Alert, AlertStatus


class Command(BaseCommand):
    help = "Evaluate alert rules on files or the network, or export the open alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["evaluate", "run", "export"])
        parser.add_argument("--entities", default="")
        parser.add_argument("--links", default="")
        parser.add_argument("--known", default="")
        parser.add_argument("--out", default="")
        parser.add_argument("--today", default="", help="Evaluate as of this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "evaluate":
            self._evaluate(options)
        elif action == "run":
            summary = alerting.run_all()
            self.stdout.write(
                f"{summary.evaluated} alerts found: {summary.raised} raised, "
                f"{summary.reraised} back with new evidence, {summary.updated} updated, "
                f"{summary.lapsed} no longer hold."
            )
        else:
            self._export(options)

    def _evaluate(self, options: dict[str, Any]) -> None:
        if not (options["entities"] and options["links"] and options["out"]):
            raise CommandError("Give --entities, --links and --out (and --known if you have it).")
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today is YYYY-MM-DD") from exc
        try:
            result = files.evaluate_files(
                options["entities"],
                options["links"],
                options["known"] or None,
                options["out"],
                today=today,
            )
        except (files.LayoutError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{len(result.alerts)} alerts from {result.entities} entities and {result.links} "
            f"links, as of {result.today}; written to {result.out}."
        )
        if result.problems:
            self.stdout.write(f"{len(result.problems)} rows not loaded:")
            for problem in result.problems[:20]:
                self.stdout.write(f"  {problem}")

    def _export(self, options: dict[str, Any]) -> None:
        if not options["out"]:
            raise CommandError("Give --out FILE")
        actor = system.service_actor(alerting.ALERTS_SERVICE, channel="cli")
        rows = Alert.objects.filter(status=AlertStatus.OPEN).select_related("subject")
        out = Path(options["out"])
        count = 0
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv_writer(handle)
            writer.writerow(files.ALERT_COLUMNS)
            for alert in rows.order_by("-score"):
                writer.writerow(
                    [
                        alert.key,
                        alert.rule,
                        alert.subject.node_id,
                        alert.subject.kind,
                        f"{alert.score:.4f}",
                        alert.explanation,
                    ]
                )
                count += 1
        audit.record(
            actor, Event.ALERTS_EXPORTED, detail={"count": count, "at": timezone.now().isoformat()}
        )
        self.stdout.write(f"{count} open alerts written to {out}.")
