"""Returns in the shape of national collections: the Safeguarding Adults Collection (SAC)
for adults, and the figures a partnership reports on children's exploitation.

What Lantern records and how it maps (``docs/reporting.md`` says the same for people):

- a **concern** is a referral about someone 18 or over on the day it was submitted;
- a **section 42 enquiry** is a triage decision "Adult safeguarding enquiry (Care Act s42)",
  an **other enquiry** one of "Other adult safeguarding enquiry";
- **type of risk** comes from the referral's concern categories through
  ``data/sac_mapping.yaml`` (every hub concern is sexual exploitation; some categories add
  a type); an enquiry may have several types, as in the SAC, so the totals count mentions;
- **Making Safeguarding Personal**: a person was asked about their desired outcomes when an
  adults' screening on or after the referral records what they want to happen;
- **location and source of risk** and **risk outcomes** (removed, reduced, remains) are not
  recorded by Lantern's foundation: the tables are published with every enquiry under "Not
  recorded in Lantern", so a local authority sees what it must take from its own system.
  An app that records them (intelligence for the source of risk, support for outcomes)
  replaces these figures through the figure registry.
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
from lantern.referrals.models import Outcome, Referral, TriageDecision
from lantern.reporting.periods import moment
from lantern.reporting.providers import CHILD, SEX_LABELS, grid
from lantern.screening.models import Audience, Screening

DATA = Path(__file__).resolve().parent / "data"
NOT_RECORDED = "Not recorded in Lantern"
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
        "locations_of_risk": {"type": "array", "items": {"type": "string"}},
        "sources_of_risk": {"type": "array", "items": {"type": "string"}},
    },
}


@dataclass(frozen=True)
class SacMapping:
    types: tuple[tuple[str, str], ...]
    every_concern: tuple[str, ...]
    by_category: dict[str, tuple[str, ...]]
    locations: tuple[str, ...]
    sources: tuple[str, ...]

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
        locations=tuple(data.get("locations_of_risk", ())),
        sources=tuple(data.get("sources_of_risk", ())),
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
    for pk, person_id, submitted, categories in referrals:
        on = timezone.localtime(submitted).date()
        dob = persons.get(person_id)
        if dob is not None and age_on(dob, on) >= ADULT_AGE:
            adult.append((pk, person_id, on, list(categories or [])))
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
    place: Counter[tuple[str, str]] = Counter()
    asked: Counter[tuple[str, str]] = Counter()
    type_label = dict(mapping.types)
    wants = _desired_outcomes_recorded({a[1] for a in adult if a[0] in outcomes})
    for pk, person_id, on, categories in adult:
        band = sac_age_band(persons.get(person_id), on)
        concerns[(sexes.get(sex_of.get(person_id, ""), sexes["not_known"]), band)] += 1
        if pk not in outcomes:
            continue
        kind = S42 if outcomes[pk] == Outcome.S42_ENQUIRY else OTHER
        enquiries[(band, kind)] += 1
        for code in mapping.types_for(categories):
            types[(type_label.get(code, code), kind)] += 1
        place[(NOT_RECORDED, kind)] += 1
        later = wants.get(person_id)
        asked[
            ("Asked, and outcomes expressed" if later and later >= on else NOT_RECORDED, kind)
        ] += 1
    kinds = (S42, OTHER)
    type_rows = [label for _, label in mapping.types]
    location_rows = [*mapping.locations, NOT_RECORDED]
    source_rows = [*mapping.sources, NOT_RECORDED]
    risk_rows = ("Risk removed", "Risk reduced", "Risk remains", NOT_RECORDED)
    asked_rows = ("Asked, and outcomes expressed", NOT_RECORDED)
    note = (
        "Lantern does not record this: every enquiry is counted under "
        f"“{NOT_RECORDED}”; take it from the local authority's own system."
    )
    # Tables whose columns add up to the enquiries started publish the same totals.
    shared = "enquiry kind"
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
            col_margin="enquiry kind",
            description="Triage decisions on those concerns that started an enquiry.",
            collection="sac",
        ),
        Figure(
            key="sac_type_of_risk",
            title="Enquiries by type of risk",
            row_labels=tuple(type_rows),
            col_labels=kinds,
            counts=grid(type_rows, kinds, types),
            description="An enquiry may have several types of risk; totals count mentions.",
            collection="sac",
        ),
        Figure(
            key="sac_location_of_risk",
            title="Enquiries by location of risk",
            row_labels=tuple(location_rows),
            col_labels=kinds,
            counts=grid(location_rows, kinds, place),
            notes=(note,),
            collection="sac",
            col_margin=shared,
        ),
        Figure(
            key="sac_source_of_risk",
            title="Enquiries by source of risk",
            row_labels=tuple(source_rows),
            col_labels=kinds,
            counts=grid(source_rows, kinds, place),
            notes=(note,),
            collection="sac",
            col_margin=shared,
        ),
        Figure(
            key="sac_risk_outcome",
            title="Concluded enquiries by risk outcome",
            row_labels=risk_rows,
            col_labels=kinds,
            counts=grid(risk_rows, kinds, place),
            notes=(note,),
            collection="sac",
            col_margin=shared,
        ),
        Figure(
            key="sac_desired_outcomes",
            title="Making Safeguarding Personal: asked about desired outcomes",
            row_labels=asked_rows,
            col_labels=kinds,
            counts=grid(asked_rows, kinds, asked),
            description=(
                "Asked when an adults' screening on or after the referral records what the "
                "person wants to happen."
            ),
            collection="sac",
            col_margin=shared,
        ),
    ]


def _desired_outcomes_recorded(people: set[int]) -> dict[int, date]:
    """The latest adults' screening date recording desired outcomes, per person."""
    latest: dict[int, date] = {}
    for person_id, on in (
        Screening.objects.filter(person_id__in=people, audience=Audience.ADULTS)
        .exclude(desired_outcomes="")
        .values_list("person_id", "screened_on")
    ):
        latest[person_id] = max(on, latest.get(person_id, on))
    return latest


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
