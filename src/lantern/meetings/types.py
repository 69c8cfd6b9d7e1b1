"""Meeting types: data, not code (``data/meeting_types.yaml``, checked against a schema)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern.core.datafiles import DataFileError, Problem, field_name, load_yaml, schema_problems

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "types"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "minLength": 1},
        "types": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "label", "scope", "audience", "agenda"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z0-9_]+$", "maxLength": 40},
                    "label": {"type": "string", "minLength": 1, "maxLength": 120},
                    "hint": {"type": "string"},
                    "scope": {"enum": ["panel", "case"]},
                    "audience": {"enum": ["children", "adults", "all"]},
                    "agenda": {
                        "type": "array",
                        "items": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                    },
                    "risk_levels": {"type": "array", "items": {"type": "string"}},
                    "lookback_days": {"type": "integer", "minimum": 1, "maximum": 366},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class MeetingType:
    code: str
    label: str
    scope: str
    audience: str
    agenda: tuple[str, ...]
    risk_levels: tuple[str, ...] = ("significant", "serious")
    lookback_days: int = 28
    hint: str = ""

    @property
    def is_about_one_case(self) -> bool:
        return self.scope == "case"


class MeetingTypesError(DataFileError, ImproperlyConfigured):
    what = "The meeting types file"


def parse_meeting_types(text: str, *, source: str = "<text>") -> dict[str, MeetingType]:
    loaded = load_yaml(text, source=source, error=MeetingTypesError)
    data, lines = loaded.data, loaded.lines
    problems = lines.duplicates + schema_problems(data, SCHEMA, lines)
    seen: set[str] = set()
    raw = data.get("types") if isinstance(data, dict) else None
    for index, entry in enumerate(raw if isinstance(raw, list) else []):
        code = entry.get("code") if isinstance(entry, dict) else None
        if code in seen:
            path = ("types", index, "code")
            problems.append(Problem(lines.line(path), field_name(path), f"'{code}' is used twice"))
        seen.add(str(code))
    if problems:
        raise MeetingTypesError(problems, source=source)
    types = {}
    for entry in data["types"]:
        types[entry["code"]] = MeetingType(
            code=entry["code"],
            label=entry["label"],
            scope=entry["scope"],
            audience=entry["audience"],
            agenda=tuple(entry["agenda"]),
            risk_levels=tuple(entry.get("risk_levels", ("significant", "serious"))),
            lookback_days=int(entry.get("lookback_days", 28)),
            hint=entry.get("hint", ""),
        )
    return types


def _path() -> Path:
    override = getattr(settings, "LANTERN_DATA_DIR", None)
    if override and (Path(override) / "meeting_types.yaml").exists():
        return Path(override) / "meeting_types.yaml"
    return Path(__file__).resolve().parent / "data" / "meeting_types.yaml"


@cache
def meeting_types() -> dict[str, MeetingType]:
    path = _path()
    return parse_meeting_types(path.read_text(encoding="utf-8"), source=str(path))


def meeting_type(code: str) -> MeetingType | None:
    return meeting_types().get(code)


def choices() -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in meeting_types().values()]
