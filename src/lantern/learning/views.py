"""Learning pages: thin, each calling one query or service."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lantern.core.access import Actor
from lantern.core.errors import DomainError
from lantern.core.events import ObjectType
from lantern.core.exports import csv_response
from lantern.core.forms import apply_service_errors
from lantern.core.views import with_actor
from lantern.learning import access, anonymity, queries, services
from lantern.learning import pack as packs
from lantern.learning.forms import CaseStudyForm, PackImportForm
from lantern.learning.models import CaseStudyStatus


@require_GET
@with_actor
def home(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The board's view: suppressed figures of the learning set, released case studies."""
    found = queries.overview(actor)
    return render(
        request,
        "learning/home.html",
        {
            "found": found,
            "ladder": anonymity.LADDER,
            "k": anonymity.K,
            "may_import": access.may_import(actor),
            "may_write": access.may_write_case_studies(actor),
        },
    )


@require_GET
@with_actor
def learning_set_csv(request: HttpRequest, actor: Actor) -> HttpResponse:
    try:
        found = queries.learning_set_export(actor, "csv")
    except DomainError as exc:
        return render(request, "learning/refused.html", {"message": exc.message}, status=409)
    return csv_response(
        "lantern-perpetrator-learning-set.csv",
        list(anonymity.COLUMNS),
        ([r[c] for c in anonymity.COLUMNS] for r in found.rows),
    )


@require_GET
@with_actor
def pack_json(request: HttpRequest, actor: Actor) -> HttpResponse:
    period = request.GET.get("period", "").strip() or None
    built = queries.pack_export(actor, period)
    response = HttpResponse(packs.dumps(built.content), content_type="application/json")
    name = f"lantern-learning-pack-{built.content['period']['key']}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def pack_schema(request: HttpRequest) -> FileResponse:
    """The published JSON Schema of learning packs (public: it holds no person data)."""
    return FileResponse(
        packs.SCHEMA_PATH.open("rb"),
        content_type="application/schema+json",
        filename="learning_pack.schema.json",
        as_attachment=False,
    )


@require_GET
@with_actor
def case_studies(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "learning/case_studies.html",
        {"items": queries.case_studies(actor), "may_approve": access.may_approve(actor)},
    )


@require_http_methods(["GET", "POST"])
@with_actor
def case_study_edit(request: HttpRequest, actor: Actor, pk: int | None = None) -> HttpResponse:
    existing = queries.case_study_get(actor, pk, audit_read=False) if pk else None
    if existing is None:
        access.require(actor, access.case_study_write, "write case studies", ObjectType.CASE_STUDY)
    initial = {}
    if existing is not None:
        initial = {
            "title": existing.title,
            "summary": existing.summary,
            "learning": existing.learning,
            "themes": "\n".join(existing.themes),
        }
    form = CaseStudyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if existing is None:
                study = services.case_study_write(
                    actor=actor,
                    title=data["title"],
                    summary=data["summary"],
                    learning=data["learning"],
                    themes=form.theme_list(),
                )
            else:
                study = services.case_study_change(
                    actor=actor,
                    study=existing,
                    title=data["title"],
                    summary=data["summary"],
                    learning=data["learning"],
                    themes=form.theme_list(),
                )
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Saved. It waits for a second person's approval.")
            return redirect("learning:case_study", pk=study.pk)
    return render(
        request,
        "learning/case_study_form.html",
        {"form": form, "existing": existing},
        status=400 if form.errors else 200,
    )


@require_GET
@with_actor
def case_study(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    study = queries.case_study_get(actor, pk)
    return render(
        request,
        "learning/case_study.html",
        {
            "study": study,
            "may_approve": access.may_approve(actor)
            and study.author_id != actor.user.pk
            and study.status == CaseStudyStatus.AWAITING,
            "is_author": study.author_id == actor.user.pk,
        },
    )


@require_POST
@with_actor
def case_study_approve(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    study = queries.case_study_get(actor, pk, audit_read=False)
    try:
        services.case_study_approve(actor=actor, study=study)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Approved for release: it will be in the next learning pack.")
    return redirect("learning:case_study", pk=study.pk)


@require_http_methods(["GET", "POST"])
@with_actor
def packs_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Imported packs, and (for the hub manager) the form to import one."""
    items = queries.imported_packs(actor)
    form = PackImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["pack"]
            try:
                imported = services.pack_import(
                    actor=actor, raw=upload.read(), source_name=upload.name or ""
                )
            except DomainError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Imported {imported.area_name}'s pack")
                return redirect("learning:compare", pk=imported.pk)
        status = 400
    return render(
        request,
        "learning/packs.html",
        {
            "items": items,
            "form": form,
            "may_import": access.may_import(actor),
            "may_write": access.may_write_case_studies(actor),
        },
        status=status,
    )


@require_GET
@with_actor
def compare(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    found = queries.comparison(actor, pk)
    if found is None:  # pragma: no cover
        raise Http404("No such pack")
    return render(request, "learning/compare.html", {"found": found})


@require_http_methods(["GET", "POST"])
@with_actor
def pack_remove(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Confirm, then remove another area's imported pack (the hub manager)."""
    pack = queries.imported_pack_to_remove(actor, pk)
    if request.method == "POST":
        try:
            services.pack_remove(actor=actor, pack=pack)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Removed {pack.area_name}'s pack for {pack.period}")
        return redirect("learning:packs")
    return render(request, "learning/pack_remove.html", {"pack": pack})
