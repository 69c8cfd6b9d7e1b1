"""Writes and orderings for learning from reviewers' labels (see :mod:`lantern.linkage.learning`).

Kept apart from :mod:`lantern.linkage.services` (which it uses) so the review queue's order
and the re-estimation change nothing else there: ``pair_claim_next`` asks
:func:`review_order` for its order, and :func:`model_learn` saves a new model version the
way ``model_train`` does.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, QuerySet

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.imports.models import SourceRecord
from lantern.linkage import access as linkage_access
from lantern.linkage import engine, learning
from lantern.linkage.models import CandidatePair, Decision, LinkageModel, PairLabel

#: ``active`` (the default): the most useful pair to decide first; ``probability``: the most
#: likely match first (the order before active selection).
ORDERS = ("active", "probability")


def _order_setting() -> str:
    chosen = str(getattr(settings, "LANTERN_LINKAGE_REVIEW_ORDER", "active"))
    return chosen if chosen in ORDERS else "active"


def _decided(labels: Any) -> list[PairLabel]:
    return [
        label
        for label in labels
        if label.decision in (Decision.MATCH, Decision.NOT_MATCH) and label.contributions
    ]


def review_order(candidates: QuerySet[CandidatePair], *, limit: int = 20) -> list[CandidatePair]:
    """The first ``limit`` of ``candidates`` in the order a reviewer should see them.

    Active selection (:func:`lantern.linkage.learning.active_order`) with the model's
    upper threshold as the boundary: a pending pair is kept apart until decided, so its
    doubt is the chance it is a match left unlinked (the pairs nearest the boundary first);
    times its reach (how common its comparison pattern is among the pending pairs) and its
    stakes (the records of the people on each side), each pattern counting for less the
    more often it has been decided already. ``bench/learning.py`` measured this doubt
    against entropy (the chance a reviewer's answer surprises the model): see
    ``bench/README.md``. ``LANTERN_LINKAGE_REVIEW_ORDER =
    "probability"`` gives the most likely match first instead.
    """
    if _order_setting() == "probability":
        return list(candidates.order_by("-match_probability", "pk")[:limit])
    rows = list(
        candidates.values(
            "pk",
            "match_probability",
            "contributions",
            "record_l__person_id",
            "record_r__person_id",
        )
    )
    if not rows:
        return []
    people = {
        row[side] for row in rows for side in ("record_l__person_id", "record_r__person_id")
    } - {None}
    sizes = dict(
        SourceRecord.objects.filter(withdrawn_at__isnull=True, person_id__in=people)
        .values_list("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    chosen = [
        learning.Candidate(
            key=row["pk"],
            probability=float(row["match_probability"]),
            pattern=learning.pattern_of(row["contributions"] or []),
            size_l=sizes.get(row["record_l__person_id"], 1),
            size_r=sizes.get(row["record_r__person_id"], 1),
        )
        for row in rows
    ]
    labelled = [
        learning.pattern_of(label.contributions)
        for label in _decided(PairLabel.objects.only("decision", "contributions"))
    ]
    from lantern.linkage.services import active_model

    model = active_model()
    keys = learning.active_order(
        chosen,
        labelled=labelled,
        limit=limit,
        threshold=model.upper_threshold if model is not None else None,
    )
    pairs = CandidatePair.objects.in_bulk(keys)
    return [pairs[key] for key in keys]


def labelled_patterns() -> Counter[learning.Pattern]:
    """How often each comparison pattern has been decided (for the queue page)."""
    return Counter(
        learning.pattern_of(label.contributions)
        for label in _decided(PairLabel.objects.only("decision", "contributions"))
    )


def model_learn(*, actor: Actor, activate: bool = True) -> LinkageModel:
    """Re-estimate the model in use from reviewers' decisions; save it as the next version.

    Every pair's latest match or not-a-match decision counts once
    (:func:`lantern.linkage.learning.reestimate_m`, against the model in use and the number of
    active records). The same labels always give the same parameters. u, the prior and the
    thresholds are the model's; the new version is saved, filed and audited like a trained one.
    """
    from lantern.linkage import services

    access.check(
        actor,
        linkage_access.may_run_linkage(actor),
        "re-estimate the linkage model from reviewers' decisions",
        object_type="linkage_model",
    )
    base = services.active_model()
    trained = base is not None and bool(base.splink_settings.get("comparisons"))
    if base is None or not trained or base.kind != "lantern":
        raise InvalidError(
            "There is no trained Lantern model in use to re-estimate. Train one first.",
            code="no_model",
        )
    labels = sorted(
        _decided(services.latest_labels().values()), key=lambda x: (x.record_l_id, x.record_r_id)
    )
    if not labels:
        raise InvalidError(
            "No pair has been decided as a match or not a match yet: there is nothing to learn.",
            code="no_labels",
        )
    records = services.active_records().count()
    result = learning.reestimate_m(
        base.splink_settings,
        [
            learning.from_contributions(
                label.contributions, is_match=label.decision == Decision.MATCH
            )
            for label in labels
        ],
        expected=learning.expected_matches(base.splink_settings, max(records, 2)),
    )
    summary = {
        key: value for key, value in base.summary.items() if key not in ("learning", "parameters")
    }
    summary["learning"] = {
        **result.summary(),
        "from_version": base.version,
        "records": records,
    }
    summary["labels_used"] = result.labels_used
    summary["parameters"] = engine.parameters_table(result.settings)
    with transaction.atomic():
        version = (LinkageModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        if activate:
            LinkageModel.objects.filter(is_active=True).update(is_active=False)
        model = LinkageModel.objects.create(
            version=version,
            kind=base.kind,
            splink_settings=result.settings,
            summary=summary,
            upper_threshold=base.upper_threshold,
            lower_threshold=base.lower_threshold,
            records_trained_on=base.records_trained_on,
            labels_used=result.labels_used,
            is_active=activate,
            trained_by=actor.user,
        )
        model.file_path = services._write_artefact(model)
        model.save(update_fields=["file_path"])
        audit.record(
            actor,
            Event.LINKAGE_MODEL_REESTIMATED,
            object_id=model.pk,
            detail={
                "version": version,
                "from_version": base.version,
                "labels_used": result.labels_used,
                "matches": result.matches,
                "non_matches": result.non_matches,
                "levels_moved": len(result.changes),
                "active": activate,
                "file": model.file_path,
            },
        )
    return model
