"""The documented intelligence layout on disk: read it into a graph, evaluate, write alerts.

``lantern alerts evaluate`` runs the same rules on files, without a database, so a
partnership can test the rules on its own history. Layout (CSV with a header row, or XLSX
with the header on the first sheet's first row; the order of columns does not matter):

- entities: ``entity_id, kind, label, subtype, date_of_birth, postcode``
- links: ``link_id, from_id, to_id, link_type, date, source_agency, source_eval,
  intel_assessment, handling`` (``date`` may be a range ``2026-01-03/2026-02-10``)
- known: ``entity_id, status`` and, optionally, ``risk_level, open_case``

A bad row is not loaded and comes back as a :class:`Problem` (file, row, reason); good rows
are loaded. Alerts are written as ``alert_id, rule, subject_entity_id, subject_kind, score,
explanation`` through :mod:`lantern.core.exports` (formula-escaped).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from lantern.core.exports import csv_writer
from lantern.intelligence import vocab
from lantern.intelligence.engine.graph import AnalysisGraph
from lantern.intelligence.engine.model import (
    ASSESSMENTS,
    ENTITY_KINDS,
    RISK_LEVELS,
    SOURCE_EVALS,
    Alert,
    Entity,
    Link,
)
from lantern.intelligence.engine.rules import evaluate

ENTITY_COLUMNS = ("entity_id", "kind", "label", "subtype", "date_of_birth", "postcode")
LINK_COLUMNS = (
    "link_id", "from_id", "to_id", "link_type", "date",
    "source_agency", "source_eval", "intel_assessment", "handling",
)  # fmt: skip
KNOWN_COLUMNS = ("entity_id", "status")
ALERT_COLUMNS = ("alert_id", "rule", "subject_entity_id", "subject_kind", "score", "explanation")
KNOWN_STATUSES = ("person_at_risk", "person_of_concern")


@dataclass(frozen=True, order=True)
class Problem:
    """A row that was not loaded: which file, which row (the header is row 1), why."""

    file: str
    row: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}: {self.message}"


@dataclass(frozen=True)
class EvaluateResult:
    alerts: list[Alert]
    problems: list[Problem]
    out: Path
    today: date
    entities: int
    links: int


class LayoutError(ValueError):
    """A file cannot be read at all (missing columns, not CSV or XLSX)."""


def _rows(path: str | Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for each data row of a CSV or XLSX file."""
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            values = sheet.iter_rows(values_only=True)
            header = [str(h or "").strip().lower() for h in next(values, ())]
            for number, row in enumerate(values, start=2):
                cells = [_text(c) for c in row]
                if any(cells):
                    yield number, dict(zip(header, cells, strict=False))
        finally:
            book.close()
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        for number, line in enumerate(reader, start=2):
            if any(cell.strip() for cell in line):
                yield number, dict(zip(header, (c.strip() for c in line), strict=False))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _check_header(path: str | Path, required: tuple[str, ...]) -> None:
    first = next(_rows(path), None)
    if first is None:
        return
    missing = [c for c in required if c not in first[1]]
    if missing:
        raise LayoutError(f"{Path(path).name}: missing column(s) {', '.join(missing)}")


def parse_date(text: str) -> date:
    """``2026-03-03`` or ``03/03/2026`` (day first)."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def _postcode(text: str, warnings: list[str]) -> str:
    if not text:
        return ""
    from django.core.exceptions import ValidationError

    from lantern.core.normalisers import normalise_postcode

    try:
        return normalise_postcode(text)
    except ValidationError:
        warnings.append(f"'{text}' is not a UK postcode: loaded without a postcode")
        return ""


def _entity(row: dict[str, str], warnings: list[str]) -> Entity:
    entity_id, kind = row.get("entity_id", ""), row.get("kind", "").lower()
    if not entity_id:
        raise ValueError("entity_id is empty")
    if kind not in ENTITY_KINDS:
        raise ValueError(f"kind '{kind}' is not one of {', '.join(ENTITY_KINDS)}")
    subtype = row.get("subtype", "")
    if kind == "location":
        subtype = subtype.lower().replace(" ", "_") or "other"
        if subtype not in vocab.location_types():
            raise ValueError(f"'{subtype}' is not a location type")
    dob = row.get("date_of_birth", "")
    postcode = _postcode(row.get("postcode", ""), warnings)
    return Entity(
        id=entity_id,
        kind=kind,
        label=row.get("label", ""),
        subtype=subtype,
        date_of_birth=parse_date(dob) if dob else None,
        postcode=postcode,
    )


def _link(row: dict[str, str], kinds: dict[str, str]) -> Link:
    link_id, a, b = row.get("link_id", ""), row.get("from_id", ""), row.get("to_id", "")
    if not link_id:
        raise ValueError("link_id is empty")
    for end in (a, b):
        if end not in kinds:
            raise ValueError(f"entity '{end}' is not in the entities file (or was not loaded)")
    if a == b:
        raise ValueError("a link must join two different entities")
    code = row.get("link_type", "").lower()
    link_type = vocab.link_types().get(code)
    if link_type is None:
        raise ValueError(f"'{code}' is not a link type")
    if not link_type.joins(kinds[a], kinds[b]):
        raise ValueError(
            f"a '{code}' link joins a {link_type.kinds[0]} and a {link_type.kinds[1]}, "
            f"not a {kinds[a]} and a {kinds[b]}"
        )
    when, until = row.get("date", ""), ""
    if "/" in when and when.count("/") == 1:
        when, until = when.split("/")
    evaluation = row.get("source_eval", "")
    if evaluation not in SOURCE_EVALS:
        raise ValueError(f"source_eval '{evaluation}' should be 1, 2 or 3")
    assessment = row.get("intel_assessment", "").upper()
    if assessment not in ASSESSMENTS:
        raise ValueError(f"intel_assessment '{assessment}' should be A, B, C, D or E")
    handling = row.get("handling", "").upper() or "P"
    if handling not in ("P", "C"):
        raise ValueError(f"handling '{handling}' should be P or C")
    return Link(
        id=link_id,
        a=a,
        b=b,
        link_type=code,
        date=parse_date(when) if when else None,
        date_to=parse_date(until) if until else None,
        agency=row.get("source_agency", ""),
        source_eval=evaluation,
        intel_assessment=assessment,
        handling=handling,
    )


def _truthy(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "y"}


def read_graph(
    entities_path: str | Path, links_path: str | Path, known_path: str | Path | None = None
) -> tuple[AnalysisGraph, list[Problem]]:
    """The graph in the files, and every row that was not loaded with why."""
    entities, links, problems = read_records(entities_path, links_path, known_path)
    return AnalysisGraph.build(entities.values(), links.values()), problems


def read_records(  # noqa: C901, PLR0912  (three files, each row checked)
    entities_path: str | Path, links_path: str | Path, known_path: str | Path | None = None
) -> tuple[dict[str, Entity], dict[str, Link], list[Problem]]:
    """The entities and links in the files (by their ids there), and every row that was not
    loaded with why: what ``lantern intel import`` loads and ``alerts evaluate`` evaluates."""
    _check_header(entities_path, ENTITY_COLUMNS[:2])
    _check_header(links_path, LINK_COLUMNS[:4])
    problems: list[Problem] = []
    entities: dict[str, Entity] = {}
    name = Path(entities_path).name
    for number, row in _rows(entities_path):
        warnings: list[str] = []
        try:
            entity = _entity(row, warnings)
        except ValueError as exc:
            problems.append(Problem(name, number, str(exc)))
            continue
        problems += [Problem(name, number, warning) for warning in warnings]
        if entity.id in entities:
            problems.append(Problem(name, number, f"entity_id '{entity.id}' is given twice"))
            continue
        entities[entity.id] = entity
    if known_path is not None:
        _check_header(known_path, KNOWN_COLUMNS)
        name = Path(known_path).name
        for number, row in _rows(known_path):
            entity_id, status = row.get("entity_id", ""), row.get("status", "").lower()
            risk = row.get("risk_level", "").lower()
            if entity_id not in entities:
                problems.append(
                    Problem(name, number, f"entity '{entity_id}' is not in the entities file")
                )
            elif entities[entity_id].kind != "person":
                problems.append(Problem(name, number, f"entity '{entity_id}' is not a person"))
            elif status not in KNOWN_STATUSES:
                problems.append(
                    Problem(
                        name,
                        number,
                        f"status '{status}' should be person_at_risk or person_of_concern",
                    )
                )
            elif risk not in RISK_LEVELS:
                problems.append(
                    Problem(
                        name,
                        number,
                        f"risk_level '{risk}' is not one of low, medium, significant, serious",
                    )
                )
            else:
                entities[entity_id] = replace(
                    entities[entity_id],
                    status=status,
                    risk_level=risk,
                    open_case=_truthy(row.get("open_case", "")),
                )
    kinds = {entity_id: e.kind for entity_id, e in entities.items()}
    links: dict[str, Link] = {}
    name = Path(links_path).name
    for number, row in _rows(links_path):
        try:
            link = _link(row, kinds)
        except ValueError as exc:
            problems.append(Problem(name, number, str(exc)))
            continue
        if link.id in links:
            problems.append(Problem(name, number, f"link_id '{link.id}' is given twice"))
            continue
        links[link.id] = link
    return entities, links, problems


def evaluate_files(
    entities: str | Path,
    links: str | Path,
    known: str | Path | None,
    out: str | Path,
    *,
    today: date | None = None,
) -> EvaluateResult:
    """Read the files, run the alert rules, write ``out`` (CSV). ``today`` defaults to the
    latest link date in the file, so a history is evaluated as of its end."""
    graph, problems = read_graph(entities, links, known)
    if today is None:
        latest = max((graph._ld2[r] or graph._ld[r] for r in range(len(graph._lids))), default=0)
        today = date.fromordinal(latest) if latest else date.today()  # noqa: DTZ011
    alerts = evaluate(graph, today=today)
    out = Path(out)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow(ALERT_COLUMNS)
        for alert in alerts:
            writer.writerow(
                (
                    alert.key,
                    alert.rule,
                    alert.subject_id,
                    alert.subject_kind,
                    f"{alert.score:.4f}",
                    alert.explanation,
                )
            )
    return EvaluateResult(alerts, problems, out, today, len(graph), graph.link_count)
