"""Writes for agency extracts: profiles, uploads, the import itself, quarantine, withdrawal.

Each operation checks permission first (before any transaction, so a refusal's audit entry
is kept), changes data in a transaction and records its audit event in that transaction.

The import (:func:`extract_run`) streams the file in batches of at most :data:`BATCH_SIZE`
rows and :data:`BATCH_BYTES` of text (so memory is bounded by the batch, never the file), each
batch in its own transaction: a row either becomes a :class:`SourceRecord` (created, updated
with its earlier values kept as a :class:`SourceRecordRevision`, or found unchanged) or a
:class:`QuarantinedRow` with the reason for each refused field. It never creates people:
when it has finished it tells linkage which records are new or changed
(``lantern.linkage.hooks.records_imported``), and linkage decides who they are.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.agencies.models import Agency, Membership
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.models import AuditAction
from lantern.imports import bulk, profiles
from lantern.imports.models import (
    PERSON_FIELDS,
    Extract,
    ExtractStatus,
    MappingProfile,
    QuarantinedRow,
    QuarantineStatus,
    SourceRecord,
    SourceRecordRevision,
    SuppliedRecord,
    SupplyOutcome,
)
from lantern.imports.readers import ExtractFileError, count_rows, file_kind, open_table
from lantern.imports.rows import Mapping, Normalised, RowChecker, plan_columns, raw_values
from lantern.people.services import DEFAULT_LAWFUL_BASIS

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
_SOURCE = re.compile(r"[a-z0-9][a-z0-9._-]*", re.ASCII)
#: Where linkage's hooks live; the import calls them if they are there.
LINKAGE_HOOKS = "lantern.linkage.hooks"


def import_dir() -> Path:
    """Where uploaded files wait for their import (removed once it has finished)."""
    configured = getattr(settings, "LANTERN_IMPORT_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "imports"


# --- mapping profiles ------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileLoaded:
    profile: MappingProfile
    created: bool


def profile_load(*, actor: Actor, text: str) -> ProfileLoaded:
    """Validate a profile and store it as the next version of its name.

    Loading a definition identical to the latest version stores nothing new. Raises
    :class:`~lantern.imports.profiles.ProfileInvalid` listing each problem with its line.
    """
    access.require(actor, access.may_import(actor), "load mapping profiles")
    known = set(Agency.objects.values_list("code", flat=True))
    definition = profiles.parse_profile(text, known_agencies=known)
    name = definition["profile"]
    with transaction.atomic():
        latest = MappingProfile.objects.filter(name=name).order_by("-version").first()
        if latest is not None and latest.definition == definition:
            return ProfileLoaded(profile=latest, created=False)
        profile = MappingProfile.objects.create(
            name=name,
            version=(latest.version + 1) if latest else 1,
            description=definition.get("description", ""),
            definition=definition,
            source_text=text,
            created_by=actor.user,
        )
        audit.record(
            actor,
            AuditAction.CREATE,
            object_type="mapping_profile",
            object_id=profile.pk,
            detail={"name": name, "version": profile.version},
        )
    return ProfileLoaded(profile=profile, created=True)


def mapping_for(profile: MappingProfile | None) -> Mapping:
    return Mapping.from_definition(profile.definition) if profile else Mapping()


# --- uploading ---------------------------------------------------------------------------


def _store_upload(upload: IO[bytes], suffix: str) -> tuple[Path, str, int]:
    folder = import_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        os.chmod(path, 0o600)  # person data: readable by Lantern's own account only
        while chunk := upload.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return path, digest.hexdigest(), size


def _check_header(path: Path, kind: str, mapping: Mapping) -> None:
    """Refuse at once a file whose header lacks the record ID column (or any mapped one)."""
    with open_table(
        path,
        kind=kind,
        encoding=mapping.encoding,
        delimiter=mapping.delimiter,
        header_row=mapping.header_row,
        sheet=mapping.sheet,
    ) as table:
        plan = plan_columns(mapping, table.header)
    if "record_id" not in plan.indexes:
        wanted = ", ".join(mapping.columns["record_id"])
        layout = "the standard layout (docs/imports.md)" if mapping.is_standard else "its profile"
        raise ExtractFileError(
            f"The file has no {wanted} column, which {layout} needs for the record ID."
        )
    if not mapping.is_standard and plan.missing:
        raise ExtractFileError(
            "The file lacks columns its profile names: " + ", ".join(plan.missing)
        )


def extract_create(
    *,
    actor: Actor,
    upload: IO[bytes],
    file_name: str,
    agency: Agency,
    source: str = "",
    profile: MappingProfile | None = None,
    sharing_agreement: str,
    lawful_basis: str = "",
) -> Extract:
    """Store an uploaded extract with the basis it is shared on, ready to import.

    The supplying agency, the data-sharing agreement, the lawful basis and the uploader are
    recorded with it. Raises ValidationError naming the field for a file Lantern cannot read
    or a missing agreement; nothing is kept then.
    """
    access.require(actor, access.may_import(actor), "import agency extracts")
    mapping = mapping_for(profile)
    source = (source or mapping.source or agency.code).strip().lower()
    errors: dict[str, str] = {}
    if not _SOURCE.fullmatch(source) or len(source) > 60:
        errors["source"] = (
            "Name the source system in lower-case letters, digits, dots, hyphens and "
            "underscores, like police-niche"
        )
    if not sharing_agreement.strip():
        errors["sharing_agreement"] = "Name the data-sharing agreement this extract is shared under"
    if len(sharing_agreement) > 200:
        errors["sharing_agreement"] = "Use no more than 200 characters"
    if len(lawful_basis) > 300:
        errors["lawful_basis"] = "Use no more than 300 characters"
    if not agency.is_active:
        errors["agency"] = "That agency is no longer active in Lantern"
    name = Path(file_name).name[:255] or "extract.csv"
    head = upload.read(4)
    try:
        kind = file_kind(name, head)
    except ExtractFileError as exc:
        errors["file"] = str(exc)
    if errors:
        raise ValidationError(errors)
    path, sha256, size = _store_upload(_prepend(head, upload), Path(name).suffix.lower())
    try:
        if size == 0:
            raise ExtractFileError("The file is empty.")
        _check_header(path, kind, mapping)
    except ExtractFileError as exc:
        path.unlink(missing_ok=True)
        raise ValidationError({"file": str(exc)}) from exc
    try:
        with transaction.atomic():
            extract = Extract.objects.create(
                agency=agency,
                source=source,
                profile=profile,
                file_name=name,
                file_sha256=sha256,
                stored_path=str(path),
                sharing_agreement=sharing_agreement.strip(),
                lawful_basis=lawful_basis.strip() or DEFAULT_LAWFUL_BASIS,
                uploaded_by=actor.user,
                uploaded_as_id=actor.membership_id,
            )
            audit.record(
                actor,
                AuditAction.CREATE,
                object_type="extract",
                object_id=extract.pk,
                purpose="import an agency extract",
                detail={
                    "file_name": name,
                    "sha256": sha256,
                    "bytes": size,
                    "agency": agency.code,
                    "source": source,
                    "profile": str(profile) if profile else "standard layout",
                    "sharing_agreement": extract.sharing_agreement,
                    "lawful_basis": extract.lawful_basis,
                },
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return extract


class _Prepended:
    """A binary reader that gives back the bytes already read from the front, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return out
        return self.rest.read(size)


def _prepend(head: bytes, rest: IO[bytes]) -> Any:
    return _Prepended(head, rest)


def extract_enqueue(*, actor: Actor, extract: Extract) -> str:
    """Queue the import for the background worker (``lantern db_worker``)."""
    access.require(actor, access.may_import(actor), "import agency extracts")
    from lantern.imports.tasks import import_extract

    result = import_extract.enqueue(extract_id=extract.pk)
    Extract.objects.filter(pk=extract.pk).update(task_id=str(result.id))
    extract.task_id = str(result.id)
    return extract.task_id


# --- the import ------------------------------------------------------------------------


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
    try:
        actor = _runner_actor(extract)
        access.require(
            actor,
            access.may_import(actor),
            "import agency extracts",
            object_type="extract",
            object_id=extract.pk,
        )
        _import_rows(extract, actor, progress, batch_size)
    except (ExtractFileError, access.AccessRefused) as exc:
        _fail(extract, str(exc))
        return extract
    except Exception:
        logger.exception("Import of extract %s failed", extract.pk)
        _fail(extract, "Something went wrong while importing; the error is in the log.")
        raise
    finally:
        if extract.stored_path:
            Path(extract.stored_path).unlink(missing_ok=True)
    _notify_linkage(extract)
    return extract


def _fail(extract: Extract, message: str) -> None:
    extract.status = ExtractStatus.FAILED
    extract.error = message
    extract.finished_at = timezone.now()
    with transaction.atomic():
        extract.save(update_fields=["status", "error", "finished_at", "updated_at"])
        audit.record(
            None,
            AuditAction.SYSTEM,
            object_type="extract",
            object_id=extract.pk,
            username=extract.uploaded_by.get_username(),
            channel="task",
            detail={"event": "import failed", "error": message[:300]},
        )


def _import_rows(
    extract: Extract, actor: Actor, progress: ProgressCallback | None, batch_size: int
) -> None:
    mapping = mapping_for(extract.profile)
    path = Path(extract.stored_path)
    if not path.exists():
        raise ExtractFileError("The uploaded file is no longer there. Upload it again.")
    with path.open("rb") as head:
        kind = file_kind(extract.file_name, head.read(4))
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
            AuditAction.SYSTEM,
            object_type="extract",
            object_id=extract.pk,
            detail={
                "event": "import finished",
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


def linkage_hook(name: str) -> Callable[..., None] | None:
    """Linkage's hook of this name, or None while linkage does not provide it."""
    try:
        module = importlib.import_module(LINKAGE_HOOKS)
    except ModuleNotFoundError as exc:
        if exc.name in {LINKAGE_HOOKS, "lantern.linkage"}:
            return None
        raise
    hook = getattr(module, name, None)
    return hook if callable(hook) else None


def _records_imported(extract_id: int, record_ids: list[int]) -> None:
    hook = linkage_hook("records_imported")
    if record_ids and hook is not None:
        hook(extract_id=extract_id, record_ids=record_ids)


# --- quarantine --------------------------------------------------------------------------


def _open_row(actor: Actor, row: QuarantinedRow, what: str) -> None:
    access.require(
        actor, access.may_import(actor), what, object_type="quarantined_row", object_id=row.pk
    )
    if row.status != QuarantineStatus.OPEN:
        raise ValidationError(
            f"This row has already been {row.get_status_display().lower()}.", code="resolved"
        )
    if row.extract.status == ExtractStatus.WITHDRAWN:
        raise ValidationError("Its extract has been withdrawn.", code="withdrawn")


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
        raise ValidationError(checked.errors)
    candidate = _Candidate(row.row_number, checked.values, checked.warnings, dict(values))
    with transaction.atomic():
        result = _apply_batch(extract, [candidate])
        if result.quarantined:
            raise ValidationError(result.quarantined[0].errors)
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
            AuditAction.CHANGE,
            object_type="quarantined_row",
            object_id=row.pk,
            detail={
                "event": "fixed and imported",
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
        raise ValidationError({"reason": "Say why this row is being discarded"})
    with transaction.atomic():
        row.status = QuarantineStatus.DISCARDED
        row.resolved_by = actor.user
        row.resolved_at = timezone.now()
        row.save(update_fields=["status", "resolved_by", "resolved_at"])
        audit.record(
            actor,
            AuditAction.CHANGE,
            object_type="quarantined_row",
            object_id=row.pk,
            detail={"event": "discarded", "extract": row.extract_id, "reason": reason[:300]},
        )
    return row


# --- withdrawal --------------------------------------------------------------------------


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
    access.require(
        actor,
        access.may_import(actor),
        "withdraw agency extracts",
        object_type="extract",
        object_id=extract.pk,
    )
    if not reason.strip():
        raise ValidationError({"reason": "Say why this extract is being withdrawn"})
    if extract.status == ExtractStatus.WITHDRAWN:
        raise ValidationError("This extract has already been withdrawn.", code="withdrawn")
    if extract.status == ExtractStatus.RUNNING:
        raise ValidationError(
            "This extract is being imported. Withdraw it when the import has finished.",
            code="running",
        )
    now = timezone.now()
    with transaction.atomic():
        locked = Extract.objects.select_for_update().get(pk=extract.pk)
        if locked.status in (ExtractStatus.RUNNING, ExtractStatus.WITHDRAWN):
            raise ValidationError("This extract is being imported or was withdrawn just now.")
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
            AuditAction.CHANGE,
            object_type="extract",
            object_id=locked.pk,
            detail={
                "event": "withdrawn",
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
    if not record_ids:
        return
    hook = linkage_hook("records_withdrawn")
    if hook is None:
        # No linkage yet: clear the links here, so a withdrawn record is nobody's.
        SourceRecord.objects.filter(pk__in=record_ids).update(person=None)
        return
    hook(record_ids=record_ids)
