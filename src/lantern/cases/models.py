"""Hub cases and the single multi-agency chronology."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lantern.core.access import RestrictedCategory
from lantern.core.models import TimeStamped


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    STEPPED_DOWN = "stepped_down", "Stepped down"
    CLOSED = "closed", "Closed"


class Case(TimeStamped):
    """A hub case about one person at risk, run by a lead professional with partner agencies."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_led"
    )
    status = models.CharField(max_length=15, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        # The intelligence graph reads when cases last changed (its knowledge marks).
        indexes = [models.Index(fields=["updated_at"], name="cases_case_updated_at")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C-{self.pk:06d}"


class CaseAgency(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=Q(left_at__isnull=True),
                name="agency_in_case_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.case}"


class Significance(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class ChronologyEntry(models.Model):
    """One event in a person's multi-agency chronology.

    Entries belong to the person (so every case about them shares one chronology) and may
    name the case they were added in. The current wording is on the entry; every correction
    writes a :class:`ChronologyRevision` holding what it said before, so nothing is
    overwritten silently. ``restricted_category`` hides the content from anyone without the
    category (they see that a restricted entry exists).
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="chronology")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    occurred_on = models.DateField()
    occurred_time = models.TimeField(null=True, blank=True)
    event_type = models.CharField(max_length=40)
    significance = models.CharField(max_length=6, choices=Significance.choices)
    summary = models.TextField()
    source_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    restricted_category = models.CharField(
        max_length=30, choices=RestrictedCategory.choices, blank=True, default=""
    )
    version = models.PositiveIntegerField(default=1)
    amended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-occurred_time", "-pk"]
        indexes = [
            models.Index(fields=["person", "occurred_on"]),
            models.Index(fields=["person", "source_agency"]),
        ]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.event_type}"


class ChronologyRevision(models.Model):
    """What an entry said before a correction, who corrected it, when and why."""

    entry = models.ForeignKey(ChronologyEntry, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    previous = models.JSONField()
    reason = models.TextField()
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry", "version"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.entry} v{self.version}"


class GrantQuerySet(models.QuerySet["RestrictedAccessGrant"]):
    def pending(self) -> GrantQuerySet:
        return self.filter(approved_at__isnull=True, refused_at__isnull=True)

    def active(self) -> GrantQuerySet:
        now = timezone.now()
        return self.filter(approved_at__isnull=False, revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class RestrictedAccessGrant(models.Model):
    """Access to one restricted category of one person's record, for one user and agency.

    Requested with a reason and approved by a manager, or taken in an emergency
    ("break glass"), which is flagged for review.
    """

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=30, choices=RestrictedCategory.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    requested_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    break_glass = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, help_text="The manager's reason for the decision")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text="A manager's review of emergency access")

    objects: Any = GrantQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user} – {self.category} for {self.person_id}"

    @property
    def status(self) -> str:
        now = timezone.now()
        if self.refused_at:
            return "refused"
        if self.revoked_at:
            return "revoked"
        if not self.approved_at:
            return "requested"
        if self.expires_at and self.expires_at <= now:
            return "expired"
        return "active"


class CaseClosure(models.Model):
    """Why a case was closed, and the step-down plan that carries the person on.

    A case is closed only with a reason and a step-down plan, and its follow-up check-ins
    are scheduled at the same time (:class:`FollowUp`), so closing never means dropping the
    person. A reopening is written on the closure it ends; nothing is deleted.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(max_length=40)
    reason_detail = models.TextField(blank=True)
    step_down_plan = models.TextField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_because = models.TextField(blank=True)

    class Meta:
        ordering = ["-closed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} closed {self.closed_at:%d %b %Y}"

    @property
    def reason_label(self) -> str:
        from lantern.cases.closure import rules

        return rules().reason_label(self.reason)


class FollowUp(models.Model):
    """A check-in with the person after closure, due on a date; recorded when it happens."""

    closure = models.ForeignKey(CaseClosure, on_delete=models.CASCADE, related_name="follow_ups")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(db_index=True)
    label = models.CharField(max_length=80)
    done_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    concerns = models.BooleanField(default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} follow-up due {self.due_on}"


class ActivityTrigger(models.TextChoices):
    REFERRAL = "referral", "New referral"
    LINKAGE_MATCH = "linkage_match", "Record linkage match"
    CONTACT = "contact", "Contact with the person"
    ALERT = "alert", "Intelligence alert"


class ActivityResponse(models.TextChoices):
    REOPENED = "reopened", "Case reopened"
    FLAGGED = "flagged", "Former key worker and lead flagged"


class ClosedCaseActivity(models.Model):
    """Something new about a person whose case is closed: the case reopened, or the people
    who knew them flagged at once. Kept until someone acknowledges it, and after."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activity")
    trigger = models.CharField(max_length=20, choices=ActivityTrigger.choices)
    response = models.CharField(max_length=20, choices=ActivityResponse.choices)
    source_description = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "closed case activity"

    def __str__(self) -> str:
        return f"{self.case}: {self.trigger} → {self.response}"
