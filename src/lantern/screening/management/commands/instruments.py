"""``lantern instruments``: load, check, list and describe screening instruments.

lantern instruments load FILE [--keep-current]   load a version (all or nothing)
lantern instruments check FILE                   check a file without loading it
lantern instruments list                         instruments and their versions
lantern instruments schema                       print the published JSON Schema
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.screening import queries, services
from lantern.screening.instruments import InstrumentError, parse_instrument, schema


class Command(BaseCommand):
    help = "Load, check and list screening instruments (YAML files checked against a schema)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load an instrument file (all of it, or nothing)")
        load.add_argument("file")
        load.add_argument(
            "--keep-current",
            action="store_true",
            help="Load the version without putting it in use",
        )
        check = sub.add_parser("check", help="Check an instrument file without loading it")
        check.add_argument("file")
        sub.add_parser("list", help="Instruments and their versions")
        sub.add_parser("schema", help="Print the JSON Schema instrument files follow")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "schema":
            self.stdout.write(json.dumps(schema(), indent=2))
        elif action == "list":
            self._list()
        else:
            path = Path(options["file"])
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from exc
            try:
                if action == "check":
                    parsed = parse_instrument(
                        text, source=str(path), event_types=services.chronology_event_types()
                    )
                    self.stdout.write(
                        self.style.SUCCESS(f"{path} is valid: {parsed.code} {parsed.version}")
                    )
                    return
                result = services.instrument_load(
                    actor=None, text=text, source=str(path), activate=not options["keep_current"]
                )
            except InstrumentError as exc:
                raise CommandError(str(exc)) from exc
            v = result.version
            if not result.created:
                self.stdout.write(f"{v.instrument.code} {v.version} is already loaded; unchanged.")
            else:
                state = "now in use" if result.activated else "loaded, not in use"
                self.stdout.write(
                    self.style.SUCCESS(f"Loaded {v.instrument.code} {v.version}: {state}")
                )

    def _list(self) -> None:
        for instrument in queries.instruments():
            in_use = f" – in use for {instrument.audience}" if instrument.in_use else ""
            self.stdout.write(f"{instrument.code}: {instrument.name}{in_use}")
            for v in instrument.versions.all():
                current = " (current)" if v.pk == instrument.current_version_id else ""
                self.stdout.write(
                    f"  {v.version}{current}  loaded {v.loaded_at:%Y-%m-%d}  {v.sha256[:12]}"
                )
