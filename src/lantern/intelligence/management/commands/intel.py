"""``lantern intel import --entities FILE --links FILE [--known FILE] --agency CODE
--agreement "…" --as USER``: load an intelligence extract (docs/intelligence.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.accounts.actors import NoSuchActorError, actor_for_username
from lantern.agencies.models import Agency
from lantern.core.access import AccessRefused
from lantern.core.errors import DomainError
from lantern.intelligence import access as intel_access
from lantern.intelligence import alerting, importing


class Command(BaseCommand):
    help = "Load an intelligence extract: lantern intel import --entities F --links F ..."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import"])
        parser.add_argument("--entities", required=True)
        parser.add_argument("--links", required=True)
        parser.add_argument("--known", default="")
        parser.add_argument("--agency", required=True, help="The supplying agency's code")
        parser.add_argument("--agreement", required=True, help="The information-sharing agreement")
        parser.add_argument("--as", dest="username", required=True, help="Who is loading it")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = actor_for_username(options["username"], prefer=intel_access.may_read)
        except NoSuchActorError as exc:
            raise CommandError(str(exc)) from exc
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with the code {options['agency']}")
        paths = [Path(options["entities"]), Path(options["links"])]
        known = Path(options["known"]) if options["known"] else None
        for path in [*paths, *([known] if known else [])]:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
        try:
            summary = importing.intel_import(
                actor=actor,
                entities_path=paths[0],
                links_path=paths[1],
                known_path=known,
                agency=agency,
                agreement=options["agreement"],
            )
        except (AccessRefused, DomainError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        x = summary.extract
        self.stdout.write(
            f"Extract {x.pk} from {agency.name}: {x.entities_added} entities added, "
            f"{x.entities_matched} matched to ones already held; {x.links_added} links added, "
            f"{x.links_already_held} already held; {x.rows_quarantined} rows quarantined."
        )
        for problem in summary.problems[:20]:
            self.stdout.write(f"  quarantined: {problem}")
        run = alerting.run_all()
        self.stdout.write(
            f"Alerts: {run.raised} raised, {run.reraised} back with new evidence, "
            f"{run.updated} updated, {run.lapsed} no longer hold."
        )
