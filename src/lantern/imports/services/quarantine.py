"""Quarantined rows: fixed and resubmitted, or discarded with a reason."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.imports import access as imports_access
from lantern.imports.models import (
    Extract,
    ExtractStatus,
    QuarantinedRow,
    QuarantineStatus,
    SourceRecord,
)
from lantern.imports.services.profiles import mapping_for
from lantern.imports.services.running import (
    _apply_batch,
    _Candidate,
    _records_imported,
    checker_for,
)


def _open_row(actor: Actor, row: QuarantinedRow, what: str) -> None:
    access.check(
        actor,
        imports_access.may_import(actor),
        what,
        object_type="quarantined_row",
        object_id=row.pk,
    )
    if row.status != QuarantineStatus.OPEN:
        raise InvalidError(
            f"This row has already been {row.get_status_display().lower()}.", code="resolved"
        )
    if row.extract.status == ExtractStatus.WITHDRAWN:
        raise InvalidError("Its extract has been withdrawn.", code="withdrawn")


def quarantine_resubmit(
    *, actor: Actor, row: QuarantinedRow, values: dict[str, str]
) -> SourceRecord:
    """Import a quarantined row as corrected by an analyst.

    ``values`` holds the text of each field (the standard layout's names, and ``agency``).
    Raises ValidationError naming each field still refused; the row stays in quarantine.
    """
    _open_row(actor, row, "fix quarantined rows")
    extract = row.extract
    checker = checker_for(extract, mapping_for(extract.profile))
    checked = checker.check({k: str(v) for k, v in values.items()})
    if checked.errors:
        raise InvalidError(checked.errors)
    candidate = _Candidate(row.row_number, checked.values, checked.warnings, dict(values))
    with transaction.atomic():
        result = _apply_batch(extract, [candidate])
        if result.quarantined:
            raise InvalidError(result.quarantined[0].errors)
        record = SourceRecord.objects.get(pk=result.record_ids[0])
        row.status = QuarantineStatus.RESUBMITTED
        row.resolved_by = actor.user
        row.resolved_at = timezone.now()
        row.save(update_fields=["status", "resolved_by", "resolved_at"])
        Extract.objects.filter(pk=extract.pk).update(
            rows_created=extract.rows_created + result.created,
            rows_updated=extract.rows_updated + result.updated,
            rows_unchanged=extract.rows_unchanged + result.unchanged,
        )
        audit.record(
            actor,
            Event.QUARANTINE_ROW_FIXED,
            object_id=row.pk,
            detail={
                "extract": extract.pk,
                "row": row.row_number,
                "record": record.pk,
                "fields": sorted(row.errors),
            },
        )
    if result.created or result.updated:
        _records_imported(extract.pk, [record.pk])
    return record


def quarantine_discard(*, actor: Actor, row: QuarantinedRow, reason: str) -> QuarantinedRow:
    """Set a quarantined row aside without importing it, with the reason."""
    _open_row(actor, row, "discard quarantined rows")
    if not reason.strip():
        raise InvalidError({"reason": "Say why this row is being discarded"})
    with transaction.atomic():
        row.status = QuarantineStatus.DISCARDED
        row.resolved_by = actor.user
        row.resolved_at = timezone.now()
        row.save(update_fields=["status", "resolved_by", "resolved_at"])
        audit.record(
            actor,
            Event.QUARANTINE_ROW_DISCARDED,
            object_id=row.pk,
            detail={"extract": row.extract_id, "reason": reason[:300]},
        )
    return row
