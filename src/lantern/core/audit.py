"""Writing and verifying the audit log (see :class:`lantern.core.models.AuditEvent`).

Services call :func:`record` inside their own transaction, so a change and its audit entry
commit together or not at all. Reads are recorded by the query layer (``queries.py``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from lantern.core.events import Event, ObjectType
from lantern.core.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from lantern.core.access import Actor

GENESIS_HASH = "0" * 64


def _canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)


def _content(event: AuditEvent) -> dict[str, Any]:
    """The hashed content. ``event`` is included only when set, so entries written before
    events were named keep the hashes they were written with."""
    at = event.at.astimezone(UTC) if event.at.tzinfo else event.at.replace(tzinfo=UTC)
    content = {
        "sequence": event.sequence,
        "at": at.isoformat(),
        "user": event.user_id,
        "username": event.username,
        "agency": event.agency_code,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "person_id": event.person_id,
        "purpose": event.purpose,
        "ip": event.ip_address,
        "request_id": event.request_id,
        "channel": event.channel,
        "detail": event.detail,
    }
    if event.event:
        content["event"] = event.event
    return content


def compute_hash(previous_hash: str, event: AuditEvent) -> str:
    payload = previous_hash + _canonical(_content(event))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    actor: Actor | None,
    event: Event,
    *,
    object_id: Any = "",
    person_id: int | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    object_type: ObjectType | str | None = None,
    username: str = "",
    channel: str = "",
) -> AuditEvent:
    """Append one entry to the chain. Call inside the transaction of the change it records.

    The event gives the action and the object type; ``object_type`` is given only for an
    event that names none of its own (``access.refused``: the type of what was refused).
    ``actor`` is ``None`` only before anyone is signed in (sign-in itself); background work
    acts as a service (:func:`lantern.core.services.service_actor`).
    """
    if not isinstance(event, Event):
        raise TypeError(f"audit.record takes an Event, not {event!r}")
    if event.object_type is not None:
        if object_type is not None and object_type != event.object_type:
            raise ValueError(f"{event.value} is about {event.object_type.value}, not {object_type}")
        object_type = event.object_type
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEvent(
            sequence=head.sequence + 1,
            at=timezone.now(),
            user_id=actor.user.pk if actor else None,
            username=actor.username if actor else username,
            agency_code=actor.agency.code if actor else "",
            role=actor.role if actor else "",
            action=str(event.action),
            event=event.value,
            object_type=str(object_type or ""),
            object_id="" if object_id is None else str(object_id),
            person_id=person_id,
            purpose=purpose[:200],
            ip_address=actor.ip_address if actor else None,
            request_id=actor.request_id if actor else "",
            channel=channel or (actor.channel if actor else "cli"),
            detail=detail or {},
            previous_hash=head.entry_hash,
        )
        entry.entry_hash = compute_hash(head.entry_hash, entry)
        entry.save(force_insert=True)
        head.sequence = entry.sequence
        head.entry_hash = entry.entry_hash
        head.save(update_fields=["sequence", "entry_hash"])
    return entry


def record_admin(
    request: HttpRequest, event: Event, *, object_id: Any, detail: dict[str, Any] | None = None
) -> AuditEvent:
    """Record a change an administrator made in the Django admin: as the membership they act
    as (``request.actor``) when one is chosen, else as the signed-in user; channel "admin"."""
    actor = getattr(request, "actor", None)
    return record(
        actor,
        event,
        object_id=object_id,
        detail=detail,
        username=request.user.get_username(),
        channel="admin",
    )


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_sequence: int | None = None
    problem: str = ""


def verify_chain() -> ChainReport:
    """Walk the whole log and check sequence, links and hashes. Streams; memory stays flat."""
    previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        if event.sequence != expected_sequence:
            return ChainReport(
                ok=False,
                checked=checked,
                first_bad_sequence=expected_sequence,
                problem=f"entry {expected_sequence} is missing (found {event.sequence} next)",
            )
        if event.previous_hash != previous:
            return ChainReport(
                ok=False,
                checked=checked,
                first_bad_sequence=event.sequence,
                problem="does not link to the entry before it",
            )
        if compute_hash(previous, event) != event.entry_hash:
            return ChainReport(
                ok=False,
                checked=checked,
                first_bad_sequence=event.sequence,
                problem="its content does not match its hash (altered after it was written)",
            )
        previous = event.entry_hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.sequence != checked:
        return ChainReport(
            ok=False,
            checked=checked,
            first_bad_sequence=checked + 1,
            problem=f"the chain head says {head.sequence} entries but {checked} were found",
        )
    return ChainReport(ok=True, checked=checked)


def refused(actor: Actor, exc: Any, *, purpose: str = "") -> AuditEvent:
    """Record a refusal raised by the access policy."""
    return record(
        actor,
        Event.ACCESS_REFUSED,
        object_type=getattr(exc, "object_type", ""),
        object_id=getattr(exc, "object_id", ""),
        purpose=purpose,
        detail={"reason": str(getattr(exc, "reason", exc))[:300]},
    )
