"""Intelligence pages: search, entities, links, disruption, the network, the chart, alerts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lantern.actions import access as actions_access
from lantern.actions.forms import ActionForm
from lantern.core import access
from lantern.core.access import Actor
from lantern.core.errors import DomainError
from lantern.core.forms import apply_service_errors
from lantern.core.views import with_actor
from lantern.intelligence import access as intel_access
from lantern.intelligence import exports, profiles, queries, services, terms
from lantern.intelligence.forms import (
    AcceptAlertForm,
    ConcernForm,
    DisruptionForm,
    EarlierContactForm,
    EndConcernForm,
    EntityForm,
    LinkForm,
    PathForm,
    PlanForm,
    ProfileForm,
    ReasonForm,
    SearchForm,
)
from lantern.intelligence.models import (
    AlertStatus,
    Entity,
    EntityKind,
)


def _common(actor: Actor) -> dict[str, Any]:
    return {
        "may_decide": intel_access.may_decide_alerts(actor),
        "may_mark": intel_access.may_mark_concern(actor),
        "sees_c": intel_access.sees_handling_c(actor),
    }


@with_actor
def home(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = SearchForm(request.GET or None)
    text, kind = "", ""
    if form.is_valid():
        text, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    results = Paginator(queries.search(actor, text, kind), 50).get_page(request.GET.get("page"))
    open_alerts = queries.alert_list(actor).count() if intel_access.may_read(actor) else 0
    return render(
        request,
        "intelligence/home.html",
        {
            "form": form,
            "page": results,
            "open_alerts": open_alerts,
            "kinds": EntityKind.choices,
            **_common(actor),
        },
    )


@with_actor
def entity_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    intel_access.require_read(actor)
    kind = request.GET.get("kind") or request.POST.get("kind") or EntityKind.LOCATION
    if kind not in EntityKind.values:
        raise Http404("No such kind of entity")
    form = EntityForm(request.POST or None, kind=kind)
    candidates: list[Entity] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entity = services.entity_create(
                actor=actor,
                details=services.EntityDetails(
                    kind=kind,
                    label=data["label"],
                    subtype=data.get("subtype") or "",
                    colour=data.get("colour") or "",
                    postcode=data.get("postcode") or "",
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                    date_of_birth=data.get("date_of_birth"),
                    notes=data.get("notes") or "",
                ),
                confirm_new=data["confirm_new"],
            )
        except services.PossibleDuplicateEntitiesError as exc:
            candidates = exc.candidates
            apply_service_errors(form, exc)
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{entity.get_kind_display()} recorded: {entity.label}")
            return redirect("intelligence:entity", pk=entity.pk)
    return render(
        request,
        "intelligence/entity_form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": EntityKind(kind).label,
            "candidates": candidates,
            "kinds": EntityKind.choices,
        },
    )


@with_actor
def entity_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    page = queries.entity_page(actor, pk)
    return render(
        request,
        "intelligence/entity.html",
        {
            "page": page,
            "entity": page.entity,
            "mo_labels": [
                terms.mo_tag_label(t) for t in (page.concern.modus_operandi if page.concern else [])
            ],
            "subtype_label": terms.location_type_label(page.entity.subtype)
            if page.entity.kind == EntityKind.LOCATION
            else page.entity.subtype,
            **_common(actor),
        },
    )


@with_actor
def concern(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entity = queries.entity_get(actor, pk)
    intel_access.require_mark_concern(actor, entity)
    profile = getattr(entity, "concern", None)
    initial = {}
    if profile is not None:
        initial = {
            "aliases": "\n".join(profile.aliases),
            "modus_operandi": profile.modus_operandi,
            "notes": profile.notes,
        }
    form = ConcernForm(request.POST or None, initial=initial)
    end_form = EndConcernForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.concern_mark(
                actor=actor,
                entity=entity,
                aliases=data["aliases"].splitlines(),
                modus_operandi=data["modus_operandi"],
                notes=data["notes"],
            )
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{entity.label} is recorded as a person of concern")
            return redirect("intelligence:entity", pk=entity.pk)
    return render(
        request,
        "intelligence/concern.html",
        {"entity": entity, "form": form, "end_form": end_form, "profile": profile},
    )


@with_actor
def profile(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """A person of concern's structured profile: what was recorded and what follows."""
    found = queries.profile_page(actor, pk)
    concern = found.concern
    return render(
        request,
        "intelligence/profile.html",
        {
            "facts": found,
            "entity": found.entity,
            "concern": concern,
            "role_label": terms.group_role_label(concern.group_role),
            "approaches": [terms.victim_approach_label(c) for c in concern.victim_approaches],
            "contacts": [
                (c, terms.earlier_contact_label(c.contact_type)) for c in found.earlier_contacts
            ],
            "places": [(e, terms.location_type_label(e.subtype)) for e in found.places],
            "disruptions": [
                (o, terms.disruption_label(o.disruption.activity)) for o in found.disruptions
            ],
            "window_days": profiles.window_days(),
            **_common(actor),
        },
    )


@with_actor
def profile_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Change the recorded half of the profile; on an error the form keeps what was typed."""
    entity, concern = queries.concern_get(actor, pk)
    initial = {
        "sex": concern.sex,
        "group_role": concern.group_role,
        "victim_approaches": concern.victim_approaches,
        "first_concern_on": concern.first_concern_on,
        "review_on": concern.review_on,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_update(
                actor=actor,
                entity=entity,
                details=services.ProfileDetails(
                    sex=data["sex"],
                    group_role=data["group_role"] or "",
                    victim_approaches=list(data["victim_approaches"]),
                    first_concern_on=data["first_concern_on"],
                    review_on=data["review_on"],
                ),
            )
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The profile is saved")
            return redirect("intelligence:profile", pk=entity.pk)
    return render(
        request,
        "intelligence/simple_form.html",
        {"entity": entity, "form": form, "title": "Change the profile", "button": "Save"},
        status=400 if form.errors else 200,
    )


@with_actor
def earlier_contact_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Record an earlier contact with a service that was a chance to intervene."""
    entity, _concern = queries.concern_get(actor, pk)
    form = EarlierContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.earlier_contact_add(
                actor=actor,
                entity=entity,
                occurred_on=data["occurred_on"],
                contact_type=data["contact_type"],
                agency_id=data["agency"].pk if data["agency"] else None,
                service_name=data["service_name"] or "",
                what_happened=data["what_happened"],
            )
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The earlier contact is recorded")
            return redirect("intelligence:profile", pk=entity.pk)
    return render(
        request,
        "intelligence/simple_form.html",
        {
            "entity": entity,
            "form": form,
            "title": "Record an earlier contact with a service",
            "button": "Record the contact",
        },
        status=400 if form.errors else 200,
    )


@with_actor
@require_POST
def concern_end(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entity = queries.entity_get(actor, pk)
    intel_access.require_mark_concern(actor, entity)
    form = EndConcernForm(request.POST)
    if form.is_valid():
        try:
            services.concern_end(actor=actor, entity=entity, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The person of concern marking has ended")
            return redirect("intelligence:entity", pk=entity.pk)
    return render(
        request,
        "intelligence/concern.html",
        {
            "entity": entity,
            "form": ConcernForm(),
            "end_form": form,
            "profile": getattr(entity, "concern", None),
        },
        status=400,
    )


@with_actor
def link_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entity = queries.entity_get(actor, pk)
    other_pk = request.GET.get("to") or request.POST.get("to")
    if not other_pk:
        search = SearchForm(request.GET or None)
        results = []
        if search.is_valid() and search.cleaned_data["q"]:
            results = list(
                queries.search(
                    actor, search.cleaned_data["q"], search.cleaned_data["kind"]
                ).exclude(pk=entity.pk)[:30]
            )
        return render(
            request,
            "intelligence/link_choose.html",
            {"entity": entity, "form": search, "results": results},
        )
    try:
        other = queries.entity_get(actor, int(other_pk))
    except ValueError as exc:
        raise Http404("No such entity") from exc
    form = LinkForm(request.POST or None, kind_a=entity.kind, kind_b=other.kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.link_add(
                actor=actor,
                details=services.LinkDetails(
                    from_entity=entity,
                    to_entity=other,
                    link_type=data["link_type"],
                    source_eval=data["source_eval"],
                    intel_assessment=data["intel_assessment"],
                    handling=data["handling"],
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    source_kind=data["source_kind"],
                    source_reference=data["source_reference"],
                    source_entry_id=data["source_entry_id"],
                    source_referral_id=data["source_referral_id"],
                    note=data["note"],
                ),
            )
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Link recorded between {entity.label} and {other.label}")
            return redirect("intelligence:entity", pk=entity.pk)
    namer = queries.Namer(actor)
    return render(
        request,
        "intelligence/link_form.html",
        {
            "entity": entity,
            "other": other,
            "other_label": namer.label(other),
            "entity_label": namer.label(entity),
            "form": form,
        },
    )


@with_actor
def link_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    link = queries.link_get(actor, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_withdraw(actor=actor, link=link, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The link is withdrawn. Its record is kept.")
            return redirect("intelligence:link", pk=link.pk)
    namer = queries.Namer(actor)
    return render(
        request,
        "intelligence/link.html",
        {
            "link": link,
            "form": form,
            "from_label": namer.label(link.from_entity),
            "to_label": namer.label(link.to_entity),
            "type_label": terms.link_type_label(link.link_type),
        },
    )


@with_actor
def disruption_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entity = queries.entity_get(actor, pk)
    form = DisruptionForm(request.POST or None, kind=entity.kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.disruption_record(
                actor=actor,
                subject=entity,
                activity=data["activity"],
                occurred_on=data["occurred_on"],
                outcome=data["outcome"],
            )
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Disruption recorded")
            return redirect("intelligence:entity", pk=entity.pk)
    return render(
        request,
        "intelligence/simple_form.html",
        {
            "entity": entity,
            "form": form,
            "title": "Record disruption",
            "button": "Record disruption",
        },
    )


@with_actor
def plan_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entity = queries.entity_get(actor, pk)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.disruption_plan_create(
                actor=actor,
                subject=entity,
                objective=form.cleaned_data["objective"],
                review_on=form.cleaned_data["review_on"],
            )
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("intelligence:plan", pk=plan.pk)
    return render(
        request,
        "intelligence/simple_form.html",
        {
            "entity": entity,
            "form": form,
            "title": "Start a disruption plan",
            "button": "Start the plan",
        },
    )


@with_actor
def plan_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    page = queries.disruption_plan_page(actor, pk)
    may_add = actions_access.may_create(actor)
    form = ActionForm(request.POST or None, prefix="action") if may_add else None
    if request.method == "POST":
        access.check(actor, may_add, "add actions to disruption plans", object_type="action")
        assert form is not None  # noqa: S101  # nosec B101 - may_add checked above
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.disruption_action_add(
                    actor=actor,
                    plan=page.plan,
                    title=data["title"],
                    owner_agency_id=data["owner_agency"],
                    due_on=data["due_on"],
                    due_working_days=data["due_working_days"],
                )
            except DomainError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Action added to the plan")
                return redirect("intelligence:plan", pk=page.plan.pk)
    return render(
        request,
        "intelligence/plan.html",
        {"plan": page.plan, "entity": page.entity, "actions": page.actions, "form": form},
    )


@with_actor
def network(request: HttpRequest, actor: Actor) -> HttpResponse:
    path_form = PathForm(request.GET or None)
    found_paths = None
    if path_form.is_valid():
        a = queries.entity_get(actor, path_form.cleaned_data["a"])
        b = queries.entity_get(actor, path_form.cleaned_data["b"])
        found_paths = queries.paths(actor, a, b)
    data = queries.overview(actor)
    return render(
        request,
        "intelligence/network.html",
        {
            "data": data,
            "path_form": path_form,
            "paths": found_paths,
        },
    )


@with_actor
def chart(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entity = queries.entity_get(actor, pk)
    saved = None
    if request.GET.get("chart"):
        saved = queries.chart_get(actor, int(request.GET["chart"]))
    view = queries.ego(actor, entity, depth=1, purpose="link chart")
    return render(
        request,
        "intelligence/chart.html",
        {
            "entity": entity,
            "label": queries.Namer(actor).label(entity),
            "initial_data": {"entities": view.entities, "links": view.links},
            "saved_state": saved.state if saved else None,
            "link_types": terms.link_type_choices(),
            "kinds": EntityKind.choices,
            "view": view,
        },
    )


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _filters(request: HttpRequest) -> queries.NetworkFilter:
    return queries.NetworkFilter(
        kinds=tuple(k for k in request.GET.getlist("kind") if k in EntityKind.values),
        link_types=tuple(t for t in request.GET.getlist("link_type") if terms.has_link_type(t)),
        since=_parse_date(request.GET.get("since")),
        until=_parse_date(request.GET.get("until")),
    )


@with_actor
def chart_data(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The neighbourhood of one entity as JSON, for the chart to expand a node."""
    entity = queries.entity_get(actor, pk)
    try:
        depth = int(request.GET.get("depth", "1"))
    except ValueError:
        depth = 1
    view = queries.ego(actor, entity, depth=depth, filters=_filters(request), purpose="link chart")
    return JsonResponse(
        {"entities": view.entities, "links": view.links, "truncated": view.truncated}
    )


@with_actor
@require_POST
def chart_save(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entity = queries.entity_get(actor, pk)
    try:
        state = json.loads(request.POST.get("state") or "{}")
        if not isinstance(state, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"title": "The chart could not be read"}, status=400)
    try:
        saved = services.chart_save(
            actor=actor, name=request.POST.get("name", ""), start=entity, state=state
        )
    except DomainError as exc:
        return JsonResponse({"title": exc.message}, status=400)
    return JsonResponse({"id": saved.pk, "name": saved.name})


@with_actor
def chart_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "intelligence/charts.html", {"charts": queries.charts(actor)})


@with_actor
def export(request: HttpRequest, actor: Actor, pk: int, fmt: str) -> HttpResponse:
    entity = queries.entity_get(actor, pk)
    try:
        depth = int(request.GET.get("depth", "2"))
    except ValueError:
        depth = 2
    return exports.export_response(actor, entity, depth=depth, filters=_filters(request), fmt=fmt)


@with_actor
def alert_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    status = request.GET.get("status", AlertStatus.OPEN)
    if status not in AlertStatus.values:
        status = AlertStatus.OPEN
    page = Paginator(queries.alert_list(actor, status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "intelligence/alerts.html",
        {
            "page": page,
            "status": status,
            "statuses": AlertStatus.choices,
            **_common(actor),
        },
    )


@with_actor
def alert_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    alert = queries.alert_get(actor, pk)
    accept_form = AcceptAlertForm(
        request.POST if request.POST.get("decision") == "accept" else None
    )
    dismiss_form = ReasonForm(request.POST if request.POST.get("decision") == "dismiss" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "accept" and accept_form.is_valid():
                data = accept_form.cleaned_data
                services.alert_accept(
                    actor=actor,
                    alert=alert,
                    start=data["start"],
                    case_id=data["case_id"],
                    reason=data["reason"],
                )
                messages.success(request, "Alert accepted")
                return redirect("intelligence:alert", pk=alert.pk)
            if request.POST.get("decision") == "dismiss" and dismiss_form.is_valid():
                services.alert_dismiss(
                    actor=actor, alert=alert, reason=dismiss_form.cleaned_data["reason"]
                )
                messages.success(
                    request, "Alert dismissed. It comes back only if new evidence arrives."
                )
                return redirect("intelligence:alerts")
        except DomainError as exc:
            apply_service_errors(
                accept_form if request.POST.get("decision") == "accept" else dismiss_form, exc
            )
    view = queries.alert_path_view(actor, alert)
    return render(
        request,
        "intelligence/alert.html",
        {
            "alert": alert,
            "accept_form": accept_form,
            "dismiss_form": dismiss_form,
            "view": view,
            "subject_label": queries.Namer(actor).label(alert.subject),
            "rule_label": terms.rule_label(alert.rule),
            **_common(actor),
        },
    )
