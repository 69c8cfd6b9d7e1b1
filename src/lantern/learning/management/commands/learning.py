"""``lantern learning``: export this area's learning pack, import another area's.

lantern learning export --period 2026Q3 --out FILE
lantern learning import FILE
lantern learning remove-pack ID
lantern learning schema
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lantern.core.errors import DomainError
from lantern.core.system import service_actor
from lantern.learning import access, queries, services
from lantern.learning import pack as packs


class Command(BaseCommand):
    help = (
        "Learning packs: export ours, import another area's (or remove one imported), print "
        "the JSON Schema."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write this area's learning pack (JSON)")
        export.add_argument("--period", required=True, help="A quarter, e.g. 2026Q3")
        export.add_argument("--out", required=True, help="The file to write")
        load = sub.add_parser("import", help="Import another area's learning pack")
        load.add_argument("file", help="The pack (JSON)")
        remove = sub.add_parser("remove-pack", help="Remove another area's imported pack")
        remove.add_argument("pack", type=int, help="The imported pack's id (as on its page)")
        sub.add_parser("schema", help="Print the published JSON Schema of learning packs")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "schema":
            self.stdout.write(json.dumps(packs.schema(), indent=2))
            return
        actor = service_actor(access.LEARNING_COMMAND_SERVICE, channel="cli")
        if action == "export":
            try:
                built = queries.pack_export(actor, options["period"], "json")
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
            out = Path(options["out"])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(packs.dumps(built.content), encoding="utf-8")
            content = built.content
            note = f" (perpetrator figures withheld: {built.refused})" if built.refused else ""
            studies = len(content["case_studies"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote the learning pack for {content['period']['key']} to {out}: "
                    f"{len(content['figures'])} board tables, "
                    f"{len(content['perpetrator_learning'])} perpetrator tables, "
                    f"{studies} approved case {'study' if studies == 1 else 'studies'}{note}"
                )
            )
            return
        if action == "remove-pack":
            self._remove(actor, options["pack"])
            return
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            imported = services.pack_import(actor=actor, raw=raw, source_name=path.name)
        except DomainError as exc:
            problems = getattr(exc, "message_dict", {}).get("pack") or [exc.message]
            raise CommandError(
                "The learning pack was refused; nothing was imported:\n  - "
                + "\n  - ".join(problems)
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Imported {imported.area_name}'s pack for {imported.period}")
        )

    def _remove(self, actor: Any, pk: int) -> None:
        try:
            pack = queries.imported_pack_to_remove(actor, pk)
        except Http404 as exc:
            raise CommandError(f"There is no imported learning pack {pk}") from exc
        try:
            services.pack_remove(actor=actor, pack=pack)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Removed {pack.area_name}'s pack for {pack.period} (id {pk})")
        )
