"""``lantern audit verify``: check the audit log's hash chain end to end.

``lantern audit events`` prints the event vocabulary (``--out docs/audit-events.md``).
``lantern audit seal`` chains the entries still pending (the next audited action would; a
scheduler may run it each minute so that a quiet system leaves nothing unsealed for long).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.core.audit import seal_all, verify_chain
from lantern.core.events import events_markdown


class Command(BaseCommand):
    help = (
        "Work with the audit log. 'verify' checks every entry's hash and link; 'seal' chains "
        "the entries still pending; 'events' prints the event vocabulary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "events"])
        parser.add_argument("--out", type=Path, help="events: write to this file instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "events":
            if options["out"]:
                options["out"].write_text(events_markdown(), encoding="utf-8")
                self.stdout.write(f"Wrote {options['out']}")
            else:
                self.stdout.write(events_markdown(), ending="")
            return
        if options["action"] == "seal":
            self.stdout.write(f"Sealed {seal_all():,} pending audit entries")
            return
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at entry {report.first_bad_sequence}: {report.problem} "
                f"({report.checked:,} entries checked before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked:,} entries"))
