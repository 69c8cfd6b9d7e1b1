"""Screening instruments: files validated against a published schema, and their rules.

An instrument is data, not code (``data/instrument.schema.json`` says what a file may hold).
This module is pure: it parses and checks a file, reporting *every* problem with the line it
is on, turns a stored definition into :class:`InstrumentDef`, computes a level from answers,
and matches suggestion rules against chronology entries. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lantern.core.datafiles import (
    DataFileError,
    Lines,
    Path_,
    Problem,
    field_name,
    load_yaml,
    schema_problems,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_PATH = DATA_DIR / "instrument.schema.json"
DEFAULT_FILES = (
    DATA_DIR / "instruments" / "children.yaml",
    DATA_DIR / "instruments" / "adults.yaml",
)

PRESENT, ABSENT, UNKNOWN = "present", "absent", "unknown"
ANSWERS = ((PRESENT, "Present"), (ABSENT, "Not present"), (UNKNOWN, "Not known"))
DEFAULT_LOOKBACK_DAYS = 365


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of an instrument file."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


# --- checking a file: core.datafiles reads it, the checks below are the instrument's own ------


class InstrumentError(DataFileError):
    """The file was refused; ``problems`` lists every one found (nothing was loaded)."""

    what = "The instrument"


def _dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a list, with their positions; anything malformed is skipped (the
    schema has already reported it), so every other check still runs."""
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _codes(items: list[tuple[int, dict[str, Any]]]) -> list[str]:
    return [item["code"] for _, item in items if isinstance(item.get("code"), str)]


def _dupes(
    items: list[tuple[int, dict[str, Any]]], base: Path_, lines: Lines, what: str
) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for index, item in items:
        code = item.get("code")
        if not isinstance(code, str):
            continue
        if code in seen:
            where = (*base, index, "code")
            problems.append(
                Problem(
                    lines.line(where), field_name(where), f"{what} code '{code}' is used twice"
                )
            )
        seen.add(code)
    return problems


class _Checks:
    """What the schema cannot say: unique codes, rising thresholds, references that resolve.

    Tolerant of a file that also fails the schema, so that one run lists every problem.
    """

    def __init__(self, data: dict[str, Any], lines: Lines, event_types: set[str] | None) -> None:
        self.data = data
        self.lines = lines
        self.event_types = event_types
        self.problems: list[Problem] = []
        raw_recency = data.get("recency")
        recency: dict[str, Any] = raw_recency if isinstance(raw_recency, dict) else {}
        self.bands = _dicts(recency.get("bands"))
        self.band_codes = _codes(self.bands)
        self.undated = recency.get("undated_band")
        self.levels = _dicts(data.get("levels"))
        self.level_codes = _codes(self.levels)
        self.themes = _dicts(data.get("themes"))
        self.indicator_codes: set[str] = set()

    def add(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.lines.line(path), field_name(path), message))

    def run(self) -> list[Problem]:
        self.recency()
        self.level_thresholds()
        self.indicators()
        self.suggestions()
        self.problems += _dupes(
            _dicts(self.data.get("capacity_decisions")),
            ("capacity_decisions",),
            self.lines,
            "Capacity decision",
        )
        return self.problems

    def recency(self) -> None:
        self.problems += _dupes(self.bands, ("recency", "bands"), self.lines, "Recency band")
        previous = 0
        for position, (index, band) in enumerate(self.bands):
            max_days = band.get("max_days")
            if max_days is None and position != len(self.bands) - 1:
                self.add(("recency", "bands", index), "only the last band may leave out max_days")
            elif isinstance(max_days, int):
                if max_days <= previous:
                    self.add(
                        ("recency", "bands", index, "max_days"),
                        "max_days must rise from band to band",
                    )
                previous = max_days
        if (
            isinstance(self.undated, str)
            and self.band_codes
            and self.undated not in self.band_codes
        ):
            self.add(
                ("recency", "undated_band"),
                f"'{self.undated}' is not a recency band "
                f"(use one of: {', '.join(self.band_codes)})",
            )

    def level_thresholds(self) -> None:
        self.problems += _dupes(self.levels, ("levels",), self.lines, "Level")
        scores: list[tuple[int, int]] = [
            (index, lv["min_score"])
            for index, lv in self.levels
            if isinstance(lv.get("min_score"), int)
        ]
        if scores and scores[0][0] == 0 and scores[0][1] != 0:
            self.add(("levels", 0, "min_score"), "the lowest level must start at 0")
        for (_, before), (index, score) in itertools.pairwise(scores):
            if score <= before:
                self.add(("levels", index, "min_score"), "min_score must rise from level to level")

    def indicators(self) -> None:
        self.problems += _dupes(self.themes, ("themes",), self.lines, "Theme")
        for t_index, theme in self.themes:
            for i_index, indicator in _dicts(theme.get("indicators")):
                base: Path_ = ("themes", t_index, "indicators", i_index)
                code = indicator.get("code")
                if isinstance(code, str):
                    if code in self.indicator_codes:
                        self.add((*base, "code"), f"indicator code '{code}' is used twice")
                    self.indicator_codes.add(code)
                weights = indicator.get("weights")
                for band in weights if isinstance(weights, dict) else {}:
                    if self.band_codes and band not in self.band_codes:
                        self.add(
                            (*base, "weights", band),
                            f"'{band}' is not a recency band "
                            f"(use one of: {', '.join(self.band_codes)})",
                        )
                escalates = indicator.get("escalates")
                if isinstance(escalates, dict):
                    self.escalation(base, escalates)

    def escalation(self, base: Path_, escalates: dict[str, Any]) -> None:
        level = escalates.get("level")
        if isinstance(level, str) and self.level_codes and level not in self.level_codes:
            self.add(
                (*base, "escalates", "level"),
                f"'{level}' is not a level (use one of: {', '.join(self.level_codes)})",
            )
        bands = escalates.get("bands")
        for b_index, band in enumerate(bands if isinstance(bands, list) else []):
            if isinstance(band, str) and self.band_codes and band not in self.band_codes:
                self.add((*base, "escalates", "bands", b_index), f"'{band}' is not a recency band")

    def suggestions(self) -> None:
        rules = _dicts(self.data.get("suggestions"))
        self.problems += _dupes(rules, ("suggestions",), self.lines, "Suggestion")
        for s_index, rule in rules:
            base: Path_ = ("suggestions", s_index)
            indicator = rule.get("indicator")
            if isinstance(indicator, str) and indicator not in self.indicator_codes:
                self.add(
                    (*base, "indicator"), f"'{indicator}' is not an indicator of this instrument"
                )
            event_types = rule.get("event_types")
            if self.event_types is not None and isinstance(event_types, list):
                for e_index, event_type in enumerate(event_types):
                    if isinstance(event_type, str) and event_type not in self.event_types:
                        self.add(
                            (*base, "event_types", e_index),
                            f"'{event_type}' is not a chronology event type in use here",
                        )
            within = rule.get("within_days")
            lookback = rule.get("lookback_days", DEFAULT_LOOKBACK_DAYS)
            if isinstance(within, int) and isinstance(lookback, int) and within > lookback:
                self.add(
                    (*base, "within_days"),
                    f"within_days cannot be longer than lookback_days ({lookback})",
                )


@dataclass(frozen=True)
class ParsedFile:
    data: dict[str, Any]
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def code(self) -> str:
        return str(self.data["instrument"])

    @property
    def version(self) -> str:
        return str(self.data["version"])


def parse_instrument(
    text: str, *, source: str = "", event_types: set[str] | None = None
) -> ParsedFile:
    """Check an instrument file and return its definition, or raise :class:`InstrumentError`
    listing every problem (line and field). ``event_types``: the chronology codes in use."""
    loaded = load_yaml(text, source=source, error=InstrumentError)
    data, lines = loaded.data, loaded.lines
    if not isinstance(data, dict):
        raise InstrumentError(
            [Problem(1, "", "the file must be a YAML mapping (instrument:, version:, …)")],
            source=source,
        )
    problems = lines.duplicates + schema_problems(data, schema(), lines)
    problems += _Checks(data, lines, event_types).run()
    if problems:
        raise InstrumentError(problems, source=source)
    return ParsedFile(data=data, text=text)


def dump_definition(data: Mapping[str, Any]) -> str:
    """A definition as YAML (for exports and round-trip checks)."""
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=100)


# --- the definition as objects ------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    max_days: int | None


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    rank: int
    min_score: int
    rescreen_days: int
    description: str = ""
    flags_transition: bool = False


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    description: str
    theme: str
    weights: Mapping[str, int]
    guidance: str = ""
    escalates_to: str = ""
    escalates_bands: tuple[str, ...] = ()
    restricted_category: str = ""


@dataclass(frozen=True)
class Theme:
    code: str
    label: str
    description: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class SuggestionRule:
    code: str
    indicator: str
    label: str
    event_types: frozenset[str]
    min_count: int = 1
    within_days: int | None = None
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    source_agency_kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CapacityDecision:
    code: str
    label: str
    needs_detail: bool = False


@dataclass(frozen=True)
class InstrumentDef:
    """A stored definition, ready to use. Build with :func:`definition_from`."""

    code: str
    version: str
    name: str
    audience: str
    description: str
    default_for_local_review: bool
    making_safeguarding_personal: bool
    first_screening_within_days: int
    new_information_significance: frozenset[str]
    bands: tuple[Band, ...]
    undated_band: str
    levels: tuple[Level, ...]
    themes: tuple[Theme, ...]
    suggestions: tuple[SuggestionRule, ...]
    capacity_decisions: tuple[CapacityDecision, ...]
    indicators: Mapping[str, Indicator] = field(default_factory=dict)

    def level(self, code: str) -> Level:
        for level in self.levels:
            if level.code == code:
                return level
        raise KeyError(code)

    def band(self, code: str) -> Band:
        for band in self.bands:
            if band.code == code:
                return band
        raise KeyError(code)

    def band_for(self, observed: date | None, on: date) -> str:
        """The recency band of a sign last seen on ``observed``, screened on ``on``."""
        if observed is None:
            return self.undated_band
        days = max((on - observed).days, 0)
        for band in self.bands:
            if band.max_days is None or days <= band.max_days:
                return band.code
        return self.bands[-1].code

    @property
    def lowest(self) -> Level:
        return self.levels[0]

    def capacity_decision(self, code: str) -> CapacityDecision | None:
        return next((d for d in self.capacity_decisions if d.code == code), None)


def definition_from(data: Mapping[str, Any]) -> InstrumentDef:
    themes = []
    indicators: dict[str, Indicator] = {}
    for theme in data["themes"]:
        items = []
        for raw in theme["indicators"]:
            escalates = raw.get("escalates") or {}
            indicator = Indicator(
                code=raw["code"],
                label=raw["label"],
                description=raw["description"],
                theme=theme["code"],
                weights=dict(raw["weights"]),
                guidance=raw.get("guidance", ""),
                escalates_to=escalates.get("level", ""),
                escalates_bands=tuple(escalates.get("bands", ())),
                restricted_category=raw.get("restricted_category", ""),
            )
            items.append(indicator)
            indicators[indicator.code] = indicator
        themes.append(
            Theme(theme["code"], theme["label"], theme.get("description", ""), tuple(items))
        )
    return InstrumentDef(
        code=data["instrument"],
        version=str(data["version"]),
        name=data["name"],
        audience=data["audience"],
        description=data.get("description", ""),
        default_for_local_review=bool(data.get("default_for_local_review", False)),
        making_safeguarding_personal=bool(data.get("making_safeguarding_personal", False)),
        first_screening_within_days=int(data.get("first_screening_within_days", 5)),
        new_information_significance=frozenset(
            (data.get("new_information") or {}).get("significance", ["high"])
        ),
        bands=tuple(
            Band(b["code"], b["label"], b.get("max_days")) for b in data["recency"]["bands"]
        ),
        undated_band=data["recency"]["undated_band"],
        levels=tuple(
            Level(
                code=lv["code"],
                label=lv["label"],
                rank=rank,
                min_score=lv["min_score"],
                rescreen_days=lv["rescreen_days"],
                description=lv.get("description", ""),
                flags_transition=bool(lv.get("flags_transition", False)),
            )
            for rank, lv in enumerate(data["levels"])
        ),
        themes=tuple(themes),
        suggestions=tuple(
            SuggestionRule(
                code=s["code"],
                indicator=s["indicator"],
                label=s["label"],
                event_types=frozenset(s["event_types"]),
                min_count=s.get("min_count", 1),
                within_days=s.get("within_days"),
                lookback_days=s.get("lookback_days", DEFAULT_LOOKBACK_DAYS),
                source_agency_kinds=frozenset(s.get("source_agency_kinds", ())),
            )
            for s in data.get("suggestions", [])
        ),
        capacity_decisions=tuple(
            CapacityDecision(d["code"], d["label"], bool(d.get("needs_detail", False)))
            for d in data.get("capacity_decisions", [])
        ),
        indicators=indicators,
    )


# --- the computed level ---------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One indicator as the practitioner marked it."""

    indicator: str
    answer: str
    last_observed: date | None = None
    evidence: str = ""


@dataclass(frozen=True)
class Reason:
    """Why the level is what it is: one present indicator and what it added."""

    indicator: str
    label: str
    band: str
    weight: int
    escalates_to: str = ""
    restricted_category: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "label": self.label,
            "band": self.band,
            "weight": self.weight,
            "escalates_to": self.escalates_to,
            "restricted_category": self.restricted_category,
        }


@dataclass(frozen=True)
class Computed:
    level: Level
    score: int
    by_score: Level
    reasons: tuple[Reason, ...]


def compute_level(instrument: InstrumentDef, answers: Iterable[Answer], on: date) -> Computed:
    """The level the instrument's rules give, and the indicators that drove it.

    Only indicators marked present count: each adds its weight for the recency band it was
    last seen in (weights are never negative), and an indicator that escalates raises the
    level to at least its level. So adding a present indicator never lowers the level, and
    with nothing present the level is the lowest.
    """
    score = 0
    floor = instrument.lowest
    reasons: list[Reason] = []
    for answer in sorted(answers, key=lambda a: a.indicator):
        if answer.answer != PRESENT:
            continue
        indicator = instrument.indicators.get(answer.indicator)
        if indicator is None:
            continue
        band = instrument.band_for(answer.last_observed, on)
        weight = int(indicator.weights.get(band, 0))
        score += weight
        escalates_to = ""
        if indicator.escalates_to and band in indicator.escalates_bands:
            target = instrument.level(indicator.escalates_to)
            escalates_to = target.code
            if target.rank > floor.rank:
                floor = target
        if weight or escalates_to:
            reasons.append(
                Reason(
                    indicator=indicator.code,
                    label=indicator.label,
                    band=band,
                    weight=weight,
                    escalates_to=escalates_to,
                    restricted_category=indicator.restricted_category,
                )
            )
    by_score = instrument.lowest
    for level in instrument.levels:
        if score >= level.min_score:
            by_score = level
    level = by_score if by_score.rank >= floor.rank else floor
    reasons.sort(key=lambda r: (-r.weight, r.indicator))
    return Computed(level=level, score=score, by_score=by_score, reasons=tuple(reasons))


# --- suggestions from the chronology --------------------------------------------------------


@dataclass(frozen=True)
class EntryFact:
    """What a suggestion rule needs to know about one readable chronology entry."""

    id: int
    occurred_on: date
    event_type: str
    agency_kind: str


@dataclass(frozen=True)
class Match:
    rule: SuggestionRule
    entry_ids: tuple[int, ...]  # newest first
    latest_on: date


def match_rules(
    rules: Iterable[SuggestionRule], entries: Sequence[EntryFact], on: date
) -> list[Match]:
    """The rules that entries satisfy, each with the entries behind it.

    A rule needs ``min_count`` of its event types (from the given agency kinds) within
    ``lookback_days`` of ``on``; with ``within_days``, that many must fall inside one span of
    that many days, and every entry in such a span is shown.
    """
    matches = []
    for rule in rules:
        dated = sorted(
            (
                e
                for e in entries
                if e.event_type in rule.event_types
                and (not rule.source_agency_kinds or e.agency_kind in rule.source_agency_kinds)
                and 0 <= (on - e.occurred_on).days <= rule.lookback_days
            ),
            key=lambda e: (e.occurred_on, e.id),
        )
        if len(dated) < rule.min_count:
            continue
        if rule.within_days is None:
            chosen = dated
        else:
            chosen = _in_windows(dated, rule.min_count, rule.within_days)
        if chosen:
            newest = sorted(chosen, key=lambda e: (e.occurred_on, e.id), reverse=True)
            matches.append(
                Match(
                    rule=rule,
                    entry_ids=tuple(e.id for e in newest),
                    latest_on=newest[0].occurred_on,
                )
            )
    return matches


def _in_windows(dated: list[EntryFact], min_count: int, within_days: int) -> list[EntryFact]:
    """Entries belonging to any span of ``within_days`` days holding ``min_count`` of them."""
    keep: set[int] = set()
    start = 0
    for end in range(len(dated)):
        while (dated[end].occurred_on - dated[start].occurred_on).days >= within_days:
            start += 1
        if end - start + 1 >= min_count:
            keep.update(range(start, end + 1))
    return [dated[i] for i in sorted(keep)]
