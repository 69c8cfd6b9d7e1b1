"""Linkage runs: starting, queueing after an import, and carrying one out (score, store features,
resolve).
"""

from __future__ import annotations

import logging
import time

import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event, ObjectType
from lantern.linkage import access as linkage_access
from lantern.linkage import engine, features
from lantern.linkage.models import (
    LinkageModel,
    LinkageRun,
    RecordFeatures,
    RunScope,
    RunStatus,
)
from lantern.linkage.scorer import contributions_from_prediction
from lantern.linkage.services.records import (
    _record_rows,
    active_records,
    records_frame,
    system_actor,
)
from lantern.linkage.services.resolution import Outcome, ScoredPair, _resolve
from lantern.linkage.services.training import active_model, model_train

logger = logging.getLogger(__name__)


def run_start(
    *,
    actor: Actor,
    scope: str = RunScope.FULL,
    record_ids: list[int] | None = None,
    background: bool = True,
    backend: str | None = None,
) -> LinkageRun:
    """Start linking records to people: queued for ``lantern db_worker``, or here and now.

    ``backend`` (duckdb or spark) is for a run here and now; the worker links on the backend
    of its own setting (``LANTERN_LINKAGE_BACKEND``).
    """
    if background and backend:
        raise InvalidError(
            "The background worker links on the backend it was started with; "
            "choose a backend only for a run here and now.",
            code="backend_in_background",
        )
    access.check(actor, linkage_access.may_run_linkage(actor), "start record linkage")
    model = active_model()
    if model is None:
        raise InvalidError("Train a linkage model first.", code="no_model")
    with transaction.atomic():
        run = LinkageRun.objects.create(
            model=model, scope=scope, record_ids=record_ids or [], started_by=actor.user
        )
        audit.record(
            actor,
            Event.LINKAGE_RUN_STARTED,
            object_id=run.pk,
            detail={"scope": scope, "records": len(record_ids or []), "model": model.version},
        )
        if background:
            _enqueue(run)
    if not background:
        run_execute(run_id=run.pk, backend=backend)
        run.refresh_from_db()
    return run


def _enqueue(run: LinkageRun) -> None:
    from lantern.linkage.tasks import link_records

    def send() -> None:
        result = link_records.enqueue(run_id=run.pk)
        LinkageRun.objects.filter(pk=run.pk).update(task_id=str(result.id))

    transaction.on_commit(send)


def records_imported(*, extract_id: int, record_ids: list[int]) -> LinkageRun | None:
    """An import finished: queue an incremental run for its new and changed records.

    With no model yet, the run trains one first (when there are enough records).
    """
    if not record_ids:
        return None
    try:
        actor = system_actor()
    except ValidationError:
        logger.warning("No hub agency: records of extract %s are not linked", extract_id)
        return None
    model = active_model()
    with transaction.atomic():
        if model is None:
            model = _placeholder_model()
        run = LinkageRun.objects.create(
            model=model,
            scope=RunScope.INCREMENTAL,
            record_ids=sorted(set(record_ids)),
            extract_id=extract_id,
        )
        audit.record(
            actor,
            Event.LINKAGE_RUN_QUEUED,
            object_id=run.pk,
            detail={"extract": extract_id, "records": len(record_ids)},
        )
        _enqueue(run)
    return run


def _placeholder_model() -> LinkageModel:
    """Runs need a model row; until one is trained, an empty inactive one stands in."""
    model, _ = LinkageModel.objects.get_or_create(
        version=0,
        defaults={
            "kind": "lantern",
            "splink_settings": {},
            "summary": {"placeholder": "replaced by a trained model when the run starts"},
            "is_active": False,
        },
    )
    return model


def run_execute(*, run_id: int, backend: str | None = None) -> LinkageRun:
    """Score and resolve: the body of the background task (also run in the foreground).

    The work is the linkage service's (:data:`LINKAGE_SERVICE`), checked by the same rule as
    a person starting a run; who started it is on the run and in its audit entry.
    """
    actor = system_actor()
    access.check(
        actor,
        linkage_access.may_run_linkage(actor),
        "run record linkage",
        object_type=ObjectType.LINKAGE_RUN,
        object_id=run_id,
    )
    claimed = LinkageRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    run = LinkageRun.objects.select_related("model", "started_by").get(pk=run_id)
    if not claimed:  # already run (or running): a repeated task is harmless
        return run
    started = time.perf_counter()
    try:
        if not run.model.splink_settings or not run.model.is_active:
            model = active_model()
            if model is None:
                model = model_train(actor=system_actor(), activate=True, backend=backend)
            LinkageRun.objects.filter(pk=run.pk).update(model=model)
            run.model = model
        outcome = _link(run=run, actor=actor, backend=backend)
    except Exception as exc:
        logger.exception("Linkage run %s failed", run.pk)
        LinkageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    seconds = dict(outcome.seconds or {})
    seconds["total"] = round(time.perf_counter() - started, 2)
    outcome.seconds = seconds
    with transaction.atomic():
        LinkageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            finished_at=timezone.now(),
            **outcome.counts(),
            rule_counts=outcome.rule_counts,
            seconds=outcome.seconds,
        )
        audit.record(
            actor,
            Event.LINKAGE_RUN_FINISHED,
            object_id=run.pk,
            detail={**outcome.counts()},
        )
    run.refresh_from_db()
    return run


def _link(*, run: LinkageRun, actor: Actor, backend: str | None) -> Outcome:
    model = run.model
    outcome = Outcome()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    rows = _record_rows(active_records())
    by_pk = {row["pk"]: row for row in rows}
    if run.scope == RunScope.INCREMENTAL:
        new_ids = {pk for pk in run.record_ids if pk in by_pk}
        # Records never linked (an earlier run failed, or came before any model) join in.
        new_ids |= {row["pk"] for row in rows if row["person_id"] is None}
    else:
        new_ids = set(by_pk)
    outcome.records_considered = len(new_ids)
    if not new_ids:
        return outcome
    frame = records_frame(rows)
    prepared = features.prepare(frame)
    timings["prepare"] = round(time.perf_counter() - t0, 2)
    trained = engine.TrainedModel(kind="lantern", settings=model.splink_settings)
    api = engine.make_api(backend)
    if run.scope == RunScope.INCREMENTAL and len(new_ids) < len(by_pk):
        is_new = pa.array([pk in new_ids for pk in prepared.column("unique_id").to_pylist()])
        prediction = engine.predict_incremental(
            api,
            prepared.filter(pa.compute.invert(is_new)),
            prepared.filter(is_new),
            trained,
            threshold=model.lower_threshold,
        )
    else:
        prediction = engine.predict(api, prepared, trained, threshold=model.lower_threshold)
    timings["predict"] = prediction.seconds
    outcome.rule_counts = prediction.rule_counts
    outcome.pairs_scored = sum(rule["pairs"] for rule in prediction.rule_counts)
    pairs = [
        ScoredPair(
            left=min(int(row["unique_id_l"]), int(row["unique_id_r"])),
            right=max(int(row["unique_id_l"]), int(row["unique_id_r"])),
            probability=float(row["match_probability"]),
            weight=float(row["match_weight"]),
            contributions=contributions_from_prediction(model.splink_settings, row),
        )
        for row in prediction.pairs.to_dict("records")
    ]
    t1 = time.perf_counter()
    _resolve(
        actor=actor,
        run=run,
        model=model,
        pairs=pairs,
        by_pk=by_pk,
        new_ids=new_ids,
        outcome=outcome,
    )
    timings["resolve"] = round(time.perf_counter() - t1, 2)
    t2 = time.perf_counter()
    _store_features(prepared, only=new_ids if run.scope == RunScope.INCREMENTAL else None)
    timings["index"] = round(time.perf_counter() - t2, 2)
    outcome.seconds = timings
    return outcome


FEATURE_FIELDS = [
    f.name for f in RecordFeatures._meta.get_fields() if f.concrete and f.name != "record"
]


def _store_features(prepared: pa.Table, *, only: set[int] | None) -> None:
    """Write each record's comparison columns to the real-time index."""
    wanted = prepared.select(["unique_id", *FEATURE_FIELDS]).to_pylist()
    rows = [row for row in wanted if only is None or row["unique_id"] in only]
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        ids = [row["unique_id"] for row in chunk]
        with transaction.atomic():
            RecordFeatures.objects.filter(record_id__in=ids).delete()
            RecordFeatures.objects.bulk_create(
                [
                    RecordFeatures(
                        record_id=row["unique_id"],
                        **{name: row[name] for name in FEATURE_FIELDS},
                    )
                    for row in chunk
                ]
            )
