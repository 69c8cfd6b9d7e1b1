"""``lantern audit verify``: check the audit log's hash chain end to end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.core.audit import verify_chain


class Command(BaseCommand):
    help = "Work with the audit log. 'verify' checks every entry's hash and link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at entry {report.first_bad_sequence}: {report.problem} "
                f"({report.checked:,} entries checked before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked:,} entries"))
