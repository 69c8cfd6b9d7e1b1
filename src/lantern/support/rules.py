"""The support app's data files: outcome scales and the NRM's timings (JSON Schema checked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern.core.datafiles import DataFileError, load_yaml, schema_problems
from lantern.core.vocab import Vocabulary, vocabulary
from lantern.core.workdays import add_working_days

CODE = {"type": "string", "pattern": "^[a-z0-9_]+$", "maxLength": 40}
TEXT = {"type": "string", "minLength": 1, "maxLength": 120}

SCALES_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "minimum", "maximum", "scales"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "minLength": 1},
        "minimum": {"type": "integer", "minimum": 0},
        "maximum": {"type": "integer", "minimum": 1, "maximum": 100},
        "scales": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "label"],
                "additionalProperties": False,
                "properties": {"code": CODE, "label": TEXT, "low": TEXT, "high": TEXT},
            },
        },
    },
}

NRM_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "reasonable_grounds_working_days", "recovery_period_days", "reminders"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "minLength": 1},
        "reasonable_grounds_working_days": {"type": "integer", "minimum": 1, "maximum": 60},
        "recovery_period_days": {"type": "integer", "minimum": 1, "maximum": 365},
        "conclusive_grounds_chase_days": {"type": "integer", "minimum": 0, "maximum": 365},
        "first_responder_kinds": {"type": "array", "items": CODE},
        "reminders": {
            "type": "object",
            "required": ["reasonable_grounds", "recovery_period_end", "conclusive_grounds"],
            "additionalProperties": False,
            "properties": {
                name: {"type": "integer", "minimum": 0, "maximum": 60}
                for name in ("reasonable_grounds", "recovery_period_end", "conclusive_grounds")
            },
        },
    },
}


class SupportRulesError(DataFileError, ImproperlyConfigured):
    what = "The support rules"


def _load(name: str, schema: dict[str, Any]) -> Any:
    override = getattr(settings, "LANTERN_DATA_DIR", None)
    path = Path(__file__).resolve().parent / "data" / f"{name}.yaml"
    if override and (Path(override) / f"{name}.yaml").exists():
        path = Path(override) / f"{name}.yaml"
    return parse(path.read_text(encoding="utf-8"), schema, source=str(path))


def parse(text: str, schema: dict[str, Any], *, source: str = "<text>") -> Any:
    loaded = load_yaml(text, source=source, error=SupportRulesError)
    problems = loaded.lines.duplicates + schema_problems(loaded.data, schema, loaded.lines)
    if problems:
        raise SupportRulesError(problems, source=source)
    return loaded.data


@dataclass(frozen=True)
class Scale:
    code: str
    label: str
    low: str
    high: str


@dataclass(frozen=True)
class OutcomeScales:
    version: str
    minimum: int
    maximum: int
    scales: tuple[Scale, ...]

    def get(self, code: str) -> Scale | None:
        return next((s for s in self.scales if s.code == code), None)

    def label(self, code: str) -> str:
        scale = self.get(code)
        return scale.label if scale else code


@cache
def outcome_scales() -> OutcomeScales:
    data = _load("outcome_scales", SCALES_SCHEMA)
    return OutcomeScales(
        version=str(data["version"]),
        minimum=int(data["minimum"]),
        maximum=int(data["maximum"]),
        scales=tuple(
            Scale(s["code"], s["label"], s.get("low", ""), s.get("high", ""))
            for s in data["scales"]
        ),
    )


@dataclass(frozen=True)
class NrmRules:
    version: str
    reasonable_grounds_working_days: int
    recovery_period_days: int
    conclusive_grounds_chase_days: int
    reminders: dict[str, int]
    first_responder_kinds: tuple[str, ...]

    def reasonable_grounds_due(self, referred_on: date) -> date:
        moment = datetime.combine(referred_on, time(9))
        return add_working_days(moment, self.reasonable_grounds_working_days).date()

    def recovery_period_end(self, reasonable_grounds_on: date) -> date:
        return reasonable_grounds_on + timedelta(days=self.recovery_period_days)


@dataclass(frozen=True)
class Milestone:
    """A date in the NRM journey still to come (or passed without the decision)."""

    code: str
    label: str
    due_on: date
    remind_from: date


def milestones(journey: Any, rules: NrmRules | None = None) -> list[Milestone]:
    """The journey's open milestones: the reasonable-grounds decision while it is awaited;
    then, after a positive one, the end of the recovery period and the conclusive-grounds
    decision while it is awaited. The duty-to-notify route has none (it is anonymous)."""
    r = rules or nrm_rules()
    if journey.route != "referral":
        return []
    found: list[Milestone] = []
    if not journey.reasonable_grounds:
        due = r.reasonable_grounds_due(journey.referred_on)
        found.append(
            Milestone(
                "reasonable_grounds",
                "Reasonable-grounds decision expected",
                due,
                due - timedelta(days=r.reminders["reasonable_grounds"]),
            )
        )
        return found
    if journey.reasonable_grounds != "positive" or journey.conclusive_grounds:
        return found
    end = journey.recovery_period_ends_on
    if end is None:
        return found
    found.append(
        Milestone(
            "recovery_period_end",
            "Recovery period ends",
            end,
            end - timedelta(days=r.reminders["recovery_period_end"]),
        )
    )
    chase = end + timedelta(days=r.conclusive_grounds_chase_days)
    found.append(
        Milestone(
            "conclusive_grounds",
            "Conclusive-grounds decision: chase if not made",
            chase,
            chase - timedelta(days=r.reminders["conclusive_grounds"]),
        )
    )
    return found


@cache
def nrm_rules() -> NrmRules:
    data = _load("nrm", NRM_SCHEMA)
    return NrmRules(
        version=str(data["version"]),
        reasonable_grounds_working_days=int(data["reasonable_grounds_working_days"]),
        recovery_period_days=int(data["recovery_period_days"]),
        conclusive_grounds_chase_days=int(data.get("conclusive_grounds_chase_days", 14)),
        reminders=dict(data["reminders"]),
        first_responder_kinds=tuple(data.get("first_responder_kinds", [])),
    )


def contact_types() -> Vocabulary:
    return vocabulary("support", "contact_types")
