"""Multi-agency meetings, their agenda and record, issued minutes, and plans per case."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.access import RestrictedCategory
from lantern.core.models import TimeStamped


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    AGENDA_SET = "agenda_set", "Agenda set"
    MINUTES_ISSUED = "minutes_issued", "Minutes issued"


class Meeting(TimeStamped):
    """A multi-agency meeting of a type from ``data/meeting_types.yaml``.

    A panel covers many people; a meeting about one case (a strategy discussion, a
    professionals' meeting) names it in ``case`` and its agenda is about that case only.
    """

    meeting_type = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    held_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"M-{self.pk:06d}"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


class Invitation(models.Model):
    """An agency invited to a meeting, and whether it attended or sent apologies."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )
    attendees = models.CharField(max_length=300, blank=True, help_text="Who came, and their role")

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="invited_once")]

    def __str__(self) -> str:
        return f"{self.agency} to {self.meeting_id}"


class AgendaItem(models.Model):
    """One item of a meeting: usually one person's case, with why it is on the agenda.

    ``source`` names the agenda source that proposed it (or ``added`` for one the chair
    added). Information shared is kept as :class:`ItemNote` rows so that each note keeps
    its agency, restricted category and handling code, which decide who may read it.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    reason = models.CharField(max_length=500, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decisions = models.TextField(blank=True)
    #: The item's own content falls in a restricted category (an agenda source's handling-C
    #: intelligence): only the hub sees the item; other audiences get a notice instead.
    restricted_category = models.CharField(
        max_length=30, choices=RestrictedCategory.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["meeting", "position"]

    def __str__(self) -> str:
        return f"{self.meeting_id}.{self.position} {self.title}"


class HandlingCode(models.TextChoices):
    """The 3x5x2 handling code of intelligence shared at a meeting."""

    NONE = "", "Not intelligence"
    P = "P", "P – may be shared lawfully"
    C = "C", "C – may be shared only with conditions"


class ItemNote(models.Model):
    """Information an agency shared about an agenda item.

    A note in a restricted category is read only by the agency that gave it; intelligence
    with handling code C by the agency that gave it and the hub. Minutes for any other
    agency carry a redaction notice in its place.
    """

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="notes")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    restricted_category = models.CharField(
        max_length=30, choices=RestrictedCategory.choices, blank=True, default=""
    )
    handling_code = models.CharField(
        max_length=1, choices=HandlingCode.choices, blank=True, default=""
    )
    conditions = models.CharField(max_length=300, blank=True, help_text="For handling code C")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"note on {self.item_id} by {self.agency_id}"


class MinutesQuerySet(models.QuerySet["Minutes"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Issued minutes are never changed; issue a correction")


class Minutes(models.Model):
    """The minutes of a meeting as issued to one agency, with what that agency may not see
    redacted. Immutable: the HTML and PDF issued are stored, and a correction is a new
    version (with its reason), never an edit."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes")
    version = models.PositiveIntegerField()
    recipient = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    html = models.TextField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    redactions = models.PositiveIntegerField(default=0)
    correction_reason = models.TextField(blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects: Any = MinutesQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "-version", "recipient__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version", "recipient"], name="one_minutes_per_version"
            )
        ]
        verbose_name_plural = "minutes"

    def __str__(self) -> str:
        return f"{self.meeting_id} v{self.version} for {self.recipient_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Issued minutes are never changed; issue a correction")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Issued minutes are never deleted")


class Plan(TimeStamped):
    """The multi-agency plan of one case. Its content lives in versions: reviewing writes a
    new :class:`PlanVersion`, so every earlier plan is kept and what changed can be shown."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="plan")
    current_version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Plan for {self.case_id}"

    @property
    def reference(self) -> str:
        return f"PL-{self.pk:06d}"


class PlanVersion(models.Model):
    """One version of a plan: goals in plain language, the person's own words about what
    they want, and when it is next reviewed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    goals = models.JSONField(default=list, help_text="Each goal in plain language")
    person_words = models.TextField(help_text="What the person wants, in their own words")
    review_on = models.DateField(db_index=True)
    review_note = models.TextField(blank=True, help_text="What the review found")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="one_plan_version")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version}"
