"""Agency extracts: what each agency supplied, row by row, and what was refused.

The contract between importing and linkage: an import writes :class:`SourceRecord` rows
(normalised, one per ``(source, record_id)``) and never creates people; linkage decides which
:class:`~lantern.people.models.Person` each source record belongs to (``SourceRecord.person``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.models import TimeStamped
from lantern.people.models import DatePrecision

#: A source record's normalised person columns, in the standard layout's order: what linkage
#: compares and what a re-supplied row is checked against.
PERSON_FIELDS: tuple[str, ...] = (
    "first_name",
    "middle_names",
    "last_name",
    "date_of_birth",
    "dob_precision",
    "sex",
    "nhs_number",
    "nhs_number_valid",
    "postcode",
    "address",
    "phone",
    "email",
)


class MappingProfile(TimeStamped):
    """How to read one agency system's extract: columns, date formats, value maps.

    Versioned: a new upload of the same name makes a new version; an extract records the exact
    version it was read with. ``definition`` is the validated YAML as JSON.
    """

    name = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    description = models.CharField(max_length=300, blank=True)
    definition = models.JSONField()
    source_text = models.TextField(help_text="The YAML as uploaded")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="profile_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ExtractStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Extract(TimeStamped):
    """One uploaded file from one agency, with the sharing basis it relies on."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="extracts")
    source = models.CharField(
        max_length=60, help_text="The agency system the records come from, e.g. 'police-rms'"
    )
    profile = models.ForeignKey(
        MappingProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="extracts",
        help_text="Empty for the standard person-extract layout",
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=500, blank=True)
    sharing_agreement = models.CharField(max_length=200)
    lawful_basis = models.CharField(max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ExtractStatus.choices, default=ExtractStatus.QUEUED
    )
    task_id = models.CharField(max_length=64, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_quarantined = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_as = models.ForeignKey(
        "agencies.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The membership (agency and role) the uploader acted as; the import runs as it",
    )
    warnings = models.JSONField(
        default=dict,
        blank=True,
        help_text='Kept rows with a doubtful value: {"field": {"message", "count", "rows"}}',
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.agency})"


class SourceRecord(TimeStamped):
    """One person record as an agency system holds it, normalised with the core normalisers.

    Unique on ``(source, record_id)``: importing the same file twice changes nothing, and a
    changed row updates this record (its earlier values go to :class:`SourceRecordRevision`).
    Empty strings mean "not supplied". ``person`` is set by linkage, never by the import.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=60)
    record_id = models.CharField(max_length=100)
    extract = models.ForeignKey(
        Extract,
        on_delete=models.PROTECT,
        related_name="records",
        help_text="The extract that last created or changed it",
    )
    first_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    dob_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    nhs_number_valid = models.BooleanField(default=False)
    postcode = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=254, blank=True)
    raw = models.JSONField(default=dict, help_text="The row as supplied, after mapping")
    version = models.PositiveIntegerField(default=1)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_records",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id"], name="source_record_once")
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["postcode"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.record_id}"


class SourceRecordRevision(models.Model):
    """What a source record said before a later extract changed it."""

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    previous = models.JSONField()
    extract = models.ForeignKey(Extract, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["record", "version"]

    def __str__(self) -> str:
        return f"{self.record} v{self.version}"


class QuarantineStatus(models.TextChoices):
    OPEN = "open", "Waiting for a fix"
    RESUBMITTED = "resubmitted", "Fixed and imported"
    DISCARDED = "discarded", "Discarded"


class QuarantinedRow(models.Model):
    """A row that failed validation, kept with the reason for each field until fixed."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="quarantine")
    row_number = models.PositiveIntegerField()
    raw = models.JSONField()
    errors = models.JSONField(help_text='{"field": "message", …}')
    status = models.CharField(
        max_length=12, choices=QuarantineStatus.choices, default=QuarantineStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["extract", "row_number"]

    def __str__(self) -> str:
        return f"{self.extract} row {self.row_number}"


class SupplyOutcome(models.TextChoices):
    CREATED = "created", "New record"
    UPDATED = "updated", "Changed record"
    UNCHANGED = "unchanged", "Already held, unchanged"


class SuppliedRecord(models.Model):
    """An extract supplied this source record, as the record stood at ``version``.

    One row per extract and record. Withdrawing an extract uses it: a record that no other
    extract supplied is withdrawn; one whose current values came only from the withdrawn
    extract goes back to the latest version another extract supplied.
    """

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="supplied")
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="supplied_by")
    row_number = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=SupplyOutcome.choices)

    class Meta:
        ordering = ["extract", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["extract", "record"], name="supplied_once_per_extract")
        ]

    def __str__(self) -> str:
        return f"{self.extract_id} row {self.row_number} → {self.record_id}"
