"""Board reporting: snapshots of the figures, quarterly reports as issued, recommendations.

Nothing here holds a person: snapshots and reports hold counts (and, once published, only
the suppressed text of them).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.models import TimeStamped


class Snapshot(models.Model):
    """One refresh of every figure for every period the dashboard offers.

    The dashboard reads the latest snapshot only, never the live tables, so it answers in
    the same time for a city of any size. ``policy`` is the suppression policy the
    published text of each :class:`SnapshotPeriod` was made with.
    """

    refreshed_at = models.DateTimeField(default=timezone.now, db_index=True)
    took_seconds = models.FloatField(default=0)
    policy = models.CharField(max_length=20)
    refreshed_by = models.CharField(max_length=150, help_text="The user or service that refreshed")

    class Meta:
        ordering = ["-refreshed_at", "-pk"]

    def __str__(self) -> str:
        return f"Figures refreshed {self.refreshed_at:%Y-%m-%d %H:%M}"


class SnapshotPeriod(models.Model):
    """The figures of one period in one snapshot: raw counts (kept inside the hub, for
    publishing again under another policy) and, per collection, the published tables and
    their charts, exactly as the dashboard and its downloads show them."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="periods")
    period = models.CharField(max_length=10)
    label = models.CharField(max_length=60)
    start = models.DateField()
    end = models.DateField()
    figures: models.JSONField[list[dict[str, Any]], list[dict[str, Any]]] = models.JSONField(
        default=list
    )
    published: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(default=dict)
    charts: models.JSONField[dict[str, str], dict[str, str]] = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "period"], name="one_period_per_snapshot")
        ]
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"{self.period} in {self.snapshot}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"


class BoardReport(TimeStamped):
    """A quarterly board report. While a draft, the hub manager writes the narrative; once
    issued, ``issued_html``, ``issued_tables`` and ``issued_pdf_sha256`` hold it exactly as
    issued and nothing changes it again (the service refuses, and ``save`` does too)."""

    period = models.CharField(max_length=10, unique=True)
    narrative = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    policy = models.CharField(max_length=20, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_html = models.TextField(blank=True)
    issued_tables: models.JSONField[list[dict[str, Any]], list[dict[str, Any]]] = models.JSONField(
        default=list
    )
    issued_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"Board report {self.period} ({self.get_status_display()})"

    @property
    def is_issued(self) -> bool:
        return self.status == ReportStatus.ISSUED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = BoardReport.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == ReportStatus.ISSUED:
                raise PermissionError("An issued board report is kept exactly as issued")
        super().save(*args, **kwargs)


class RecommendationScope(models.TextChoices):
    LOCAL = "local", "Local"
    NATIONAL = "national", "National"


class RecommendationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    EMBEDDED = "embedded", "Implemented, impact evidenced"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (
    RecommendationStatus.NOT_STARTED,
    RecommendationStatus.IN_PROGRESS,
    RecommendationStatus.IMPLEMENTED,
)


class Recommendation(TimeStamped):
    """A recommendation from a review (local or national), tracked to evidence of impact.

    Overdue means still open and past its review date. ``code`` is unique within its review
    so the example set loads once.
    """

    review = models.CharField(max_length=200, help_text="The review it came from")
    code = models.CharField(max_length=20)
    scope = models.CharField(max_length=10, choices=RecommendationScope.choices)
    theme = models.CharField(max_length=100, blank=True)
    text = models.TextField(help_text="What the review recommends")
    owner = models.CharField(max_length=200, help_text="The agency or role that owns it")
    actions = models.TextField(blank=True, help_text="What is being done")
    evidence_of_impact = models.TextField(blank=True)
    status = models.CharField(
        max_length=15,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.NOT_STARTED,
    )
    review_date = models.DateField()

    class Meta:
        ordering = ["review_date", "review", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "code"], name="recommendation_code_per_review"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review} {self.code}"

    def is_overdue(self, today: Any = None) -> bool:
        return self.status in OPEN_STATUSES and self.review_date < (today or timezone.localdate())
