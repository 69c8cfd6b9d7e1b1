"""Domain vocabularies loaded from versioned YAML files, validated on load
(:mod:`lantern.core.datafiles`: every problem with its line and field).

A local area changes its vocabulary (chronology event types, concern categories, care and
support needs, status flags) by pointing ``LANTERN_DATA_DIR`` at a folder with files of the
same names; the shipped defaults live in each app's ``data/`` folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern.core.datafiles import DataFileError, Problem, field_name, load_yaml, schema_problems

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


class VocabularyError(DataFileError, ImproperlyConfigured):
    """A vocabulary file was refused (Lantern cannot start with it); ``problems`` lists all."""

    what = "The vocabulary"


def parse_vocabulary(text: str, *, source: str = "<text>") -> Vocabulary:
    loaded = load_yaml(text, source=source, error=VocabularyError)
    data, lines = loaded.data, loaded.lines
    problems = lines.duplicates + schema_problems(data, VOCABULARY_SCHEMA, lines)
    raw_terms = data.get("terms") if isinstance(data, dict) else None
    seen: set[str] = set()
    for index, term in enumerate(raw_terms if isinstance(raw_terms, list) else []):
        code = term.get("code") if isinstance(term, dict) else None
        if isinstance(code, str) and code in seen:
            path = ("terms", index, "code")
            problems.append(
                Problem(lines.line(path), field_name(path), f"Code '{code}' is used twice")
            )
        seen.add(str(code))
    if problems:
        raise VocabularyError(problems, source=source)
    terms = tuple(Term(**t) for t in data["terms"])
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
