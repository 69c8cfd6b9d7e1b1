"""Returns in the shape of national collections: the Safeguarding Adults Collection (SAC)
for adults, and the figures a partnership reports on children's exploitation.

What Lantern records and how it maps (``docs/reporting.md`` says the same for people):

- a **concern** is a referral about someone 18 or over on the day it was submitted;
- a **section 42 enquiry** is a triage decision "Adult safeguarding enquiry (Care Act s42)",
  an **other enquiry** one of "Other adult safeguarding enquiry";
- **type of risk** comes from the referral's concern categories through
  ``data/sac_mapping.yaml`` (every hub concern is sexual exploitation; some categories add
  a type); an enquiry may have several types, as in the SAC, so the totals count mentions;
- **location and source of risk**, **risk outcomes** (removed, reduced, remains; no risk
  identified; the enquiry ceased at the individual's request) and **Making Safeguarding
  Personal** (asked about desired outcomes; achieved fully, partially or not) come from
  the enquiry's conclusion (``referrals.EnquiryConclusion``, its latest version), recorded
  by the hub in the categories of ``referrals/data/enquiry_conclusions.yaml``. An enquiry
  not concluded yet is counted as such, so each table's columns still add up to the
  enquiries started; where a concluded enquiry records its types of risk they replace
  the types mapped from the concerns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from lantern.core.datafiles import DataFileError, load_yaml, schema_problems
from lantern.core.figures import Figure, Period
from lantern.core.normalisers import age_on
from lantern.people.models import ADULT_AGE, Person
from lantern.referrals.conclusions import categories
from lantern.referrals.models import Outcome, Referral, TriageDecision
from lantern.referrals.queries import ConclusionFacts, latest_conclusions
from lantern.reporting.periods import moment
from lantern.reporting.providers import CHILD, SEX_LABELS, grid

DATA = Path(__file__).resolve().parent / "data"
NOT_CONCLUDED = "Enquiry not concluded yet"
S42, OTHER = "Section 42 enquiries", "Other enquiries"
SAC_AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("18 to 64", 18, 64),
    ("65 to 74", 65, 74),
    ("75 to 84", 75, 84),
    ("85 to 94", 85, 94),
    ("95 and over", 95, 200),
)
AGE_UNKNOWN = "Age not known"

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["collection", "version", "every_concern", "types_of_risk", "concern_categories"],
    "additionalProperties": False,
    "properties": {
        "collection": {"type": "string", "minLength": 1},
        "version": {"type": "string", "minLength": 1},
        "every_concern": {"type": "array", "items": {"type": "string"}},
        "types_of_risk": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "label"],
                "additionalProperties": False,
                "properties": {"code": {"type": "string"}, "label": {"type": "string"}},
            },
        },
        "concern_categories": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        # Older files listed these; the categories now live with the enquiry's conclusion
        # (referrals/data/enquiry_conclusions.yaml). Still accepted, not read.
        "locations_of_risk": {"type": "array", "items": {"type": "string"}},
        "sources_of_risk": {"type": "array", "items": {"type": "string"}},
    },
}


@dataclass(frozen=True)
class SacMapping:
    types: tuple[tuple[str, str], ...]
    every_concern: tuple[str, ...]
    by_category: dict[str, tuple[str, ...]]

    def types_for(self, categories: list[str]) -> list[str]:
        codes = list(self.every_concern)
        for category in categories:
            codes += [c for c in self.by_category.get(category, ()) if c not in codes]
        return codes


def _mapping_path() -> Path:
    local = getattr(settings, "LANTERN_DATA_DIR", None)
    if local and (Path(local) / "reporting" / "sac_mapping.yaml").exists():
        return Path(local) / "reporting" / "sac_mapping.yaml"
    return DATA / "sac_mapping.yaml"


@cache
def sac_mapping() -> SacMapping:
    """The mapping file, checked against its schema (every problem with its line)."""
    path = _mapping_path()
    loaded = load_yaml(path.read_text(encoding="utf-8"), source=str(path))
    problems = loaded.lines.duplicates + schema_problems(loaded.data, SCHEMA, loaded.lines)
    if problems:
        raise DataFileError(problems, source=str(path))
    data = loaded.data
    return SacMapping(
        types=tuple((t["code"], t["label"]) for t in data["types_of_risk"]),
        every_concern=tuple(data["every_concern"]),
        by_category={k: tuple(v) for k, v in data["concern_categories"].items()},
    )


def sac_age_band(dob: date | None, on: date) -> str:
    if dob is None:
        return AGE_UNKNOWN
    age = age_on(dob, on)
    return next((label for label, low, high in SAC_AGE_BANDS if low <= age <= high), AGE_UNKNOWN)


def _referrals(period: Period) -> list[tuple[int, int, Any, list[str]]]:
    return list(
        Referral.objects.filter(
            submitted_at__gte=moment(period.start), submitted_at__lt=moment(period.end)
        ).values_list("pk", "person_id", "submitted_at", "concern_categories")
    )


def sac_figures(period: Period) -> list[Figure]:
    """The adults' return for one period, in SAC categories."""
    mapping = sac_mapping()
    referrals = _referrals(period)
    people = {r[1] for r in referrals}
    persons = dict(Person.objects.filter(pk__in=people).values_list("pk", "date_of_birth"))
    sexes = dict(SEX_LABELS)
    sex_of = dict(Person.objects.filter(pk__in=people).values_list("pk", "sex"))
    adult: list[tuple[int, int, date, list[str]]] = []
    for pk, person_id, submitted, concern_codes in referrals:
        on = timezone.localtime(submitted).date()
        dob = persons.get(person_id)
        if dob is not None and age_on(dob, on) >= ADULT_AGE:
            adult.append((pk, person_id, on, list(concern_codes or [])))
    outcomes = dict(
        TriageDecision.objects.filter(
            referral_id__in=[a[0] for a in adult],
            outcome__in=[Outcome.S42_ENQUIRY, Outcome.OTHER_ENQUIRY],
        ).values_list("referral_id", "outcome")
    )
    bands = [label for label, _, _ in SAC_AGE_BANDS] + [AGE_UNKNOWN]
    sex_cols = [label for _, label in SEX_LABELS]
    concerns: Counter[tuple[str, str]] = Counter()
    enquiries: Counter[tuple[str, str]] = Counter()
    types: Counter[tuple[str, str]] = Counter()
    concluded = latest_conclusions(list(outcomes))
    conclusion_counts = _ConclusionCounts()
    type_label = dict(mapping.types)
    for pk, person_id, on, concern_codes in adult:
        band = sac_age_band(persons.get(person_id), on)
        concerns[(sexes.get(sex_of.get(person_id, ""), sexes["not_known"]), band)] += 1
        if pk not in outcomes:
            continue
        kind = S42 if outcomes[pk] == Outcome.S42_ENQUIRY else OTHER
        enquiries[(band, kind)] += 1
        facts = concluded.get(pk)
        codes = list(facts.types_of_risk) if facts else mapping.types_for(concern_codes)
        for code in codes:
            types[(type_label.get(code) or categories().label("types_of_risk", code), kind)] += 1
        conclusion_counts.add(facts, kind)
    kinds = (S42, OTHER)
    type_rows = [label for _, label in mapping.types]
    type_rows += sorted({row for row, _ in types} - set(type_rows))
    return [
        Figure(
            key="sac_concerns",
            title="Safeguarding concerns about adults, by sex and age band",
            row_labels=tuple(sex_cols),
            col_labels=tuple(bands),
            counts=grid(sex_cols, bands, concerns),
            description="Referrals about people aged 18 or over on the day of the referral.",
            collection="sac",
        ),
        Figure(
            key="sac_enquiries",
            title="Enquiries started: section 42 and other, by age band",
            row_labels=tuple(bands),
            col_labels=kinds,
            counts=grid(bands, kinds, enquiries),
            col_margin=SHARED,
            description="Triage decisions on those concerns that started an enquiry.",
            collection="sac",
        ),
        Figure(
            key="sac_type_of_risk",
            title="Enquiries by type of risk",
            row_labels=tuple(type_rows),
            col_labels=kinds,
            counts=grid(type_rows, kinds, types),
            description=(
                "An enquiry may have several types of risk; totals count mentions. A "
                "concluded enquiry counts the types its conclusion records; one not "
                "concluded yet, the types mapped from the concerns referred."
            ),
            collection="sac",
        ),
        *conclusion_counts.figures(kinds),
    ]


#: Tables whose columns add up to the enquiries started publish the same totals.
SHARED = "enquiry kind"
#: Columns of the action taken and risk outcome table.
ACTION = "Action taken"
NO_ACTION = "No action taken"
ACTION_NOT_RECORDED = "Action taken not recorded"


class _ConclusionCounts:
    """The conclusion tables of the return, counted one enquiry at a time."""

    def __init__(self) -> None:
        self.location: Counter[tuple[str, str]] = Counter()
        self.source: Counter[tuple[str, str]] = Counter()
        self.risk: Counter[tuple[str, str]] = Counter()
        self.asked: Counter[tuple[str, str]] = Counter()
        self.achieved: Counter[tuple[str, str]] = Counter()
        #: Concluded s42 enquiries: (risk assessment, action taken and risk outcome).
        self.action: Counter[tuple[str, str]] = Counter()

    def add(self, facts: ConclusionFacts | None, kind: str) -> None:
        if facts is None:
            for counter in (self.location, self.source, self.risk, self.asked):
                counter[(NOT_CONCLUDED, kind)] += 1
            return
        cats = categories()
        self.location[(cats.label("locations_of_risk", facts.location_of_risk), kind)] += 1
        self.source[(cats.label("sources_of_risk", facts.source_of_risk), kind)] += 1
        if facts.risk_outcome:
            self.risk[(cats.label("risk_outcomes", facts.risk_outcome), kind)] += 1
        else:
            self.risk[(cats.label("risk_assessments", facts.risk_assessment), kind)] += 1
        self.asked[(cats.label("desired_outcomes_asked", facts.outcomes_asked), kind)] += 1
        if kind == S42:
            if facts.action_taken is None:
                column = ACTION_NOT_RECORDED
            elif not facts.action_taken:
                column = NO_ACTION
            elif facts.risk_outcome:
                column = f"{ACTION}: {cats.label('risk_outcomes', facts.risk_outcome).lower()}"
            else:
                column = ACTION
            self.action[(cats.label("risk_assessments", facts.risk_assessment), column)] += 1
        if facts.outcomes_achieved:
            label = cats.label("desired_outcomes_achieved", facts.outcomes_achieved)
            self.achieved[(label, kind)] += 1

    def figures(self, kinds: tuple[str, str]) -> list[Figure]:
        cats = categories()

        def rows(section: str, counter: Counter[tuple[str, str]], *extra: str) -> list[str]:
            listed = [label for _, label in cats.choices(section)]
            # A code an area has since dropped from its file is still counted, by its code.
            listed += sorted({row for row, _ in counter} - set(listed) - set(extra))
            return [*listed, *extra]

        risk_rows = [label for _, label in cats.choices("risk_outcomes")]
        risk_rows += [c.label for c in cats.section("risk_assessments") if not c.risk_outcome]
        risk_rows += sorted({row for row, _ in self.risk} - {*risk_rows, NOT_CONCLUDED})
        risk_rows.append(NOT_CONCLUDED)

        action_cols = [
            *(f"{ACTION}: {label.lower()}" for _, label in cats.choices("risk_outcomes")),
            ACTION,
            NO_ACTION,
            ACTION_NOT_RECORDED,
        ]
        action_cols += sorted({col for _, col in self.action} - set(action_cols))

        def table(
            key: str, title: str, labels: list[str], counter: Counter[tuple[str, str]], **kw: Any
        ) -> Figure:
            return Figure(
                key=key,
                title=title,
                row_labels=tuple(labels),
                col_labels=kinds,
                counts=grid(labels, kinds, counter),
                collection="sac",
                **kw,
            )

        concluded_note = (
            "From the enquiry's conclusion as the hub recorded it (its latest version); "
            f"an enquiry without one is counted under “{NOT_CONCLUDED}”."
        )
        return [
            table(
                "sac_location_of_risk",
                "Enquiries by location of risk",
                rows("locations_of_risk", self.location, NOT_CONCLUDED),
                self.location,
                description=concluded_note,
                col_margin=SHARED,
            ),
            table(
                "sac_source_of_risk",
                "Enquiries by source of risk",
                rows("sources_of_risk", self.source, NOT_CONCLUDED),
                self.source,
                description=concluded_note,
                col_margin=SHARED,
            ),
            table(
                "sac_risk_outcome",
                "Enquiries by risk outcome",
                risk_rows,
                self.risk,
                description=(
                    "Where a risk was identified (or the assessment was inconclusive), whether "
                    "it was removed, reduced or remains; otherwise, that no risk was "
                    "identified or that the enquiry ceased at the individual's request. "
                    + concluded_note
                ),
                col_margin=SHARED,
            ),
            Figure(
                key="sac_action_taken",
                title="Concluded section 42 enquiries: action taken and risk outcome",
                row_labels=tuple(rows("risk_assessments", self.action)),
                col_labels=tuple(action_cols),
                counts=grid(rows("risk_assessments", self.action), action_cols, self.action),
                description=(
                    "Concluded section 42 enquiries by whether a risk was identified and "
                    "whether action was taken; where a risk was identified or the "
                    "assessment was inconclusive and action was taken, whether the risk was "
                    f"removed, reduced or remains. “{ACTION}” alone is action where no risk "
                    f"outcome is asked; “{ACTION_NOT_RECORDED}” counts conclusions recorded "
                    "before action taken was asked. From each enquiry's latest conclusion."
                ),
                collection="sac",
            ),
            table(
                "sac_desired_outcomes",
                "Making Safeguarding Personal: asked about desired outcomes",
                rows("desired_outcomes_asked", self.asked, NOT_CONCLUDED),
                self.asked,
                description=concluded_note,
                col_margin=SHARED,
            ),
            table(
                "sac_outcomes_achieved",
                "Making Safeguarding Personal: desired outcomes achieved",
                rows("desired_outcomes_achieved", self.achieved),
                self.achieved,
                description=(
                    "Concluded enquiries in which the person was asked and expressed the "
                    "outcomes they wanted: whether those outcomes were achieved."
                ),
            ),
        ]


def children_figures(period: Period) -> list[Figure]:
    """Children's exploitation figures: referrals, strategy discussions and hub cases, by sex."""
    referrals = _referrals(period)
    people = {r[1] for r in referrals}
    info = {
        pk: (dob, sex)
        for pk, dob, sex in Person.objects.filter(pk__in=people).values_list(
            "pk", "date_of_birth", "sex"
        )
    }
    decisions = dict(
        TriageDecision.objects.filter(referral_id__in=[r[0] for r in referrals]).values_list(
            "referral_id", "outcome"
        )
    )
    sexes = dict(SEX_LABELS)
    referred, strategy, case = (
        "Referrals about children",
        "Strategy discussions",
        "Hub cases opened or joined",
    )
    counts: Counter[tuple[str, str]] = Counter()
    for pk, person_id, submitted, _ in referrals:
        dob, sex = info.get(person_id, (None, "not_known"))
        if dob is None or age_on(dob, timezone.localtime(submitted).date()) >= ADULT_AGE:
            continue
        column = sexes.get(sex, sexes["not_known"])
        counts[(referred, column)] += 1
        outcome = decisions.get(pk)
        if outcome == Outcome.STRATEGY_DISCUSSION:
            counts[(strategy, column)] += 1
        elif outcome == Outcome.HUB_CASE:
            counts[(case, column)] += 1
    rows = (referred, strategy, case)
    cols = tuple(label for _, label in SEX_LABELS)
    return [
        Figure(
            key="children_exploitation",
            title=f"{CHILD}: referrals and what followed, by sex",
            row_labels=rows,
            col_labels=cols,
            counts=grid(rows, cols, counts),
            description=(
                "Referrals about children in the period, and those the hub decided with a "
                "strategy discussion or a hub case. The total counts referrals and decisions."
            ),
            collection="children",
        )
    ]
