"""Learning: case studies written by practitioners and approved for release by a second
person, and learning packs imported from other areas.

Nothing here holds a person's record: a case study is anonymised prose, kept inside the hub
until a hub manager who did not write it approves exactly that text; an imported pack holds
another area's published (suppressed) figures. Every table is written only by
``lantern.learning.services``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.models import TimeStamped


class CaseStudyStatus(models.TextChoices):
    AWAITING = "awaiting", "Waiting for approval"
    APPROVED = "approved", "Approved for release"


class CaseStudy(TimeStamped):
    """An anonymised case study. Only an approved one leaves the hub, and only the text that
    was approved: ``approved_sha256`` is the digest of the title, summary and learning at
    approval, and a change after approval sends it back to waiting."""

    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What happened, anonymised")
    learning = models.TextField(help_text="What the partnership learned")
    themes = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=CaseStudyStatus.choices, default=CaseStudyStatus.AWAITING
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title

    def text_sha256(self) -> str:
        text = "\x1f".join([self.title, self.summary, self.learning, *self.themes])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def is_released(self) -> bool:
        """Approved, and still exactly the text that was approved."""
        return (
            self.status == CaseStudyStatus.APPROVED
            and bool(self.approved_sha256)
            and self.approved_sha256 == self.text_sha256()
        )


class ImportedPack(models.Model):
    """Another area's learning pack, as received (validated against the schema first)."""

    area_name = models.CharField(max_length=200)
    area_code = models.CharField(max_length=60)
    period = models.CharField(max_length=10)
    format_version = models.CharField(max_length=10)
    content: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField()
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["sha256"], name="learning_pack_imported_once")
        ]

    def __str__(self) -> str:
        return f"{self.area_name} {self.period}"
