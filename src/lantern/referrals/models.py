"""Referrals of concern and the hub's triage decisions on them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.models import TimeStamped


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate – risk of harm today"
    HIGH = "high", "High"
    STANDARD = "standard", "Standard"


URGENCY_RANK = {Urgency.IMMEDIATE: 0, Urgency.HIGH: 1, Urgency.STANDARD: 2}


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", "Awaiting triage"
    DECIDED = "decided", "Decision made"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Referral(TimeStamped):
    """A concern about a person, raised by one agency, waiting for the hub's decision.

    ``due_by`` is one working day after submission (the hub's timeliness target).
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    referring_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="referrals"
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    concern_categories = models.JSONField(default=list)
    what_was_seen = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    urgency_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    due_by = models.DateTimeField()
    referrer_phone = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "urgency_rank", "submitted_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"R-{self.pk:06d}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.SUBMITTED and timezone.now() > self.due_by


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    ADVICE = "advice", "Advice and signposting"
    SINGLE_AGENCY = "single_agency", "Single-agency response"
    HUB_CASE = "hub_case", "Open a hub case"
    STRATEGY_DISCUSSION = "strategy", "Strategy discussion (child)"
    S42_ENQUIRY = "s42", "Adult safeguarding enquiry (Care Act s42)"
    OTHER_ENQUIRY = "other_enquiry", "Other adult safeguarding enquiry"


#: Outcomes that open (or join) a hub case.
CASE_OUTCOMES = frozenset({Outcome.HUB_CASE, Outcome.STRATEGY_DISCUSSION, Outcome.S42_ENQUIRY})


class TriageDecision(models.Model):
    """The hub's decision on a referral, with its rationale.

    For an s42 enquiry the three-part test is recorded and must be met in full; an adult
    who does not meet it may still get an "other" safeguarding enquiry.
    """

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    s42_care_and_support_needs = models.BooleanField(null=True, blank=True)
    s42_at_risk_of_abuse = models.BooleanField(null=True, blank=True)
    s42_unable_to_protect = models.BooleanField(null=True, blank=True)
    single_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    message_to_referrer = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.referral}: {self.get_outcome_display()}"

    @property
    def within_target(self) -> bool:
        return self.decided_at <= self.referral.due_by


#: Triage outcomes that start an adult safeguarding enquiry.
ENQUIRY_OUTCOMES = frozenset({Outcome.S42_ENQUIRY, Outcome.OTHER_ENQUIRY})


class EnquiryConclusion(models.Model):
    """How an adult safeguarding enquiry (s42 or other) concluded, in the categories of the
    Safeguarding Adults Collection (``data/enquiry_conclusions.yaml``; the version used is
    kept with each row).

    One conclusion per enquiry referral, kept as versions: an amendment adds version n + 1
    with its reason and never changes an earlier row, so the latest version is the
    conclusion and the earlier ones are its visible history. Written only by
    :func:`lantern.referrals.services.enquiry_conclude`. ``action_taken`` is asked when the
    risk assessment asks it (otherwise no action was taken; null on rows recorded before it
    was asked: not recorded); ``risk_outcome`` is given exactly when the risk assessment asks
    for one and action was taken; ``outcomes_achieved`` exactly when the person was
    asked and expressed the outcomes they wanted.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="conclusions")
    version = models.PositiveSmallIntegerField(default=1)
    concluded_on = models.DateField()
    types_of_risk = models.JSONField(default=list)
    location_of_risk = models.CharField(max_length=40)
    source_of_risk = models.CharField(max_length=40)
    risk_assessment = models.CharField(max_length=40)
    action_taken = models.BooleanField(null=True, blank=True)
    risk_outcome = models.CharField(max_length=40, blank=True)
    outcomes_asked = models.CharField(max_length=40)
    outcomes_achieved = models.CharField(max_length=40, blank=True)
    categories_version = models.CharField(max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    amendment_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["referral_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "version"], name="enquiry_conclusion_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: conclusion v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(
                "A conclusion is never changed in place: amend it (a new version)"
            )
        super().save(*args, **kwargs)
