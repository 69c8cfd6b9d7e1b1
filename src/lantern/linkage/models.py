"""Record linkage: trained models, runs, the clerical review queue, labels, and merges.

How the pieces fit:

- a :class:`LinkageModel` is a trained Splink model (its JSON, also saved under ``var/``),
  with its training summary and two thresholds;
- a :class:`LinkageRun` scores agency source records with a model and resolves each record to
  a person: pairs at or above the upper threshold link automatically, pairs between the
  thresholds become :class:`CandidatePair` rows in the review queue;
- a reviewer's decision is a :class:`PairLabel` (kept for ever, used for accuracy and to refine
  the next model);
- every merge of two people, by hand, by a review decision or automatically, is a
  :class:`PersonMerge` holding a precise snapshot of what moved, so it can be undone exactly;
- :class:`RecordFeatures` holds each active source record in the form the model compares,
  indexed for real-time candidate matching.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.models import TimeStamped
from lantern.linkage.spec import ModelKind

#: A reviewer's claim on a pair lapses after this long without a decision.
CLAIM_LEASE = timedelta(minutes=20)


#: What each model configuration (:data:`lantern.linkage.spec.ModelKind`) is called.
MODEL_KINDS: dict[ModelKind, str] = {
    "lantern": "Lantern model (UK person records)",
    "plain": "Plain Splink configuration (for comparison)",
}


class LinkageModel(TimeStamped):
    """A trained model, versioned. At most one is active; runs and real-time matching use it.

    ``splink_settings`` is Splink's own model JSON (DuckDB SQL); ``file_path`` is the same JSON with
    its training summary, written under ``var/linkage/models/`` so it can be reused outside
    the database (``lantern link dedupe``). Pairs at or above ``upper_threshold`` link
    automatically; pairs from ``lower_threshold`` up to it go to clerical review.
    """

    version = models.PositiveIntegerField(unique=True)
    kind = models.CharField(max_length=10, choices=MODEL_KINDS, default="lantern")
    splink_settings = models.JSONField()
    summary = models.JSONField(default=dict)
    file_path = models.CharField(max_length=500, blank=True)
    upper_threshold = models.FloatField(default=0.99)
    lower_threshold = models.FloatField(default=0.5)
    records_trained_on = models.PositiveIntegerField(default=0)
    labels_used = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=False)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_model"
            ),
            models.CheckConstraint(
                condition=models.Q(lower_threshold__lt=models.F("upper_threshold")),
                name="thresholds_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Model v{self.version}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class RunScope(models.TextChoices):
    FULL = "full", "All active records"
    INCREMENTAL = "incremental", "New and changed records"


class LinkageRun(TimeStamped):
    """One scoring and resolution of source records, with what it found and did."""

    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="runs")
    scope = models.CharField(max_length=12, choices=RunScope.choices, default=RunScope.FULL)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    record_ids = models.JSONField(
        default=list, blank=True, help_text="For an incremental run: the records to link"
    )
    extract_id = models.PositiveIntegerField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    records_considered = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveIntegerField(default=0)
    pairs_linked = models.PositiveIntegerField(default=0)
    pairs_for_review = models.PositiveIntegerField(default=0)
    people_created = models.PositiveIntegerField(default=0)
    people_merged = models.PositiveIntegerField(default=0)
    records_attached = models.PositiveIntegerField(default=0)
    rule_counts = models.JSONField(default=list, blank=True)
    seconds = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk} ({self.get_status_display()})"


class PairStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    DECIDED = "decided", "Decided"
    SUPERSEDED = "superseded", "No longer needed"


class CandidatePair(TimeStamped):
    """Two source records that may be the same person, waiting for a person to decide.

    ``record_l`` always has the lower key. ``contributions`` is the breakdown of the match
    weight by field (for the waterfall chart). A reviewer claims a pair before deciding
    (``claimed_by`` and ``claimed_at``, a lease of :data:`CLAIM_LEASE`), so two reviewers never
    decide the same pair at once. "Not sure" leaves the pair in the queue, with a label.
    """

    record_l = models.ForeignKey("imports.SourceRecord", on_delete=models.CASCADE, related_name="+")
    record_r = models.ForeignKey("imports.SourceRecord", on_delete=models.CASCADE, related_name="+")
    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(
        LinkageRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs"
    )
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    prior_weight = models.FloatField(default=0.0)
    contributions = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING, db_index=True
    )
    unsure_count = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-match_probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record_l", "record_r"], name="pair_once"),
            models.CheckConstraint(
                condition=models.Q(record_l__lt=models.F("record_r")), name="pair_in_order"
            ),
        ]
        indexes = [models.Index(fields=["status", "match_probability"])]

    def __str__(self) -> str:
        return f"Pair {self.pk}"

    @property
    def reference(self) -> str:
        return f"L-{self.pk:06d}"

    def claim_is_live(self, now: Any = None) -> bool:
        if self.claimed_by_id is None or self.claimed_at is None:
            return False
        return (now or timezone.now()) - self.claimed_at < CLAIM_LEASE


class Decision(models.TextChoices):
    MATCH = "match", "Match – the same person"
    NOT_MATCH = "not_match", "Not a match – different people"
    UNSURE = "unsure", "Not sure"


class LabelSource(models.TextChoices):
    REVIEW = "review", "Clerical review"
    MERGE = "merge", "Merged by hand"
    UNMERGE = "unmerge", "Unmerged"


class PairLabel(models.Model):
    """A person's judgement on whether two source records are the same person.

    Labels are never changed: a later decision on the same two records is a new label, and
    the latest one counts. Match and not-a-match labels bind later runs (a pair a person said
    are different people is never linked automatically) and measure the model's accuracy.
    """

    record_l = models.ForeignKey("imports.SourceRecord", on_delete=models.CASCADE, related_name="+")
    record_r = models.ForeignKey("imports.SourceRecord", on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(
        CandidatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="labels"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)
    source = models.CharField(
        max_length=10, choices=LabelSource.choices, default=LabelSource.REVIEW
    )
    model = models.ForeignKey(
        LinkageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    match_probability = models.FloatField(null=True, blank=True)
    contributions = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["record_l", "record_r", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.record_l_id}, {self.record_r_id})"


class MergeKind(models.TextChoices):
    MANUAL = "manual", "Merged by hand"
    REVIEW = "review", "Clerical review decided they match"
    AUTOMATIC = "automatic", "Linked automatically"


class PersonMerge(models.Model):
    """One person's record folded into another's, and how to take it apart again.

    ``snapshot`` records, for every table that points at a person, the keys of the rows
    that moved from ``absorbed`` to ``survivor``, the rows that stayed behind (they would
    have duplicated the survivor's), the survivor's own rows at the time, and any field the
    merge changed (a moved name stops being primary). Unmerging puts exactly those rows
    back, restores the fields, and asks where anything added since should go.
    ``absorbed.merged_into`` points at the survivor while the merge stands.
    """

    #: The merge records themselves stay where they are when people merge.
    stays_on_merge: ClassVar[bool] = True

    survivor = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="merges_absorbed"
    )
    absorbed = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="merges_into"
    )
    kind = models.CharField(max_length=10, choices=MergeKind.choices)
    reason = models.TextField()
    pair = models.ForeignKey(
        CandidatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run = models.ForeignKey(
        LinkageRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undo_reason = models.TextField(blank=True)
    undo_snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.absorbed_id} into {self.survivor_id}"

    @property
    def reference(self) -> str:
        return f"M-{self.pk:06d}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class RecordFeatures(models.Model):
    """An active source record as the model compares it, indexed for real-time matching.

    Written when a record is linked and removed when it is withdrawn; derived entirely from
    the :class:`~lantern.imports.models.SourceRecord` by :mod:`lantern.linkage.features`.
    Missing values are NULL, not empty strings, as in the model: two missing names must not
    compare as the same name (hence the ``DJ001`` exceptions).
    """

    record = models.OneToOneField(
        "imports.SourceRecord",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="linkage_features",
    )
    first_name = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    middle_name = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    last_name = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    first_key = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    last_key = models.CharField(max_length=60, null=True, blank=True)  # noqa: DJ001
    first_group = models.JSONField(null=True, blank=True)
    last_tokens = models.JSONField(null=True, blank=True)
    dob = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    dob_year = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_month = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_day = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_precision = models.CharField(max_length=5, null=True, blank=True)  # noqa: DJ001
    sex = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    nhs = models.CharField(max_length=12, null=True, blank=True)  # noqa: DJ001
    nhs_valid = models.BooleanField(default=False)
    pc_unit = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    pc_sector = models.CharField(max_length=8, null=True, blank=True)  # noqa: DJ001
    pc_district = models.CharField(max_length=6, null=True, blank=True)  # noqa: DJ001
    house = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    phone = models.CharField(max_length=20, null=True, blank=True)  # noqa: DJ001
    email = models.CharField(max_length=254, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name_plural = "record features"
        indexes = [
            models.Index(fields=["nhs"], name="lk_nhs"),
            models.Index(fields=["last_name", "first_name"], name="lk_names"),
            models.Index(fields=["last_name", "dob"], name="lk_last_dob"),
            models.Index(fields=["first_name", "dob"], name="lk_first_dob"),
            models.Index(fields=["last_name", "pc_unit"], name="lk_last_pc"),
            models.Index(fields=["first_name", "pc_unit"], name="lk_first_pc"),
            models.Index(fields=["last_key", "first_key"], name="lk_keys"),
            # Postcode first: the lookup on both, and counting a postcode (term frequency).
            models.Index(fields=["pc_unit", "dob"], name="lk_pc_dob"),
            models.Index(fields=["phone"], name="lk_phone"),
            models.Index(fields=["email"], name="lk_email"),
        ]

    def __str__(self) -> str:
        return f"features of record {self.record_id}"
