"""Mapping profiles: YAML, validated against ``data/mapping-profile.schema.json``.

A profile says how to read one agency system's extract: which column holds which field,
how dates are written and what the agency's codes mean (docs/imports.md). Every problem is
reported with the line of the YAML it is on and the field it is about
(``columns.forename``), so an analyst can fix a profile from the message alone.

YAML is read by :mod:`lantern.core.datafiles` with YAML 1.2 booleans, which keeps
``yes``/``no``/``on``/``off``/``Y``/``N`` as text (YAML 1.1 reads them as booleans, so a sex
code ``N`` would silently become ``false``), and every code in a value map is text
(``1: male`` maps the code ``"1"``). A profile round-trips: :func:`profile_yaml` writes a
definition that :func:`parse_profile` reads back to the same definition.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from lantern.core.datafiles import (
    DataFileError,
    Lines,
    Path_,
    Problem,
    Yaml12Loader,
    field_name,
    load_yaml,
    schema_problems,
)

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "mapping-profile.schema.json"
MAX_PROFILE_BYTES = 200_000


@cache
def profile_schema() -> dict[str, Any]:
    """The JSON Schema every profile is validated against (also served by the API)."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


class ProfileDumper(yaml.SafeDumper):
    """Quotes any text that YAML 1.1 readers would take for a boolean (``"N"``, ``"yes"``)."""


_YAML11_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _YAML11_BOOL.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


ProfileDumper.add_representer(str, _represent_str)


class ProfileError(DataFileError):
    """The profile is not valid; ``problems`` lists each problem with its line and field."""

    what = "The profile"


# --- schema errors, in words ---------------------------------------------------------

_PATTERN_HINTS = {
    "profile": "Use lower-case letters, digits and hyphens, like police-niche",
    "source": "Use lower-case letters, digits, dots, hyphens and underscores, like police-niche",
}


def _words(error: jsonschema.ValidationError) -> str | None:
    """A profile's own words for the errors whose general wording would not help."""
    if error.validator == "pattern":
        name = next((str(p) for p in reversed(error.absolute_path) if isinstance(p, str)), "")
        if name == "formats":
            return "A date format uses strptime codes such as %d/%m/%Y"
        return _PATTERN_HINTS.get(name, _PATTERN_HINTS["source"])
    if error.validator == "oneOf":
        return "Give one column name, or a list of column names"
    return None


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


def _semantic_problems(data: dict[str, Any], lines: Lines) -> list[Problem]:
    problems: list[Problem] = []
    columns = data.get("columns") or {}
    if "full_name" in columns and ({"first_name", "last_name"} & set(columns)):
        problems.append(
            Problem(
                lines.line(("columns", "full_name")),
                "columns.full_name",
                "Map either full_name, or first_name and last_name, not both",
            )
        )
    if "full_name_order" in data and "full_name" not in columns:
        problems.append(
            Problem(
                lines.line(("full_name_order",)),
                "full_name_order",
                "Only needed when a full_name column is mapped",
            )
        )
    rule = (data.get("dates") or {}).get("date_of_birth") or {}
    for index, fmt in enumerate(rule.get("formats") or []):
        if isinstance(fmt, str) and "%" in fmt and date_format_precision(fmt) is None:
            path: Path_ = ("dates", "date_of_birth", "formats", index)
            problems.append(
                Problem(
                    lines.line(path),
                    field_name(path),
                    f"'{fmt}' does not read a date: it needs a year (%Y or %y), and a day "
                    "only with a month",
                )
            )
    return problems


def _agency_problems(data: dict[str, Any], lines: Lines, known: set[str]) -> list[Problem]:
    codes = (data.get("values") or {}).get("agency") or {}
    return [
        Problem(
            lines.line(("values", "agency", code)),
            field_name(("values", "agency", code)),
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


def parse_profile(text: str, *, known_agencies: set[str] | None = None) -> dict[str, Any]:
    """Read and validate a profile; return its definition or raise :class:`ProfileError`.

    With ``known_agencies``, the agency codes a value map points to must be among them.
    """
    if len(text.encode("utf-8")) > MAX_PROFILE_BYTES:
        raise ProfileError(
            [Problem(None, "", f"A profile is at most {MAX_PROFILE_BYTES:,} bytes")]
        )
    loaded = load_yaml(text, error=ProfileError, loader=Yaml12Loader)
    data, lines = loaded.data, loaded.lines
    if data is None:
        raise ProfileError([Problem(1, "", "The profile is empty")])
    if isinstance(data, dict):
        _stringify_codes(data)
    problems = lines.duplicates + schema_problems(data, profile_schema(), lines, words=_words)
    if isinstance(data, dict):
        problems += _semantic_problems(data, lines)
        if known_agencies is not None and not problems:
            problems += _agency_problems(data, lines, known_agencies)
    if problems:
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
