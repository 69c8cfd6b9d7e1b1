"""Domain vocabularies loaded from versioned YAML files, validated on load.

A local area changes its vocabulary (chronology event types, concern categories, care and
support needs, status flags) by pointing ``LANTERN_DATA_DIR`` at a folder with files of the
same names; the shipped defaults live in each app's ``data/`` folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VOCABULARY_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["vocabulary", "version", "terms"],
    "additionalProperties": False,
    "properties": {
        "vocabulary": {"type": "string", "pattern": "^[a-z_]+$"},
        "version": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "terms": {
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
                    "group": {"type": "string"},
                    "significance": {"enum": ["low", "medium", "high"]},
                    "restricted_category": {
                        "enum": ["sexual_health", "unproven_allegation", "informant"]
                    },
                    "children_only": {"type": "boolean"},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    hint: str = ""
    group: str = ""
    significance: str = "medium"
    restricted_category: str = ""
    children_only: bool = False


@dataclass(frozen=True)
class Vocabulary:
    name: str
    version: str
    terms: tuple[Term, ...]
    by_code: dict[str, Term] = field(default_factory=dict, compare=False, hash=False)

    def choices(self) -> list[tuple[str, str]]:
        return [(t.code, t.label) for t in self.terms]

    def label(self, code: str) -> str:
        term = self.by_code.get(code)
        return term.label if term else code

    def __contains__(self, code: object) -> bool:
        return code in self.by_code


def _path_for(app: str, name: str) -> Path:
    override_dir = getattr(settings, "LANTERN_DATA_DIR", None)
    if override_dir:
        candidate = Path(override_dir) / f"{name}.yaml"
        if candidate.exists():
            return candidate
    return Path(__file__).resolve().parent.parent / app / "data" / f"{name}.yaml"


def parse_vocabulary(text: str, *, source: str = "<text>") -> Vocabulary:
    data = yaml.safe_load(text)
    validator = jsonschema.Draft202012Validator(VOCABULARY_SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        listed = "; ".join(
            f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors
        )
        raise ImproperlyConfigured(f"{source} is not a valid vocabulary file: {listed}")
    terms = tuple(Term(**t) for t in data["terms"])
    codes = [t.code for t in terms]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ImproperlyConfigured(f"{source} repeats codes: {', '.join(duplicates)}")
    return Vocabulary(
        name=data["vocabulary"],
        version=str(data["version"]),
        terms=terms,
        by_code={t.code: t for t in terms},
    )


@cache
def vocabulary(app: str, name: str) -> Vocabulary:
    path = _path_for(app, name)
    return parse_vocabulary(path.read_text(encoding="utf-8"), source=str(path))
