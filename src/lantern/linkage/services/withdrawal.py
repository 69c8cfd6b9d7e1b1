"""An agency extract withdrawn: its records detached from people, with everything derived from
them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from lantern.core import audit
from lantern.core.events import Event
from lantern.imports.models import SourceRecord
from lantern.linkage.models import (
    CandidatePair,
    PairStatus,
    PersonMerge,
    RecordFeatures,
)
from lantern.linkage.services.records import (
    _best_record,
    _reconcile_record_involvements,
    _record_details,
    _record_rows,
    system_actor,
)
from lantern.people import merging
from lantern.people import services as people_services
from lantern.people.models import (
    Involvement,
    InvolvementBasis,
    Person,
)


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
