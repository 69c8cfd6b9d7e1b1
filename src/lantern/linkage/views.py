"""Pages for record linkage: thin, each parses input, calls one service or query, renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lantern.core import access
from lantern.core.access import Actor
from lantern.core.forms import apply_service_errors
from lantern.core.views import with_actor
from lantern.linkage import access as linkage_access
from lantern.linkage import queries, services
from lantern.linkage.forms import (
    DecisionForm,
    MatchSearchForm,
    MergeForm,
    ThresholdsForm,
    UndoMergeForm,
)
from lantern.linkage.models import Decision
from lantern.people import queries as people_queries


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@with_actor
def overview(request: HttpRequest, actor: Actor) -> HttpResponse:
    view = queries.overview(actor)
    return render(
        request,
        "linkage/overview.html",
        {"view": view, "may_run": linkage_access.may_run_linkage(actor)},
    )


@with_actor
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    page = Paginator(queries.review_queue(actor), 50).get_page(request.GET.get("page"))
    return render(request, "linkage/queue.html", {"page": page})


@require_POST
@with_actor
def claim_next(request: HttpRequest, actor: Actor) -> HttpResponse:
    pair = services.pair_claim_next(actor=actor)
    if pair is None:
        messages.success(request, "There are no pairs waiting for review")
        return redirect("linkage:queue")
    return redirect("linkage:pair", pk=pair.pk)


@require_POST
@with_actor
def claim(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    try:
        services.pair_claim(actor=actor, pair=queries.pair_get(actor, pk))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("linkage:pair", pk=pk)


@require_POST
@with_actor
def release(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    services.pair_release(actor=actor, pair=queries.pair_get(actor, pk))
    return redirect("linkage:queue")


@with_actor
def pair(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            label = services.pair_decide(
                actor=actor,
                pair=queries.pair_get(actor, pk),
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _decided(label.decision))
            return redirect("linkage:queue")
    view = queries.pair_view(actor, pk)
    clusters = queries.pair_clusters(actor, view.pair)
    return render(
        request, "linkage/pair.html", {"view": view, "form": form, "clusters": clusters}
    )


def _decided(decision: str) -> str:
    messages_by_decision: dict[str, str] = {
        Decision.MATCH: "Recorded as a match: the two people are now one",
        Decision.NOT_MATCH: "Recorded as not a match: they will be kept apart",
        Decision.UNSURE: "Recorded as not sure: the pair stays in the queue with your note",
    }
    return messages_by_decision[decision]


@with_actor
def model_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    page = Paginator(queries.model_list(actor), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/models.html",
        {"page": page, "may_run": linkage_access.may_run_linkage(actor)},
    )


@with_actor
def model_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    report = queries.model_report(actor, pk)
    model = report.model
    form = ThresholdsForm(
        request.POST or None,
        initial={
            "upper_threshold": model.upper_threshold,
            "lower_threshold": model.lower_threshold,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.model_set_thresholds(
                actor=actor,
                model=model,
                upper=form.cleaned_data["upper_threshold"],
                lower=form.cleaned_data["lower_threshold"],
                activate="activate" in request.POST,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Thresholds of model v{model.version} saved")
            return redirect("linkage:model", pk=model.pk)
    return render(
        request,
        "linkage/model.html",
        {"report": report, "form": form, "may_run": linkage_access.may_run_linkage(actor)},
    )


@require_POST
@with_actor
def train(request: HttpRequest, actor: Actor) -> HttpResponse:
    try:
        model = services.model_train(actor=actor)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("linkage:models")
    messages.success(
        request, f"Model v{model.version} trained on {model.records_trained_on:,} records"
    )
    return redirect("linkage:model", pk=model.pk)


@require_POST
@with_actor
def learn(request: HttpRequest, actor: Actor) -> HttpResponse:
    from lantern.linkage.services_learning import model_learn

    try:
        model = model_learn(actor=actor)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("linkage:models")
    messages.success(
        request,
        f"Model v{model.version} re-estimated from {model.labels_used:,} reviewers' decisions",
    )
    return redirect("linkage:model", pk=model.pk)


@require_POST
@with_actor
def run_start(request: HttpRequest, actor: Actor) -> HttpResponse:
    try:
        run = services.run_start(actor=actor)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("linkage:overview")
    messages.success(request, "Linkage run queued: it starts when the worker is free")
    return redirect("linkage:run", pk=run.pk)


@with_actor
def run_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    run = queries.run_get(actor, pk)
    total = sum(rule["pairs"] for rule in run.rule_counts) or 1
    return render(request, "linkage/run.html", {"run": run, "total_pairs": total})


@with_actor
def matches(request: HttpRequest, actor: Actor) -> HttpResponse:
    linkage_access.require_linkage(actor, object_type="linkage_match")
    form = MatchSearchForm(request.GET or None)
    result = None
    if form.is_valid() and form.details():
        result = queries.candidate_matches(actor, form.details())
    template = (
        "linkage/_matches.html" if request.headers.get("HX-Request") else "linkage/matches.html"
    )
    return render(request, template, {"form": form, "result": result})


@with_actor
def merge_person(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Merge another person into this one, by hand, with a reason (confirmed on a second step)."""
    access.check(
        actor,
        linkage_access.may_merge_people(actor),
        "merge people",
        object_type="person",
        object_id=pk,
    )
    person = people_queries.person_get(actor, pk, purpose="merge people")
    form = MergeForm(request.POST or None, initial={"other": request.GET.get("other", "")[:20]})
    other = None
    if request.method == "POST" and form.is_valid():
        other = queries.person_for_merge(actor, form.cleaned_data["other"])
        if other is None:
            form.add_error("other", "There is no person with that reference")
        elif "confirm" in request.POST:
            try:
                merge = services.people_merge(
                    actor=actor, survivor=person, absorbed=other, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"{other.reference} merged into {person.reference}. It can be undone."
                )
                return redirect("linkage:merge", pk=merge.pk)
    return render(
        request, "linkage/merge_person.html", {"person": person, "form": form, "other": other}
    )


@with_actor
def merge_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    view = queries.merge_view(actor, pk)
    form = UndoMergeForm(request.POST or None, placements=view.placements)
    if request.method == "POST" and form.is_valid():
        try:
            services.merge_undo(
                actor=actor,
                merge=queries.merge_get(actor, pk),
                reason=form.cleaned_data["reason"],
                choices=form.choices(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Unmerged: {view.merge.absorbed.reference} and {view.merge.survivor.reference} "
                "are two people again",
            )
            return redirect("people:detail", pk=view.merge.absorbed_id)
    return render(request, "linkage/merge.html", {"view": view, "form": form})
