"""The learning pack: what one area shares with others, in a documented JSON format with a
published JSON Schema (``data/learning_pack.schema.json``, served at
``/learning/learning-pack.schema.json``).

Building a pack reads only what may already leave the hub: the board's figures as published
(as issued once the quarter's report is issued), the learning set's figures through the same
suppression, the recommendation tracker's themes (counts of recommendations), and case
studies approved for release (the text exactly as approved). Reading a pack checks it
against the schema and then what a schema cannot say (tables whose cells do not match their
labels), reporting every problem.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from lantern.core.datafiles import describe, field_name
from lantern.core.figures import Period
from lantern.learning import anonymity, learningset
from lantern.learning.models import CaseStudy, CaseStudyStatus
from lantern.reporting.models import OPEN_STATUSES, BoardReport, Recommendation
from lantern.reporting.periods import quarter
from lantern.reporting.publishing import policy
from lantern.reporting.services import report_tables

FORMAT = "lantern-learning-pack"
FORMAT_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "learning_pack.schema.json"
#: A pack bigger than this is refused before it is parsed.
MAX_BYTES = 5 * 1024 * 1024


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of a learning pack."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def area() -> dict[str, str]:
    name = str(getattr(settings, "LANTERN_AREA_NAME", "") or "Lantern area")
    code = str(getattr(settings, "LANTERN_AREA_CODE", "") or slugify(name))[:60] or "area"
    return {"name": name, "code": code}


# --- building ---------------------------------------------------------------------------


def board_tables(period: Period) -> list[dict[str, Any]]:
    """The dashboard's tables for the quarter: as issued, else as the board sees them now."""
    issued = BoardReport.objects.filter(period=period.key).first()
    if issued is not None and issued.is_issued:
        return list(issued.issued_tables)
    return report_tables(period.key)[1]


def themes(today: date) -> list[dict[str, Any]]:
    counts: dict[str, dict[str, int]] = defaultdict(
        lambda: {"recommendations": 0, "open": 0, "overdue": 0}
    )
    for rec in Recommendation.objects.all():
        theme = rec.theme or "Other"
        counts[theme]["recommendations"] += 1
        if rec.status in OPEN_STATUSES:
            counts[theme]["open"] += 1
        if rec.is_overdue(today):
            counts[theme]["overdue"] += 1
    return [{"theme": theme, **counts[theme]} for theme in sorted(counts)]


def released_case_studies() -> list[CaseStudy]:
    """Approved case studies whose text is still exactly what was approved."""
    found = CaseStudy.objects.filter(status=CaseStudyStatus.APPROVED).order_by("approved_at", "pk")
    return [c for c in found if c.is_released]


def case_study_dict(study: CaseStudy) -> dict[str, Any]:
    approved = study.approved_at or study.updated_at  # released implies approved_at is set
    return {
        "reference": f"CS-{study.pk}",
        "title": study.title,
        "summary": study.summary,
        "learning": study.learning,
        "themes": list(study.themes),
        "approved": f"{approved:%Y-%m}",
    }


@dataclass
class Built:
    content: dict[str, Any]
    refused: str = ""
    case_studies: list[int] = field(default_factory=list)


def build(period_key: str, *, today: date | None = None) -> Built:
    """The learning pack for a quarter. The learning figures count persons of concern first
    of concern before the quarter ended; if the learning set behind them cannot be made
    k-anonymous, its figures are withheld (the pack says so) rather than the pack refused."""
    today = today or timezone.localdate()
    period = quarter(period_key)
    chosen = policy()
    found = learningset.facts(today=today, until=period.end)
    refused = ""
    try:
        level: int | None = anonymity.choose_level(found).number
        perpetrators = learningset.published(found, chosen)
        status = "k_anonymous"
    except anonymity.KAnonymityError as exc:
        level, perpetrators, status, refused = None, [], "withheld", str(exc)
    studies = released_case_studies()
    content = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "area": area(),
        "period": {
            "key": period.key,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "suppression_policy": chosen.value,
        "figures": [_clean_table(t) for t in board_tables(period)],
        "perpetrator_learning": [_clean_table(t) for t in perpetrators],
        "learning_set": {
            "k": anonymity.K,
            "quasi_identifiers": list(anonymity.QUASI_IDENTIFIERS),
            "generalisation_level": level,
            "status": status,
        },
        "disruption_approaches": learningset.disruption_approaches(perpetrators),
        "themes": themes(today),
        "case_studies": [case_study_dict(s) for s in studies],
    }
    return Built(content=content, refused=refused, case_studies=[s.pk for s in studies])


TABLE_FIELDS = (
    "key",
    "title",
    "description",
    "notes",
    "chart",
    "policy",
    "row_labels",
    "col_labels",
    "cells",
    "row_totals",
    "col_totals",
    "total",
)


def _clean_table(table: dict[str, Any]) -> dict[str, Any]:
    return {k: table[k] for k in TABLE_FIELDS if k in table}


def dumps(content: dict[str, Any]) -> str:
    return json.dumps(content, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


# --- reading -----------------------------------------------------------------------------


class PackError(ValueError):
    """A pack was refused; ``problems`` lists every one found. Nothing was imported."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = "; ".join(self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"The learning pack was refused: {shown}{more}. Nothing was imported.")


def _where(path: Sequence[Any]) -> str:
    return field_name(tuple(path)) if path else "the pack"


def problems_in(data: Any) -> list[str]:
    """Every problem with a parsed pack: the schema's, then the tables' own shape."""
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    found = [
        f"{_where(list(e.absolute_path))}: {describe(e)}"
        for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
    ]
    if found or not isinstance(data, dict):
        return found
    for section in ("figures", "perpetrator_learning"):
        for index, table in enumerate(data[section]):
            rows, cols = len(table["row_labels"]), len(table["col_labels"])
            where = f"{section}[{index}] ({table['key']})"
            if len(table["cells"]) != rows or any(len(r) != cols for r in table["cells"]):
                found.append(f"{where}: the cells do not match the row and column labels")
            if len(table["row_totals"]) != rows or len(table["col_totals"]) != cols:
                found.append(f"{where}: the totals do not match the row and column labels")
    if data["period"]["start"] >= data["period"]["end"]:
        found.append("period: the start must be before the end")
    return found


def parse(raw: bytes | str) -> dict[str, Any]:
    """A pack from its bytes, checked; raises :class:`PackError` with every problem."""
    if len(raw) > MAX_BYTES:
        raise PackError([f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB"])
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackError([f"the file is not JSON ({exc})"]) from exc
    problems = problems_in(data)
    if problems:
        raise PackError(problems)
    checked: dict[str, Any] = data
    return checked


def generated_at(content: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(content["generated_at"])
    except (KeyError, ValueError):
        return None
