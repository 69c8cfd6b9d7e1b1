"""``lantern audit verify``: check the audit log's hash chain end to end.

``lantern audit seal`` chains the entries still pending (the next audited action would; a
scheduler may run it each minute so that a quiet system leaves nothing unsealed for long).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.core.audit import seal_all, verify_chain


class Command(BaseCommand):
    help = (
        "Work with the audit log. 'verify' checks every entry's hash and link; 'seal' chains "
        "the entries still pending."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal"])

    def handle(self, *args: Any, **options: Any) -> None:
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
