"""Withdrawing an extract: what only it supplied withdrawn, earlier versions restored, linkage
told.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.imports import access as imports_access
from lantern.imports import linking
from lantern.imports.models import (
    Extract,
    ExtractStatus,
    QuarantinedRow,
    QuarantineStatus,
    SourceRecord,
    SourceRecordRevision,
    SuppliedRecord,
)
from lantern.imports.services.running import _RECORD_KEYS, TRACKED_FIELDS, _snapshot


@dataclass(frozen=True)
class Withdrawal:
    extract: Extract
    records_withdrawn: int
    records_restored: int
    quarantine_discarded: int


def extract_withdraw(*, actor: Actor, extract: Extract, reason: str) -> Withdrawal:
    """Withdraw an extract and everything derived from it.

    Its records that no other extract supplied are withdrawn (``withdrawn_at``) and their
    links to people cleared (by linkage's ``records_withdrawn`` hook); a record whose
    current values came from this extract alone goes back to the latest version another
    extract supplied; its open quarantine is discarded; its stored file is deleted.
    """
    access.check(
        actor,
        imports_access.may_import(actor),
        "withdraw agency extracts",
        object_type="extract",
        object_id=extract.pk,
    )
    if not reason.strip():
        raise InvalidError({"reason": "Say why this extract is being withdrawn"})
    if extract.status == ExtractStatus.WITHDRAWN:
        raise InvalidError("This extract has already been withdrawn.", code="withdrawn")
    if extract.status == ExtractStatus.RUNNING:
        raise InvalidError(
            "This extract is being imported. Withdraw it when the import has finished.",
            code="running",
        )
    now = timezone.now()
    with transaction.atomic():
        locked = Extract.objects.select_for_update().get(pk=extract.pk)
        if locked.status in (ExtractStatus.RUNNING, ExtractStatus.WITHDRAWN):
            raise InvalidError("This extract is being imported or was withdrawn just now.")
        withdrawn_ids, restored = _withdraw_records(locked, now)
        discarded = QuarantinedRow.objects.filter(
            extract=locked, status=QuarantineStatus.OPEN
        ).update(status=QuarantineStatus.DISCARDED, resolved_by=actor.user, resolved_at=now)
        locked.status = ExtractStatus.WITHDRAWN
        locked.withdrawn_at = now
        locked.withdrawn_by = actor.user
        locked.withdrawal_reason = reason.strip()
        locked.save(
            update_fields=[
                "status",
                "withdrawn_at",
                "withdrawn_by",
                "withdrawal_reason",
                "updated_at",
            ]
        )
        _records_withdrawn(withdrawn_ids)
        audit.record(
            actor,
            Event.EXTRACT_WITHDRAWN,
            object_id=locked.pk,
            detail={
                "reason": reason[:300],
                "records_withdrawn": len(withdrawn_ids),
                "records_restored": restored,
                "quarantine_discarded": discarded,
            },
        )
    if locked.stored_path:
        Path(locked.stored_path).unlink(missing_ok=True)
    return Withdrawal(
        extract=locked,
        records_withdrawn=len(withdrawn_ids),
        records_restored=restored,
        quarantine_discarded=discarded,
    )


def _withdraw_records(extract: Extract, now: Any) -> tuple[list[int], int]:
    """Withdraw what only this extract supplied; roll back what it alone last changed."""
    withdrawn: list[int] = []
    restored = 0
    records = SourceRecord.objects.filter(supplied_by__extract=extract, withdrawn_at__isnull=True)
    for chunk in _chunks(records.order_by("pk").iterator(2000), 2000):
        # The latest version of each record that another, standing extract supplied.
        versions: dict[int, int] = {}
        others = (
            SuppliedRecord.objects.filter(record_id__in=[r.pk for r in chunk])
            .exclude(extract=extract)
            .exclude(extract__status=ExtractStatus.WITHDRAWN)
            .values_list("record_id", "version")
        )
        for record_id, version in others:
            versions[record_id] = max(version, versions.get(record_id, 0))
        alone = [r.pk for r in chunk if r.pk not in versions]
        if alone:
            SourceRecord.objects.filter(pk__in=alone).update(withdrawn_at=now, updated_at=now)
            withdrawn.extend(alone)
        for record in chunk:
            kept = versions.get(record.pk)
            if kept is not None and kept != record.version:
                _restore_version(record, kept, extract, now)
                restored += 1
    return withdrawn, restored


def _restore_version(record: SourceRecord, version: int, extract: Extract, now: Any) -> None:
    """Put back what ``version`` said (kept in its revision), keeping the current as history."""
    revision = SourceRecordRevision.objects.filter(record=record, version=version).first()
    if revision is None:
        return
    current = {name: getattr(record, name) for name in (*_RECORD_KEYS, *TRACKED_FIELDS)}
    SourceRecordRevision.objects.create(
        record=record,
        version=record.version,
        previous=_snapshot(current),
        extract=extract,
        changed_at=now,
    )
    previous = revision.previous
    for name in TRACKED_FIELDS:
        value = previous.get(name)
        if name == "date_of_birth" and value:
            value = date.fromisoformat(value)
        setattr(record, name, value)
    record.extract_id = previous.get("extract_id") or record.extract_id
    record.version += 1
    record.save()


def _chunks(items: Iterable[SourceRecord], size: int) -> Iterator[list[SourceRecord]]:
    chunk: list[SourceRecord] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _records_withdrawn(record_ids: list[int]) -> None:
    if record_ids:
        linking.linker().records_withdrawn(record_ids=record_ids)
