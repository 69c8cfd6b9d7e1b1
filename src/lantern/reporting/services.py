"""Every write of board reporting: refreshing the snapshot, the quarterly report (narrative,
issue), and the recommendation tracker. Each checks its rule before the transaction (so a
refusal's audit entry survives) and records its audit event inside it."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from lantern.core import audit, figures
from lantern.core.access import Actor
from lantern.core.datafiles import DataFileError, load_yaml, schema_problems
from lantern.core.errors import ConflictError, InvalidError
from lantern.core.events import Event, ObjectType
from lantern.core.figures import Figure, Period
from lantern.core.system import service_actor
from lantern.reporting import access
from lantern.reporting.charts import chart_svg, data_url
from lantern.reporting.models import (
    BoardReport,
    Recommendation,
    RecommendationScope,
    RecommendationStatus,
    ReportStatus,
    Snapshot,
    SnapshotPeriod,
)
from lantern.reporting.periods import quarter, recent_quarters
from lantern.reporting.publishing import by_collection, policy, publish_report, table_dict
from lantern.reporting.suppression import Policy

DATA = Path(__file__).resolve().parent / "data"
#: The name reporting registers its own (the foundation apps') figures under.
FOUNDATION = "foundation"


def figures_for(period: Period) -> list[Figure]:
    """Every registered provider's figures for ``period`` (counts, inside the hub): the
    foundation's first (referrals lead the dashboard, the report and ``board export``'s
    numbering), then the other apps' in registration order."""
    found: list[Figure] = []
    ordered = sorted(figures.providers().items(), key=lambda item: item[0] != FOUNDATION)
    for _, provider in ordered:
        found.extend(provider(period))
    return found


def publish_period(
    raw: list[Figure], chosen: Policy
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Each collection of one period published as one report, and the dashboard's charts."""
    published: dict[str, list[dict[str, Any]]] = {}
    charts: dict[str, str] = {}
    for collection, group in by_collection(raw).items():
        tables = publish_report(group, chosen)
        published[collection] = [table_dict(f, t) for f, t in zip(group, tables, strict=True)]
        if collection == "dashboard":
            for figure, table in zip(group, tables, strict=True):
                charts[figure.key] = data_url(chart_svg(table, stacked=figure.chart == "stacked"))
    return published, charts


def snapshot_refresh(
    *, actor: Actor | None = None, periods: list[Period] | None = None
) -> Snapshot:
    """Count every figure for every period the dashboard offers, publish each under the
    partnership's policy and keep it as the new snapshot (the dashboard reads only this)."""
    actor = actor or service_actor(access.REPORTING_SERVICE)
    access.require(
        actor, access.board_figures_refresh, "refresh the board's figures", ObjectType.BOARD_FIGURES
    )
    chosen = policy()
    started = time.perf_counter()
    rows = []
    for period in periods or recent_quarters():
        raw = figures_for(period)
        published, charts = publish_period(raw, chosen)
        rows.append((period, raw, published, charts))
    took = time.perf_counter() - started
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            took_seconds=round(took, 3), policy=chosen.value, refreshed_by=actor.username
        )
        SnapshotPeriod.objects.bulk_create(
            SnapshotPeriod(
                snapshot=snapshot,
                period=period.key,
                label=period.label,
                start=period.start,
                end=period.end,
                figures=[f.as_dict() for f in raw],
                published=published,
                charts=charts,
            )
            for period, raw, published, charts in rows
        )
        # Older snapshots are superseded; keep the last few for comparison.
        stale = Snapshot.objects.order_by("-refreshed_at", "-pk").values_list("pk", flat=True)[5:]
        Snapshot.objects.filter(pk__in=list(stale)).delete()
        audit.record(
            actor,
            Event.BOARD_FIGURES_REFRESHED,
            object_id=snapshot.pk,
            purpose="refresh the board's figures",
            detail={"periods": [r[0].key for r in rows], "seconds": round(took, 3)},
        )
    return snapshot


def period_figures(period_key: str) -> tuple[Period, SnapshotPeriod | None]:
    """The latest snapshot's figures for one period (``None`` if it holds none)."""
    period = quarter(period_key)
    found = (
        SnapshotPeriod.objects.filter(period=period.key)
        .select_related("snapshot")
        .order_by("-snapshot__refreshed_at", "-snapshot_id")
        .first()
    )
    return period, found


def report_tables(period_key: str) -> tuple[Period, list[dict[str, Any]]]:
    """The published tables of a quarter's board report: the dashboard's, for that quarter,
    from the latest snapshot under the current policy (counted now if no snapshot holds it)."""
    period, stored = period_figures(period_key)
    chosen = policy()
    if stored is not None and stored.snapshot.policy == chosen.value:
        return period, list(stored.published.get("dashboard", []))
    raw = (
        [Figure.from_dict(f) for f in stored.figures] if stored is not None else figures_for(period)
    )
    published, _ = publish_period([f for f in raw if f.collection == "dashboard"], chosen)
    return period, published.get("dashboard", [])


def _report(period_key: str) -> BoardReport:
    period = quarter(period_key)
    report, _ = BoardReport.objects.get_or_create(period=period.key)
    return report


def report_save(*, actor: Actor, period: str, narrative: str) -> BoardReport:
    """Write the hub manager's narrative of a draft report."""
    access.require(
        actor, access.board_report_write, "write a board report", ObjectType.BOARD_REPORT
    )
    narrative = narrative.strip()
    if len(narrative) > 10000:
        raise InvalidError({"narrative": ["Keep the narrative under 10,000 characters."]})
    with transaction.atomic():
        report = _report(period)
        if report.is_issued:
            raise ConflictError("This report has been issued; it is kept exactly as issued.")
        report.narrative = narrative
        report.save()
        audit.record(
            actor, Event.BOARD_REPORT_SAVED, object_id=report.pk, detail={"period": report.period}
        )
    return report


def render_report_html(report: BoardReport, period: Period, tables: list[dict[str, Any]]) -> str:
    """The report as a standalone, accessible HTML document (also what the PDF prints)."""
    return render_to_string(
        "reporting/report_document.html",
        {
            "report": report,
            "period": period,
            "tables": tables,
            "policy": tables[0]["policy"] if tables else policy().value,
        },
    )


def report_issue(*, actor: Actor, period: str) -> BoardReport:
    """Issue the report: its tables and HTML are stored exactly as issued, never changed."""
    access.require(
        actor, access.board_report_write, "issue a board report", ObjectType.BOARD_REPORT
    )
    chosen_period, tables = report_tables(period)
    with transaction.atomic():
        report = BoardReport.objects.select_for_update().get(pk=_report(period).pk)
        if report.is_issued:
            raise ConflictError("This report has already been issued.")
        if not report.narrative:
            raise InvalidError({"narrative": ["Write the narrative before issuing the report."]})
        report.status = ReportStatus.ISSUED
        report.issued_at = timezone.now()
        report.issued_by = actor.user
        report.policy = tables[0]["policy"] if tables else policy().value
        report.issued_tables = tables
        report.issued_html = render_report_html(report, chosen_period, tables)
        report.issued_sha256 = hashlib.sha256(report.issued_html.encode("utf-8")).hexdigest()
        # ``save`` refuses to change an issued report; this is the one write that issues it.
        BoardReport.objects.filter(pk=report.pk).update(
            status=report.status,
            issued_at=report.issued_at,
            issued_by=actor.user,
            policy=report.policy,
            issued_tables=report.issued_tables,
            issued_html=report.issued_html,
            issued_sha256=report.issued_sha256,
            updated_at=timezone.now(),
        )
        audit.record(
            actor,
            Event.BOARD_REPORT_ISSUED,
            object_id=report.pk,
            detail={"period": report.period, "sha256": report.issued_sha256},
        )
    return report


# --- recommendations --------------------------------------------------------------------

EDITABLE = (
    "review",
    "code",
    "scope",
    "theme",
    "text",
    "owner",
    "actions",
    "evidence_of_impact",
    "status",
    "review_date",
)


def _check_recommendation(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("review", "code", "text", "owner"):
        if not str(values.get(name, "")).strip():
            errors[name] = ["Enter this."]
    if values.get("scope") not in RecommendationScope.values:
        errors["scope"] = ["Choose local or national."]
    if values.get("status", RecommendationStatus.NOT_STARTED) not in RecommendationStatus.values:
        errors["status"] = ["Choose a status."]
    if not isinstance(values.get("review_date"), date):
        errors["review_date"] = ["Enter the review date."]
    if errors:
        raise InvalidError(errors)


def recommendation_create(*, actor: Actor, **values: Any) -> Recommendation:
    access.require(
        actor, access.recommendation_change, "add a recommendation", ObjectType.RECOMMENDATION
    )
    _check_recommendation(values)
    with transaction.atomic():
        if Recommendation.objects.filter(review=values["review"], code=values["code"]).exists():
            raise ConflictError("That review already has a recommendation with this number.")
        rec = Recommendation.objects.create(**{k: values[k] for k in EDITABLE if k in values})
        audit.record(actor, Event.RECOMMENDATION_CREATED, object_id=rec.pk)
    return rec


def recommendation_update(
    *, actor: Actor, recommendation: Recommendation, **values: Any
) -> Recommendation:
    access.require(
        actor, access.recommendation_change, "update a recommendation", ObjectType.RECOMMENDATION
    )
    merged = {k: getattr(recommendation, k) for k in EDITABLE} | values
    _check_recommendation(merged)
    with transaction.atomic():
        before = {k: str(getattr(recommendation, k)) for k in ("status", "review_date", "owner")}
        for key in EDITABLE:
            setattr(recommendation, key, merged[key])
        recommendation.save()
        after = {k: str(getattr(recommendation, k)) for k in ("status", "review_date", "owner")}
        audit.record(
            actor,
            Event.RECOMMENDATION_CHANGED,
            object_id=recommendation.pk,
            detail={"before": before, "after": after},
        )
    return recommendation


RECOMMENDATIONS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["review", "scope", "recommendations"],
    "additionalProperties": False,
    "properties": {
        "review": {"type": "string", "minLength": 1},
        "scope": {"enum": list(RecommendationScope.values)},
        "recommendations": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "theme", "text", "owner", "review_in_months"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "minLength": 1},
                    "theme": {"type": "string", "minLength": 1},
                    "text": {"type": "string", "minLength": 1},
                    "owner": {"type": "string", "minLength": 1},
                    "actions": {"type": "string"},
                    "status": {"enum": list(RecommendationStatus.values)},
                    "review_in_months": {"type": "integer", "minimum": -24, "maximum": 36},
                },
            },
        },
    },
}


def recommendations_load(
    *, actor: Actor, path: Path | None = None, today: date | None = None
) -> int:
    """Load a set of recommendations from a YAML file (the example set by default); those
    already loaded (same review and number) are left as they are. Returns how many were added."""
    access.require(
        actor, access.recommendation_change, "load recommendations", ObjectType.RECOMMENDATION
    )
    path = path or DATA / "recommendations_example.yaml"
    loaded = load_yaml(path.read_text(encoding="utf-8"), source=str(path))
    problems = loaded.lines.duplicates + schema_problems(
        loaded.data, RECOMMENDATIONS_SCHEMA, loaded.lines
    )
    if problems:
        raise DataFileError(problems, source=str(path))
    data = loaded.data
    today = today or timezone.localdate()
    added = 0
    with transaction.atomic():
        for item in data["recommendations"]:
            months = int(item["review_in_months"])
            total = today.year * 12 + today.month - 1 + months
            review_date = date(total // 12, total % 12 + 1, 1)
            _, created = Recommendation.objects.get_or_create(
                review=data["review"],
                code=item["code"],
                defaults={
                    "scope": data["scope"],
                    "theme": item["theme"],
                    "text": item["text"],
                    "owner": item["owner"],
                    "actions": item.get("actions", ""),
                    "status": item.get("status", RecommendationStatus.NOT_STARTED),
                    "review_date": review_date,
                },
            )
            if created:
                added += 1
        audit.record(
            actor,
            Event.RECOMMENDATION_CREATED,
            object_id="",
            detail={"review": data["review"], "added": added, "file": path.name},
        )
    return added
