"""Merging two people by hand and undoing a merge exactly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.imports.models import SourceRecord
from lantern.linkage import access as linkage_access
from lantern.linkage.models import (
    CandidatePair,
    LinkageRun,
    MergeKind,
    PairStatus,
    PersonMerge,
)
from lantern.linkage.services.records import _reconcile_record_involvements
from lantern.people import merging
from lantern.people.models import (
    Involvement,
    InvolvementBasis,
    Person,
)


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
        raise InvalidError(errors)
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
            raise InvalidError(
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
        raise InvalidError({"reason": "Say why these are different people"})
    choices = choices or {}
    with transaction.atomic():
        locked = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if locked.is_undone:
            raise InvalidError("This merge has already been undone.", code="undone")
        people = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(
                pk__in=[locked.survivor_id, locked.absorbed_id]
            )
        }
        survivor, absorbed = people[locked.survivor_id], people[locked.absorbed_id]
        if survivor.merged_into_id:
            raise InvalidError(
                f"{survivor.reference} has since been merged into another person. "
                "Undo that merge first.",
                code="later_merge",
            )
        if absorbed.merged_into_id != survivor.pk:
            raise InvalidError("These people are no longer merged.", code="not_merged")
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
