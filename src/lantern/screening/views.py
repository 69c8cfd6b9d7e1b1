"""Screening pages: thin, calling one query or service each."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from lantern.cases import queries as case_queries
from lantern.cases.models import Case
from lantern.core.access import Actor
from lantern.core.forms import apply_service_errors
from lantern.core.views import with_actor
from lantern.people import queries as people_queries
from lantern.referrals import queries as referral_queries
from lantern.referrals.models import Referral
from lantern.screening import queries, services
from lantern.screening.forms import BaseCapacityFormSet, CapacityFormSet, ScreeningForm
from lantern.screening.instruments import SCHEMA_PATH, Computed, compute_level


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _context_objects(actor: Actor, request: HttpRequest) -> tuple[Case | None, Referral | None]:
    """The case or referral the screening was started from (checked and audited)."""
    source = request.POST if request.method == "POST" else request.GET
    case_id, referral_id = _int(source.get("case")), _int(source.get("referral"))
    case = case_queries.case_get(actor, case_id, purpose="screen risk") if case_id else None
    referral = referral_queries.referral_get(actor, referral_id) if referral_id else None
    return case, referral


@with_actor
def new_for_person(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    person = people_queries.person_get(actor, pk, purpose="screen risk")
    case, referral = _context_objects(actor, request)
    source = request.POST if request.method == "POST" else request.GET
    audience = str(source.get("audience", ""))
    new = queries.new_screening(actor, person, audience=audience)
    if new.version is None:
        return render(request, "screening/no_instrument.html", {"person": person}, status=503)
    initial = {
        "instrument_version": new.version.pk,
        "case": case.pk if case else None,
        "referral": referral.pk if referral else None,
        "audience": audience or None,
    }
    for suggestion in new.suggestions:  # a date to start from; the answer stays unmarked
        if suggestion.latest_on:
            initial.setdefault(
                f"observed_{suggestion.indicator}", suggestion.latest_on.strftime("%d/%m/%Y")
            )
    data = None
    posted_version = None
    if request.method == "POST" and "instrument_version" in request.POST:
        # The form is always shown against the version in use now; answers given against an
        # older one are kept where the indicator codes match, and the change is explained.
        posted_version = _int(request.POST.get("instrument_version"))
        data = request.POST.copy()
        data["instrument_version"] = str(new.version.pk)
    form = ScreeningForm(data, new=new, initial=initial)
    assert new.spec is not None  # noqa: S101 - version checked above  # nosec B101
    capacity = (
        cast(
            BaseCapacityFormSet,
            CapacityFormSet(data, prefix="capacity", form_kwargs={"spec": new.spec}),
        )
        if new.spec.capacity_decisions
        else None
    )
    computed: Computed | None = None
    if data is not None:
        valid = form.is_valid() & (capacity.is_valid() if capacity is not None else True)
        if valid:
            computed = compute_level(new.spec, form.answers(), new.today)
        if valid and posted_version != new.version.pk:
            form.add_error(
                None,
                f"The instrument in use changed while you were screening: it is now "
                f"{new.version.name}, version {new.version.version}. Check your answers against "
                "it and save again.",
            )
        elif valid and request.POST.get("action") == "save":
            try:
                screening = services.screening_record(
                    actor=actor,
                    person=person,
                    instrument_version=new.version,
                    answers=form.answers(),
                    level=form.cleaned_data["level"],
                    judgement_reason=form.cleaned_data["judgement_reason"],
                    person_words=form.cleaned_data["person_words"],
                    desired_outcomes=form.cleaned_data["desired_outcomes"],
                    capacity=capacity.inputs() if capacity is not None else (),
                    case=case,
                    referral=referral,
                    audience=form.cleaned_data.get("audience") or "",
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"Screening {screening.reference} recorded: {screening.level_label}"
                )
                return redirect("screening:detail", pk=screening.pk)
    return render(
        request,
        "screening/form.html",
        {
            "person": person,
            "case": case,
            "referral": referral,
            "new": new,
            "spec": new.spec,
            "version": new.version,
            "form": form,
            "capacity": capacity,
            "computed": computed,
        },
    )


@with_actor
def detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    view = queries.screening_get(actor, pk, purpose=request.GET.get("purpose", "")[:200])
    return render(request, "screening/detail.html", {"view": view, "screening": view.screening})


@with_actor
def person_history(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    person = people_queries.person_get(actor, pk, purpose="screening history")
    summary = queries.person_summary(actor, person)
    return render(request, "screening/history.html", {"person": person, "summary": summary})


@with_actor
def due(request: HttpRequest, actor: Actor) -> HttpResponse:
    default = "all" if actor.role == "manager" else "mine"
    scope = request.GET.get("scope", default)
    scope = scope if scope in {"mine", "all"} else default
    page = Paginator(queries.due_list(actor, scope=scope), 50).get_page(request.GET.get("page"))
    return render(request, "screening/due.html", {"page": page, "scope": scope})


@with_actor
def transitions(request: HttpRequest, actor: Actor) -> HttpResponse:
    waiting = request.GET.get("waiting") == "1"
    page = Paginator(queries.transitions_due(actor, waiting_only=waiting), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "screening/transitions.html", {"page": page, "waiting": waiting})


@with_actor
def instruments(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "screening/instruments.html", {"instruments": queries.instruments()})


@with_actor
def instrument_version(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    version = queries.instrument_version_get(pk)
    return render(
        request,
        "screening/instrument_version.html",
        {"version": version, "spec": version.spec},
    )


@require_GET
def instrument_schema(request: HttpRequest) -> FileResponse:
    """The published JSON Schema of instrument files (public: it holds no person data)."""
    return FileResponse(
        SCHEMA_PATH.open("rb"),
        content_type="application/schema+json",
        filename="instrument.schema.json",
        as_attachment=False,
    )
