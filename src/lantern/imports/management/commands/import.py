# ruff: noqa: N999 - the command is "lantern import"; Django names it after this module.
"""``lantern import``: import an agency extract, or manage mapping profiles.

    lantern import FILE --agency CODE --agreement "…" --as USERNAME
                        [--profile NAME] [--source SYSTEM] [--lawful-basis "…"] [--background]
    lantern import profiles load FILE --as USERNAME
    lantern import profiles list
    lantern import profiles show NAME [--profile-version N]

The import runs as the named user's hub analyst or manager membership, exactly as the
page would, and is audited the same way. In the foreground it shows a progress bar and
ends with the counts; ``--background`` queues it for ``lantern db_worker`` instead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lantern.accounts.actors import actor_for_membership
from lantern.agencies.models import Agency, Membership
from lantern.core import access
from lantern.core.access import Actor
from lantern.imports import services
from lantern.imports.models import Extract, ExtractStatus, MappingProfile
from lantern.imports.profiles import ProfileError, profile_yaml
from lantern.people.services import DEFAULT_LAWFUL_BASIS


class Command(BaseCommand):
    help = (
        "Import an agency extract (CSV or XLSX): 'lantern import FILE --agency CODE "
        "--agreement TEXT --as USERNAME'; or 'lantern import profiles load|list|show'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "target",
            nargs="+",
            help="FILE to import, or: profiles load FILE | profiles list | profiles show NAME",
        )
        parser.add_argument("--profile", default="", help="Mapping profile name")
        parser.add_argument("--profile-version", type=int, default=None)
        parser.add_argument("--agency", default="", help="Code of the supplying agency")
        parser.add_argument("--source", default="", help="Source system, e.g. police-niche")
        parser.add_argument("--agreement", default="", help="The data-sharing agreement")
        parser.add_argument(
            "--lawful-basis",
            default=DEFAULT_LAWFUL_BASIS,
            help="Default: DPA 2018 Schedule 1 paragraph 18 (safeguarding)",
        )
        parser.add_argument(
            "--as", dest="username", default="", help="Who is importing (a hub analyst/manager)"
        )
        parser.add_argument(
            "--background", action="store_true", help="Queue for lantern db_worker instead"
        )
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs)")

    def handle(self, *args: Any, **options: Any) -> None:
        target: list[str] = options["target"]
        if target[0] == "profiles":
            self._profiles(target[1:], options)
            return
        if len(target) != 1:
            raise CommandError("Give one file to import (or 'profiles …').")
        self._import(Path(target[0]), options)

    # --- actor ---------------------------------------------------------------------------

    def _actor(self, username: str) -> Actor:
        if not username:
            raise CommandError("Say who is importing: --as USERNAME (a hub analyst or manager).")
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {username}.")
        memberships = list(
            Membership.objects.select_related("user", "agency")
            .filter(user=user, is_active=True, agency__is_active=True)
            .order_by("agency__name", "role")
        )
        if not memberships:
            raise CommandError(f"{username} has no active membership of any agency.")
        actors = [actor_for_membership(m, channel="cli") for m in memberships]
        # Act as the membership that may import, if there is one; otherwise the refusal of
        # the first membership is what gets audited.
        return next((a for a in actors if access.may_import(a)), actors[0])

    # --- profiles ------------------------------------------------------------------------

    def _profiles(self, words: list[str], options: dict[str, Any]) -> None:
        action = words[0] if words else ""
        if action == "load" and len(words) == 2:
            self._profile_load(Path(words[1]), options)
        elif action == "list" and len(words) == 1:
            for profile in self._latest_profiles():
                self.stdout.write(f"{profile.name}  v{profile.version}  {profile.description}")
        elif action == "show" and len(words) == 2:
            query = MappingProfile.objects.filter(name=words[1])
            if options["profile_version"]:
                query = query.filter(version=options["profile_version"])
            shown = query.order_by("-version").first()
            if shown is None:
                raise CommandError(f"No mapping profile called {words[1]}.")
            self.stdout.write(profile_yaml(shown.definition), ending="")
        else:
            raise CommandError("Use: profiles load FILE | profiles list | profiles show NAME")

    def _latest_profiles(self) -> list[MappingProfile]:
        latest: dict[str, MappingProfile] = {}
        for profile in MappingProfile.objects.order_by("name", "-version"):
            latest.setdefault(profile.name, profile)
        return list(latest.values())

    def _profile_load(self, path: Path, options: dict[str, Any]) -> None:
        actor = self._actor(options["username"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            loaded = services.profile_load(actor=actor, text=text)
        except ProfileError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path}:{problem.line or 0}: {problem.field}: {problem.message}")
            raise CommandError(f"{path} is not a valid mapping profile.") from exc
        except access.AccessRefused as exc:
            raise CommandError(exc.reason) from exc
        profile = loaded.profile
        if loaded.created:
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {profile.name} as version {profile.version}")
            )
        else:
            self.stdout.write(f"{profile.name} is unchanged (version {profile.version})")

    # --- import --------------------------------------------------------------------------

    def _import(self, path: Path, options: dict[str, Any]) -> None:
        actor = self._actor(options["username"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            known = ", ".join(Agency.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"Name the supplying agency with --agency (one of: {known}).")
        if not options["agreement"]:
            raise CommandError('Name the data-sharing agreement with --agreement "…".')
        profile = None
        if options["profile"]:
            query = MappingProfile.objects.filter(name=options["profile"])
            if options["profile_version"]:
                query = query.filter(version=options["profile_version"])
            profile = query.order_by("-version").first()
            if profile is None:
                raise CommandError(f"No mapping profile called {options['profile']}.")
        try:
            with path.open("rb") as upload:
                extract = services.extract_create(
                    actor=actor,
                    upload=upload,
                    file_name=path.name,
                    agency=agency,
                    source=options["source"],
                    profile=profile,
                    sharing_agreement=options["agreement"],
                    lawful_basis=options["lawful_basis"],
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except access.AccessRefused as exc:
            raise CommandError(exc.reason) from exc
        if options["background"]:
            task_id = services.extract_enqueue(actor=actor, extract=extract)
            self.stdout.write(
                f"Extract {extract.pk} queued (task {task_id}); lantern db_worker imports it."
            )
            return
        self._run(extract, options)

    def _run(self, extract: Extract, options: dict[str, Any]) -> None:
        bar: tqdm[Any] | None = None
        shown = 0

        def progress(current: Extract) -> None:
            nonlocal bar, shown
            if options["no_progress"]:
                return
            if bar is None:
                bar = tqdm(
                    total=current.rows_total or None,
                    unit=" rows",
                    unit_scale=True,
                    desc=extract.file_name[:30],
                    file=sys.stderr,
                    dynamic_ncols=True,
                )
            bar.update(current.rows_done - shown)
            shown = current.rows_done

        try:
            extract = services.extract_run(
                extract_id=extract.pk, progress=progress, batch_size=options["batch_size"]
            )
        finally:
            if bar is not None:
                bar.close()
        self._summary(extract)

    def _summary(self, extract: Extract) -> None:
        seconds = (
            (extract.finished_at - extract.started_at).total_seconds()
            if extract.finished_at and extract.started_at
            else 0.0
        )
        rate = f", {extract.rows_done / seconds:,.0f} rows/s" if seconds else ""
        lines = [
            f"Extract {extract.pk}: {extract.file_name} from {extract.agency.name}",
            f"  rows read        {extract.rows_done:>10,}   in {seconds:,.1f} s{rate}",
            f"  new records      {extract.rows_created:>10,}",
            f"  changed records  {extract.rows_updated:>10,}",
            f"  unchanged        {extract.rows_unchanged:>10,}",
            f"  quarantined      {extract.rows_quarantined:>10,}",
        ]
        for name, warning in sorted(extract.warnings.items()):
            lines.append(f"  warning ({name}): {warning['message']} – {warning['count']:,}")
        self.stdout.write("\n".join(lines))
        if extract.status == ExtractStatus.FAILED:
            raise CommandError(f"The import stopped: {extract.error}")
        self.stdout.write(self.style.SUCCESS("Imported."))
