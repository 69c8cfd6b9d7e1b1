from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from lantern.actions import access as actions_access
from lantern.actions import queries, services
from lantern.actions.forms import ActionUpdateForm, ChaseForm
from lantern.agencies.models import Agency
from lantern.core import access
from lantern.core.access import Actor
from lantern.core.errors import DomainError
from lantern.core.forms import apply_service_errors
from lantern.core.views import with_actor


@with_actor
def action_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    scope = request.GET.get("scope", "mine")
    scope = scope if scope in queries.SCOPES else "mine"
    state = request.GET.get("state", "live")
    state = state if state in ("live", "closed", "all") else "live"
    page = Paginator(queries.action_list(actor, scope=scope, state=state), 50).get_page(
        request.GET.get("page")
    )
    queries.decorate(list(page.object_list))
    return render(
        request,
        "actions/list.html",
        {
            "page": page,
            "scope": scope,
            "state": state,
            "may_oversee": actions_access.may_oversee(actor),
        },
    )


@with_actor
def detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    action = queries.action_get(actor, pk)
    queries.decorate([action])
    may_update = actions_access.may_update(actor, action) and action.is_live
    form = ActionUpdateForm(
        request.POST or None, initial={"status": action.status, "outcome": action.outcome}
    )
    if request.method == "POST":
        access.check(actor, may_update, "change this action", object_type="action", object_id=pk)
        if form.is_valid():
            try:
                services.action_update(
                    actor=actor,
                    action=action,
                    status=form.cleaned_data["status"],
                    outcome=form.cleaned_data["outcome"],
                )
            except (ValidationError, DomainError) as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Action {action.reference} updated")
                return redirect("actions:detail", pk=action.pk)
    return render(
        request,
        "actions/detail.html",
        {"action": action, "form": form, "may_update": may_update},
    )


@with_actor
def overdue(request: HttpRequest, actor: Actor) -> HttpResponse:
    groups = queries.overdue_by_agency(actor)
    return render(request, "actions/overdue.html", {"groups": groups})


@with_actor
def chase(request: HttpRequest, actor: Actor, agency_pk: int) -> HttpResponse:
    access.check(actor, actions_access.may_oversee(actor), "chase agencies", object_type="action")
    agency = get_object_or_404(Agency, pk=agency_pk)
    form = ChaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.action_chase_agency(
                actor=actor, agency_id=agency.pk, note=form.cleaned_data["note"]
            )
        except (ValidationError, DomainError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{agency.name} chased about {count} overdue action{'s' if count != 1 else ''}",
            )
            return redirect("actions:overdue")
    return render(request, "actions/chase.html", {"agency": agency, "form": form})
