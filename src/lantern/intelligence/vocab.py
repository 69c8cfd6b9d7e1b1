"""Intelligence vocabularies and alert rules, read from ``data/`` (pure Python, cached).

Each file is YAML checked against a JSON Schema through :mod:`lantern.core.datafiles`, so a
refused file lists every problem with its line and field. ``alert_rules.yaml`` follows the
published ``data/alert_rules.schema.json``; the three vocabularies have their schemas here.
A local area may point ``LANTERN_DATA_DIR`` (environment) at a folder holding files of the
same names; the shipped files are the defaults.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lantern.core.datafiles import (
    DataFileError,
    Problem,
    field_name,
    load_yaml,
    schema_problems,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
RULES_SCHEMA_PATH = DATA_DIR / "alert_rules.schema.json"
ENTITY_KINDS = ("person", "location", "vehicle", "phone", "handle")
CODE = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 40}
LABEL = {"type": "string", "minLength": 1, "maxLength": 120}
WEIGHT = {"type": "number", "minimum": 0, "maximum": 1}


def _vocabulary_schema(name: str, term: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "required": ["vocabulary", "version", "terms"],
        "properties": {
            "vocabulary": {"const": name},
            "version": {"type": "string", "minLength": 1},
            "description": {"type": "string"},
            "terms": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["code", "label", *required],
                    "properties": {"code": CODE, "label": LABEL, **term},
                },
            },
        },
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    "location_types": _vocabulary_schema(
        "location_types", {"public": {"type": "boolean"}, "specificity": WEIGHT}, ["public"]
    ),
    "link_types": _vocabulary_schema(
        "link_types",
        {
            "from": {"enum": list(ENTITY_KINDS)},
            "to": {"enum": list(ENTITY_KINDS)},
            "strength": WEIGHT,
        },
        ["from", "to", "strength"],
    ),
    "disruption_types": _vocabulary_schema(
        "disruption_types",
        {"applies_to": {"type": "array", "minItems": 1, "items": {"enum": list(ENTITY_KINDS)}}},
        ["applies_to"],
    ),
}


class IntelligenceDataError(DataFileError):
    what = "The intelligence data file"


@dataclass(frozen=True)
class LocationType:
    code: str
    label: str
    public: bool
    specificity: float = 0.5


@dataclass(frozen=True)
class LinkType:
    code: str
    label: str
    kinds: tuple[str, str]
    strength: float

    def joins(self, kind_a: str, kind_b: str) -> bool:
        """True when a link of this type may join entities of these kinds (either way round)."""
        return (kind_a, kind_b) in (self.kinds, self.kinds[::-1])


@dataclass(frozen=True)
class DisruptionType:
    code: str
    label: str
    applies_to: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    label: str
    enabled: bool
    threshold: float
    params: dict[str, Any] = field(hash=False, compare=False)
    description: str = ""


@dataclass(frozen=True)
class Scoring:
    source_eval: dict[str, float] = field(hash=False)
    intel_assessment: dict[str, float] = field(hash=False)
    half_life_days: int = 365
    floor: float = 0.25
    undated: float = 0.5


@dataclass(frozen=True)
class AlertRules:
    version: str
    scoring: Scoring
    rules: tuple[Rule, ...]

    def rule(self, code: str) -> Rule:
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(code)


def _path(name: str) -> Path:
    override = os.environ.get("LANTERN_DATA_DIR")
    if override and (Path(override) / f"{name}.yaml").exists():
        return Path(override) / f"{name}.yaml"
    return DATA_DIR / f"{name}.yaml"


def _unique_codes(items: Any, key: str, lines: Any) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, item in enumerate(items if isinstance(items, list) else []):
        code = item.get("code") if isinstance(item, dict) else None
        if isinstance(code, str) and code in seen:
            path = (key, index, "code")
            problems.append(
                Problem(lines.line(path), field_name(path), f"Code '{code}' is used twice")
            )
        seen.add(str(code))
    return problems


def parse_terms(name: str, text: str, *, source: str = "<text>") -> list[dict[str, Any]]:
    """The terms of vocabulary ``name`` in ``text``, checked; raises with every problem."""
    loaded = load_yaml(text, source=source, error=IntelligenceDataError)
    data, lines = loaded.data, loaded.lines
    problems = lines.duplicates + schema_problems(data, SCHEMAS[name], lines)
    problems += _unique_codes(data.get("terms") if isinstance(data, dict) else None, "terms", lines)
    if problems:
        raise IntelligenceDataError(problems, source=source)
    terms: list[dict[str, Any]] = data["terms"]
    return terms


@cache
def _terms(name: str) -> dict[str, dict[str, Any]]:
    path = _path(name)
    return {
        t["code"]: t for t in parse_terms(name, path.read_text(encoding="utf-8"), source=str(path))
    }


@cache
def location_types() -> dict[str, LocationType]:
    return {
        code: LocationType(code, t["label"], bool(t["public"]), float(t.get("specificity", 0.5)))
        for code, t in _terms("location_types").items()
    }


@cache
def link_types() -> dict[str, LinkType]:
    return {
        code: LinkType(code, t["label"], (t["from"], t["to"]), float(t["strength"]))
        for code, t in _terms("link_types").items()
    }


@cache
def disruption_types() -> dict[str, DisruptionType]:
    return {
        code: DisruptionType(code, t["label"], tuple(t["applies_to"]))
        for code, t in _terms("disruption_types").items()
    }


def location_type(code: str) -> LocationType:
    """The location type ``code`` (KeyError if the data file has no such type)."""
    return location_types()[code]


def link_type(code: str) -> LinkType:
    return link_types()[code]


def disruption_type(code: str) -> DisruptionType:
    return disruption_types()[code]


@cache
def rules_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(RULES_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def parse_alert_rules(text: str, *, source: str = "<text>") -> AlertRules:
    """Alert rules from YAML ``text``, checked against the published schema and for what a
    schema cannot say (unique codes, link types that exist); raises with every problem."""
    loaded = load_yaml(text, source=source, error=IntelligenceDataError)
    data, lines = loaded.data, loaded.lines
    problems = lines.duplicates + schema_problems(data, rules_schema(), lines)
    raw_rules = data.get("rules") if isinstance(data, dict) else None
    problems += _unique_codes(raw_rules, "rules", lines)
    known_links = link_types()
    for index, rule in enumerate(raw_rules if isinstance(raw_rules, list) else []):
        params = rule.get("params") if isinstance(rule, dict) else None
        if not isinstance(params, dict):
            continue
        for key in ("direct_link_types", "exclude_link_types"):
            for position, code in enumerate(params.get(key) or []):
                if isinstance(code, str) and code not in known_links:
                    path = ("rules", index, "params", key, position)
                    problems.append(
                        Problem(lines.line(path), field_name(path), f"No link type '{code}'")
                    )
    if problems:
        raise IntelligenceDataError(problems, source=source)
    scoring = data["scoring"]
    recency = scoring["recency"]
    return AlertRules(
        version=str(data["version"]),
        scoring=Scoring(
            source_eval={str(k): float(v) for k, v in scoring["source_eval"].items()},
            intel_assessment={str(k): float(v) for k, v in scoring["intel_assessment"].items()},
            half_life_days=int(recency["half_life_days"]),
            floor=float(recency["floor"]),
            undated=float(recency["undated"]),
        ),
        rules=tuple(
            Rule(
                code=r["code"],
                kind=r["kind"],
                label=r["label"],
                enabled=bool(r["enabled"]),
                threshold=float(r["threshold"]),
                params=dict(r["params"]),
                description=str(r.get("description", "")),
            )
            for r in data["rules"]
        ),
    )


@cache
def alert_rules() -> AlertRules:
    """The alert rules in use (``alert_rules.yaml``), parsed once."""
    path = _path("alert_rules")
    return parse_alert_rules(path.read_text(encoding="utf-8"), source=str(path))
