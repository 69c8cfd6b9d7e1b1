"""Uploading an extract: the file stored and checked, the extract recorded with its sharing basis,
the import queued.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from lantern.agencies.models import Agency
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.imports import access as imports_access
from lantern.imports.models import (
    Extract,
    MappingProfile,
)
from lantern.imports.readers import (
    SNIFF_BYTES,
    ExtractFileError,
    check_workbook,
    file_kind,
    open_table,
)
from lantern.imports.rows import Mapping, plan_columns
from lantern.imports.services.profiles import mapping_for
from lantern.people.services import DEFAULT_LAWFUL_BASIS

_SOURCE = re.compile(r"[a-z0-9][a-z0-9._-]*", re.ASCII)


def import_dir() -> Path:
    """Where uploaded files wait for their import (removed once it has finished)."""
    configured = getattr(settings, "LANTERN_IMPORT_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "imports"


def _store_upload(upload: IO[bytes], suffix: str) -> tuple[Path, str, int]:
    """Copy the upload to Lantern's folder, refusing it once it passes
    ``settings.LANTERN_IMPORT_MAX_BYTES`` (nothing is kept then)."""
    limit = settings.LANTERN_IMPORT_MAX_BYTES
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
            if size > limit:
                break
            out.write(chunk)
    if size > limit:
        path.unlink(missing_ok=True)
        raise ExtractFileError(
            f"The file is larger than Lantern accepts ({limit:,} bytes). Split it into parts."
        )
    return path, digest.hexdigest(), size


def _store_checked(
    upload: IO[bytes], name: str, kind: str, mapping: Mapping
) -> tuple[Path, str, int]:
    """Store the upload and check it can be read; a ValidationError on ``file`` if not (and
    nothing is kept)."""
    try:
        path, sha256, size = _store_upload(upload, Path(name).suffix.lower())
    except ExtractFileError as exc:
        raise InvalidError({"file": str(exc)}) from exc
    try:
        if size == 0:
            raise ExtractFileError("The file is empty.")
        if kind == "xlsx":
            check_workbook(path, max_unpacked_bytes=settings.LANTERN_IMPORT_MAX_UNPACKED_BYTES)
        _check_header(path, kind, mapping)
    except ExtractFileError as exc:
        path.unlink(missing_ok=True)
        raise InvalidError({"file": str(exc)}) from exc
    return path, sha256, size


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
    access.check(actor, imports_access.may_import(actor), "import agency extracts")
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
    head = upload.read(SNIFF_BYTES)
    try:
        kind = file_kind(name, head)
    except ExtractFileError as exc:
        errors["file"] = str(exc)
    if errors:
        raise InvalidError(errors)
    path, sha256, size = _store_checked(_prepend(head, upload), name, kind, mapping)
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
                Event.EXTRACT_UPLOADED,
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
    access.check(actor, imports_access.may_import(actor), "import agency extracts")
    from lantern.imports.tasks import import_extract

    result = import_extract.enqueue(extract_id=extract.pk)
    Extract.objects.filter(pk=extract.pk).update(task_id=str(result.id))
    extract.task_id = str(result.id)
    return extract.task_id
