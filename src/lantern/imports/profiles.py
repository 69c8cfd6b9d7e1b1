"""Mapping profiles: YAML, validated against ``data/mapping-profile.schema.json``.

A profile says how to read one agency system's extract: which column holds which field,
how dates are written and what the agency's codes mean (docs/imports.md). Every problem is
reported with the line of the YAML it is on and the field it is about
(``columns.forename``), so an analyst can fix a profile from the message alone.

YAML is read with a loader that keeps ``yes``/``no``/``on``/``off``/``Y``/``N`` as text
(YAML 1.1 reads them as booleans, so a sex code ``N`` would silently become ``false``) and
treats every code in a value map as text (``1: male`` maps the code ``"1"``). A profile
round-trips: :func:`profile_yaml` writes a definition that :func:`parse_profile` reads back
to the same definition.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.core.exceptions import ValidationError

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "mapping-profile.schema.json"
MAX_PROFILE_BYTES = 200_000

Path_ = tuple[str | int, ...]


@cache
def profile_schema() -> dict[str, Any]:
    """The JSON Schema every profile is validated against (also served by the API)."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


class ProfileLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only ``true`` and ``false`` are booleans."""


ProfileLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ProfileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class ProfileDumper(yaml.SafeDumper):
    """Quotes any text that YAML 1.1 readers would take for a boolean (``"N"``, ``"yes"``)."""


_YAML11_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _YAML11_BOOL.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


ProfileDumper.add_representer(str, _represent_str)


@dataclass(frozen=True)
class ProfileProblem:
    """One problem with a profile: where (line, field) and what."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "the profile"
        return f"{where}, {self.field or '(top)'}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


class ProfileError(ValidationError):
    """The profile is not valid; ``problems`` lists each problem with its line and field."""

    def __init__(self, problems: list[ProfileProblem]) -> None:
        super().__init__([str(p) for p in problems], code="profile_invalid")
        self.problems = problems


# --- where each value is in the YAML -------------------------------------------------


@dataclass
class _Lines:
    """Line numbers (from 1) of each key and each value, by JSON path."""

    keys: dict[Path_, int]
    values: dict[Path_, int]
    duplicates: list[tuple[Path_, int]]

    def of_value(self, path: Path_) -> int | None:
        for end in range(len(path), -1, -1):
            line = self.values.get(path[:end])
            if line is not None:
                return line
        return None

    def of_key(self, path: Path_) -> int | None:
        return self.keys.get(path) or self.of_value(path)


def _walk(node: yaml.Node, path: Path_, lines: _Lines) -> None:
    lines.values.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                lines.duplicates.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            lines.keys[child] = key_node.start_mark.line + 1
            lines.values[child] = value_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def _field(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- schema errors, in words ---------------------------------------------------------

_PATTERN_HINTS = {
    "profile": "Use lower-case letters, digits and hyphens, like police-niche",
    "source": "Use lower-case letters, digits, dots, hyphens and underscores, like police-niche",
}


def _describe(error: jsonschema.ValidationError) -> str:
    validator = error.validator
    if validator == "enum":
        options: list[Any] = list(error.validator_value)  # type: ignore[arg-type]
        return "Use one of: " + ", ".join(str(v) for v in options)
    if validator == "type":
        kinds = error.validator_value
        kinds = kinds if isinstance(kinds, list) else [kinds]
        words = {
            "string": "text",
            "array": "a list",
            "object": "a mapping of names to values",
            "integer": "a whole number",
            "boolean": "true or false",
        }
        return "Should be " + " or ".join(words.get(str(k), str(k)) for k in kinds)
    if validator == "pattern":
        name = next((str(p) for p in reversed(error.absolute_path) if isinstance(p, str)), "")
        return (
            _PATTERN_HINTS.get(name, _PATTERN_HINTS["source"])
            if name != "formats"
            else ("A date format uses strptime codes such as %d/%m/%Y")
        )
    if validator == "oneOf":
        return "Give one column name, or a list of column names"
    if validator in {"minLength", "minItems"} and error.validator_value == 1:
        return "Must not be empty"
    return str(error.message)


def _schema_problems(data: Any, lines: _Lines) -> list[ProfileProblem]:
    validator = jsonschema.Draft202012Validator(profile_schema())
    problems: list[ProfileProblem] = []
    for error in validator.iter_errors(data):
        path: Path_ = tuple(error.absolute_path)
        if error.validator == "required":
            instance = error.instance if isinstance(error.instance, dict) else {}
            required: list[str] = list(error.validator_value)
            for name in required:
                if name not in instance:
                    problems.append(
                        ProfileProblem(
                            lines.of_key(path) or 1,
                            _field((*path, name)),
                            f"Missing: say which {name} this profile gives"
                            if path
                            else f"Missing: add '{name}'",
                        )
                    )
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = sorted(error.schema.get("properties", {}))
            for name in error.instance:
                if name not in known:
                    hint = f" (expected one of: {', '.join(known)})" if known else ""
                    problems.append(
                        ProfileProblem(
                            lines.of_key((*path, str(name))),
                            _field((*path, str(name))),
                            f"Unknown field '{name}'{hint}",
                        )
                    )
        else:
            problems.append(ProfileProblem(lines.of_value(path), _field(path), _describe(error)))
    return problems


# --- checks the schema cannot make ----------------------------------------------------

_DAY = re.compile(r"%[dj]")
_MONTH = re.compile(r"%[mbB]")
_YEAR = re.compile(r"%[yY]")
_SAMPLE = datetime(2009, 11, 23)  # noqa: DTZ001 - a calendar date, not an instant


def date_format_precision(fmt: str) -> str | None:
    """``day``, ``month`` or ``year`` for a strptime format that reads a date, else None."""
    if not _YEAR.search(fmt):
        return None
    if _DAY.search(fmt) and _MONTH.search(fmt):
        precision = "day"
    elif _DAY.search(fmt):
        return None
    elif _MONTH.search(fmt):
        precision = "month"
    else:
        precision = "year"
    try:
        parsed = datetime.strptime(_SAMPLE.strftime(fmt), fmt)  # noqa: DTZ007 - a date only
    except ValueError:
        return None
    return precision if parsed.year == _SAMPLE.year else None


def _semantic_problems(data: dict[str, Any], lines: _Lines) -> list[ProfileProblem]:
    problems: list[ProfileProblem] = []
    columns = data.get("columns") or {}
    if "full_name" in columns and ({"first_name", "last_name"} & set(columns)):
        problems.append(
            ProfileProblem(
                lines.of_key(("columns", "full_name")),
                "columns.full_name",
                "Map either full_name, or first_name and last_name, not both",
            )
        )
    if "full_name_order" in data and "full_name" not in columns:
        problems.append(
            ProfileProblem(
                lines.of_key(("full_name_order",)),
                "full_name_order",
                "Only needed when a full_name column is mapped",
            )
        )
    rule = (data.get("dates") or {}).get("date_of_birth") or {}
    for index, fmt in enumerate(rule.get("formats") or []):
        if isinstance(fmt, str) and "%" in fmt and date_format_precision(fmt) is None:
            path: Path_ = ("dates", "date_of_birth", "formats", index)
            problems.append(
                ProfileProblem(
                    lines.of_value(path),
                    _field(path),
                    f"'{fmt}' does not read a date: it needs a year (%Y or %y), and a day "
                    "only with a month",
                )
            )
    for path, line in lines.duplicates:
        problems.append(ProfileProblem(line, _field(path), "Given twice; keep one"))
    return problems


def _agency_problems(data: dict[str, Any], lines: _Lines, known: set[str]) -> list[ProfileProblem]:
    codes = (data.get("values") or {}).get("agency") or {}
    return [
        ProfileProblem(
            lines.of_value(("values", "agency", code)),
            _field(("values", "agency", code)),
            f"'{target}' is not an agency in Lantern (known: {', '.join(sorted(known))})",
        )
        for code, target in codes.items()
        if target not in known
    ]


# --- reading and writing ---------------------------------------------------------------


def _stringify_codes(data: dict[str, Any]) -> None:
    """Codes in value maps are text: ``1: male`` means the code "1"."""
    values = data.get("values")
    if isinstance(values, dict):
        for name, mapping in list(values.items()):
            if isinstance(mapping, dict):
                values[name] = {str(k): v for k, v in mapping.items()}


def _syntax_problem(exc: yaml.YAMLError) -> ProfileProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return ProfileProblem(mark.line + 1 if mark else None, "", f"Not valid YAML: {problem}")


def parse_profile(text: str, *, known_agencies: set[str] | None = None) -> dict[str, Any]:
    """Read and validate a profile; return its definition or raise :class:`ProfileError`.

    With ``known_agencies``, the agency codes a value map points to must be among them.
    """
    if len(text.encode("utf-8")) > MAX_PROFILE_BYTES:
        raise ProfileError(
            [ProfileProblem(None, "", f"A profile is at most {MAX_PROFILE_BYTES:,} bytes")]
        )
    try:
        node = yaml.compose(text, Loader=ProfileLoader)
        data = yaml.load(text, Loader=ProfileLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ProfileError([_syntax_problem(exc)]) from exc
    if node is None or data is None:
        raise ProfileError([ProfileProblem(1, "", "The profile is empty")])
    lines = _Lines(keys={}, values={}, duplicates=[])
    _walk(node, (), lines)
    if isinstance(data, dict):
        _stringify_codes(data)
    problems = _schema_problems(data, lines)
    if isinstance(data, dict):
        problems += _semantic_problems(data, lines)
        if known_agencies is not None and not problems:
            problems += _agency_problems(data, lines, known_agencies)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.field))
        raise ProfileError(problems)
    definition: dict[str, Any] = json.loads(json.dumps(data))
    return definition


def profile_yaml(definition: dict[str, Any]) -> str:
    """Write a definition as YAML that :func:`parse_profile` reads back unchanged."""
    return yaml.dump(
        definition,
        Dumper=ProfileDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
