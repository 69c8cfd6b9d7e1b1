"""Risk screening: instruments (versioned, immutable), screenings, capacity, transition at 18."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lantern.core.access import RestrictedCategory
from lantern.screening.instruments import InstrumentDef, definition_from


class Audience(models.TextChoices):
    CHILDREN = "children", "Children (under 18)"
    ADULTS = "adults", "Adults (18 and over)"


class Instrument(models.Model):
    """A screening tool, by its stable code. Its versions hold the content.

    At most one instrument per audience is *in use*: new screenings use its current version.
    """

    code = models.SlugField(max_length=40, unique=True)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    name = models.CharField(max_length=200)
    in_use = models.BooleanField(default=False)
    current_version = models.ForeignKey(
        "InstrumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["audience", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["audience"],
                condition=Q(in_use=True),
                name="one_instrument_in_use_per_audience",
            )
        ]

    def __str__(self) -> str:
        return self.name


class InstrumentVersionQuerySet(models.QuerySet["InstrumentVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("An instrument version is immutable; load a new version")


class InstrumentVersion(models.Model):
    """One version of an instrument, exactly as loaded: never changed afterwards.

    ``definition`` is the validated file as data; ``source_text`` the file as written and
    ``sha256`` its hash. Every screening points at the version it used, so an old screening
    always displays against the indicators, weights and levels it was made with.
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    definition = models.JSONField()
    source_text = models.TextField()
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=300, blank=True, help_text="The file it was loaded from")
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[models.Manager[InstrumentVersion]] = InstrumentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "version"], name="instrument_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} – version {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("An instrument version is immutable; load a new version")
        super().save(*args, **kwargs)

    @property
    def spec(self) -> InstrumentDef:
        """The definition as objects, built once per version (a version never changes)."""
        key = (self.pk, self.sha256)
        cached = _SPECS.get(key) if self.pk is not None else None
        if cached is None:
            cached = definition_from(self.definition)
            if self.pk is not None:
                _SPECS[key] = cached
        return cached


#: Parsed definitions by (version id, file hash): safe to keep, since versions are immutable.
_SPECS: dict[tuple[int, str], InstrumentDef] = {}


class Screening(models.Model):
    """One risk screening of one person with one instrument version, as recorded.

    Screenings are never edited: a new screening is recorded instead, so the history shows
    every one. The computed level (with the reasons that drove it) and the practitioner's
    professional judgement are both kept; where they differ, ``judgement_reason`` says why.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="screenings")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="screenings"
    )
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="screenings"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    screened_on = models.DateField()
    age_at_screening = models.PositiveSmallIntegerField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    computed_level = models.CharField(max_length=40)
    computed_label = models.CharField(max_length=200)
    computed_rank = models.PositiveSmallIntegerField()
    computed_score = models.PositiveIntegerField()
    computed_reasons = models.JSONField(default=list)
    level = models.CharField(max_length=40, help_text="The professional judgement")
    level_label = models.CharField(max_length=200)
    level_rank = models.PositiveSmallIntegerField()
    judgement_reason = models.TextField(blank=True)
    person_words = models.TextField(blank=True, help_text="The person's own words")
    desired_outcomes = models.TextField(blank=True, help_text="What the person wants to happen")
    next_due_on = models.DateField()
    flags_transition = models.BooleanField(default=False)

    class Meta:
        ordering = ["-screened_on", "-pk"]
        indexes = [models.Index(fields=["person", "screened_on"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"S-{self.pk:06d}"

    @property
    def judgement_differs(self) -> bool:
        return self.level != self.computed_level


class AnswerChoice(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Not present"
    UNKNOWN = "unknown", "Not known"


class ScreeningAnswer(models.Model):
    """One indicator of a screening: present, not present or not known, with its evidence.

    ``restricted_category`` (from the instrument, or from restricted chronology entries a
    confirmed suggestion rested on) hides the answer and evidence from anyone without it.
    """

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    indicator = models.CharField(max_length=40)
    theme = models.CharField(max_length=40)
    answer = models.CharField(max_length=10, choices=AnswerChoice.choices)
    evidence = models.TextField(blank=True)
    last_observed = models.DateField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    weight = models.PositiveSmallIntegerField(default=0)
    restricted_category = models.CharField(
        max_length=30, choices=RestrictedCategory.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["screening", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "indicator"], name="one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.answer}"


class SuggestionDecision(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed: marked present"
    REJECTED = "rejected", "Not confirmed"


class ScreeningSuggestion(models.Model):
    """A suggestion Lantern made from the chronology, and what the practitioner decided.

    Nothing is marked present by a suggestion: the practitioner's answer decides, and the
    decision is kept with the entries the suggestion rested on.
    """

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="suggestions")
    rule = models.CharField(max_length=40)
    indicator = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    entry_ids = models.JSONField(default=list)
    latest_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=SuggestionDecision.choices)
    restricted_category = models.CharField(
        max_length=30, choices=RestrictedCategory.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["screening", "pk"]

    def __str__(self) -> str:
        return f"{self.rule} → {self.indicator}: {self.decision}"


class CapacityOutcome(models.TextChoices):
    HAS_CAPACITY = "has_capacity", "Has capacity for this decision"
    LACKS_CAPACITY = "lacks_capacity", "Lacks capacity for this decision"
    NOT_CONCLUDED = "not_concluded", "Assessment not concluded"


class CapacityAssessment(models.Model):
    """A mental capacity assessment for one named decision, at one time (MCA 2005).

    Capacity is decision-specific and time-specific: there is deliberately no general
    "has capacity" flag on a person, only these assessments.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="capacity_assessments"
    )
    screening = models.ForeignKey(
        Screening,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity_assessments",
    )
    decision = models.CharField(max_length=40)
    decision_label = models.CharField(max_length=200)
    decision_detail = models.CharField(max_length=300, blank=True)
    assessed_on = models.DateField()
    assessor = models.CharField(max_length=200, help_text="Who assessed, and their role")
    outcome = models.CharField(max_length=20, choices=CapacityOutcome.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.decision_label}: {self.get_outcome_display()} ({self.assessed_on})"


class DueReason(models.TextChoices):
    SCHEDULED = "scheduled", "Re-screen due by level"
    FIRST = "first", "Open case, not yet screened"
    NEW_INFORMATION = "new_information", "New information since the last screening"


class ScreeningStatus(models.Model):
    """A person's screening status now: the latest level and when the next screening is due.

    Written when a screening is recorded and by the nightly job (first screenings for open
    cases, new information that brings a re-screen forward). Overdue is read as
    ``next_due_on < today``, so it is right even on a day the job has not run.
    """

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="screening_status"
    )
    latest_screening = models.ForeignKey(
        Screening, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.CharField(max_length=40, blank=True)
    level_label = models.CharField(max_length=200, blank=True)
    level_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    last_screened_on = models.DateField(null=True, blank=True)
    next_due_on = models.DateField(db_index=True)
    due_reason = models.CharField(max_length=20, choices=DueReason.choices)
    new_information_since = models.DateField(null=True, blank=True)
    flags_transition = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "screening statuses"
        # The intelligence graph reads when levels last changed (its knowledge marks).
        indexes = [models.Index(fields=["updated_at"], name="screening_status_updated_at")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.level or 'not screened'}, due {self.next_due_on}"

    def is_overdue(self, today: date | None = None) -> bool:
        return self.next_due_on < (today or timezone.localdate())


class TransitionStatus(models.TextChoices):
    PLANNING = "planning", "Planning for 18"
    ADULT = "adult", "Turned 18: continues as an adult case"


class Transition(models.Model):
    """Transition at 18 for one person, flagged six months before their 18th birthday.

    Flagged when the person has an open case or a screening level that flags transition;
    adult services (an agency of kind adult social care) are asked to join the case, and
    have joined while they are an active member of it. From the birthday the case continues
    as an adult case, screened with the adults' instrument.
    """

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="transition"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="transitions"
    )
    eighteenth_birthday = models.DateField(db_index=True)
    planning_from = models.DateField()
    flagged_on = models.DateField()
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=TransitionStatus.choices, default=TransitionStatus.PLANNING
    )
    adult_services = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(null=True, blank=True)
    turned_18_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["eighteenth_birthday", "pk"]

    def __str__(self) -> str:
        return f"{self.person_id}: 18 on {self.eighteenth_birthday} ({self.status})"

    REASON_LABELS: ClassVar[dict[str, str]] = {
        "open_case": "Open case",
        "level": "Screening level",
    }

    @property
    def reason_labels(self) -> list[str]:
        return [self.REASON_LABELS.get(r, r) for r in self.reasons]
