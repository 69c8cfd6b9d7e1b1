"""Long-term support for a person at risk: a consistent key worker, the contacts they have,
their own words, what they agreed to share, their outcomes over time, and where
exploitation may be trafficking or slavery, the National Referral Mechanism journey.

Nothing here is edited in place or deleted: a key worker change ends one assignment and
starts another (with a reason), consent is withdrawn by recording the withdrawal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class KeyWorkerAssignment(models.Model):
    """One key worker for one person over one period. At most one is current (no end)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_at__isnull=True), name="one_key_worker_now"
            )
        ]
        indexes = [models.Index(fields=["worker", "ended_at"])]

    def __str__(self) -> str:
        return f"Key worker {self.worker_id} for {self.person_id}"


class Initiator(models.TextChoices):
    PERSON = "person", "The person"
    WORKER = "worker", "The worker"
    AGENCY = "agency", "Another agency"
    FAMILY = "family", "Family or carer"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class Contact(models.Model):
    """One contact with the person: when, how, planned or not, who started it, whether it
    happened, and a short note. ``next_contact_on`` is when the next planned contact is due."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField()
    contact_type = models.CharField(max_length=40)
    planned = models.BooleanField()
    initiated_by = models.CharField(max_length=10, choices=Initiator.choices)
    attendance = models.CharField(max_length=10, choices=Attendance.choices)
    note = models.TextField(blank=True)
    next_contact_on = models.DateField(null=True, blank=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["person", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.contact_type}"


class VoiceKind(models.TextChoices):
    WISH = "wish", "Wish"
    FEELING = "feeling", "Feeling"
    OUTCOME = "outcome", "Outcome they want"


class VoiceEntry(models.Model):
    """What the person said, in their own words, dated: wishes, feelings, desired outcomes."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    said_on = models.DateField()
    kind = models.CharField(max_length=10, choices=VoiceKind.choices)
    words = models.TextField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-said_on", "-pk"]
        verbose_name_plural = "voice entries"

    def __str__(self) -> str:
        return f"{self.said_on} {self.kind}"


class ConsentRecord(models.Model):
    """What the person agreed to share, with which agencies, when. A withdrawal is recorded
    on the row (when, why, by whom); the row is never deleted."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField()
    what = models.TextField()
    agencies = models.ManyToManyField("agencies.Agency", related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"Consent {self.pk} ({self.given_on})"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class OutcomeMeasure(models.Model):
    """A score on one outcome scale (``data/outcome_scales.yaml``) on one date."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    scale = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField()
    measured_on = models.DateField()
    note = models.TextField(blank=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measured_on", "scale", "pk"]
        indexes = [models.Index(fields=["person", "measured_on"])]

    def __str__(self) -> str:
        return f"{self.measured_on} {self.scale}={self.score}"


class NrmRoute(models.TextChoices):
    REFERRAL = "referral", "Referral to the NRM"
    DUTY_TO_NOTIFY = "duty_to_notify", "Duty to notify (anonymous, no consent)"


class GroundsDecision(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class NrmJourney(models.Model):
    """A National Referral Mechanism referral (or an anonymous duty-to-notify notification)
    about one person, and the decisions that follow.

    An adult's referral needs their consent; without it the route is the anonymous duty to
    notify, which brings no decisions. A child needs no consent. The recovery period starts
    at a positive reasonable-grounds decision.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=20, choices=NrmRoute.choices)
    first_responder = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    referred_on = models.DateField()
    consent_given = models.BooleanField(default=False)
    child_at_referral = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    reasonable_grounds = models.CharField(
        max_length=10, choices=GroundsDecision.choices, blank=True
    )
    reasonable_grounds_on = models.DateField(null=True, blank=True)
    recovery_period_ends_on = models.DateField(null=True, blank=True)
    conclusive_grounds = models.CharField(
        max_length=10, choices=GroundsDecision.choices, blank=True
    )
    conclusive_grounds_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = "NRM journey"

    def __str__(self) -> str:
        return f"NRM {self.reference}"

    @property
    def reference(self) -> str:
        return f"NRM-{self.pk:05d}"
