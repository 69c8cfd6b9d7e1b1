"""Reads for record linkage, scoped by the access policy and audited.

Everything here puts several agencies' records side by side, so it is the hub's alone
(``core.access.require_linkage``), with two exceptions an agency may see: the records its own
agency supplied about a person it is involved with, and whether the hub already knows a
person it describes (:func:`candidate_matches`), where the sharing agreement allows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.core.normalisers import display_date_of_birth
from lantern.imports.models import SourceRecord
from lantern.imports.rows import as_supplied
from lantern.linkage import access as linkage_access
from lantern.linkage import matching, services
from lantern.linkage.models import (
    CandidatePair,
    Decision,
    LinkageModel,
    LinkageRun,
    PairLabel,
    PairStatus,
    PersonMerge,
)
from lantern.people.models import Person

MATCH_LIMIT = 10


# --- the review queue ------------------------------------------------------------------


def review_queue(actor: Actor) -> QuerySet[CandidatePair]:
    """Pairs waiting for a person: most likely matches first."""
    linkage_access.require_linkage(actor, object_type="linkage_pair")
    audit.record(actor, Event.PAIR_LISTED, purpose="review queue")
    return (
        CandidatePair.objects.filter(status=PairStatus.PENDING)
        .select_related(
            "record_l__agency", "record_r__agency", "claimed_by", "record_l", "record_r"
        )
        .order_by("-match_probability", "pk")
    )


def queue_counts(actor: Actor) -> dict[str, int]:
    """How many pairs wait, and how many someone was not sure about (not audited: counts)."""
    linkage_access.require_linkage(actor, object_type="linkage_pair")
    pending = CandidatePair.objects.filter(status=PairStatus.PENDING)
    return {"pending": pending.count(), "unsure": pending.filter(unsure_count__gt=0).count()}


#: The rows of the side-by-side view: (label, source record field).
COMPARED_FIELDS = (
    ("First name", "first_name"),
    ("Middle names", "middle_names"),
    ("Last name", "last_name"),
    ("Date of birth", "date_of_birth"),
    ("Sex", "sex"),
    ("NHS number", "nhs_number"),
    ("Postcode", "postcode"),
    ("Address", "address"),
    ("Phone", "phone"),
    ("E-mail", "email"),
)


@dataclass(frozen=True)
class FieldRow:
    label: str
    left: str
    right: str
    #: What is compared, where it is not what is shown (names: folded, shown as supplied).
    left_key: str = ""
    right_key: str = ""

    @property
    def state(self) -> str:
        """``same``, ``different`` or ``missing`` (on one side or both)."""
        if not self.left or not self.right:
            return "missing"
        left = self.left_key or self.left.casefold()
        right = self.right_key or self.right.casefold()
        return "same" if left == right else "different"


@dataclass(frozen=True)
class Bar:
    """One step of the waterfall chart, in log2 odds (match weight)."""

    label: str
    detail: str
    weight: float
    start: float
    end: float

    @property
    def direction(self) -> str:
        if abs(self.weight) < 0.005:
            return "none"
        return "up" if self.weight > 0 else "down"


@dataclass(frozen=True)
class Waterfall:
    bars: list[Bar]
    total: float
    probability: float
    low: float
    high: float
    # Geometry for the server-rendered SVG (no script, no inline style).
    width: int = 720
    row_height: int = 28
    label_width: int = 230

    @property
    def height(self) -> int:
        return (len(self.bars) + 1) * self.row_height + 40

    def x(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        usable = self.width - self.label_width - 80
        return round(self.label_width + (value - self.low) / span * usable, 2)

    @property
    def zero_x(self) -> float:
        return self.x(0.0)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for i, bar in enumerate(self.bars):
            left, right = sorted((self.x(bar.start), self.x(bar.end)))
            out.append(
                {
                    "bar": bar,
                    "y": 20 + i * self.row_height,
                    "text_y": 20 + i * self.row_height + self.row_height * 0.6,
                    "x": left,
                    "w": max(round(right - left, 2), 1.0),
                    "value_x": right + 6,
                }
            )
        return out

    @property
    def total_x(self) -> float:
        return self.x(self.total)

    @property
    def total_y(self) -> float:
        return 20 + len(self.bars) * self.row_height + self.row_height * 0.6


def waterfall(pair: CandidatePair) -> Waterfall:
    """From the prior to the final match weight, field by field."""
    bars = []
    running = pair.prior_weight
    bars.append(
        Bar(
            label="Starting point",
            detail="how likely two records picked at random are the same person",
            weight=pair.prior_weight,
            start=0.0,
            end=running,
        )
    )
    for entry in pair.contributions:
        weight = float(entry["weight"]) + float(entry.get("tf_weight", 0.0))
        detail = entry["label"]
        if abs(float(entry.get("tf_weight", 0.0))) >= 0.005:
            common = "common" if float(entry["tf_weight"]) < 0 else "rare"
            detail += f" ({common} value: {float(entry['tf_weight']):+.1f})"
        bars.append(
            Bar(
                label=entry["description"],
                detail=detail,
                weight=weight,
                start=running,
                end=running + weight,
            )
        )
        running += weight
    values = [0.0] + [b.start for b in bars] + [b.end for b in bars]
    return Waterfall(
        bars=bars,
        total=running,
        probability=pair.match_probability,
        low=min(values) - 1,
        high=max(values) + 1,
    )


@dataclass
class PairView:
    pair: CandidatePair
    left: SourceRecord
    right: SourceRecord
    rows: list[FieldRow]
    waterfall: Waterfall
    labels: list[PairLabel]
    claimed_by_me: bool
    claimed_by_other: bool


NAMES = ("first_name", "middle_names", "last_name")


def _display(record: SourceRecord, name: str) -> str:
    value = getattr(record, name)
    if name in NAMES and value:
        return as_supplied(value, (record.raw or {}).get(name)) or str(value)
    if name == "date_of_birth" and value is not None:
        return display_date_of_birth(value, record.dob_precision)
    if name == "nhs_number" and value and not record.nhs_number_valid:
        return f"{value} (check digit fails)"
    return str(value or "")


def pair_view(actor: Actor, pk: int) -> PairView:
    """A pair side by side, with its differences and its waterfall; the read is audited."""
    linkage_access.require_linkage(actor, object_type="linkage_pair", object_id=pk)
    pair = get_object_or_404(
        CandidatePair.objects.select_related(
            "record_l__agency",
            "record_r__agency",
            "record_l__extract",
            "record_r__extract",
            "record_l__person",
            "record_r__person",
            "claimed_by",
            "model",
        ),
        pk=pk,
    )
    left, right = pair.record_l, pair.record_r
    for record in (left, right):
        audit.record(
            actor,
            Event.PAIR_VIEWED,
            object_id=pair.pk,
            person_id=record.person_id,
            purpose="clerical review",
            detail={"record": record.pk},
        )
    live = pair.claim_is_live()
    return PairView(
        pair=pair,
        left=left,
        right=right,
        rows=[
            FieldRow(
                label,
                _display(left, name),
                _display(right, name),
                left_key=str(getattr(left, name) or "") if name in NAMES else "",
                right_key=str(getattr(right, name) or "") if name in NAMES else "",
            )
            for label, name in COMPARED_FIELDS
        ],
        waterfall=waterfall(pair),
        labels=list(pair.labels.select_related("decided_by").order_by("-decided_at")),
        claimed_by_me=live and pair.claimed_by_id == actor.user.pk,
        claimed_by_other=live and pair.claimed_by_id != actor.user.pk,
    )


def pair_get(actor: Actor, pk: int) -> CandidatePair:
    """A pair for a service to act on (the refusal is audited; the service audits the act)."""
    linkage_access.require_linkage(actor, object_type="linkage_pair", object_id=pk)
    return get_object_or_404(CandidatePair, pk=pk)


# --- models, runs, accuracy ------------------------------------------------------------


def model_list(actor: Actor) -> QuerySet[LinkageModel]:
    linkage_access.require_linkage(actor, object_type="linkage_model")
    audit.record(actor, Event.LINKAGE_MODEL_LISTED)
    return LinkageModel.objects.exclude(version=0).select_related("trained_by")


@dataclass
class AccuracyRow:
    threshold: float
    precision: float | None
    recall: float | None
    f1: float | None
    labelled_matches_above: int
    labelled_non_matches_above: int


@dataclass
class Accuracy:
    """What reviewers' decisions say about the model: matches found among labelled pairs
    at each threshold, and how many of each probability band turned out to match."""

    matches: int
    non_matches: int
    unsure: int
    rows: list[AccuracyRow] = field(default_factory=list)
    bands: list[dict[str, Any]] = field(default_factory=list)


THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.01))


def accuracy(labels: list[PairLabel]) -> Accuracy:
    decided = [lb for lb in labels if lb.match_probability is not None]
    matches = [lb for lb in decided if lb.decision == Decision.MATCH]
    non = [lb for lb in decided if lb.decision == Decision.NOT_MATCH]
    result = Accuracy(
        matches=len(matches),
        non_matches=len(non),
        unsure=sum(1 for lb in decided if lb.decision == Decision.UNSURE),
    )
    match_p = [float(lb.match_probability or 0.0) for lb in matches]
    non_p = [float(lb.match_probability or 0.0) for lb in non]
    for t in THRESHOLDS:
        tp = sum(1 for p in match_p if p >= t)
        fp = sum(1 for p in non_p if p >= t)
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / len(matches) if matches else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else None
        )
        result.rows.append(AccuracyRow(t, precision, recall, f1, tp, fp))
    for low, high in BANDS:
        m = sum(1 for p in match_p if low <= p < high)
        n = sum(1 for p in non_p if low <= p < high)
        result.bands.append(
            {
                "low": low,
                "high": min(high, 1.0),
                "matches": m,
                "non_matches": n,
                "share": m / (m + n) if m + n else None,
            }
        )
    return result


@dataclass
class ModelReport:
    model: LinkageModel
    parameters: list[dict[str, Any]]
    accuracy: Accuracy
    runs: list[LinkageRun]
    latest_rule_counts: list[dict[str, Any]]


def model_report(actor: Actor, pk: int) -> ModelReport:
    linkage_access.require_linkage(actor, object_type="linkage_model", object_id=pk)
    model = get_object_or_404(LinkageModel.objects.select_related("trained_by"), pk=pk)
    audit.record(actor, Event.LINKAGE_MODEL_VIEWED, object_id=model.pk)
    runs = list(model.runs.order_by("-created_at")[:10])
    latest = next((run for run in runs if run.rule_counts), None)
    labels = list(services.latest_labels().values())
    return ModelReport(
        model=model,
        parameters=model.summary.get("parameters", []),
        accuracy=accuracy(labels),
        runs=runs,
        latest_rule_counts=latest.rule_counts if latest else [],
    )


def run_list(actor: Actor) -> QuerySet[LinkageRun]:
    linkage_access.require_linkage(actor, object_type="linkage_run")
    audit.record(actor, Event.LINKAGE_RUN_LISTED)
    return LinkageRun.objects.select_related("model", "started_by").order_by("-created_at")


def run_get(actor: Actor, pk: int) -> LinkageRun:
    linkage_access.require_linkage(actor, object_type="linkage_run", object_id=pk)
    run = get_object_or_404(LinkageRun.objects.select_related("model", "started_by"), pk=pk)
    audit.record(actor, Event.LINKAGE_RUN_VIEWED, object_id=run.pk)
    return run


@dataclass
class Overview:
    model: LinkageModel | None
    runs: list[LinkageRun]
    counts: dict[str, int]
    records: int
    linked: int
    merges: list[PersonMerge]


def overview(actor: Actor) -> Overview:
    linkage_access.require_linkage(actor, object_type="linkage")
    audit.record(actor, Event.LINKAGE_OVERVIEW_VIEWED, purpose="linkage overview")
    active = SourceRecord.objects.filter(withdrawn_at__isnull=True)
    return Overview(
        model=services.active_model(),
        runs=list(LinkageRun.objects.select_related("model").order_by("-created_at")[:5]),
        counts=queue_counts(actor),
        records=active.count(),
        linked=active.filter(person__isnull=False).count(),
        merges=list(
            PersonMerge.objects.select_related("survivor", "absorbed", "merged_by").order_by(
                "-merged_at"
            )[:10]
        ),
    )


# --- real-time candidate matches ---------------------------------------------------------


@dataclass(frozen=True)
class CandidateMatch:
    record: SourceRecord
    person: Person | None
    probability: float
    weight: float
    contributions: list[dict[str, Any]]


@dataclass(frozen=True)
class MatchResult:
    """For the hub: ranked records. For an agency: only whether the hub knows the person."""

    matches: list[CandidateMatch] | None
    known_to_hub: bool | None
    model_version: int | None


def candidate_matches(
    actor: Actor,
    details: Mapping[str, Any],
    *,
    limit: int = MATCH_LIMIT,
    purpose: str = "find matching agency records",
    exclude_person: int | None = None,
) -> MatchResult:
    """Agency records that may be this person, ranked by match probability.

    ``details`` uses the standard layout's names (``first_name``, ``last_name``,
    ``date_of_birth``, ``nhs_number``, ``postcode``, ``phone``, ``email``, …). The hub sees
    the records; an agency contributor learns only whether the hub knows someone like this
    (at the upper threshold), and only where the sharing agreement allows it.
    """
    is_hub = linkage_access.may_review_links(actor)
    if not is_hub:
        access.check(
            actor,
            linkage_access.may_learn_known_to_hub(actor),
            "see whether the hub knows a person",
            object_type="linkage_match",
        )
    model = services.active_model()
    results: list[matching.Match] = []
    if model is not None and any(str(v or "").strip() for v in details.values()):
        record = matching.prepare_details(details)
        exclude = (
            list(SourceRecord.objects.filter(person_id=exclude_person).values_list("pk", flat=True))
            if exclude_person
            else []
        )
        results = matching.match(model, record, limit=limit, exclude=exclude)
    if not is_hub:
        known = bool(model and results and results[0].probability >= model.upper_threshold)
        audit.record(
            actor,
            Event.LINKAGE_MATCHES_SEARCHED,
            purpose=purpose,
            detail={"known_to_hub": known},
        )
        return MatchResult(
            matches=None, known_to_hub=known, model_version=model.version if model else None
        )
    records = {
        r.pk: r
        for r in SourceRecord.objects.select_related("agency", "person").filter(
            pk__in=[m.record_id for m in results]
        )
    }
    matches = [
        CandidateMatch(
            record=records[m.record_id],
            person=records[m.record_id].person,
            probability=m.probability,
            weight=m.weight,
            contributions=[c.as_dict() for c in m.score.contributions],
        )
        for m in results
        if m.record_id in records
    ]
    audit.record(
        actor,
        Event.LINKAGE_MATCHES_SEARCHED,
        purpose=purpose,
        detail={
            "fields": sorted(k for k, v in details.items() if str(v or "").strip()),
            "results": len(matches),
        },
    )
    return MatchResult(
        matches=matches, known_to_hub=None, model_version=model.version if model else None
    )


def referral_matches(actor: Actor, referral: Any) -> MatchResult | None:
    """Agency records that may be the referred person (the hub's possible-duplicates panel).

    None for anyone but the hub: the panel is not shown.
    """
    if not linkage_access.may_review_links(actor):
        return None
    person = referral.person
    name = person.names.filter(is_primary=True).first()
    identifiers = {i.scheme: i.value for i in person.identifiers.all()}
    address = person.addresses.order_by("-from_date", "-pk").first()
    contacts = {c.kind: c.value for c in person.contacts.all()}
    details = {
        "first_name": person.given_name,
        "middle_names": name.middle_names if name else "",
        "last_name": person.family_name,
        "date_of_birth": _dob_text(person),
        "sex": person.sex if person.sex in ("female", "male") else "",
        "nhs_number": identifiers.get("nhs", ""),
        "postcode": address.postcode if address else "",
        "address": address.line if address else "",
        "phone": contacts.get("phone", ""),
        "email": contacts.get("email", ""),
    }
    return candidate_matches(
        actor,
        details,
        purpose=f"possible duplicates for referral {referral.reference}",
        exclude_person=person.pk,
    )


def _dob_text(person: Person) -> str:
    if person.date_of_birth is None:
        return ""
    if person.dob_precision == "year":
        return str(person.date_of_birth.year)
    if person.dob_precision == "month":
        return person.date_of_birth.strftime("%m/%Y")
    return person.date_of_birth.isoformat()


# --- the person page ---------------------------------------------------------------------


@dataclass
class AgencyRecords:
    agency: Any
    records: list[SourceRecord]


@dataclass
class PersonLinkage:
    """The "Records held by agencies" section of a person's page."""

    groups: list[AgencyRecords]
    merges: list[PersonMerge]
    others_hidden: int
    may_merge: bool


def person_linkage(actor: Actor, person: Person) -> PersonLinkage | None:
    """Which agency's record says what about a person.

    The hub sees every agency's records and the person's merges; an involved agency sees
    only the records it supplied itself (and how many others the hub holds: none named).
    The caller has already checked the actor may see this person.
    """
    if not actor.may_read_person_data:
        return None
    records = (
        SourceRecord.objects.filter(person=person, withdrawn_at__isnull=True)
        .select_related("agency", "extract")
        .order_by("agency__name", "source", "record_id")
    )
    hub = linkage_access.may_review_links(actor)
    visible = list(records if hub else records.filter(agency_id=actor.agency.pk))
    hidden = 0 if hub else records.exclude(agency_id=actor.agency.pk).count()
    groups: dict[int, AgencyRecords] = {}
    for record in visible:
        groups.setdefault(record.agency_id, AgencyRecords(record.agency, [])).records.append(record)
    merges = (
        list(
            PersonMerge.objects.filter(Q(survivor=person) | Q(absorbed=person))
            .select_related("survivor", "absorbed", "merged_by", "undone_by")
            .order_by("-merged_at")
        )
        if hub
        else []
    )
    if visible or merges:
        audit.record(
            actor,
            Event.PERSON_AGENCY_RECORDS_VIEWED,
            person_id=person.pk,
            purpose="records held by agencies",
            detail={"records": [r.pk for r in visible]},
        )
    return PersonLinkage(
        groups=list(groups.values()),
        merges=merges,
        others_hidden=hidden,
        may_merge=linkage_access.may_merge_people(actor) and person.merged_into_id is None,
    )


# --- merges ------------------------------------------------------------------------------


@dataclass
class MergeView:
    merge: PersonMerge
    placements: list[services.Placement]
    moved_counts: list[tuple[str, int]]
    may_undo: bool
    blocked: str


def merge_view(actor: Actor, pk: int) -> MergeView:
    linkage_access.require_linkage(actor, object_type="person_merge", object_id=pk)
    merge = get_object_or_404(
        PersonMerge.objects.select_related("survivor", "absorbed", "merged_by", "undone_by"), pk=pk
    )
    for person_id in (merge.survivor_id, merge.absorbed_id):
        audit.record(
            actor,
            Event.MERGE_VIEWED,
            object_id=merge.pk,
            person_id=person_id,
        )
    blocked = ""
    if merge.is_undone:
        blocked = "This merge has been undone."
    elif merge.survivor.merged_into_id:
        blocked = (
            f"{merge.survivor.reference} has since been merged into another person: "
            "undo that merge first."
        )
    placements = [] if blocked else services.undo_placements(merge)
    labels = {
        "people.PersonName:person": "Names",
        "people.Identifier:person": "Identifiers",
        "people.Address:person": "Addresses",
        "people.ContactDetail:person": "Contact details",
        "people.Involvement:person": "Agency involvements",
        "referrals.Referral:person": "Referrals",
        "cases.Case:person": "Cases",
        "cases.ChronologyEntry:person": "Chronology entries",
        "imports.SourceRecord:person": "Agency records",
    }
    moved = [
        (labels.get(key, key.split(":")[0].split(".")[1]), len(entry["moved"]))
        for key, entry in merge.snapshot.get("tables", {}).items()
        if entry.get("moved")
    ]
    return MergeView(
        merge=merge,
        placements=placements,
        moved_counts=moved,
        may_undo=linkage_access.may_merge_people(actor) and not blocked,
        blocked=blocked,
    )


def merge_get(actor: Actor, pk: int) -> PersonMerge:
    linkage_access.require_linkage(actor, object_type="person_merge", object_id=pk)
    return get_object_or_404(PersonMerge, pk=pk)


def person_for_merge(actor: Actor, reference: str) -> Person | None:
    """The other person named in a merge form, by reference (P-000123) or number."""
    access.check(actor, linkage_access.may_merge_people(actor), "merge people")
    digits = "".join(ch for ch in reference if ch.isdigit())
    if not digits:
        return None
    person = Person.objects.filter(pk=int(digits)).first()
    if person is not None:
        audit.record(
            actor,
            Event.PERSON_VIEWED,
            object_id=person.pk,
            person_id=person.pk,
            purpose="merge people",
        )
    return person


def person_panel(actor: Actor, person: Any) -> dict[str, Any]:
    """The person's page: which agency's record says what (the hub's view)."""
    return {"linkage": person_linkage(actor, person)}


def referral_panel(actor: Actor, referral: Any) -> dict[str, Any]:
    """A referral's page: agency records that may be the referred person (hub only)."""
    return {"agency_matches": referral_matches(actor, referral)}


# --- the people a pair would join (the review page) ---------------------------------------


@dataclass
class ClusterRecord:
    """One agency record of a person, as that agency wrote it."""

    record: SourceRecord
    name: str
    date_of_birth: str
    nhs_number: str
    postcode: str
    phone: str
    in_pair: bool
    #: the fields of this record that contradict another record of the would-be person
    contradicts: set[str] = field(default_factory=set)


@dataclass
class ClusterSide:
    """The person (or, for a record not yet linked, the record alone) on one side."""

    person: Person | None
    records: list[ClusterRecord]


@dataclass
class Contradiction:
    kind: str  # "nhs_number" or "date_of_birth"
    text: str
    #: every record holding one of the two values
    records: tuple[int, ...]


@dataclass
class PairClusters:
    left: ClusterSide
    right: ClusterSide
    same_person: bool
    contradictions: list[Contradiction]


def _dob_compatible(a: SourceRecord, b: SourceRecord) -> bool:
    """Whether two dates of birth, each known to its precision, can both be true."""
    if a.date_of_birth is None or b.date_of_birth is None:
        return True
    order = {"year": 0, "month": 1, "day": 2}
    coarsest = min(order.get(a.dob_precision or "day", 2), order.get(b.dob_precision or "day", 2))
    left, right = a.date_of_birth, b.date_of_birth
    if coarsest == 0:
        return left.year == right.year
    if coarsest == 1:
        return (left.year, left.month) == (right.year, right.month)
    return left == right


def _who(record: SourceRecord) -> str:
    return f"{record.agency.name} {record.source} {record.record_id}"


def _contradictions(records: list[SourceRecord]) -> list[Contradiction]:
    """Two valid NHS numbers that differ; dates of birth that cannot both be true."""
    found: list[Contradiction] = []
    seen: set[tuple[str, str, str]] = set()
    for i, a in enumerate(records):
        for b in records[i + 1 :]:
            if (
                a.nhs_number_valid
                and b.nhs_number_valid
                and a.nhs_number
                and b.nhs_number
                and a.nhs_number != b.nhs_number
            ):
                key = ("nhs_number", *sorted((a.nhs_number, b.nhs_number)))
                if key not in seen:
                    seen.add(key)  # type: ignore[arg-type]
                    found.append(
                        Contradiction(
                            "nhs_number",
                            f"Two different valid NHS numbers: {a.nhs_number} ({_who(a)}) "
                            f"and {b.nhs_number} ({_who(b)}). One person has one NHS number.",
                            tuple(
                                r.pk
                                for r in records
                                if r.nhs_number_valid and r.nhs_number in key[1:]
                            ),
                        )
                    )
            if not _dob_compatible(a, b):
                da = _display(a, "date_of_birth")
                db = _display(b, "date_of_birth")
                key = ("date_of_birth", *sorted((da, db)))
                if key not in seen:
                    seen.add(key)  # type: ignore[arg-type]
                    found.append(
                        Contradiction(
                            "date_of_birth",
                            f"Dates of birth that cannot both be true: {da} ({_who(a)}) "
                            f"and {db} ({_who(b)}).",
                            tuple(
                                r.pk for r in records if _display(r, "date_of_birth") in key[1:]
                            ),
                        )
                    )
    return found


def _side(record: SourceRecord) -> tuple[Person | None, list[SourceRecord]]:
    if record.person_id is None:
        return None, [record]
    records = list(
        SourceRecord.objects.filter(person_id=record.person_id, withdrawn_at__isnull=True)
        .select_related("agency")
        .order_by("agency__name", "source", "record_id")
    )
    if record.pk not in {r.pk for r in records}:
        records.insert(0, record)
    return record.person, records


def pair_clusters(actor: Actor, pair: CandidatePair) -> PairClusters:
    """The people the pair's two records belong to, with all their agency records, and what
    in the person they would make cannot be true of one person. The read is audited per
    person (hub roles only, as every linkage read)."""
    linkage_access.require_linkage(actor, object_type="linkage_pair", object_id=pair.pk)
    pair_ids = {pair.record_l_id, pair.record_r_id}
    left_person, left_records = _side(pair.record_l)
    right_person, right_records = _side(pair.record_r)
    same = left_person is not None and right_person is not None and left_person == right_person
    joined = left_records if same else left_records + right_records
    # NHS numbers first: the stronger evidence that these are two people.
    contradictions = sorted(_contradictions(joined), key=lambda c: c.kind != "nhs_number")
    flagged: dict[int, set[str]] = {}
    for c in contradictions:
        for pk in c.records:
            flagged.setdefault(pk, set()).add(c.kind)

    def rows(records: list[SourceRecord]) -> list[ClusterRecord]:
        records = sorted(records, key=lambda r: r.pk not in pair_ids)  # the pair's record first
        return [
            ClusterRecord(
                record=r,
                name=" ".join(_display(r, n) for n in NAMES if getattr(r, n)),
                date_of_birth=_display(r, "date_of_birth"),
                nhs_number=_display(r, "nhs_number"),
                postcode=r.postcode,
                phone=r.phone,
                in_pair=r.pk in pair_ids,
                contradicts=flagged.get(r.pk, set()),
            )
            for r in records
        ]

    for person, records in ((left_person, left_records), (right_person, right_records)):
        audit.record(
            actor,
            Event.SOURCE_RECORD_VIEWED,
            person_id=person.pk if person else None,
            purpose="clerical review: the people a pair would join",
            detail={"pair": pair.pk, "records": [r.pk for r in records]},
        )
    return PairClusters(
        left=ClusterSide(left_person, rows(left_records)),
        right=ClusterSide(right_person, rows(right_records)),
        same_person=same,
        contradictions=contradictions,
    )
