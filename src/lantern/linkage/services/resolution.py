"""Resolution: turning scored pairs into people (strong pairs link, uncertain ones queue for
review, records become or join people).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from lantern.agencies.models import Agency
from lantern.cases import services as case_services
from lantern.core import audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.imports.models import SourceRecord
from lantern.linkage.clustering import Components
from lantern.linkage.models import (
    CandidatePair,
    Decision,
    LinkageModel,
    LinkageRun,
    MergeKind,
    PairLabel,
    PairStatus,
    PersonMerge,
)
from lantern.linkage.services.merges import _merge
from lantern.linkage.services.records import (
    _best_record,
    _ensure_record_involvement,
    _record_details,
    _record_label,
)
from lantern.linkage.services.training import latest_labels
from lantern.people import services as people_services
from lantern.people.models import (
    Person,
)


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
    case_services.case_activity(
        survivor,
        trigger="linkage_match",
        source_description=f"Agency records linked to the person (linkage run {run.pk})",
        actor=actor,
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
