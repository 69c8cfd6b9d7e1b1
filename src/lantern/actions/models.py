"""Actions: who will do what, by when, and what came of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.models import TimeStamped


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


#: Statuses in which an action is still someone's work.
LIVE_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
#: Statuses that close an action: both need an outcome.
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)


class Action(TimeStamped):
    """One action owned by an agency (and optionally one of its people).

    Invariants kept by :mod:`lantern.actions.services`: a closed action (done or cancelled)
    always has an outcome; where the action is about a person, the owning agency may see
    that person (the hub, or an agency involved with them). Where it came from is generic:
    ``source_kind`` and ``source_id`` name the meeting item, plan, triage decision or
    disruption plan, and ``source_label`` says it in words, so apps above this one create
    actions without this app knowing their models.
    """

    title = models.CharField(max_length=300)
    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN, db_index=True
    )
    outcome = models.TextField(blank=True)
    source_kind = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    source_label = models.CharField(max_length=300, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["owner_agency", "status", "due_on"]),
            models.Index(fields=["source_kind", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["done", "cancelled"]) | ~models.Q(outcome=""),
                name="closed_action_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"A-{self.pk:06d}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class ActionChase(models.Model):
    """An agency chased about an overdue action: who chased, when, and what they said."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="chases")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chased_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-chased_at"]

    def __str__(self) -> str:
        return f"{self.agency} chased about {self.action_id}"
