"""The categories of an enquiry's conclusion (``data/enquiry_conclusions.yaml``): types,
location and source of risk, whether risk was identified and what became of it, and Making
Safeguarding Personal, in the Safeguarding Adults Collection's terms.

Read as every data file is (:mod:`lantern.core.datafiles`): checked against a JSON Schema,
then for codes given twice, every problem with its line. An area replaces the file through
``LANTERN_DATA_DIR/enquiry_conclusions.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern.core.datafiles import DataFileError, Problem, field_name, load_yaml, schema_problems

FILE = "enquiry_conclusions.yaml"
SECTIONS = (
    "types_of_risk",
    "locations_of_risk",
    "sources_of_risk",
    "risk_assessments",
    "risk_outcomes",
    "desired_outcomes_asked",
    "desired_outcomes_achieved",
)


def _terms(**flags: Any) -> dict[str, Any]:
    return {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["code", "label"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "pattern": "^[a-z0-9_]+$", "maxLength": 40},
                "label": {"type": "string", "minLength": 1, "maxLength": 120},
                "hint": {"type": "string"},
                **{name: {"type": "boolean"} for name in flags},
            },
        },
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["collection", "version", *SECTIONS],
    "additionalProperties": False,
    "properties": {
        "collection": {"type": "string", "minLength": 1},
        "version": {"type": "string", "minLength": 1},
        "types_of_risk": _terms(),
        "locations_of_risk": _terms(),
        "sources_of_risk": _terms(),
        "risk_assessments": _terms(action_taken=True, risk_outcome=True),
        "risk_outcomes": _terms(),
        "desired_outcomes_asked": _terms(achieved=True),
        "desired_outcomes_achieved": _terms(),
    },
}


class ConclusionCategoriesError(DataFileError, ImproperlyConfigured):
    """The conclusion categories were refused (Lantern cannot start with them)."""

    what = "The enquiry conclusion categories"


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    hint: str = ""
    #: A risk assessment that asks whether action was taken (without it: no action).
    action_taken: bool = False
    #: A risk assessment that asks, where action was taken, what became of the risk.
    risk_outcome: bool = False
    #: An answer about desired outcomes that asks whether they were achieved.
    achieved: bool = False


@dataclass(frozen=True)
class ConclusionCategories:
    collection: str
    version: str
    types_of_risk: tuple[Category, ...]
    locations_of_risk: tuple[Category, ...]
    sources_of_risk: tuple[Category, ...]
    risk_assessments: tuple[Category, ...]
    risk_outcomes: tuple[Category, ...]
    desired_outcomes_asked: tuple[Category, ...]
    desired_outcomes_achieved: tuple[Category, ...]

    def section(self, name: str) -> tuple[Category, ...]:
        if name not in SECTIONS:
            raise KeyError(name)
        found: tuple[Category, ...] = getattr(self, name)
        return found

    def choices(self, name: str) -> list[tuple[str, str]]:
        return [(c.code, c.label) for c in self.section(name)]

    def codes(self, name: str) -> frozenset[str]:
        return frozenset(c.code for c in self.section(name))

    def get(self, name: str, code: str) -> Category | None:
        return next((c for c in self.section(name) if c.code == code), None)

    def label(self, name: str, code: str) -> str:
        found = self.get(name, code)
        return found.label if found else code


def parse_categories(text: str, *, source: str = "<text>") -> ConclusionCategories:
    loaded = load_yaml(text, source=source, error=ConclusionCategoriesError)
    data, lines = loaded.data, loaded.lines
    problems = lines.duplicates + schema_problems(data, SCHEMA, lines)
    for name in SECTIONS:
        items = data.get(name) if isinstance(data, dict) else None
        seen: set[str] = set()
        for index, item in enumerate(items if isinstance(items, list) else []):
            code = item.get("code") if isinstance(item, dict) else None
            if isinstance(code, str) and code in seen:
                path = (name, index, "code")
                problems.append(
                    Problem(lines.line(path), field_name(path), f"Code '{code}' is used twice")
                )
            seen.add(str(code))
    if problems:
        raise ConclusionCategoriesError(problems, source=source)
    sections = {name: tuple(Category(**item) for item in data[name]) for name in SECTIONS}
    return ConclusionCategories(
        collection=str(data["collection"]), version=str(data["version"]), **sections
    )


def _path() -> Path:
    override = getattr(settings, "LANTERN_DATA_DIR", None)
    if override and (Path(override) / FILE).exists():
        return Path(override) / FILE
    return Path(__file__).resolve().parent / "data" / FILE


@cache
def categories() -> ConclusionCategories:
    """The categories in force (the area's file, or the shipped default), checked on load."""
    path = _path()
    return parse_categories(path.read_text(encoding="utf-8"), source=str(path))
