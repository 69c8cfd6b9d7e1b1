"""Writing and verifying the audit log (see :class:`lantern.core.models.AuditEvent`).

Services call :func:`record` inside their own transaction, so a change and its audit entry
commit together or not at all. Reads are recorded by the query layer (``queries.py``).

Writing takes no global lock (``docs/decisions/0008-audit-under-concurrency.md``): an entry
is inserted *pending* (no sequence or hashes yet), then :func:`seal` chains every pending
entry it can see, in order, under the chain head's row lock, taken with ``SKIP LOCKED``: if
another transaction is sealing, the writer goes on and the next seal takes its entry too.
Nobody ever waits for the chain; :func:`verify_chain` seals what is pending (waiting for the
lock) before it walks the chain, so ``lantern audit verify`` means what it always meant.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
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
    """Append one entry to the log. Call inside the transaction of the change it records.

    The entry is written pending and sealed into the chain by :func:`seal` (now, or by the
    next writer if another transaction is sealing). The event gives the action and the
    object type; ``object_type`` is given only for an event that names none of its own
    (``access.refused``: the type of what was refused). ``actor`` is ``None`` only before
    anyone is acting (signing in); background work acts as a service
    (:func:`lantern.core.system.service_actor`).
    """
    if not isinstance(event, Event):
        raise TypeError(f"audit.record takes an Event, not {event!r}")
    if event.object_type is not None:
        if object_type is not None and object_type != event.object_type:
            raise ValueError(f"{event.value} is about {event.object_type.value}, not {object_type}")
        object_type = event.object_type
    entry = AuditEvent(
        sequence=None,
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
        previous_hash="",
        entry_hash=None,
    )
    # No savepoint: if the insert fails, the caller's transaction fails with it anyway.
    with transaction.atomic(savepoint=False):
        entry.save(force_insert=True)
        sealed = seal()
    if entry.pk in sealed:
        entry.sequence, entry.previous_hash, entry.entry_hash = sealed[entry.pk]
    return entry


#: Entries sealed by one transaction at most (a backlog is sealed by the next ones).
SEAL_BATCH = 5000


def _lock_head(*, wait: bool) -> AuditChainHead | None:
    """The chain head, locked for this transaction; ``None`` if another holds it (and we do
    not wait)."""
    heads = AuditChainHead.objects.select_for_update(skip_locked=not wait).filter(pk=1)
    head = heads.first()
    if head is None and not AuditChainHead.objects.filter(pk=1).exists():
        AuditChainHead.objects.get_or_create(pk=1)  # the very first entry
        head = heads.first()
    return head


def seal(*, wait: bool = False) -> dict[int, tuple[int, str, str]]:
    """Chain the pending entries this transaction can see, oldest insert first.

    Runs in the caller's transaction, so what it seals commits or rolls back with it.
    Returns ``{pk: (sequence, previous_hash, entry_hash)}`` of what it sealed; empty when
    there was nothing to seal or another transaction holds the head (unless ``wait``).
    """
    sealed: dict[int, tuple[int, str, str]] = {}
    with transaction.atomic(savepoint=False):
        head = _lock_head(wait=wait)
        if head is None:
            return sealed
        pending = list(AuditEvent.objects.filter(sequence__isnull=True).order_by("pk")[:SEAL_BATCH])
        if not pending:
            return sealed
        sequence, previous = head.sequence, head.entry_hash
        for entry in pending:
            sequence += 1
            entry.sequence, entry.previous_hash = sequence, previous
            previous = compute_hash(previous, entry)
            sealed[entry.pk] = (sequence, entry.previous_hash, previous)
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        # The one update the log allows: a pending entry's place in the chain, set once. The
        # table name is the model's own (quote_name); every value is a bound parameter.
        update = (
            f"UPDATE {table} SET sequence = %s, previous_hash = %s, entry_hash = %s "  # noqa: S608  # nosec: B608
            "WHERE id = %s AND sequence IS NULL"
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                update,
                [(seq, prev, digest, pk) for pk, (seq, prev, digest) in sealed.items()],
            )
        head.sequence, head.entry_hash = sequence, previous
        head.save(update_fields=["sequence", "entry_hash"])
    return sealed


def seal_all() -> int:
    """Seal everything pending, waiting for the head if another transaction holds it."""
    total = 0
    while batch := seal(wait=True):
        total += len(batch)
    return total


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
    #: Entries written while the check ran, not yet sealed (they are checked next time).
    pending: int = 0


def verify_chain() -> ChainReport:
    """Seal what is pending, then walk the chain up to its head and check sequence, links
    and hashes. Streams; memory stays flat. Entries sealed by other writers while it walks
    lie beyond the head it read and are left for the next check."""
    seal_all()
    head = AuditChainHead.objects.filter(pk=1).first()
    last = head.sequence if head else 0
    previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    chained = AuditEvent.objects.filter(sequence__isnull=False, sequence__lte=last)
    for event in chained.order_by("sequence").iterator(chunk_size=2000):
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
    if head is not None and (head.sequence != checked or head.entry_hash != previous):
        return ChainReport(
            ok=False,
            checked=checked,
            first_bad_sequence=checked + 1,
            problem=f"the chain head says {head.sequence} entries but {checked} were found",
        )
    pending = AuditEvent.objects.filter(sequence__isnull=True).count()
    return ChainReport(ok=True, checked=checked, pending=pending)


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
