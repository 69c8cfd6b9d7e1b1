"""Linkage models: training, thresholds, the saved artefact, and the model in use."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.linkage import access as linkage_access
from lantern.linkage import engine, features
from lantern.linkage.models import (
    Decision,
    LinkageModel,
    PairLabel,
)
from lantern.linkage.services.records import _record_rows, active_records, records_frame
from lantern.linkage.spec import ModelKind

#: Fewer active records than this and there is nothing to learn a model from.
MIN_TRAINING_RECORDS = 50


#: How strongly the EM estimate of an m probability is held against reviewers' labels: it
#: counts as this many labelled pairs.
LABEL_PRIOR_STRENGTH = 100


DEFAULT_UPPER = 0.99


DEFAULT_LOWER = 0.5


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
        raise InvalidError(
            f"There are {len(rows)} active agency records; a model needs at least "
            f"{MIN_TRAINING_RECORDS}. Import more extracts first.",
            code="too_few_records",
        )
    frame = records_frame(rows)
    prepared = features.prepare(frame) if kind == "lantern" else features.prepare_plain(frame)
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
        raise InvalidError(errors)
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
