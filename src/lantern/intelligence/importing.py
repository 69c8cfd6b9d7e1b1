"""Loading an intelligence extract: ``lantern intel import`` (docs/intelligence.md).

The files are read by the same code that ``lantern alerts evaluate`` uses
(:func:`lantern.intelligence.engine.files.read_records`), so a row refused there is refused
here, for the same reason, and quarantined with it. Then:

- an entity whose id the agency has sent before is the entity it was (idempotence); a
  vehicle, phone, handle or premises already held under another id is matched to it by its
  normalised key (deduplication on entry); anything else is new;
- a link whose id the agency has sent before is already held and is not added again;
- the ``known`` file marks persons at risk and persons of concern.

The whole extract is one transaction and one audit entry (with its counts); the graph and
alerts catch up once it commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lantern.agencies.models import Agency
from lantern.core import audit
from lantern.core.access import Actor
from lantern.core.errors import DomainError, InvalidError
from lantern.core.events import Event
from lantern.intelligence import access as intel_access
from lantern.intelligence import services
from lantern.intelligence.engine import files
from lantern.intelligence.models import (
    Entity,
    EntityKind,
    ExternalEntityId,
    IntelExtract,
    IntelQuarantinedRow,
    Link,
    LinkSource,
    PersonOfConcern,
)

BATCH = 5000


@dataclass
class ImportSummary:
    extract: IntelExtract
    problems: list[files.Problem]


def _digest(*paths: Path | None) -> str:
    h = hashlib.sha256()
    for path in paths:
        if path is not None:
            h.update(path.read_bytes())
        h.update(b"\x00")
    return h.hexdigest()


def intel_import(  # noqa: C901, PLR0912, PLR0915  (one transaction, read top to bottom)
    *,
    actor: Actor,
    entities_path: Path,
    links_path: Path,
    known_path: Path | None,
    agency: Agency,
    agreement: str,
) -> ImportSummary:
    """Load an extract supplied by ``agency`` under ``agreement`` (both required)."""
    intel_access.require_read(actor)
    if not agreement.strip():
        raise InvalidError({"agreement": ["Name the information-sharing agreement"]})
    try:
        entities, links, problems = files.read_records(entities_path, links_path, known_path)
    except files.LayoutError as exc:
        raise DomainError(str(exc)) from exc
    with transaction.atomic():
        extract = IntelExtract.objects.create(
            agency=agency,
            agreement=agreement.strip()[:300],
            entities_name=entities_path.name,
            links_name=links_path.name,
            known_name=known_path.name if known_path else "",
            digest=_digest(entities_path, links_path, known_path),
            loaded_by=actor.user,
        )
        quarantine = [
            IntelQuarantinedRow(
                extract=extract,
                file=_file_kind(p.file, entities_path, links_path),
                row_number=p.row,
                data={},
                reason=p.message,
            )
            for p in problems
        ]
        held = dict(
            ExternalEntityId.objects.filter(
                agency=agency, external_id__in=list(entities)
            ).values_list("external_id", "entity_id")
        )
        ids: dict[str, int] = {}
        new_refs: list[ExternalEntityId] = []
        to_create: list[tuple[str, Entity]] = []
        for ext_id, e in entities.items():
            if ext_id in held:
                ids[ext_id] = held[ext_id]
                extract.entities_matched += 1
                continue
            details = services.EntityDetails(
                kind=e.kind,
                label=e.label or ext_id,
                subtype=e.subtype,
                postcode=e.postcode,
                date_of_birth=e.date_of_birth,
            )
            try:
                key, label = services.entity_key(details)
            except InvalidError as exc:
                quarantine.append(
                    IntelQuarantinedRow(
                        extract=extract,
                        file="entities",
                        row_number=0,
                        data={"entity_id": ext_id, "label": e.label},
                        reason="; ".join(exc.messages),
                    )
                )
                continue
            existing = (
                Entity.objects.filter(kind=e.kind, key=key).values_list("pk", flat=True).first()
                if key
                else None
            )
            if existing is not None:
                ids[ext_id] = existing
                new_refs.append(
                    ExternalEntityId(agency=agency, external_id=ext_id, entity_id=existing)
                )
                extract.entities_matched += 1
                continue
            to_create.append(
                (
                    ext_id,
                    Entity(
                        kind=e.kind,
                        label=label,
                        key=key,
                        subtype=e.subtype,
                        postcode=e.postcode,
                        date_of_birth=e.date_of_birth,
                        at_risk=e.status == "person_at_risk",
                        known_risk_level=e.risk_level if e.status == "person_at_risk" else "",
                        known_open_case=e.open_case if e.status == "person_at_risk" else False,
                        created_by=actor.user,
                        created_by_agency=agency,
                    ),
                )
            )
        # Two rows of one file with the same key are one entity.
        by_key: dict[tuple[str, str], Entity] = {}
        unique: list[Entity] = []
        for _ext_id, entity in to_create:
            if entity.key and (entity.kind, entity.key) in by_key:
                continue
            if entity.key:
                by_key[(entity.kind, entity.key)] = entity
            unique.append(entity)
        for start in range(0, len(unique), BATCH):
            Entity.objects.bulk_create(unique[start : start + BATCH], batch_size=BATCH)
        extract.entities_added = len(unique)
        for ext_id, entity in to_create:
            target = by_key.get((entity.kind, entity.key), entity) if entity.key else entity
            ids[ext_id] = target.pk
            new_refs.append(
                ExternalEntityId(agency=agency, external_id=ext_id, entity_id=target.pk)
            )
        ExternalEntityId.objects.bulk_create(new_refs, batch_size=BATCH)
        # What the hub knows, from the known file.
        created = {entity.pk for entity in unique}
        now = timezone.now()
        for x, e in entities.items():
            if x in ids and e.status == "person_at_risk" and ids[x] not in created:
                Entity.objects.filter(pk=ids[x]).update(
                    at_risk=True,
                    known_risk_level=e.risk_level,
                    known_open_case=e.open_case,
                    updated_at=now,
                )
        concern_ids = [
            ids[x] for x, e in entities.items() if x in ids and e.status == "person_of_concern"
        ]
        already = set(
            PersonOfConcern.objects.filter(entity_id__in=concern_ids).values_list(
                "entity_id", flat=True
            )
        )
        PersonOfConcern.objects.bulk_create(
            [
                PersonOfConcern(
                    entity_id=pk,
                    marked_by=actor.user,
                    marked_by_agency=agency,
                    notes=f"Marked by intelligence extract {extract.pk}",
                )
                for pk in concern_ids
                if pk not in already
            ],
            batch_size=BATCH,
        )
        Entity.objects.filter(pk__in=concern_ids).update(updated_at=timezone.now())
        held_links = set(
            Link.objects.filter(agency=agency, external_id__in=list(links)).values_list(
                "external_id", flat=True
            )
        )
        new_links = []
        for ext_id, link in links.items():
            if ext_id in held_links:
                extract.links_already_held += 1
                continue
            if link.a not in ids or link.b not in ids:
                quarantine.append(
                    IntelQuarantinedRow(
                        extract=extract,
                        file="links",
                        row_number=0,
                        data={"link_id": ext_id},
                        reason="One of its entities was not loaded",
                    )
                )
                continue
            if ids[link.a] == ids[link.b]:
                quarantine.append(
                    IntelQuarantinedRow(
                        extract=extract,
                        file="links",
                        row_number=0,
                        data={"link_id": ext_id},
                        reason="Both ends are the same entity once duplicates are matched",
                    )
                )
                continue
            new_links.append(
                Link(
                    from_entity_id=ids[link.a],
                    to_entity_id=ids[link.b],
                    link_type=link.link_type,
                    date_from=link.date,
                    date_to=link.date_to,
                    agency=agency,
                    source_kind=LinkSource.IMPORT,
                    source_extract=extract,
                    source_reference=link.agency[:200],
                    external_id=ext_id,
                    source_eval=link.source_eval,
                    intel_assessment=link.intel_assessment,
                    handling=link.handling,
                    recorded_by=actor.user,
                )
            )
        Link.objects.bulk_create(new_links, batch_size=BATCH)
        extract.links_added = len(new_links)
        IntelQuarantinedRow.objects.bulk_create(quarantine, batch_size=BATCH)
        extract.rows_quarantined = len(quarantine)
        extract.save()
        audit.record(
            actor,
            Event.INTEL_EXTRACT_IMPORTED,
            object_id=extract.pk,
            detail={
                "agency": agency.code,
                "agreement": extract.agreement,
                "entities_added": extract.entities_added,
                "entities_matched": extract.entities_matched,
                "links_added": extract.links_added,
                "links_already_held": extract.links_already_held,
                "quarantined": extract.rows_quarantined,
            },
        )
    return ImportSummary(extract=extract, problems=problems)


def _file_kind(name: str, entities: Path, links: Path) -> str:
    if name == entities.name:
        return "entities"
    if name == links.name:
        return "links"
    return "known"


def external_ids(agency: Agency) -> dict[int, str]:
    """Entity pk to the agency's own id for it (to compare with file evaluation)."""
    return {
        pk: ext
        for ext, pk in ExternalEntityId.objects.filter(agency=agency).values_list(
            "external_id", "entity_id"
        )
    }


__all__ = ["EntityKind", "ImportSummary", "external_ids", "intel_import"]
