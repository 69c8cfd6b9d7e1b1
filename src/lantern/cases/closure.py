"""The closure rules (``data/closure.yaml``): reasons, when follow-ups fall due, and what
new activity about a person with a closed case does. Checked against a JSON Schema."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern.core.datafiles import DataFileError, load_yaml, schema_problems
from lantern.core.workdays import add_working_days, is_working_day

RESPONSES = ("reopen", "flag")
TRIGGERS = ("referral", "linkage_match", "contact", "alert")

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "reasons", "first_check_in_working_days", "follow_up_months"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "minLength": 1},
        "reasons": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "label"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z0-9_]+$", "maxLength": 40},
                    "label": {"type": "string", "minLength": 1, "maxLength": 120},
                },
            },
        },
        "first_check_in_working_days": {"type": "integer", "minimum": 1, "maximum": 60},
        "follow_up_months": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 60},
        },
        "triggers": {
            "type": "object",
            "additionalProperties": False,
            "properties": {name: {"enum": list(RESPONSES)} for name in TRIGGERS},
        },
    },
}


class ClosureRulesError(DataFileError, ImproperlyConfigured):
    what = "The closure rules"


@dataclass(frozen=True)
class ClosureRules:
    version: str
    reasons: tuple[tuple[str, str], ...]
    first_check_in_working_days: int
    follow_up_months: tuple[int, ...]
    triggers: dict[str, str]

    def reason_label(self, code: str) -> str:
        return dict(self.reasons).get(code, code)

    def response_to(self, trigger: str) -> str:
        """``reopen`` or ``flag``; a trigger the file does not name flags (the safe default)."""
        return self.triggers.get(trigger, "flag")


def parse_rules(text: str, *, source: str = "<text>") -> ClosureRules:
    loaded = load_yaml(text, source=source, error=ClosureRulesError)
    problems = loaded.lines.duplicates + schema_problems(loaded.data, SCHEMA, loaded.lines)
    if problems:
        raise ClosureRulesError(problems, source=source)
    data = loaded.data
    return ClosureRules(
        version=str(data["version"]),
        reasons=tuple((r["code"], r["label"]) for r in data["reasons"]),
        first_check_in_working_days=int(data["first_check_in_working_days"]),
        follow_up_months=tuple(sorted(set(data["follow_up_months"]))),
        triggers=dict(data.get("triggers", {})),
    )


@cache
def rules() -> ClosureRules:
    override = getattr(settings, "LANTERN_DATA_DIR", None)
    path = Path(__file__).resolve().parent / "data" / "closure.yaml"
    if override and (Path(override) / "closure.yaml").exists():
        path = Path(override) / "closure.yaml"
    return parse_rules(path.read_text(encoding="utf-8"), source=str(path))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 month: 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day = date.fromordinal(day.toordinal() + 1)
    return day


def follow_up_dates(closed_on: date) -> list[tuple[date, str]]:
    """When the check-ins fall due: a first one in working days, then months ahead, each
    moved to the next working day when it falls on a weekend or bank holiday."""
    r = rules()
    first = add_working_days(datetime.combine(closed_on, time(9)), r.first_check_in_working_days)
    dates = [
        (first.date(), f"First check-in ({r.first_check_in_working_days} working days)"),
    ]
    for months in r.follow_up_months:
        label = f"Check-in at {months} month{'s' if months != 1 else ''}"
        dates.append((next_working_day(add_months(closed_on, months)), label))
    return dates
