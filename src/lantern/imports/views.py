"""Pages for agency extracts: upload, progress, quarantine, withdrawal, profiles.

Thin: each view parses input, calls one query or service and renders. Only hub roles reach
any of it (the queries refuse everyone else, and the refusal is audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from lantern.core import access
from lantern.core.access import Actor
from lantern.core.forms import apply_service_errors
from lantern.core.views import with_actor
from lantern.imports import queries, services
from lantern.imports.forms import (
    FIELD_LABELS,
    DiscardRowForm,
    ExtractUploadForm,
    ProfileUploadForm,
    QuarantineFixForm,
    WithdrawExtractForm,
)
from lantern.imports.models import (
    Extract,
    ExtractStatus,
    MappingProfile,
    QuarantinedRow,
    QuarantineStatus,
)
from lantern.imports.profiles import ProfileError, profile_yaml
from lantern.imports.rows import EDITABLE_FIELDS

#: How often (seconds) the progress panel asks again while an import runs.
POLL_SECONDS = 2


def _problems(row: QuarantinedRow) -> list[tuple[str, str, str]]:
    """Each refused field of a row: its label, the value supplied and the reason."""
    return [
        (FIELD_LABELS.get(name, name), row.raw.get(name, ""), message)
        for name, message in row.errors.items()
    ]


@require_GET
@with_actor
def extract_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    page = Paginator(queries.extract_list(actor), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/list.html",
        {"page": page, "may_import": access.may_import(actor)},
    )


@with_actor
def extract_upload(request: HttpRequest, actor: Actor) -> HttpResponse:
    access.require(actor, access.may_import(actor), "import agency extracts")
    form = ExtractUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile = (
            MappingProfile.objects.filter(pk=int(data["profile"])).first()
            if data["profile"]
            else None
        )
        try:
            extract = services.extract_create(
                actor=actor,
                upload=data["file"],
                file_name=data["file"].name,
                agency=data["agency"],
                source=data["source"],
                profile=profile,
                sharing_agreement=data["sharing_agreement"],
                lawful_basis=data["lawful_basis"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            services.extract_enqueue(actor=actor, extract=extract)
            messages.success(request, f"{extract.file_name} is queued for import")
            return redirect("imports:detail", pk=extract.pk)
    return render(request, "imports/upload.html", {"form": form})


def _progress_context(extract: Extract) -> dict[str, Any]:
    total = extract.rows_total
    percent = min(100, round(100 * extract.rows_done / total)) if total else 0
    running = extract.status in (ExtractStatus.QUEUED, ExtractStatus.RUNNING)
    return {
        "extract": extract,
        "percent": percent,
        "running": running,
        "poll_seconds": POLL_SECONDS,
        "open_quarantine": queries.open_quarantine_count(extract),
    }


@require_GET
@with_actor
def extract_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    extract = queries.extract_get(actor, pk)
    supplied = Paginator(queries.extract_records(actor, extract), queries.RECORDS_PAGE_SIZE)
    context = _progress_context(extract)
    context.update(
        {
            "records": supplied.get_page(request.GET.get("page")),
            "may_import": access.may_import(actor),
            "warnings": sorted(extract.warnings.items()),
        }
    )
    return render(request, "imports/detail.html", context)


@require_GET
@with_actor
def extract_progress(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The progress panel alone, for htmx to poll; a finished import reloads the page."""
    extract = queries.extract_progress(actor, pk)
    context = _progress_context(extract)
    response = render(request, "imports/_progress.html", context)
    polled = request.headers.get("HX-Request") and request.GET.get("was") == "running"
    if polled and not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@require_GET
@with_actor
def quarantine_list(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    extract = queries.extract_get(actor, pk, purpose="review quarantined rows")
    status = request.GET.get("status", QuarantineStatus.OPEN)
    if status not in QuarantineStatus.values:
        status = QuarantineStatus.OPEN
    rows = Paginator(queries.quarantine_list(actor, extract, status=status), 50).get_page(
        request.GET.get("page")
    )
    for row in rows:
        row.problems = _problems(row)  # type: ignore[attr-defined]
    return render(
        request,
        "imports/quarantine.html",
        {
            "extract": extract,
            "rows": rows,
            "status": status,
            "statuses": QuarantineStatus.choices,
            "fields": EDITABLE_FIELDS,
            "may_import": access.may_import(actor),
        },
    )


@with_actor
def quarantine_fix(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Correct a quarantined row and import it, or discard it with a reason."""
    row = queries.quarantined_row_get(actor, pk)
    access.require(
        actor,
        access.may_import(actor),
        "fix quarantined rows",
        object_type="quarantined_row",
        object_id=row.pk,
    )
    mapping = services.mapping_for(row.extract.profile)
    discarding = request.method == "POST" and "discard" in request.POST
    fix_form = QuarantineFixForm(
        request.POST if request.method == "POST" and not discarding else None,
        row=row,
        mapping=mapping,
    )
    discard_form = DiscardRowForm(request.POST if discarding else None)
    if request.method == "POST" and row.status == QuarantineStatus.OPEN:
        done = (
            _discard(request, actor, row, discard_form)
            if discarding
            else _resubmit(request, actor, row, fix_form)
        )
        if done is not None:
            return done
    return render(
        request,
        "imports/quarantine_fix.html",
        {
            "row": row,
            "extract": row.extract,
            "form": fix_form,
            "discard_form": discard_form,
            "problems": _problems(row),
        },
    )


def _resubmit(
    request: HttpRequest, actor: Actor, row: Any, form: QuarantineFixForm
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        record = services.quarantine_resubmit(actor=actor, row=row, values=form.values())
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None
    messages.success(request, f"Row {row.row_number} imported as record {record.record_id}")
    return redirect(reverse("imports:quarantine", args=[row.extract_id]))


def _discard(
    request: HttpRequest, actor: Actor, row: Any, form: DiscardRowForm
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        services.quarantine_discard(actor=actor, row=row, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None
    messages.success(request, f"Row {row.row_number} discarded")
    return redirect(reverse("imports:quarantine", args=[row.extract_id]))


@with_actor
def extract_withdraw(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    extract = queries.extract_get(actor, pk, purpose="withdraw the extract")
    access.require(
        actor,
        access.may_import(actor),
        "withdraw agency extracts",
        object_type="extract",
        object_id=extract.pk,
    )
    form = WithdrawExtractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.extract_withdraw(
                actor=actor, extract=extract, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Extract withdrawn: {done.records_withdrawn:,} records withdrawn, "
                f"{done.records_restored:,} restored to another extract's version, "
                f"{done.quarantine_discarded:,} quarantined rows discarded",
            )
            return redirect("imports:detail", pk=extract.pk)
    return render(request, "imports/withdraw.html", {"extract": extract, "form": form})


@require_GET
@with_actor
def record_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    history = queries.source_record_get(actor, pk)
    return render(request, "imports/record.html", {"history": history, "record": history.record})


@require_GET
@with_actor
def profile_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "imports/profiles.html",
        {"profiles": queries.profile_list(actor), "may_import": access.may_import(actor)},
    )


@with_actor
def profile_upload(request: HttpRequest, actor: Actor) -> HttpResponse:
    access.require(actor, access.may_import(actor), "load mapping profiles")
    form = ProfileUploadForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            loaded = services.profile_load(actor=actor, text=form.cleaned_data["text"])
        except ProfileError as exc:
            problems = exc.problems
            form.add_error("text", f"The profile has {len(problems)} problem(s), listed below")
        else:
            profile = loaded.profile
            messages.success(
                request,
                f"Profile {profile.name} saved as version {profile.version}"
                if loaded.created
                else f"Profile {profile.name} is unchanged (still version {profile.version})",
            )
            return redirect("imports:profile", name=profile.name)
    return render(request, "imports/profile_upload.html", {"form": form, "problems": problems})


@require_GET
@with_actor
def profile_detail(request: HttpRequest, actor: Actor, name: str) -> HttpResponse:
    versions = queries.profile_versions(actor, name)
    wanted = request.GET.get("version", "")
    profile = next((p for p in versions if str(p.version) == wanted), versions[0])
    return render(
        request,
        "imports/profile.html",
        {
            "profile": profile,
            "versions": versions,
            "yaml": profile.source_text or profile_yaml(profile.definition),
        },
    )
