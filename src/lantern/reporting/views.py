"""Board reporting pages: thin, each calling one query or service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from lantern.core.access import Actor
from lantern.core.errors import DomainError
from lantern.core.exports import ODS, csv_response
from lantern.core.forms import apply_service_errors
from lantern.core.views import with_actor
from lantern.reporting import access, exports, queries, services
from lantern.reporting.forms import NarrativeForm, RecommendationForm
from lantern.reporting.publishing import COLLECTIONS


def _period(request: HttpRequest) -> str | None:
    value = request.GET.get("period", "").strip()
    return value or None


def _download(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@with_actor
def dashboard(request: HttpRequest, actor: Actor, collection: str = "dashboard") -> HttpResponse:
    found = queries.figures(actor, _period(request), collection)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "found": found,
            "collection_title": COLLECTIONS[collection],
            "collections": COLLECTIONS,
            "may_quality": access.may_read_data_quality(actor),
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@with_actor
def download(
    request: HttpRequest, actor: Actor, collection: str, fmt: str, key: str = ""
) -> HttpResponse:
    if fmt not in ("csv", "xlsx", "ods"):
        raise Http404("Downloads are CSV, XLSX or ODS")
    found = queries.figures_export(actor, _period(request), collection, fmt, key)
    name = f"lantern-{collection}-{found.period.key}{'-' + key if key else ''}"
    if fmt == "csv":
        rows = exports.csv_rows(found.tables) or [["No figures have been counted for this period"]]
        return csv_response(name + ".csv", rows[0], rows[1:])
    if fmt == "ods":
        return _download(exports.ods_workbook_bytes(found.tables), ODS, name + ".ods")
    return _download(exports.xlsx_bytes(found.tables), XLSX, name + ".xlsx")


@require_GET
@with_actor
def reports(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "reporting/reports.html",
        {"rows": queries.reports(actor), "may_write": access.may_write_reports(actor)},
    )


@require_http_methods(["GET", "POST"])
@with_actor
def report(request: HttpRequest, actor: Actor, period: str) -> HttpResponse:
    form = NarrativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if "issue" in request.POST:
                services.report_save(
                    actor=actor, period=period, narrative=form.cleaned_data["narrative"]
                )
                services.report_issue(actor=actor, period=period)
                messages.success(
                    request, "The report has been issued. It is kept exactly as issued."
                )
            else:
                services.report_save(
                    actor=actor, period=period, narrative=form.cleaned_data["narrative"]
                )
                messages.success(request, "Narrative saved.")
            return redirect("reporting:report", period=period)
        except (ValidationError, DomainError) as exc:
            apply_service_errors(form, exc)
    view = queries.report(actor, period)
    if request.method == "GET":
        form = NarrativeForm(initial={"narrative": view.report.narrative})
    return render(
        request,
        "reporting/report.html",
        {"view": view, "form": form, "may_write": access.may_write_reports(actor)},
    )


@require_GET
@with_actor
def report_document(request: HttpRequest, actor: Actor, period: str, fmt: str) -> HttpResponse:
    if fmt not in ("html", "pdf"):
        raise Http404("Reports are HTML or PDF")
    view = queries.report(actor, period, fmt=fmt)
    html = (
        view.report.issued_html
        if view.report.is_issued
        else services.render_report_html(view.report, view.period, view.tables)
    )
    name = f"lantern-board-report-{view.period.key}"
    if fmt == "pdf":
        return _download(exports.pdf_bytes(html), "application/pdf", name + ".pdf")
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_GET
@with_actor
def recommendations(request: HttpRequest, actor: Actor) -> HttpResponse:
    overdue = request.GET.get("show") == "overdue"
    return render(
        request,
        "reporting/recommendations.html",
        {
            "items": queries.recommendations(actor, overdue_only=overdue),
            "overdue_only": overdue,
            "may_change": access.may_change_recommendations(actor),
        },
    )


def _recommendation_values(form: RecommendationForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@require_http_methods(["GET", "POST"])
@with_actor
def recommendation_edit(request: HttpRequest, actor: Actor, pk: int | None = None) -> HttpResponse:
    existing = queries.recommendation_get(actor, pk) if pk else None
    access.require(actor, access.recommendation_change, "change recommendations", "recommendation")
    initial = {k: getattr(existing, k) for k in services.EDITABLE} if existing is not None else {}
    if existing is not None:
        initial["review_date"] = existing.review_date.strftime("%d/%m/%Y")
    form = RecommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if existing is None:
                services.recommendation_create(actor=actor, **_recommendation_values(form))
            else:
                services.recommendation_update(
                    actor=actor, recommendation=existing, **_recommendation_values(form)
                )
            messages.success(request, "Recommendation saved.")
            return redirect("reporting:recommendations")
        except (ValidationError, DomainError) as exc:
            apply_service_errors(form, exc)
    return render(
        request, "reporting/recommendation_form.html", {"form": form, "existing": existing}
    )


@require_GET
@with_actor
def data_quality(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "reporting/data_quality.html", {"counts": queries.data_quality(actor)})
