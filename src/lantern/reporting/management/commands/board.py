"""``lantern board``: refresh the board's figures, export a quarter's report as CSV, load the
example recommendations.

    lantern board refresh [--enqueue]
    lantern board export --period 2026Q3 --out DIR
    lantern board recommendations [--file FILE]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.core.errors import DomainError
from lantern.core.system import service_actor
from lantern.reporting import access, exports, queries, services
from lantern.reporting.tasks import refresh_board_figures


class Command(BaseCommand):
    help = "Board reporting: refresh figures, export a quarterly report, load recommendations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="Count and publish every figure now")
        refresh.add_argument("--enqueue", action="store_true", help="Queue it for the task worker")
        export = sub.add_parser("export", help="Write every table of a quarter's report as CSV")
        export.add_argument("--period", required=True, help="A quarter, e.g. 2026Q3")
        export.add_argument("--out", required=True, help="The folder to write to")
        load = sub.add_parser("recommendations", help="Load recommendations (the example set)")
        load.add_argument("--file", help="A YAML file of recommendations")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "refresh":
            if options["enqueue"]:
                result = refresh_board_figures.enqueue()
                self.stdout.write(f"Queued the refresh of the board's figures ({result.id})")
                return
            snapshot = services.snapshot_refresh(
                actor=service_actor(access.REPORTING_SERVICE, channel="cli")
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Board figures refreshed in {snapshot.took_seconds:.2f} s "
                    f"({snapshot.periods.count()} quarters, policy {snapshot.policy})"
                )
            )
        elif action == "export":
            self._export(options["period"], Path(options["out"]))
        else:
            actor = service_actor(access.BOARD_COMMAND_SERVICE, channel="cli")
            path = Path(options["file"]) if options.get("file") else None
            added = services.recommendations_load(actor=actor, path=path)
            self.stdout.write(self.style.SUCCESS(f"Loaded {added} recommendations"))

    def _export(self, period: str, out: Path) -> None:
        actor = service_actor(access.BOARD_COMMAND_SERVICE, channel="cli")
        try:
            view = queries.report(actor, period, fmt="csv")
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        out.mkdir(parents=True, exist_ok=True)
        for number, table in enumerate(view.tables, start=1):
            path = out / f"{number:02d}-{table['key']}.csv"
            path.write_text(exports.table_csv(table), encoding="utf-8")
        state = "as issued" if view.report.is_issued else "draft, from the latest figures"
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(view.tables)} tables of {view.period.key} ({state}) to {out}"
            )
        )
