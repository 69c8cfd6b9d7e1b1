"""``lantern link``: train the linkage model, link the database's records, or dedupe a file.

    lantern link train --as USERNAME [--kind lantern|plain] [--no-activate]
    lantern link learn --as USERNAME [--no-activate]
    lantern link run --as USERNAME [--incremental] [--background]
    lantern link dedupe IN.csv --out clusters.csv [--model FILE | --train]
                        [--threshold P] [--kind lantern|plain] [--backend duckdb|spark]

``learn`` re-estimates the model in use from reviewers' decisions (match / not a match) and
saves it as the next version (:func:`lantern.linkage.services_learning.model_learn`).
``train``, ``learn`` and ``run`` act as the named user's hub analyst or manager membership,
exactly as the pages would, and are audited the same way. ``dedupe`` reads a file in the
standard layout (``record_id, source, first_name, middle_names, last_name, date_of_birth,
sex, nhs_number, postcode, address, phone, email``) and writes ``source, record_id,
cluster_id, match_probability_to_cluster, cluster_weakest_link, cluster_check`` (the record's
own source and id, its cluster, its strongest pair in the cluster, the cluster's weakest
link, empty for a record alone, and a flag where the cluster's dates of birth disagree): with
``--model`` it uses that saved model, otherwise the database's model in use, otherwise (or
with ``--train``) it trains one on the file. It prints the threshold used and the pairs each
blocking rule made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from lantern.accounts.actors import NoSuchActorError, actor_for_username
from lantern.core import access
from lantern.core.access import Actor
from lantern.linkage import access as linkage_access
from lantern.linkage import engine, files, services
from lantern.linkage.models import MODEL_KINDS, RunScope


class Command(BaseCommand):
    help = "Record linkage: 'lantern link train|run|dedupe' (see --help of each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["train", "learn", "run", "dedupe"])
        parser.add_argument("file", nargs="?", help="For dedupe: the standard-layout CSV")
        parser.add_argument("--out", default="", help="For dedupe: where to write the clusters")
        parser.add_argument("--model", default="", help="For dedupe: a saved model file")
        parser.add_argument("--train", action="store_true", help="For dedupe: train on the file")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="For dedupe: match probability to join records (default: the model's upper)",
        )
        parser.add_argument("--kind", choices=list(MODEL_KINDS), default="lantern")
        parser.add_argument("--backend", choices=["duckdb", "spark"], default=None)
        parser.add_argument("--as", dest="username", default="", help="Who is acting")
        parser.add_argument("--incremental", action="store_true", help="For run: unlinked only")
        parser.add_argument("--background", action="store_true", help="Queue for db_worker")
        parser.add_argument("--no-activate", action="store_true", help="For train: keep the old")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "dedupe":
            self._dedupe(options)
            return
        actor = self._actor(options["username"])
        try:
            if action == "train":
                self._train(actor, options)
            elif action == "learn":
                self._learn(actor, options)
            else:
                self._run(actor, options)
        except access.AccessRefused as exc:
            raise CommandError(exc.reason) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _actor(self, username: str) -> Actor:
        try:
            return actor_for_username(username, prefer=linkage_access.may_run_linkage)
        except NoSuchActorError as exc:
            raise CommandError(str(exc)) from exc

    def _train(self, actor: Actor, options: dict[str, Any]) -> None:
        model = services.model_train(
            actor=actor,
            kind=options["kind"],
            activate=not options["no_activate"],
            backend=options["backend"],
        )
        summary = model.summary
        self.stdout.write(
            f"Model v{model.version} trained on {model.records_trained_on:,} records "
            f"in {summary['seconds']['total']} s; saved as {model.file_path}"
        )
        for session in summary.get("em_sessions", []):
            self.stdout.write(f"  EM on {session['blocking_rule']}: {session.get('skipped', 'ok')}")
        self.stdout.write(f"  labels used: {model.labels_used}; in use: {model.is_active}")

    def _learn(self, actor: Actor, options: dict[str, Any]) -> None:
        from lantern.linkage.services_learning import model_learn

        model = model_learn(actor=actor, activate=not options["no_activate"])
        learnt = model.summary["learning"]
        self.stdout.write(
            f"Model v{model.version} re-estimated from model v{learnt['from_version']} with "
            f"{learnt['matches']} match and {learnt['non_matches']} not-a-match decisions; "
            f"{len(learnt['changes'])} levels moved; saved as {model.file_path}"
        )
        for change in learnt["changes"]:
            self.stdout.write(
                f"  {change['comparison']}: {change['level']}: m "
                f"{change['m_before']:.5f} -> {change['m_after']:.5f}"
            )
        self.stdout.write(f"  in use: {model.is_active}")

    def _run(self, actor: Actor, options: dict[str, Any]) -> None:
        scope = RunScope.INCREMENTAL if options["incremental"] else RunScope.FULL
        if options["background"]:
            if options["backend"]:
                raise CommandError(
                    "lantern db_worker links on the backend it was started with "
                    "(LANTERN_LINKAGE_BACKEND); leave out --backend, or run in the foreground."
                )
            run = services.run_start(actor=actor, scope=scope, background=True)
            self.stdout.write(f"Linkage run {run.pk} queued for lantern db_worker.")
            return
        backend = engine.backend_name(options["backend"])
        run = services.run_start(actor=actor, scope=scope, background=False, backend=backend)
        self.stdout.write(
            f"Linkage run {run.pk} on {backend}: {run.get_status_display()}. "
            f"{run.records_considered:,} "
            f"records, {run.pairs_scored:,} pairs scored, {run.pairs_linked:,} linked, "
            f"{run.pairs_for_review:,} for review; {run.people_created:,} people created, "
            f"{run.people_merged:,} merged."
        )
        self._rules(run.rule_counts)

    def _rules(self, counts: list[dict[str, Any]]) -> None:
        self.stdout.write("Pairs made by each blocking rule:")
        for rule in counts:
            self.stdout.write(f"  {rule['pairs']:>12,}  {rule['rule']}")

    def _dedupe(self, options: dict[str, Any]) -> None:
        if not options["file"] or not options["out"]:
            raise CommandError("Use: lantern link dedupe IN.csv --out clusters.csv")
        source, out = Path(options["file"]), Path(options["out"])
        if not source.exists():
            raise CommandError(f"There is no file {source}.")
        model = None
        threshold = options["threshold"]
        if options["model"]:
            model = files.load_model(Path(options["model"]))
            threshold = threshold or model.summary.get("thresholds", {}).get("upper")
        elif not options["train"]:
            try:
                active = services.active_model()
            except DatabaseError:  # no database here: train on the file
                active = None
            if active is not None and active.kind == options["kind"]:
                model = engine.TrainedModel(kind=active.kind, settings=active.splink_settings)  # type: ignore[arg-type]
                threshold = threshold or active.upper_threshold
        backend = engine.backend_name(options["backend"])
        try:
            result = files.dedupe_file(
                source,
                out,
                model=model,
                # A saved model says which preparation it compares (lantern or plain).
                kind=model.kind if model is not None else options["kind"],
                threshold=threshold or files.DEFAULT_THRESHOLD,
                backend=backend,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        how = "trained on the file" if result.trained else "saved model"
        self.stdout.write(
            f"{result.records:,} records in {result.clusters:,} clusters "
            f"({result.pairs_scored:,} pairs scored on {backend}, {how}) -> {out}"
        )
        self.stdout.write(f"Threshold: records join at match probability {result.threshold:g}")
        self._rules(result.rule_counts)
        times = ", ".join(f"{k} {v} s" for k, v in result.seconds.items())
        self.stdout.write(f"Time: {times}")
