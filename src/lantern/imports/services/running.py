"""The import itself: rows read in batches, checked with the core normalisers, records upserted
with revisions, bad rows quarantined, linkage told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.agencies.models import Agency, Membership
from lantern.core import access, audit, system
from lantern.core.access import Actor, Role
from lantern.core.events import Event
from lantern.imports import access as imports_access
from lantern.imports import bulk, linking
from lantern.imports.models import (
    PERSON_FIELDS,
    Extract,
    ExtractStatus,
    QuarantinedRow,
    SourceRecord,
    SourceRecordRevision,
    SuppliedRecord,
    SupplyOutcome,
)
from lantern.imports.readers import (
    SNIFF_BYTES,
    ExtractFileError,
    count_rows,
    file_kind,
    open_table,
)
from lantern.imports.rows import Mapping, Normalised, RowChecker, plan_columns, raw_values
from lantern.imports.services.profiles import mapping_for

logger = logging.getLogger(__name__)


BATCH_SIZE = 2000


#: A batch also ends once its rows hold this much text (an extract of long rows).
BATCH_BYTES = 256 * 1024


#: Row numbers kept per warning, to show the analyst where to look.
WARNING_ROWS_KEPT = 20


#: The fields compared to decide whether a re-supplied row changed its record.
TRACKED_FIELDS: tuple[str, ...] = ("agency_id", *PERSON_FIELDS, "raw")


_UPSERT_FIELDS = [
    "agency",
    "extract",
    *(f for f in TRACKED_FIELDS if f != "agency_id"),
    "version",
    "withdrawn_at",
    "updated_at",
]


@dataclass
class _Candidate:
    row_number: int
    values: dict[str, Any]
    warnings: dict[str, str]
    raw: dict[str, str]


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    record_ids: list[int] = field(default_factory=list)


_RECORD_KEYS = ("id", "source", "record_id", "version", "extract_id", "withdrawn_at")


#: Columns written for a new or changed record; an existing record keeps ``created_at``
#: and its link to a person (linkage's to change).
_RECORD_COLUMNS = (
    "source",
    "record_id",
    "created_at",
    "updated_at",
    "extract_id",
    "version",
    "withdrawn_at",
    *TRACKED_FIELDS,
)


_RECORD_UPDATES = [c for c in _RECORD_COLUMNS if c not in {"source", "record_id", "created_at"}]


def _snapshot(record: dict[str, Any]) -> dict[str, Any]:
    """What a record says now, as JSON (for its revision history)."""
    snap: dict[str, Any] = {}
    for name in TRACKED_FIELDS:
        value = record[name]
        snap[name] = value.isoformat() if isinstance(value, date) else value
    snap["extract_id"] = record["extract_id"]
    snap["version"] = record["version"]
    snap["withdrawn"] = record["withdrawn_at"] is not None
    return snap


def _same(record: dict[str, Any], values: dict[str, Any]) -> bool:
    return all(record[name] == values[name] for name in TRACKED_FIELDS)


def _apply_batch(extract: Extract, candidates: list[_Candidate]) -> BatchResult:
    """Write one batch of checked rows. Call inside a transaction.

    A record ID given twice in one extract is refused the second time (quarantined with the
    row it first appeared in), so each extract supplies a record once.
    """
    result = BatchResult()
    now = timezone.now()
    first_row: dict[tuple[str, str], int] = {}
    unique: list[_Candidate] = []
    for candidate in candidates:
        key = (candidate.values["source"], candidate.values["record_id"])
        if key in first_row:
            result.quarantined.append(_duplicate(extract, candidate, first_row[key]))
            continue
        first_row[key] = candidate.row_number
        unique.append(candidate)
    if not unique:
        return result
    sources = {s for s, _ in first_row}
    existing = {
        (r["source"], r["record_id"]): r
        for r in SourceRecord.objects.filter(
            source__in=sources, record_id__in=[r for _, r in first_row]
        ).values(*_RECORD_KEYS, *TRACKED_FIELDS)
    }
    earlier = dict(
        SuppliedRecord.objects.filter(
            extract=extract, record_id__in=[r["id"] for r in existing.values()]
        ).values_list("record_id", "row_number")
    )
    writes: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    # (candidate, record id or None for a new record, version, outcome)
    supplied: list[tuple[_Candidate, int | None, int, str]] = []
    for candidate in unique:
        values = candidate.values
        key = (values["source"], values["record_id"])
        record = existing.get(key)
        if record is not None and record["id"] in earlier:
            result.quarantined.append(_duplicate(extract, candidate, earlier[record["id"]]))
            continue
        outcome: str
        if record is None:
            version, outcome, record_id = 1, SupplyOutcome.CREATED, None
            result.created += 1
        elif _same(record, values) and record["withdrawn_at"] is None:
            supplied.append((candidate, record["id"], record["version"], SupplyOutcome.UNCHANGED))
            result.unchanged += 1
            continue
        else:
            version, outcome, record_id = record["version"] + 1, SupplyOutcome.UPDATED, record["id"]
            revisions.append((record_id, record["version"], _snapshot(record), extract.pk, now))
            result.updated += 1
        writes.append(
            (
                *key,
                now,
                now,
                extract.pk,
                version,
                None,
                *(values[name] for name in TRACKED_FIELDS),
            )
        )
        supplied.append((candidate, record_id, version, outcome))
    # One upsert for new and changed records. Between two imports of the same records
    # running at once, the later write wins (both extracts still list the record).
    bulk.write_rows(
        SourceRecord,
        _RECORD_COLUMNS,
        writes,
        conflict=("source", "record_id"),
        update=_RECORD_UPDATES,
    )
    new_keys = [c.values["record_id"] for c, pk, _, _ in supplied if pk is None]
    new_ids = (
        {
            (src, rid): pk
            for pk, src, rid in SourceRecord.objects.filter(
                source__in=sources, record_id__in=new_keys
            ).values_list("id", "source", "record_id")
        }
        if new_keys
        else {}
    )
    bulk.write_rows(
        SourceRecordRevision,
        ("record_id", "version", "previous", "extract_id", "changed_at"),
        revisions,
    )
    rows = []
    for candidate, pk, version, outcome in supplied:
        record_id = pk or new_ids[(candidate.values["source"], candidate.values["record_id"])]
        rows.append((extract.pk, record_id, candidate.row_number, version, outcome))
        result.record_ids.append(record_id)
    bulk.write_rows(
        SuppliedRecord, ("extract_id", "record_id", "row_number", "version", "outcome"), rows
    )
    return result


def _duplicate(extract: Extract, candidate: _Candidate, first: int) -> QuarantinedRow:
    return QuarantinedRow(
        extract=extract,
        row_number=candidate.row_number,
        raw=candidate.raw,
        errors={
            "record_id": f"This record ID is given twice in this extract: row {first} was "
            "imported, this row was not. Fix its record ID or discard it"
        },
    )


ProgressCallback = Callable[[Extract], None]


class _Warnings:
    """Counts of kept rows with a doubtful value, with the first few row numbers of each."""

    def __init__(self, initial: dict[str, Any]) -> None:
        self.by_field: dict[str, Any] = dict(initial)

    def add(self, row_number: int, warnings: dict[str, str]) -> None:
        for name, message in warnings.items():
            entry = self.by_field.setdefault(name, {"message": message, "count": 0, "rows": []})
            entry["count"] += 1
            if len(entry["rows"]) < WARNING_ROWS_KEPT:
                entry["rows"].append(row_number)


def _batches(
    rows: Iterable[tuple[int, list[str]]], size: int, max_bytes: int = BATCH_BYTES
) -> Iterator[list[tuple[int, list[str]]]]:
    batch: list[tuple[int, list[str]]] = []
    held = 0
    for row in rows:
        batch.append(row)
        held += sum(len(cell) for cell in row[1])
        if len(batch) >= size or held >= max_bytes:
            yield batch
            batch = []
            held = 0
    if batch:
        yield batch


#: An import runs as the membership that uploaded the extract (it was that person's decision,
#: and the import rule is checked against them when it runs); the imports service, a hub
#: analyst like the people the rule lets import, records only what happens when that
#: membership can no longer act.
IMPORTS_SERVICE = system.declare(
    system.Service(
        username="lantern-imports",
        title="Agency imports",
        role=Role.ANALYST,
        purpose="import agency extracts",
    )
)


def _runner_actor(extract: Extract) -> Actor:
    from lantern.accounts.actors import actor_for_membership

    membership = (
        Membership.objects.select_related("user", "agency")
        .filter(pk=extract.uploaded_as_id or 0, is_active=True, agency__is_active=True)
        .first()
    )
    if membership is None:
        raise ExtractFileError(
            "The membership that uploaded this extract is no longer active, so it was not "
            "imported. Upload it again."
        )
    return actor_for_membership(membership, channel="task")


def checker_for(extract: Extract, mapping: Mapping) -> RowChecker:
    return RowChecker(
        mapping,
        default_source=extract.source,
        default_agency=extract.agency.code,
        agencies=dict(Agency.objects.filter(is_active=True).values_list("code", "pk")),
        today=timezone.localdate(),
    )


def extract_run(
    *, extract_id: int, progress: ProgressCallback | None = None, batch_size: int = BATCH_SIZE
) -> Extract:
    """Import a queued extract, as the membership that uploaded it.

    Does nothing unless the extract is waiting to start (so a repeated task is harmless).
    Progress is saved after every batch; ``progress`` is called then too (the console bar).
    A file that cannot be read fails the import with the reason; batches already written
    stay (importing the file again, fixed, is idempotent).
    """
    claimed = Extract.objects.filter(pk=extract_id, status=ExtractStatus.QUEUED).update(
        status=ExtractStatus.RUNNING, started_at=timezone.now()
    )
    extract = Extract.objects.select_related("agency", "profile", "uploaded_by").get(pk=extract_id)
    if not claimed:
        return extract
    actor: Actor | None = None
    try:
        actor = _runner_actor(extract)
        access.check(
            actor,
            imports_access.may_import(actor),
            "import agency extracts",
            object_type="extract",
            object_id=extract.pk,
        )
        _import_rows(extract, actor, progress, batch_size)
    except (ExtractFileError, access.AccessRefused) as exc:
        _fail(extract, str(exc), actor)
        return extract
    except Exception:
        logger.exception("Import of extract %s failed", extract.pk)
        _fail(extract, "Something went wrong while importing; the error is in the log.", actor)
        raise
    finally:
        if extract.stored_path:
            Path(extract.stored_path).unlink(missing_ok=True)
    _notify_linkage(extract)
    return extract


def _fail(extract: Extract, message: str, actor: Actor | None) -> None:
    """Record the failure as the uploader's membership, or, when that membership can no
    longer act (the reason the import failed), as the imports service."""
    if actor is None:
        try:
            actor = system.service_actor(IMPORTS_SERVICE)
        except ValidationError:  # no hub any more: nobody to act for
            actor = None
    extract.status = ExtractStatus.FAILED
    extract.error = message
    extract.finished_at = timezone.now()
    with transaction.atomic():
        extract.save(update_fields=["status", "error", "finished_at", "updated_at"])
        audit.record(
            actor,
            Event.EXTRACT_IMPORT_FAILED,
            object_id=extract.pk,
            username=extract.uploaded_by.get_username(),
            channel="task",
            detail={"error": message[:300], "uploaded_by": extract.uploaded_by.get_username()},
        )


def _import_rows(
    extract: Extract, actor: Actor, progress: ProgressCallback | None, batch_size: int
) -> None:
    mapping = mapping_for(extract.profile)
    path = Path(extract.stored_path)
    if not path.exists():
        raise ExtractFileError("The uploaded file is no longer there. Upload it again.")
    with path.open("rb") as head:
        kind = file_kind(extract.file_name, head.read(SNIFF_BYTES))
    options = {
        "kind": kind,
        "encoding": mapping.encoding,
        "delimiter": mapping.delimiter,
        "header_row": mapping.header_row,
    }
    extract.rows_total = count_rows(path, sheet=mapping.sheet, **options) or 0  # type: ignore[arg-type]
    extract.save(update_fields=["rows_total", "updated_at"])
    checker = checker_for(extract, mapping)
    bulk.tune_for_bulk_writes()
    with open_table(path, sheet=mapping.sheet, **options) as table:  # type: ignore[arg-type]
        plan = plan_columns(mapping, table.header)
        notes: dict[str, Any] = {}
        if plan.missing:
            notes["columns_missing"] = {
                "message": "Columns not in the file (read as empty): " + ", ".join(plan.missing),
                "count": len(plan.missing),
                "rows": [],
            }
        if plan.ignored:
            notes["columns_ignored"] = {
                "message": "Columns Lantern does not read: " + ", ".join(plan.ignored[:30]),
                "count": len(plan.ignored),
                "rows": [],
            }
        warnings = _Warnings(notes)
        for rows in _batches(table.rows, batch_size):
            _import_batch(extract, checker, plan, rows, warnings)
            if progress:
                progress(extract)
    extract.status = ExtractStatus.DONE
    extract.finished_at = timezone.now()
    extract.rows_total = max(extract.rows_total, extract.rows_done)
    with transaction.atomic():
        extract.save(update_fields=["status", "finished_at", "rows_total", "updated_at"])
        audit.record(
            actor,
            Event.EXTRACT_IMPORTED,
            object_id=extract.pk,
            detail={
                "rows": extract.rows_done,
                "created": extract.rows_created,
                "updated": extract.rows_updated,
                "unchanged": extract.rows_unchanged,
                "quarantined": extract.rows_quarantined,
            },
        )


def _import_batch(
    extract: Extract,
    checker: RowChecker,
    plan: Any,
    rows: list[tuple[int, list[str]]],
    warnings: _Warnings,
) -> None:
    candidates: list[_Candidate] = []
    refused: list[QuarantinedRow] = []
    seen = 0
    for row_number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or an empty spreadsheet row
        seen += 1
        raw = raw_values(plan, cells)
        checked: Normalised = checker.check(raw)
        if checked.errors:
            refused.append(
                QuarantinedRow(
                    extract=extract, row_number=row_number, raw=raw, errors=checked.errors
                )
            )
        else:
            candidates.append(
                _Candidate(row_number, checked.values, checked.warnings, checked.values["raw"])
            )
    rows.clear()  # the cells are in the candidates now; let them go
    with transaction.atomic():
        result = _apply_batch(extract, candidates)
        refused.extend(result.quarantined)
        QuarantinedRow.objects.bulk_create(refused)
        quarantined_rows = {q.row_number for q in result.quarantined}
        for candidate in candidates:
            if candidate.warnings and candidate.row_number not in quarantined_rows:
                warnings.add(candidate.row_number, candidate.warnings)
        extract.rows_done += seen
        extract.rows_created += result.created
        extract.rows_updated += result.updated
        extract.rows_unchanged += result.unchanged
        extract.rows_quarantined += len(refused)
        extract.warnings = warnings.by_field
        extract.save(
            update_fields=[
                "rows_done",
                "rows_created",
                "rows_updated",
                "rows_unchanged",
                "rows_quarantined",
                "warnings",
                "updated_at",
            ]
        )


def _notify_linkage(extract: Extract) -> None:
    """Tell linkage which records this extract created or changed (if linkage is there)."""
    if extract.status != ExtractStatus.DONE:
        return
    record_ids = list(
        SuppliedRecord.objects.filter(
            extract=extract, outcome__in=[SupplyOutcome.CREATED, SupplyOutcome.UPDATED]
        )
        .order_by("record_id")
        .values_list("record_id", flat=True)
    )
    try:
        _records_imported(extract.pk, record_ids)
    except Exception:  # the import stands; linkage can be run again
        logger.exception("Linkage could not take the records of extract %s", extract.pk)


def _records_imported(extract_id: int, record_ids: list[int]) -> None:
    if record_ids:
        linking.linker().records_imported(extract_id=extract_id, record_ids=record_ids)
