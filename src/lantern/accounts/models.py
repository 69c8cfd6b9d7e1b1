"""API tokens: each bound to exactly one agency membership (so one agency and one role)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.agencies.models import Membership


def hash_token(raw: str) -> str:
    """The stored form of a secret. A token holds 256 random bits, so a fast hash is enough:
    there is nothing to guess, and the database never holds a usable secret."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def default_expiry() -> datetime | None:
    """When a token issued now expires: ``LANTERN_API_TOKEN_LIFETIME_DAYS`` ahead (0: never)."""
    days = settings.LANTERN_API_TOKEN_LIFETIME_DAYS
    return timezone.now() + timedelta(days=days) if days > 0 else None


class ApiToken(models.Model):
    """A machine client's credential. Only the SHA-256 of the secret is stored."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100, help_text="What the client is, e.g. 'police RMS sync'")
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, membership: Membership, name: str, *, expires_at: datetime | None = None
    ) -> tuple[ApiToken, str]:
        """Create a token and return it with its secret, which is shown once only. It
        expires at ``expires_at`` or, by default, after the configured lifetime."""
        raw = "lan_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            membership=membership,
            name=name,
            prefix=raw[4:12],
            key_hash=hash_token(raw),
            expires_at=expires_at or default_expiry(),
        )
        return token, raw

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.membership.is_active
            and self.membership.agency.is_active
            and self.membership.user.is_active
        )
