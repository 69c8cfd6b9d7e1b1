"""The review queue: claiming, releasing and deciding candidate pairs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantern.cases import services as case_services
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.imports.models import SourceRecord
from lantern.linkage import access as linkage_access
from lantern.linkage.models import (
    CandidatePair,
    Decision,
    LabelSource,
    MergeKind,
    PairLabel,
    PairStatus,
    PersonMerge,
)
from lantern.linkage.services.merges import _merge
from lantern.linkage.services.resolution import _casework
from lantern.people.models import (
    Person,
)


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
            raise InvalidError("This pair has already been decided.", code="decided")
        taken = _claimed_by_someone_else(actor, locked)
        if taken:
            raise InvalidError(taken, code="claimed")
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
        raise InvalidError({"decision": "Choose match, not a match or not sure"})
    note = note.strip()
    if decision == Decision.UNSURE and not note:
        raise InvalidError({"note": "Say what you are not sure about, for the next reviewer"})
    with transaction.atomic():
        locked = _pair_locked(pair)
        if locked.status != PairStatus.PENDING:
            raise InvalidError("This pair has already been decided.", code="decided")
        taken = _claimed_by_someone_else(actor, locked)
        if taken:
            raise InvalidError(taken, code="claimed")
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
            if merge is not None:
                case_services.case_activity(
                    Person.objects.get(pk=merge.survivor_id),
                    trigger="linkage_match",
                    source_description=f"Records {locked.reference} confirmed as one person",
                    actor=actor,
                )
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
