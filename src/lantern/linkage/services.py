"""Writes for record linkage: models, runs, resolution to people, review, merge and unmerge.

Every operation checks permission first (before any transaction, so a refusal's audit entry
is kept), changes data in a transaction and records its audit event in that transaction.
Background runs act as the hub's linkage service account (:func:`system_actor`) and say in
the audit log which run, extract or person started them.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from lantern.agencies.models import Agency
from lantern.core import access, audit, system
from lantern.core.access import Actor, Role
from lantern.core.events import Event, ObjectType
from lantern.core.normalisers import (
    PartialDate,
    normalise_email,
    normalise_phone,
    normalise_postcode,
)
from lantern.imports.models import PERSON_FIELDS, SourceRecord
from lantern.imports.rows import as_supplied
from lantern.linkage import access as linkage_access
from lantern.linkage import engine, features
from lantern.linkage.clustering import Components
from lantern.linkage.models import (
    CandidatePair,
    Decision,
    LabelSource,
    LinkageModel,
    LinkageRun,
    MergeKind,
    PairLabel,
    PairStatus,
    PersonMerge,
    RecordFeatures,
    RunScope,
    RunStatus,
)
from lantern.linkage.scorer import contributions_from_prediction
from lantern.linkage.spec import ModelKind
from lantern.people import merging
from lantern.people import services as people_services
from lantern.people.models import (
    DatePrecision,
    Involvement,
    InvolvementBasis,
    Person,
    Sex,
)
from lantern.people.services import NewPerson, involvement_ensure

logger = logging.getLogger(__name__)

SERVICE_USERNAME = "lantern-linkage"
#: Fewer active records than this and there is nothing to learn a model from.
MIN_TRAINING_RECORDS = 50
#: How strongly the EM estimate of an m probability is held against reviewers' labels: it
#: counts as this many labelled pairs.
LABEL_PRIOR_STRENGTH = 100
DEFAULT_UPPER = 0.99
DEFAULT_LOWER = 0.5

NAME_FIELDS = ("first_name", "middle_names", "last_name")
RECORD_FIELDS = (
    "pk",
    "agency_id",
    "source",
    "record_id",
    *PERSON_FIELDS,
    "person_id",
    "extract__lawful_basis",
    "extract__sharing_agreement",
)


# --- who acts --------------------------------------------------------------------------


LINKAGE_SERVICE = system.declare(
    system.Service(
        username=SERVICE_USERNAME,
        title="Record linkage",
        # Runs, training and the merges a run makes: linkage_run allows hub analysts.
        role=Role.ANALYST,
        purpose="record linkage",
    )
)


def system_actor(*, channel: str = "task") -> Actor:
    """The hub's record-linkage service (:data:`LINKAGE_SERVICE`), for runs nobody started
    by hand: a hub analyst under the access policy, audited under its own name."""
    return system.service_actor(LINKAGE_SERVICE, channel=channel)


# --- source records as a frame -----------------------------------------------------------


def active_records() -> Any:
    return SourceRecord.objects.filter(withdrawn_at__isnull=True)


def records_frame(records: Iterable[dict[str, Any]]) -> pa.Table:
    """Source records (as ``values()`` dicts) in the standard layout, keyed by pk."""
    columns: dict[str, list[Any]] = {name: [] for name in ("unique_id", *PERSON_FIELDS)}
    for row in records:
        columns["unique_id"].append(row["pk"])
        for name, values in columns.items():
            if name == "unique_id":
                continue
            value = row.get(name)
            if name == "date_of_birth":
                value = value.isoformat() if isinstance(value, date) else (value or "")
            elif name == "nhs_number_valid":
                value = bool(value)
            else:
                value = value or ""
            values.append(value)
    return pa.table(
        {
            name: pa.array(values, type=pa.int64() if name == "unique_id" else None)
            if values
            else pa.array([], type=pa.int64() if name == "unique_id" else pa.string())
            for name, values in columns.items()
        }
    )


#: Names as the agency wrote them (the folded columns are for matching, not for people).
SUPPLIED_NAMES = {f"supplied_{name}": KT(f"raw__{name}") for name in NAME_FIELDS}


def _record_rows(qs: Any) -> list[dict[str, Any]]:
    return list(qs.values(*RECORD_FIELDS, **SUPPLIED_NAMES).order_by("pk"))


def _as_supplied(record: dict[str, Any], name: str) -> str:
    """A name as the agency wrote it, if that is what was folded; else the folded name."""
    folded: str = record.get(name) or ""
    return as_supplied(folded, record.get(f"supplied_{name}")) or folded.title()


# --- models ----------------------------------------------------------------------------


def models_dir() -> Path:
    return Path(settings.VAR_DIR) / "linkage" / "models"


def artefact(model: LinkageModel) -> dict[str, Any]:
    """The model as a self-contained file: reusable by ``lantern link dedupe --model``."""
    return {
        "format": "lantern-linkage-model",
        "version": model.version,
        "kind": model.kind,
        "trained_at": model.created_at.isoformat(),
        "thresholds": {"upper": model.upper_threshold, "lower": model.lower_threshold},
        "records_trained_on": model.records_trained_on,
        "labels_used": model.labels_used,
        "summary": model.summary,
        "splink_settings": model.splink_settings,
    }


def _write_artefact(model: LinkageModel) -> str:
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"model-v{model.version:04d}.json"
    path.write_text(json.dumps(artefact(model), indent=1, sort_keys=True), encoding="utf-8")
    return str(path)


def refine_with_labels(splink_settings: dict[str, Any], labels: Iterable[PairLabel]) -> int:
    """Fold reviewers' "match" decisions into the m probabilities; return how many counted.

    For each comparison, the level each labelled match reached (kept with the label) is a
    count; the EM estimate counts as :data:`LABEL_PRIOR_STRENGTH` pairs. The result is the
    posterior mean: with a handful of labels the model barely moves, with hundreds they
    dominate. u (chance agreement) is left to random sampling: labelled pairs come from
    the uncertain band, which says little about pairs in general.
    """
    matched = [
        label for label in labels if label.decision == Decision.MATCH and label.contributions
    ]
    if not matched:
        return 0
    by_name = {c["output_column_name"]: c for c in splink_settings["comparisons"]}
    for name, comparison in by_name.items():
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        counts = [0] * len(levels)
        seen = 0
        for label in matched:
            entry = next((c for c in label.contributions if c["comparison"] == name), None)
            if entry is None or int(entry["gamma"]) < 0:
                continue
            position = len(levels) - 1 - int(entry["gamma"])
            if 0 <= position < len(levels):
                counts[position] += 1
                seen += 1
        if not seen:
            continue
        total = LABEL_PRIOR_STRENGTH + seen
        for level, count in zip(levels, counts, strict=True):
            prior = float(level["m_probability"])
            level["m_probability"] = (prior * LABEL_PRIOR_STRENGTH + count) / total
    return len(matched)


def latest_labels() -> dict[tuple[int, int], PairLabel]:
    """The decision that counts for each pair of records: the latest."""
    labels: dict[tuple[int, int], PairLabel] = {}
    for label in PairLabel.objects.order_by("decided_at", "pk"):
        labels[(label.record_l_id, label.record_r_id)] = label
    return labels


def model_train(
    *,
    actor: Actor,
    kind: ModelKind = "lantern",
    activate: bool = True,
    use_labels: bool = True,
    backend: str | None = None,
) -> LinkageModel:
    """Train a model on every active source record and save it as the next version.

    Unsupervised (u by random sampling, m by expectation maximisation on blocking rules),
    then refined with reviewers' labels. The thresholds carry over from the active model.
    """
    access.check(actor, linkage_access.may_run_linkage(actor), "train record linkage models")
    rows = _record_rows(active_records())
    if len(rows) < MIN_TRAINING_RECORDS:
        raise ValidationError(
            f"There are {len(rows)} active agency records; a model needs at least "
            f"{MIN_TRAINING_RECORDS}. Import more extracts first.",
            code="too_few_records",
        )
    frame = records_frame(rows)
    prepared = (
        features.prepare(frame) if kind == "lantern" else features.prepare_plain(frame)
    )
    api = engine.make_api(backend)
    trained = engine.train(api, prepared, kind)
    labels_used = 0
    if use_labels and kind == "lantern":
        labels_used = refine_with_labels(trained.settings, latest_labels().values())
        trained.summary["labels_used"] = labels_used
        trained.summary["parameters"] = engine.parameters_table(trained.settings)
    with transaction.atomic():
        previous = LinkageModel.objects.filter(is_active=True).first()
        version = (LinkageModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        if activate:
            LinkageModel.objects.filter(is_active=True).update(is_active=False)
        model = LinkageModel.objects.create(
            version=version,
            kind=kind,
            splink_settings=trained.settings,
            summary=trained.summary,
            upper_threshold=previous.upper_threshold if previous else DEFAULT_UPPER,
            lower_threshold=previous.lower_threshold if previous else DEFAULT_LOWER,
            records_trained_on=len(rows),
            labels_used=labels_used,
            is_active=activate,
            trained_by=actor.user,
        )
        model.file_path = _write_artefact(model)
        model.save(update_fields=["file_path"])
        audit.record(
            actor,
            Event.LINKAGE_MODEL_TRAINED,
            object_id=model.pk,
            detail={
                "version": version,
                "records": len(rows),
                "labels_used": labels_used,
                "active": activate,
                "file": model.file_path,
            },
        )
    return model


def model_set_thresholds(
    *, actor: Actor, model: LinkageModel, upper: float, lower: float, activate: bool = False
) -> LinkageModel:
    """Set where pairs link automatically (upper) and where review begins (lower)."""
    access.check(
        actor,
        linkage_access.may_run_linkage(actor),
        "change linkage thresholds",
        object_type="linkage_model",
        object_id=model.pk,
    )
    errors = {}
    if not 0 < upper < 1:
        errors["upper_threshold"] = "Enter a probability between 0 and 1, like 0.99"
    if not 0 < lower < 1:
        errors["lower_threshold"] = "Enter a probability between 0 and 1, like 0.5"
    if not errors and lower >= upper:
        errors["lower_threshold"] = "The review threshold must be below the automatic one"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = {"upper": model.upper_threshold, "lower": model.lower_threshold}
        model.upper_threshold, model.lower_threshold = upper, lower
        if activate:
            LinkageModel.objects.exclude(pk=model.pk).filter(is_active=True).update(is_active=False)
            model.is_active = True
        model.save(update_fields=["upper_threshold", "lower_threshold", "is_active", "updated_at"])
        if model.file_path:
            model.file_path = _write_artefact(model)
            model.save(update_fields=["file_path"])
        audit.record(
            actor,
            Event.LINKAGE_THRESHOLDS_SET,
            object_id=model.pk,
            detail={
                "before": before,
                "after": {"upper": upper, "lower": lower},
                "active": model.is_active,
            },
        )
    return model


def active_model() -> LinkageModel | None:
    return LinkageModel.objects.filter(is_active=True).first()


# --- runs ------------------------------------------------------------------------------


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
        raise ValidationError(
            "The background worker links on the backend it was started with; "
            "choose a backend only for a run here and now.",
            code="backend_in_background",
        )
    access.check(actor, linkage_access.may_run_linkage(actor), "start record linkage")
    model = active_model()
    if model is None:
        raise ValidationError("Train a linkage model first.", code="no_model")
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


@dataclass
class Outcome:
    records_considered: int = 0
    pairs_scored: int = 0
    pairs_linked: int = 0
    pairs_for_review: int = 0
    people_created: int = 0
    people_merged: int = 0
    records_attached: int = 0
    rule_counts: list[dict[str, Any]] | None = None
    seconds: dict[str, float] | None = None

    def __post_init__(self) -> None:
        self.rule_counts = self.rule_counts or []
        self.seconds = self.seconds or {}

    def counts(self) -> dict[str, int]:
        return {
            "records_considered": self.records_considered,
            "pairs_scored": self.pairs_scored,
            "pairs_linked": self.pairs_linked,
            "pairs_for_review": self.pairs_for_review,
            "people_created": self.people_created,
            "people_merged": self.people_merged,
            "records_attached": self.records_attached,
        }


@dataclass
class ScoredPair:
    left: int
    right: int
    probability: float
    weight: float
    contributions: list[dict[str, Any]]


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


# --- resolution: records to people -------------------------------------------------------


def _casework(person_ids: Iterable[int]) -> set[int]:
    """People who already have referrals or cases: the hub decides before they merge."""
    from lantern.cases.models import Case
    from lantern.referrals.models import Referral

    found: set[int] = set()
    for chunk in _chunks(sorted(set(person_ids))):
        found.update(
            Referral.objects.filter(person_id__in=chunk).values_list("person_id", flat=True)
        )
        found.update(Case.objects.filter(person_id__in=chunk).values_list("person_id", flat=True))
    return found


def _chunks(items: list[Any], size: int = 5000) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _kept_apart() -> set[frozenset[int]]:
    """Pairs of people whose merge was undone: never joined again without a person."""
    return {
        frozenset((survivor, absorbed))
        for survivor, absorbed in PersonMerge.objects.filter(undone_at__isnull=False).values_list(
            "survivor_id", "absorbed_id"
        )
    }


def _resolve(
    *,
    actor: Actor,
    run: LinkageRun,
    model: LinkageModel,
    pairs: list[ScoredPair],
    by_pk: dict[int, dict[str, Any]],
    new_ids: set[int],
    outcome: Outcome,
) -> None:
    """Decide who each record is: link, queue for review, then settle each group."""
    labels = latest_labels()
    person_of = {pk: row["person_id"] for pk, row in by_pk.items()}
    touched = set(new_ids)
    for pair in pairs:
        touched.update((pair.left, pair.right))
    components = _components(by_pk=by_pk, person_of=person_of, touched=touched, labels=labels)
    people = {p for p in (person_of.get(pk) for pk in touched) if p}
    casework = _casework(people)
    outcome.pairs_linked = _link_strong_pairs(components, pairs, labels, model.upper_threshold)
    review = [
        pair
        for pair in pairs
        if components.find(pair.left) != components.find(pair.right)
        and _reviewable(labels.get((pair.left, pair.right)))
    ]
    outcome.pairs_for_review = _queue(run=run, model=model, review=review, components=components)
    for members in _groups(components, touched):
        with transaction.atomic():
            _settle(
                actor=actor,
                run=run,
                members=members,
                by_pk=by_pk,
                casework=casework,
                outcome=outcome,
            )


def _reviewable(label: PairLabel | None) -> bool:
    """A pair goes (back) to the queue unless someone has decided it."""
    return label is None or label.decision == Decision.UNSURE


def _components(
    *,
    by_pk: dict[int, dict[str, Any]],
    person_of: dict[int, int | None],
    touched: set[int],
    labels: dict[tuple[int, int], PairLabel],
) -> Components:
    """The union-find, starting from today's people, with what may never be joined."""
    records_of: dict[int, list[int]] = {}
    for pk, person_id in person_of.items():
        if person_id:
            records_of.setdefault(person_id, []).append(pk)
    people = {p for p in (person_of.get(pk) for pk in touched) if p}
    allow = _people_rule(person_of, casework=_casework(people), kept_apart=_kept_apart())
    nhs = {
        pk: row["nhs_number"]
        for pk, row in by_pk.items()
        if row["nhs_number_valid"] and row["nhs_number"]
    }
    cannot = [key for key, label in labels.items() if label.decision == Decision.NOT_MATCH]
    components = Components(nhs=nhs, cannot=cannot, allow=allow)
    for person_id in people:
        # Every record of these people, not only those scored: the constraints see them all.
        pks = records_of.get(person_id, [])
        for pk in pks:
            components.add(pk)
        for pk in pks[1:]:
            components.union(pks[0], pk)
        touched.update(pks)
    for pk in touched:
        components.add(pk)
    for (left, right), label in labels.items():
        if label.decision == Decision.MATCH and left in by_pk and right in by_pk:
            components.union(left, right)
    return components


def _people_rule(
    person_of: dict[int, int | None], *, casework: set[int], kept_apart: set[frozenset[int]]
) -> Any:
    """What the people behind two groups of records forbid: a merge someone undid, or two
    people who both have casework (the hub decides those)."""

    def allow(left: set[int], right: set[int]) -> str | None:
        people_l = {person_of[pk] for pk in left if person_of.get(pk)}
        people_r = {person_of[pk] for pk in right if person_of.get(pk)}
        if people_l & people_r:
            return None
        if any(frozenset((a, b)) in kept_apart for a in people_l for b in people_r):
            return "their merge was undone"
        if (people_l & casework) and (people_r & casework):
            return "both already have casework"
        return None

    return allow


def _link_strong_pairs(
    components: Components,
    pairs: list[ScoredPair],
    labels: dict[tuple[int, int], PairLabel],
    upper: float,
) -> int:
    """Join pairs at or above the upper threshold, strongest first; count those joined."""
    linked = 0
    for pair in sorted(pairs, key=lambda p: (-p.probability, p.left, p.right)):
        if pair.probability < upper:
            break
        label = labels.get((pair.left, pair.right))
        if label is not None and label.decision == Decision.NOT_MATCH:
            continue
        if components.link(pair.left, pair.right, pair.probability):
            linked += 1
    return linked


def _groups(components: Components, touched: set[int]) -> Iterator[list[int]]:
    seen: set[int] = set()
    for pk in sorted(touched):
        root = components.find(pk)
        if root in seen:
            continue
        seen.add(root)
        yield sorted(components.members[root])


def _queue(
    *,
    run: LinkageRun,
    model: LinkageModel,
    review: list[ScoredPair],
    components: Components,
) -> int:
    """Create or refresh review pairs; retire pending pairs that are now one person."""
    lam = float(model.splink_settings["probability_two_random_records_match"])
    prior = math.log2(lam / (1 - lam))
    wanted = {(p.left, p.right): p for p in review}
    with transaction.atomic():
        existing = {
            (pair.record_l_id, pair.record_r_id): pair
            for pair in CandidatePair.objects.filter(status=PairStatus.PENDING)
        }
        for chunk in _chunks(sorted({key[0] for key in wanted})):
            for pair in CandidatePair.objects.filter(record_l_id__in=chunk):
                existing[(pair.record_l_id, pair.record_r_id)] = pair
        created: list[CandidatePair] = []
        for key, scored in wanted.items():
            found = existing.get(key)
            if found is None:
                created.append(
                    CandidatePair(
                        record_l_id=key[0],
                        record_r_id=key[1],
                        model=model,
                        run=run,
                        match_weight=scored.weight,
                        match_probability=scored.probability,
                        prior_weight=prior,
                        contributions=scored.contributions,
                    )
                )
            elif found.status in (PairStatus.PENDING, PairStatus.SUPERSEDED):
                CandidatePair.objects.filter(pk=found.pk).update(
                    model=model,
                    run=run,
                    match_weight=scored.weight,
                    match_probability=scored.probability,
                    prior_weight=prior,
                    contributions=scored.contributions,
                    status=PairStatus.PENDING,
                )
        CandidatePair.objects.bulk_create(created, batch_size=1000)
        retire = [
            pair.pk
            for key, pair in existing.items()
            if pair.status == PairStatus.PENDING
            and key not in wanted
            and components.find(key[0]) == components.find(key[1])
        ]
        CandidatePair.objects.filter(pk__in=retire).update(
            status=PairStatus.SUPERSEDED, claimed_by=None, claimed_at=None
        )
    return len(wanted)


def _settle(
    *,
    actor: Actor,
    run: LinkageRun,
    members: list[int],
    by_pk: dict[int, dict[str, Any]],
    casework: set[int],
    outcome: Outcome,
) -> None:
    """Make one group of records one person: reuse, merge or create, then attach."""
    records = [by_pk[pk] for pk in members if pk in by_pk]
    people = sorted({row["person_id"] for row in records if row["person_id"]})
    unattached = [row for row in records if not row["person_id"]]
    if len(people) <= 1 and not unattached:
        return
    if people:
        # The person with casework survives; otherwise the one known longest.
        survivor_id = sorted(people, key=lambda pk: (pk not in casework, pk))[0]
        survivor = Person.objects.get(pk=survivor_id)
        for absorbed_id in people:
            if absorbed_id == survivor_id:
                continue
            absorbed = Person.objects.get(pk=absorbed_id)
            if absorbed.merged_into_id or survivor.merged_into_id:
                continue
            _merge(
                actor=actor,
                survivor=survivor,
                absorbed=absorbed,
                reason=(
                    "Linked automatically: their agency records match above the automatic "
                    f"threshold (run {run.pk}, model v{run.model.version})."
                ),
                kind=MergeKind.AUTOMATIC,
                run=run,
            )
            outcome.people_merged += 1
    else:
        first = _best_record(unattached)
        survivor = _person_from_record(actor=actor, record=first)
        outcome.people_created += 1
        unattached = [row for row in unattached if row["pk"] != first["pk"]]
        outcome.records_attached += 1
        for row in records:
            if row["pk"] == first["pk"]:
                row["person_id"] = survivor.pk
    for row in unattached:
        _attach(actor=actor, record=row, person=survivor)
        row["person_id"] = survivor.pk
        outcome.records_attached += 1
    for row in records:
        row["person_id"] = survivor.pk
    audit.record(
        actor,
        Event.LINKAGE_RECORDS_ATTACHED,
        object_id=survivor.pk,
        person_id=survivor.pk,
        purpose="record linkage",
        detail={"run": run.pk, "records": [row["pk"] for row in records]},
    )


def _completeness(row: dict[str, Any]) -> int:
    return sum(
        1
        for name in ("first_name", "last_name", "date_of_birth", "nhs_number", "postcode", "phone")
        if row.get(name)
    )


def _best_record(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted(rows, key=lambda row: (-_completeness(row), row["pk"]))[0]


def _record_label(row: dict[str, Any]) -> str:
    return f"record:{row['pk']} ({row['source']} {row['record_id']})"[:200]


def _clean(normalise: Any, value: str) -> str:
    if not value:
        return ""
    try:
        return str(normalise(value))
    except ValidationError:
        return ""


def _partial(row: dict[str, Any]) -> PartialDate | None:
    value = row.get("date_of_birth")
    if not value:
        return None
    precision = row.get("dob_precision") or DatePrecision.DAY
    if precision == DatePrecision.YEAR:
        return PartialDate(value.year)
    if precision == DatePrecision.MONTH:
        return PartialDate(value.year, value.month)
    return PartialDate.from_date(value)


def _sex(value: str) -> str:
    return value if value in Sex.values else Sex.NOT_KNOWN


def _record_details(record: dict[str, Any]) -> NewPerson:
    """What an agency record says about its person, as people's services take it."""
    return NewPerson(
        given_name=_as_supplied(record, "first_name"),
        family_name=_as_supplied(record, "last_name"),
        middle_names=_as_supplied(record, "middle_names"),
        date_of_birth=_partial(record),
        sex=_sex(record["sex"] or ""),
        nhs_number=record["nhs_number"] if record["nhs_number_valid"] else "",
        postcode=_clean(normalise_postcode, record["postcode"] or ""),
        address_line=record["address"] or "",
        phone=_clean(normalise_phone, record["phone"] or ""),
        email=_clean(normalise_email, record["email"] or ""),
    )


def _person_from_record(*, actor: Actor, record: dict[str, Any]) -> Person:
    """A new person from an agency record, every fact said by that agency."""
    details = _record_details(record)
    agency = Agency.objects.get(pk=record["agency_id"])
    person = people_services.person_create_from_agency_record(
        actor=actor,
        details=details,
        agency=agency,
        source_record_id=record["pk"],
        label=_record_label(record),
    )
    SourceRecord.objects.filter(pk=record["pk"]).update(person=person)
    _ensure_record_involvement(actor=actor, person=person, record=record)
    return person


def _attach(*, actor: Actor, record: dict[str, Any], person: Person) -> None:
    """Link a record to a person and add what it says, as its agency's facts."""
    SourceRecord.objects.filter(pk=record["pk"]).update(person=person)
    people_services.facts_record(
        person=person,
        details=_record_details(record),
        said=people_services.Said(
            agency_id=record["agency_id"],
            source_record_id=record["pk"],
            label=_record_label(record),
        ),
    )
    _ensure_record_involvement(actor=actor, person=person, record=record)


def _ensure_record_involvement(*, actor: Actor, person: Person, record: dict[str, Any]) -> None:
    lawful_basis = record.get("extract__lawful_basis") or ""
    agreement = record.get("extract__sharing_agreement") or ""
    involvement_ensure(
        actor=actor,
        person=person,
        agency_id=record["agency_id"],
        basis=InvolvementBasis.RECORD,
        reference=record["source"],
        purpose=f"Holds a record in {record['source']}"
        + (f" (shared under {agreement})" if agreement else ""),
        lawful_basis=lawful_basis,
    )


def _reconcile_record_involvements(actor: Actor, person: Person) -> None:
    """A person has a record involvement for each agency system that holds a record of them,
    and no other."""
    held = {
        (agency_id, source)
        for agency_id, source in SourceRecord.objects.filter(
            person=person, withdrawn_at__isnull=True
        ).values_list("agency_id", "source")
    }
    for involvement in Involvement.objects.filter(
        person=person, basis=InvolvementBasis.RECORD, ended_at__isnull=True
    ):
        if (involvement.agency_id, involvement.reference) not in held:
            people_services.involvement_end(
                actor=actor,
                involvement=involvement,
                why="no record of this agency's system is linked any more",
            )
    for agency_id, source in held:
        involvement_ensure(
            actor=actor,
            person=person,
            agency_id=agency_id,
            basis=InvolvementBasis.RECORD,
            reference=source,
        )


# --- review ----------------------------------------------------------------------------


def _pair_locked(pair: CandidatePair) -> CandidatePair:
    return CandidatePair.objects.select_for_update().get(pk=pair.pk)


def _claimed_by_someone_else(actor: Actor, pair: CandidatePair) -> str | None:
    if pair.claim_is_live() and pair.claimed_by_id != actor.user.pk:
        who = pair.claimed_by
        name = who.get_full_name() or who.get_username() if who else "Someone"
        return (
            f"{name} is reviewing this pair (since {timezone.localtime(pair.claimed_at):%H:%M}). "
            "Choose another pair."
        )
    return None


def pair_claim(*, actor: Actor, pair: CandidatePair) -> CandidatePair:
    """Take a pair to review; nobody else can decide it while the claim lasts."""
    access.check(
        actor,
        linkage_access.may_review_links(actor),
        "review linked records",
        object_type="linkage_pair",
        object_id=pair.pk,
    )
    with transaction.atomic():
        locked = _pair_locked(pair)
        if locked.status != PairStatus.PENDING:
            raise ValidationError("This pair has already been decided.", code="decided")
        taken = _claimed_by_someone_else(actor, locked)
        if taken:
            raise ValidationError(taken, code="claimed")
        locked.claimed_by = actor.user
        locked.claimed_at = timezone.now()
        locked.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
        audit.record(
            actor,
            Event.PAIR_CLAIMED,
            object_id=locked.pk,
        )
    return locked


def pair_claim_next(*, actor: Actor) -> CandidatePair | None:
    """Claim the next pair nobody is reviewing, in the review order
    (:func:`lantern.linkage.services_learning.review_order`: active selection)."""
    access.check(actor, linkage_access.may_review_links(actor), "review linked records")
    now = timezone.now()
    from lantern.linkage.models import CLAIM_LEASE

    candidates = CandidatePair.objects.filter(status=PairStatus.PENDING).filter(
        Q(claimed_by__isnull=True)
        | Q(claimed_at__lt=now - CLAIM_LEASE)
        | Q(claimed_by_id=actor.user.pk)
    )
    from lantern.linkage.services_learning import review_order

    for pair in review_order(candidates, limit=20):
        try:
            return pair_claim(actor=actor, pair=pair)
        except ValidationError:
            continue
    return None


def pair_release(*, actor: Actor, pair: CandidatePair) -> None:
    """Give a claimed pair back to the queue."""
    access.check(actor, linkage_access.may_review_links(actor), "review linked records")
    with transaction.atomic():
        locked = _pair_locked(pair)
        if locked.claimed_by_id == actor.user.pk:
            locked.claimed_by = None
            locked.claimed_at = None
            locked.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
            audit.record(
                actor,
                Event.PAIR_RELEASED,
                object_id=locked.pk,
            )


def pair_decide(*, actor: Actor, pair: CandidatePair, decision: str, note: str = "") -> PairLabel:
    """Record a reviewer's decision as a label, and act on it.

    A match merges the two people (reversibly); not a match keeps them apart for good;
    not sure leaves the pair in the queue for someone else, with the note.
    """
    access.check(
        actor,
        linkage_access.may_review_links(actor),
        "review linked records",
        object_type="linkage_pair",
        object_id=pair.pk,
    )
    if decision == Decision.MATCH:
        access.check(actor, linkage_access.may_merge_people(actor), "merge people")
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose match, not a match or not sure"})
    note = note.strip()
    if decision == Decision.UNSURE and not note:
        raise ValidationError({"note": "Say what you are not sure about, for the next reviewer"})
    with transaction.atomic():
        locked = _pair_locked(pair)
        if locked.status != PairStatus.PENDING:
            raise ValidationError("This pair has already been decided.", code="decided")
        taken = _claimed_by_someone_else(actor, locked)
        if taken:
            raise ValidationError(taken, code="claimed")
        label = PairLabel.objects.create(
            record_l_id=locked.record_l_id,
            record_r_id=locked.record_r_id,
            pair=locked,
            decision=decision,
            note=note,
            source=LabelSource.REVIEW,
            model_id=locked.model_id,
            match_probability=locked.match_probability,
            contributions=locked.contributions,
            decided_by=actor.user,
        )
        merge = None
        if decision == Decision.UNSURE:
            locked.unsure_count += 1
            locked.claimed_by = None
            locked.claimed_at = None
            locked.save(update_fields=["unsure_count", "claimed_by", "claimed_at", "updated_at"])
        else:
            locked.status = PairStatus.DECIDED
            locked.claimed_by = None
            locked.claimed_at = None
            locked.save(update_fields=["status", "claimed_by", "claimed_at", "updated_at"])
        if decision == Decision.MATCH:
            merge = _merge_records_people(actor=actor, pair=locked, note=note)
        audit.record(
            actor,
            Event.PAIR_DECIDED,
            object_id=locked.pk,
            detail={
                "decision": decision,
                "label": label.pk,
                "merge": merge.pk if merge else None,
            },
        )
    return label


def _merge_records_people(*, actor: Actor, pair: CandidatePair, note: str) -> PersonMerge | None:
    left = SourceRecord.objects.get(pk=pair.record_l_id)
    right = SourceRecord.objects.get(pk=pair.record_r_id)
    people = {p for p in (left.person_id, right.person_id) if p}
    people = {_current(pk) for pk in people}
    if len(people) != 2:
        return None
    casework = _casework(people)
    survivor_id = sorted(people, key=lambda pk: (pk not in casework, pk))[0]
    absorbed_id = next(pk for pk in people if pk != survivor_id)
    return _merge(
        actor=actor,
        survivor=Person.objects.get(pk=survivor_id),
        absorbed=Person.objects.get(pk=absorbed_id),
        reason=f"Clerical review decided records {pair.reference} match."
        + (f" {note}" if note else ""),
        kind=MergeKind.REVIEW,
        pair=pair,
    )


def _current(person_id: int) -> int:
    """Follow ``merged_into`` to the person a record's person now is."""
    seen = set()
    while True:
        nxt = Person.objects.filter(pk=person_id).values_list("merged_into_id", flat=True).first()
        if not nxt or person_id in seen:
            return person_id
        seen.add(person_id)
        person_id = nxt


# --- merge and unmerge -------------------------------------------------------------------


def people_merge(*, actor: Actor, survivor: Person, absorbed: Person, reason: str) -> PersonMerge:
    """Merge two people by hand: everything of ``absorbed`` moves to ``survivor``.

    Reversible exactly (:func:`merge_undo`). Both people must be current (not merged away).
    """
    access.check(
        actor,
        linkage_access.may_merge_people(actor),
        "merge people",
        object_type="person",
        object_id=absorbed.pk,
    )
    reason = reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Say why these are the same person"
    if survivor.pk == absorbed.pk:
        errors["other"] = "Choose a different person to merge with"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _merge(
            actor=actor, survivor=survivor, absorbed=absorbed, reason=reason, kind=MergeKind.MANUAL
        )


def _merge(
    *,
    actor: Actor,
    survivor: Person,
    absorbed: Person,
    reason: str,
    kind: str,
    pair: CandidatePair | None = None,
    run: LinkageRun | None = None,
) -> PersonMerge:
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, absorbed.pk])
    }
    for person in locked.values():
        if person.merged_into_id:
            raise ValidationError(
                f"{person.reference} has already been merged into another person.",
                code="merged",
            )
    snapshot = merging.merge_rows(survivor.pk, absorbed.pk)
    merge = PersonMerge.objects.create(
        survivor=survivor,
        absorbed=absorbed,
        kind=kind,
        reason=reason,
        pair=pair,
        run=run,
        merged_by=actor.user,
        snapshot=snapshot,
    )
    # Pairs waiting for review between the two are answered.
    record_ids = list(SourceRecord.objects.filter(person=survivor).values_list("pk", flat=True))
    CandidatePair.objects.filter(
        status=PairStatus.PENDING, record_l_id__in=record_ids, record_r_id__in=record_ids
    ).update(status=PairStatus.SUPERSEDED, claimed_by=None, claimed_at=None)
    moved = {
        key: len(entry["moved"]) for key, entry in snapshot["tables"].items() if entry["moved"]
    }
    for person in (survivor, absorbed):
        audit.record(
            actor,
            Event.PEOPLE_MERGED,
            object_id=person.pk,
            person_id=person.pk,
            purpose="merge people",
            detail={
                "merge": merge.pk,
                "kind": kind,
                "survivor": survivor.pk,
                "absorbed": absorbed.pk,
                "moved": moved,
                "reason": reason[:300],
            },
        )
    return merge


@dataclass(frozen=True)
class Placement:
    """Where something added since a merge goes when it is undone."""

    item: merging.AddedItem
    description: str
    default: str  # "survivor" or "absorbed"
    automatic: bool  # decided by the records (not offered to the person undoing)


def undo_placements(merge: PersonMerge) -> list[Placement]:
    """What was added to the merged person since, and where each would go by default.

    Agency records added since go to whichever side their best-matching records are on;
    facts taken from a record follow it; a chronology entry follows its case; the rest
    stays with the survivor unless the person undoing the merge says otherwise.
    """
    from lantern.cases.models import Case, ChronologyEntry

    others = PersonMerge.objects.filter(survivor=merge.survivor, undone_at__isnull=True).exclude(
        pk=merge.pk
    )
    items = merging.added_since(merge.survivor_id, merge.snapshot, [m.snapshot for m in others])
    record_side = _record_sides(merge, [i.pk for i in items if i.relation.model is SourceRecord])
    tables = merge.snapshot.get("tables", {})
    moved_cases = set(tables.get(f"{Case._meta.label}:person", {}).get("moved", []))
    placements = []
    for item in items:
        model = item.relation.model
        obj: Any = model._default_manager.filter(pk=item.pk).first()
        description = f"{str(model._meta.verbose_name).capitalize()}: {obj}"
        side, automatic = "survivor", False
        if model is SourceRecord:
            side, automatic = record_side.get(item.pk, "survivor"), True
        elif getattr(obj, "source_record_id", None):
            record_pk = obj.source_record_id
            side = record_side.get(record_pk) or (
                "absorbed" if record_pk in _moved_records(merge) else "survivor"
            )
            automatic = True
        elif model is Involvement and obj.basis == InvolvementBasis.RECORD:
            automatic = True  # set right afterwards from the records each side holds
        elif model is ChronologyEntry and obj.case_id is not None:
            side = "absorbed" if obj.case_id in moved_cases else "survivor"
            automatic = obj.case_id in moved_cases
        placements.append(Placement(item, description, side, automatic))
    return placements


def _moved_records(merge: PersonMerge) -> set[int]:
    entry = merge.snapshot.get("tables", {}).get(f"{SourceRecord._meta.label}:person", {})
    return set(entry.get("moved", []))


def _entries_follow_cases(placements: list[Placement], placed: dict[str, str]) -> None:
    """A chronology entry added since goes with its case, wherever the case goes."""
    from lantern.cases.models import Case, ChronologyEntry

    case_side = {p.item.pk: placed[p.item.key] for p in placements if p.item.relation.model is Case}
    for p in placements:
        if p.item.relation.model is ChronologyEntry:
            case_id = (
                ChronologyEntry.objects.filter(pk=p.item.pk)
                .values_list("case_id", flat=True)
                .first()
            )
            if case_id in case_side:
                placed[p.item.key] = case_side[case_id]


def _record_sides(merge: PersonMerge, record_ids: list[int]) -> dict[int, str]:
    """For records linked since the merge: the side whose records they match best."""
    if not record_ids:
        return {}
    from lantern.linkage.matching import score_against

    entry = merge.snapshot.get("tables", {}).get(f"{SourceRecord._meta.label}:person", {})
    absorbed_records = set(entry.get("moved", []))
    survivor_records = set(entry.get("survivor", []))
    sides = {}
    for pk in record_ids:
        best_a = score_against(pk, absorbed_records)
        best_s = score_against(pk, survivor_records)
        sides[pk] = "absorbed" if best_a > best_s else "survivor"
    return sides


def merge_undo(
    *,
    actor: Actor,
    merge: PersonMerge,
    reason: str,
    choices: dict[str, str] | None = None,
) -> PersonMerge:
    """Unmerge exactly: the rows the merge moved go back, changed fields are restored, and
    what was added since goes where its records (or ``choices``) say. Audited; the two
    people are then kept apart by automatic linkage."""
    access.check(
        actor,
        linkage_access.may_merge_people(actor),
        "unmerge people",
        object_type="person_merge",
        object_id=merge.pk,
    )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why these are different people"})
    choices = choices or {}
    with transaction.atomic():
        locked = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if locked.is_undone:
            raise ValidationError("This merge has already been undone.", code="undone")
        people = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(
                pk__in=[locked.survivor_id, locked.absorbed_id]
            )
        }
        survivor, absorbed = people[locked.survivor_id], people[locked.absorbed_id]
        if survivor.merged_into_id:
            raise ValidationError(
                f"{survivor.reference} has since been merged into another person. "
                "Undo that merge first.",
                code="later_merge",
            )
        if absorbed.merged_into_id != survivor.pk:
            raise ValidationError("These people are no longer merged.", code="not_merged")
        placements = undo_placements(locked)
        placed = {}
        for placement in placements:
            side = placement.default
            if not placement.automatic and choices.get(placement.item.key) in (
                "survivor",
                "absorbed",
            ):
                side = choices[placement.item.key]
            placed[placement.item.key] = side
        _entries_follow_cases(placements, placed)
        to_absorbed = [p.item for p in placements if placed[p.item.key] == "absorbed"]
        returned = merging.unmerge_rows(
            survivor.pk, absorbed.pk, locked.snapshot, to_absorbed=to_absorbed
        )
        if any(p.item.relation.model is SourceRecord for p in placements):
            _reconcile_record_involvements(actor, survivor)
            _reconcile_record_involvements(actor, absorbed)
        locked.undone_at = timezone.now()
        locked.undone_by = actor.user
        locked.undo_reason = reason
        locked.undo_snapshot = {"returned": returned, "placed": placed}
        locked.save(update_fields=["undone_at", "undone_by", "undo_reason", "undo_snapshot"])
        for person in (survivor, absorbed):
            audit.record(
                actor,
                Event.PEOPLE_UNMERGED,
                object_id=person.pk,
                person_id=person.pk,
                purpose="unmerge people",
                detail={
                    "merge": locked.pk,
                    "returned": returned,
                    "placed_with_absorbed": [k for k, v in placed.items() if v == "absorbed"],
                    "reason": reason[:300],
                },
            )
    return locked


# --- withdrawal ------------------------------------------------------------------------


def records_withdraw(*, record_ids: list[int]) -> None:
    """Detach withdrawn records from their people, with everything derived from them.

    Called by the import (inside its withdrawal transaction). Facts a record gave a person
    go; an agency with no record left stops being involved on that basis; a person left
    with nothing at all (no record, referral, case or other fact) drops back out.
    """
    if not record_ids:
        return
    ids = sorted(set(record_ids))
    try:
        actor = system_actor()
    except ValidationError:  # no hub: linkage never ran, so nothing was derived from them
        RecordFeatures.objects.filter(record_id__in=ids).delete()
        SourceRecord.objects.filter(pk__in=ids).update(person=None)
        return
    with transaction.atomic():
        rows = list(
            SourceRecord.objects.filter(pk__in=ids).values("pk", "person_id", "source", "record_id")
        )
        people = {row["person_id"] for row in rows if row["person_id"]}
        RecordFeatures.objects.filter(record_id__in=ids).delete()
        CandidatePair.objects.filter(
            Q(record_l_id__in=ids) | Q(record_r_id__in=ids), status=PairStatus.PENDING
        ).update(status=PairStatus.SUPERSEDED, claimed_by=None, claimed_at=None)
        primary_lost = people_services.facts_withdraw(
            record_ids=[row["pk"] for row in rows if row["person_id"]]
        )
        SourceRecord.objects.filter(pk__in=ids).update(person=None)
        for person_id in sorted(people):
            person = Person.objects.filter(pk=person_id).first()
            if person is None:
                continue
            _reconcile_record_involvements(actor, person)
            if person_id in primary_lost:
                _redescribe(person)
            dropped = _drop_if_empty(person)
            audit.record(
                actor,
                Event.PERSON_RECORDS_WITHDRAWN,
                object_id=person_id,
                person_id=person_id,
                purpose="agency extract withdrawn",
                detail={
                    "records_withdrawn": [
                        row["pk"] for row in rows if row["person_id"] == person_id
                    ],
                    "person_removed": dropped,
                },
            )


def _redescribe(person: Person) -> None:
    """The record a person was first made from has gone: describe them from the best
    record left (name, date of birth, sex), if any."""
    remaining = _record_rows(SourceRecord.objects.filter(person=person, withdrawn_at__isnull=True))
    if not remaining:
        return
    best = _best_record(remaining)
    people_services.person_redescribe(
        person=person, details=_record_details(best), primary_record_id=best["pk"]
    )


def _drop_if_empty(person: Person) -> bool:
    """Delete a person whose only link to Lantern was the records now withdrawn."""
    if (
        person.merged_into_id
        or PersonMerge.objects.filter(Q(survivor=person) | Q(absorbed=person)).exists()
    ):
        return False
    for relation in merging.person_relations():
        rows = relation.model._default_manager.filter(**{relation.field: person.pk})
        if relation.model is Involvement:
            rows = rows.exclude(basis=InvolvementBasis.RECORD, ended_at__isnull=False)
        if relation.model is SourceRecord:
            rows = rows.filter(withdrawn_at__isnull=True)
        if rows.exists():
            return False
    people_services.person_discard(person=person)
    return True
