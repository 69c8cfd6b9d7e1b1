"""Reads for agency extracts, source records, quarantine and profiles.

Only hub roles see any of it (``core.access.require_imports``); every read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.models import AuditAction
from lantern.imports.models import (
    Extract,
    MappingProfile,
    QuarantinedRow,
    QuarantineStatus,
    SourceRecord,
    SourceRecordRevision,
    SuppliedRecord,
)

RECORDS_PAGE_SIZE = 50


def extract_list(actor: Actor) -> QuerySet[Extract]:
    """Every extract, newest first, with how many of its rows wait in quarantine."""
    access.require_imports(actor, object_type="extract")
    audit.record(actor, AuditAction.SEARCH, object_type="extract")
    return (
        Extract.objects.select_related("agency", "profile", "uploaded_by")
        .annotate(
            open_quarantine=Count("quarantine", filter=Q(quarantine__status=QuarantineStatus.OPEN))
        )
        .order_by("-created_at", "-pk")
    )


def extract_get(actor: Actor, pk: int, *, purpose: str = "") -> Extract:
    """One extract with its sharing basis and progress; the read is audited."""
    access.require_imports(actor, object_type="extract", object_id=pk)
    extract = get_object_or_404(
        Extract.objects.select_related(
            "agency", "profile", "uploaded_by", "uploaded_as", "withdrawn_by"
        ),
        pk=pk,
    )
    audit.record(
        actor, AuditAction.VIEW, object_type="extract", object_id=extract.pk, purpose=purpose
    )
    return extract


def extract_progress(actor: Actor, pk: int) -> Extract:
    """The progress counters only, for the page that polls them (not audited each poll:
    they are counts, not person data, and the page view was audited)."""
    access.require_imports(actor, object_type="extract", object_id=pk)
    return get_object_or_404(Extract.objects.select_related("agency"), pk=pk)


def open_quarantine_count(extract: Extract) -> int:
    return extract.quarantine.filter(status=QuarantineStatus.OPEN).count()


def quarantine_list(
    actor: Actor, extract: Extract, *, status: str = "open"
) -> QuerySet[QuarantinedRow]:
    """An extract's quarantined rows (the rows as supplied, with the reasons); audited."""
    access.require_imports(actor, object_type="extract", object_id=extract.pk)
    audit.record(
        actor,
        AuditAction.VIEW,
        object_type="quarantine",
        object_id=extract.pk,
        detail={"status": status},
    )
    rows = QuarantinedRow.objects.filter(extract=extract).select_related("resolved_by")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("row_number", "pk")


def quarantined_row_get(actor: Actor, pk: int) -> QuarantinedRow:
    access.require_imports(actor, object_type="quarantined_row", object_id=pk)
    row = get_object_or_404(
        QuarantinedRow.objects.select_related("extract", "extract__agency", "extract__profile"),
        pk=pk,
    )
    audit.record(actor, AuditAction.VIEW, object_type="quarantined_row", object_id=row.pk)
    return row


def extract_records(actor: Actor, extract: Extract) -> QuerySet[SuppliedRecord]:
    """What the extract supplied, row by row, with the record each row became."""
    access.require_imports(actor, object_type="extract", object_id=extract.pk)
    audit.record(actor, AuditAction.VIEW, object_type="extract_records", object_id=extract.pk)
    return (
        SuppliedRecord.objects.filter(extract=extract)
        .select_related("record")
        .order_by("row_number")
    )


@dataclass
class RecordHistory:
    record: SourceRecord
    revisions: list[SourceRecordRevision]
    supplied_by: list[SuppliedRecord]


def source_record_get(actor: Actor, pk: int) -> RecordHistory:
    """One source record, what earlier versions said and which extracts supplied it."""
    access.require_imports(actor, object_type="source_record", object_id=pk)
    record = get_object_or_404(
        SourceRecord.objects.select_related("agency", "extract", "person"), pk=pk
    )
    audit.record(
        actor,
        AuditAction.VIEW,
        object_type="source_record",
        object_id=record.pk,
        person_id=record.person_id,
    )
    return RecordHistory(
        record=record,
        revisions=list(record.revisions.select_related("extract").order_by("-version")),
        supplied_by=list(
            record.supplied_by.select_related("extract", "extract__agency").order_by(
                "-extract__created_at"
            )
        ),
    )


def profile_list(actor: Actor) -> list[MappingProfile]:
    """The latest version of each profile (profiles are not person data; not audited)."""
    access.require_imports(actor, object_type="mapping_profile")
    latest: dict[str, MappingProfile] = {}
    for profile in MappingProfile.objects.select_related("created_by").order_by("name", "-version"):
        latest.setdefault(profile.name, profile)
    return list(latest.values())


def profile_versions(actor: Actor, name: str) -> list[MappingProfile]:
    access.require_imports(actor, object_type="mapping_profile", object_id=name)
    versions = list(
        MappingProfile.objects.filter(name=name).select_related("created_by").order_by("-version")
    )
    if not versions:
        raise Http404(f"No mapping profile is called {name}")
    return versions


def profile_get(actor: Actor, name: str, version: int | None = None) -> MappingProfile:
    access.require_imports(actor, object_type="mapping_profile", object_id=name)
    profiles = MappingProfile.objects.filter(name=name)
    if version is not None:
        return get_object_or_404(profiles, version=version)
    profile = profiles.order_by("-version").first()
    if profile is None:
        raise Http404(f"No mapping profile is called {name}")
    return profile


def profile_choices() -> list[tuple[str, str]]:
    """The latest version of each profile, for a form's choices."""
    seen: dict[str, Any] = {}
    for pk, name, version, description in MappingProfile.objects.order_by(
        "name", "-version"
    ).values_list("pk", "name", "version", "description"):
        if name not in seen:
            label = f"{name} (version {version})" + (f" – {description}" if description else "")
            seen[name] = (str(pk), label)
    return list(seen.values())
