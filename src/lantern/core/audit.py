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

from lantern.core.models import AuditAction, AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from lantern.core.access import Actor

GENESIS_HASH = "0" * 64


def _canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)


def _content(event: AuditEvent) -> dict[str, Any]:
    at = event.at.astimezone(UTC) if event.at.tzinfo else event.at.replace(tzinfo=UTC)
    return {
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


def compute_hash(previous_hash: str, event: AuditEvent) -> str:
    payload = previous_hash + _canonical(_content(event))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    actor: Actor | None,
    action: AuditAction | str,
    *,
    object_type: str = "",
    object_id: Any = "",
    person_id: int | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
    channel: str = "",
) -> AuditEvent:
    """Append one entry to the chain. Call inside the transaction of the change it records."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            sequence=head.sequence + 1,
            at=timezone.now(),
            user_id=actor.user.pk if actor else None,
            username=actor.username if actor else username,
            agency_code=actor.agency.code if actor else "",
            role=actor.role if actor else "",
            action=str(action),
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            person_id=person_id,
            purpose=purpose[:200],
            ip_address=actor.ip_address if actor else None,
            request_id=actor.request_id if actor else "",
            channel=channel or (actor.channel if actor else "cli"),
            detail=detail or {},
            previous_hash=head.entry_hash,
        )
        event.entry_hash = compute_hash(head.entry_hash, event)
        event.save(force_insert=True)
        head.sequence = event.sequence
        head.entry_hash = event.entry_hash
        head.save(update_fields=["sequence", "entry_hash"])
    return event


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
        AuditAction.REFUSED,
        object_type=getattr(exc, "object_type", ""),
        object_id=getattr(exc, "object_id", ""),
        purpose=purpose,
        detail={"reason": str(getattr(exc, "reason", exc))[:300]},
    )
