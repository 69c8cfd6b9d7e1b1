"""Base mixins shared by every app, and the audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    EXPORT = "export", "Exported"
    REFUSED = "refused", "Refused access"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    LOGOUT = "logout", "Signed out"
    SYSTEM = "system", "System job"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")


class AuditEvent(models.Model):
    """One entry of the append-only, tamper-evident audit log.

    Invariants:
    - rows are only ever inserted (``save`` of an existing row and every delete raise), then
      *sealed* once: a row is written pending (``sequence`` and ``entry_hash`` null) and
      :func:`lantern.core.audit.seal` sets its place in the chain, and nothing else, exactly
      once (docs/decisions/0008-audit-under-concurrency.md);
    - sealed, ``sequence`` runs 1, 2, 3, … without gaps; ``entry_hash`` is the SHA-256 of the
      previous entry's hash and this entry's canonical content, so any edit, deletion or
      reordering breaks the chain and ``lantern audit verify`` names the first bad entry;
    - ``user`` is the person acting; ``person_id`` is the person the data is about (if any).
    """

    sequence = models.PositiveBigIntegerField(unique=True, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    agency_code = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    #: What happened, named (``lantern.core.events.Event``); blank on entries written
    #: before events were named.
    event = models.CharField(max_length=60, blank=True, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    purpose = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=10, blank=True, help_text="web, api, cli or task")
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects: ClassVar[models.Manager[AuditEvent]] = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The entries waiting to be sealed: few at any time, found without a scan.
            models.Index(
                fields=["id"], condition=models.Q(sequence__isnull=True), name="audit_pending"
            ),
        ]

    def __str__(self) -> str:
        what = self.event or self.action
        return f"#{self.sequence} {self.username} {what} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")

    @property
    def label(self) -> str:
        """What happened in plain English: the event's label, or the verb for old entries."""
        from lantern.core.events import label_of

        return label_of(self.event) or str(AuditAction(self.action).label)


class AuditChainHead(models.Model):
    """A single row holding the last sealed sequence and hash; locking it serialises sealing
    (never the writing of entries)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
