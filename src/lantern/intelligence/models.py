"""Intelligence: entities besides people at risk, graded links between them, disruption, alerts.

The hub's people (``people.Person``) are the persons at risk it works with. Intelligence
holds a wider picture: persons of concern, places, vehicles, phone numbers and online
handles, and the links between them, each with its source and the 3x5x2 grading. A person
entity may stand for a hub person (``person`` set) or for someone the hub does not know.

Every table here is written only by ``lantern.intelligence.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lantern.core.models import TimeStamped
from lantern.people.models import Sex


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    LOCATION = "location", "Place"
    VEHICLE = "vehicle", "Vehicle"
    PHONE = "phone", "Phone number"
    HANDLE = "handle", "Online handle"


class SourceEvaluation(models.TextChoices):
    """3x5x2: how reliable the source is."""

    RELIABLE = "1", "1 – reliable"
    UNTESTED = "2", "2 – untested"
    NOT_RELIABLE = "3", "3 – not reliable"


class IntelAssessment(models.TextChoices):
    """3x5x2: how the information itself is assessed."""

    KNOWN_DIRECTLY = "A", "A – known directly to the source"
    KNOWN_INDIRECTLY_CORROBORATED = "B", "B – known indirectly, corroborated"
    KNOWN_INDIRECTLY = "C", "C – known indirectly"
    NOT_KNOWN = "D", "D – cannot be judged"
    SUSPECTED_FALSE = "E", "E – suspected to be false"


class HandlingCode(models.TextChoices):
    """3x5x2: P may be shared for policing purposes; C only under conditions."""

    P = "P", "P – lawful sharing permitted"
    C = "C", "C – sharing only with conditions"


class LinkSource(models.TextChoices):
    CHRONOLOGY = "chronology", "Chronology entry"
    REFERRAL = "referral", "Referral"
    IMPORT = "import", "Intelligence extract"
    REPORT = "report", "Intelligence report"


class Entity(TimeStamped):
    """A node of the network: a person, place, vehicle, phone number or online handle."""

    kind = models.CharField(max_length=10, choices=EntityKind.choices, db_index=True)
    #: For a person: the hub's record when the hub knows them (else empty).
    person = models.OneToOneField(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intel_entity",
    )
    label = models.CharField(max_length=300)
    #: What deduplicates the entity: a normalised registration, an E.164 number,
    #: ``platform:handle``, premises name and postcode. Empty for a person.
    key = models.CharField(max_length=300, blank=True, db_index=True)
    #: Location type, vehicle make or platform code.
    subtype = models.CharField(max_length=40, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    #: Known to the hub as a person at risk (always so when ``person`` is set).
    at_risk = models.BooleanField(default=False)
    #: For a person at risk known from an intelligence extract rather than the hub's own
    #: record: the risk level and whether a case is open, as the extract said.
    known_risk_level = models.CharField(max_length=20, blank=True)
    known_open_case = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "entities"
        # The analysis graph catches up with entities changed since its mark (graphstore).
        indexes = [models.Index(fields=["updated_at"], name="intel_entity_updated_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=~Q(key=""),
                name="intel_entity_unique_key",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def node_id(self) -> str:
        """The entity's id in the analysis graph."""
        return f"e{self.pk}"


class ExternalEntityId(models.Model):  # noqa: DJ008  (a key table, never shown)
    """An agency's own id for an entity, so a re-imported extract adds nothing twice."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=100)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="external_ids")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "external_id"], name="intel_external_entity_unique"
            )
        ]


class PersonOfConcern(TimeStamped):
    """A person entity the partnership believes exploits others (or may)."""

    entity = models.OneToOneField(Entity, on_delete=models.PROTECT, related_name="concern")
    aliases = models.JSONField(default=list, blank=True)
    modus_operandi = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    # --- the structured profile (docs/learning.md) -----------------------------------
    #: Recorded by the analyst (the entity holds no sex): boys and men are counted too.
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    #: Code from ``data/group_roles.yaml``; empty until assessed.
    group_role = models.CharField(max_length=40, blank=True)
    #: How victims were met: codes from ``data/victim_approaches.yaml``.
    victim_approaches = models.JSONField(default=list, blank=True)
    #: When a service first had a concern about this person, if earlier than anything linked.
    first_concern_on = models.DateField(null=True, blank=True)
    #: When the profile is next to be reviewed.
    review_on = models.DateField(null=True, blank=True)
    profile_updated_at = models.DateTimeField(null=True, blank=True)
    profile_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class EarlierContact(models.Model):  # noqa: DJ008  (shown as its date, agency and account)
    """An earlier contact between a person of concern and a service: a chance to intervene.

    Recorded, never edited in place or deleted (a mistaken entry is withdrawn with a reason).
    ``agency`` is a partner agency when the service is one; ``service_name`` names any other.
    """

    concern = models.ForeignKey(
        PersonOfConcern, on_delete=models.PROTECT, related_name="earlier_contacts"
    )
    occurred_on = models.DateField()
    contact_type = models.CharField(max_length=40)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_name = models.CharField(max_length=200, blank=True)
    what_happened = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_on", "pk"]

    @property
    def service(self) -> str:
        return self.agency.name if self.agency_id and self.agency else self.service_name


class Link(models.Model):  # noqa: DJ008  (shown through its entities' labels)
    """A graded, sourced link between two entities. Withdrawn with a reason, never deleted."""

    from_entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="links_from")
    to_entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="links_to")
    link_type = models.CharField(max_length=40)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    source_kind = models.CharField(max_length=12, choices=LinkSource.choices)
    source_entry = models.ForeignKey(
        "cases.ChronologyEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_extract = models.ForeignKey(
        "intelligence.IntelExtract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
    )
    #: An intelligence report's reference, or the source's own words.
    source_reference = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    source_eval = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intel_assessment = models.CharField(max_length=1, choices=IntelAssessment.choices)
    handling = models.CharField(max_length=1, choices=HandlingCode.choices, default=HandlingCode.P)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True, db_index=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["recorded_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "external_id"],
                condition=~Q(external_id=""),
                name="intel_link_external_unique",
            ),
            models.CheckConstraint(
                condition=~Q(from_entity=models.F("to_entity")), name="intel_link_not_to_itself"
            ),
        ]

    @property
    def grading(self) -> str:
        return f"{self.source_eval}{self.intel_assessment}{self.handling}"

    @property
    def node_id(self) -> str:
        return f"l{self.pk}"


class Disruption(TimeStamped):
    """Something an agency did to disrupt exploitation, and what followed."""

    subject = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="disruptions")
    activity = models.CharField(max_length=40)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField()
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    @property
    def activity_label(self) -> str:
        from lantern.intelligence.terms import disruption_label

        return disruption_label(self.activity)


class DisruptionPlan(TimeStamped):
    """The partnership's plan to disrupt one person of concern, place or vehicle.

    Its actions are ``actions.Action`` rows (``source_kind="disruption_plan"``,
    ``source_id`` = this plan), set through ``lantern.actions.services.action_create``, so
    they show in My work, the owning agency's list and the overdue view, can be chased, and
    cannot be closed without an outcome.
    """

    subject = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="disruption_plans")
    objective = models.TextField()
    review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"
    LAPSED = "lapsed", "No longer holds"


class Alert(TimeStamped):
    """What a rule found. One row per situation (``key``); re-evaluation updates it."""

    key = models.CharField(max_length=64, unique=True)
    rule = models.CharField(max_length=60, db_index=True)
    subject = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="alerts")
    score = models.FloatField()
    explanation = models.TextField()
    paths = models.JSONField(default=list)
    evidence_link_ids = models.JSONField(default=list)
    #: Evidence at the moment of dismissal: the alert returns only with links beyond it.
    dismissed_evidence = models.JSONField(default=list, blank=True)
    involves_handling_c = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True
    )
    raised_at = models.DateTimeField(default=timezone.now)
    last_evaluated_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    #: What accepting it started: a referral or a case entry (by id).
    outcome_referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: Re-raised after dismissal because of new evidence.
    times_reraised = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-score", "-raised_at"]


class SavedChart(TimeStamped):
    """A link chart an analyst saved: its starting entity, filters and laid-out elements."""

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    start = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    state = models.JSONField(default=dict)


class IntelExtract(TimeStamped):
    """One intelligence extract loaded by ``lantern intel import``."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    agreement = models.CharField(max_length=300)
    entities_name = models.CharField(max_length=300)
    links_name = models.CharField(max_length=300)
    known_name = models.CharField(max_length=300, blank=True)
    digest = models.CharField(max_length=64, db_index=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entities_added = models.PositiveIntegerField(default=0)
    entities_matched = models.PositiveIntegerField(default=0)
    links_added = models.PositiveIntegerField(default=0)
    links_already_held = models.PositiveIntegerField(default=0)
    rows_quarantined = models.PositiveIntegerField(default=0)


class IntelQuarantinedRow(models.Model):  # noqa: DJ008  (shown as its row and reason)
    """A row of an intelligence extract that could not be loaded, with the reason."""

    extract = models.ForeignKey(IntelExtract, on_delete=models.CASCADE, related_name="quarantined")
    file = models.CharField(max_length=10)  # entities | links | known
    row_number = models.PositiveIntegerField()
    data = models.JSONField()
    reason = models.TextField()
