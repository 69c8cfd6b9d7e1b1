"""A person, the facts each agency holds about them, and which agencies are involved."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.models import TimeStamped
from lantern.core.normalisers import age_on, display_date_of_birth


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class DatePrecision(models.TextChoices):
    DAY = "day", "Exact date"
    MONTH = "month", "Month and year"
    YEAR = "year", "Year only"


ADULT_AGE = 18


class Provenance(models.Model):
    """Which agency said a fact, who recorded it, when, and where it came from.

    Every fact about a person carries its provenance so that the person's page can show
    "which agency's record says what". Where a fact came from is data: the agency record
    (``source_record``) or the referral (``source_referral``) it was taken from, as keys
    that code follows; ``source`` is only a label for people to read and is never parsed.
    """

    source_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="said by"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    source_record = models.ForeignKey(
        "imports.SourceRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agency record this fact was taken from",
    )
    source_referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The referral this fact was given in",
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="A label for people: where it came from"
    )

    class Meta:
        abstract = True


class Person(TimeStamped):
    """A person at risk. Names, identifiers, addresses and needs hang off it as facts.

    ``given_name``/``family_name`` mirror the primary :class:`PersonName` for display.
    A date of birth may be partial: ``date_of_birth`` then holds the earliest possible day
    and ``dob_precision`` says how much of it is known.
    """

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)
    dob_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    created_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def reference(self) -> str:
        return f"P-{self.pk:06d}"

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def display_dob(self) -> str:
        return display_date_of_birth(self.date_of_birth, self.dob_precision)

    def age(self, on: date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, on or timezone.localdate())

    @property
    def is_child(self) -> bool:
        age = self.age()
        return age is not None and age < ADULT_AGE


class NameKind(models.TextChoices):
    LEGAL = "legal", "Name"
    ALIAS = "alias", "Alias"
    KNOWN_AS = "known_as", "Known as"
    PREVIOUS = "previous", "Previous name"


class PersonName(Provenance):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=NameKind.choices, default=NameKind.LEGAL)
    is_primary = models.BooleanField(default=False)
    given_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    # Normalised copies for search; written by the service, never typed.
    given_norm = models.CharField(max_length=100, blank=True, db_index=True)
    family_norm = models.CharField(max_length=100, blank=True)
    family_key = models.CharField(max_length=20, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["family_norm", "given_norm"])]

    def __str__(self) -> str:
        return " ".join(p for p in (self.given_name, self.middle_names, self.family_name) if p)


class IdentifierScheme(models.TextChoices):
    NHS = "nhs", "NHS number"
    UPN = "upn", "Unique pupil number"
    LA = "la", "Local authority social care ID"
    POLICE = "police", "Police person reference"
    NI = "ni", "National Insurance number"
    OTHER = "other", "Other reference"


class Identifier(Provenance):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=10, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["scheme", "value"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scheme", "value"], name="identifier_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"


class Address(Provenance):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="e.g. children's home, hostel")

    class Meta:
        ordering = ["-from_date"]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line, self.postcode) if p)


class ContactKind(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    SOCIAL = "social", "Social media handle"


class ContactDetail(Provenance):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    value = models.CharField(max_length=200, db_index=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class CareNeed(Provenance):
    """A care and support need or vulnerability; codes come from ``data/care_needs.yaml``."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_needs")
    code = models.CharField(max_length=40)
    note = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.code


class StatusFlag(Provenance):
    """Looked-after child, care leaver, …; codes come from ``data/status_flags.yaml``."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="status_flags")
    code = models.CharField(max_length=40)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code


class InvolvementBasis(models.TextChoices):
    REFERRAL = "referral", "Made a referral"
    CASE = "case", "Member of a hub case"
    SHARE = "share", "Shared by the hub"
    RECORD = "record", "Holds a record"


class Involvement(models.Model):
    """While active, this agency may see this person's record (need to know).

    Written only by services: a referral, joining a case, or an explicit share with its
    lawful basis and purpose. Ending it (``ended_at``) withdraws the agency's access.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="involvements"
    )
    basis = models.CharField(max_length=10, choices=InvolvementBasis.choices)
    reference = models.CharField(max_length=40, blank=True)
    lawful_basis = models.CharField(max_length=300, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["agency", "person", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.agency} – {self.get_basis_display()}"
