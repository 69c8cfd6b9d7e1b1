"""``lantern access matrix``: print the whole access policy as one table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lantern.core.access import matrix_markdown

PREAMBLE = """# Who may see and do what

This file is generated from the access policy itself (`lantern access matrix --markdown
--out docs/access.md`); a test fails when it is out of date. Each row is one object kind,
verb and relation (how the acting agency stands to the object); each cell is what a role
gets: **change** (and read), **read**, **masked** (learns that something exists, not what
it says), **refused** (and the refusal is audited), or **—** where the relation cannot
apply to that role (only hub roles act *as the hub*). The rule behind each row is one
named function in the owning app's `access.py`, listed under the table.

"""


class Command(BaseCommand):
    help = "Print the access policy: object kind × verb × relation → decision for each role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["matrix"])
        parser.add_argument(
            "--markdown", action="store_true", help="with the preamble of docs/access.md"
        )
        parser.add_argument("--out", type=Path, help="write to this file instead")

    def handle(self, *args: Any, **options: Any) -> None:
        text = (PREAMBLE if options["markdown"] else "") + matrix_markdown()
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {options['out']}")
        else:
            self.stdout.write(text, ending="")
