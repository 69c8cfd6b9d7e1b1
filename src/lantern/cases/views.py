from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lantern.cases import access as cases_access
from lantern.cases import closure as closure_rules
from lantern.cases import grants, queries, services
from lantern.cases.forms import (
    AccessDecisionForm,
    AddAgencyForm,
    AmendEntryForm,
    BreakGlassReviewForm,
    CaseUpdateForm,
    ChronologyEntryForm,
    ChronologyFilterForm,
    CloseCaseForm,
    FollowUpForm,
    RestrictedAccessForm,
)
from lantern.core import access
from lantern.core.access import Actor
from lantern.core.errors import DomainError
from lantern.core.forms import apply_service_errors
from lantern.core.panels import panel_context
from lantern.core.views import with_actor
from lantern.people import queries as people_queries


@with_actor
def case_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    status = request.GET.get("status", "open")
    mine = request.GET.get("mine") == "1"
    page = Paginator(queries.case_list(actor, status=status, mine=mine), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/list.html", {"page": page, "status": status, "mine": mine})


@with_actor
def detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    case = queries.case_get(actor, pk)
    contributed = queries.chronology_agencies(case)
    filter_form = ChronologyFilterForm(
        request.GET or None,
        agencies=[
            (row["source_agency_id"], f"{row['source_agency__name']} ({row['entries']})")
            for row in contributed
        ],
    )
    filters = queries.ChronologyFilter()
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        filters = queries.ChronologyFilter(
            agencies=data["agency"],
            event_types=data["event_type"],
            significance=data["significance"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    page = queries.chronology_page(actor, case, filters, request.GET.get("page", 1))
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "agencies": queries.case_agencies(case),
        "page": page,
        "filter_form": filter_form,
        "filters": filters,
        "may_add": cases_access.may_add_to_chronology(actor, case),
        "may_manage": cases_access.may_manage_case(actor),
        "may_close": cases_access.may_close_case(actor),
        "may_record_follow_up": cases_access.may_record_follow_up(actor, case),
        "closures": queries.closures(case),
        "activity": queries.case_activity_list(case),
        "querystring": _querystring_without_page(request),
    }
    if request.headers.get("HX-Request"):
        return render(request, "cases/_chronology.html", context)
    from lantern.screening.queries import person_summary

    context["summary"] = person_summary(actor, case.person, audited_by_page=True)
    return render(request, "cases/detail.html", context | panel_context("case", actor, case))


def _querystring_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@with_actor
def entry_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    case = queries.case_get(actor, pk, purpose="add to the chronology")
    access.check(actor, cases_access.may_add_to_chronology(actor, case), "add to this chronology")
    form = ChronologyEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.chronology_add(
                actor=actor,
                case=case,
                occurred_on=data["occurred_on"],
                occurred_time=data["occurred_time"],
                event_type=data["event_type"],
                summary=data["summary"],
                significance=data["significance"],
                restricted_category=data["restricted_category"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Added to the chronology")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/entry_form.html", {"case": case, "form": form})


@with_actor
def entry_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entry = queries.entry_get(actor, pk)
    return render(
        request,
        "cases/entry_detail.html",
        {
            "entry": entry,
            "revisions": queries.entry_revisions(entry),
            "may_amend": cases_access.may_amend_entry(actor, entry),
        },
    )


@with_actor
def entry_amend(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entry = queries.entry_get(actor, pk)
    access.check(
        actor,
        cases_access.may_amend_entry(actor, entry),
        "correct another agency's entry",
        object_type="chronology_entry",
        object_id=entry.pk,
    )
    initial = {
        "occurred_on": entry.occurred_on.strftime("%d/%m/%Y"),
        "occurred_time": entry.occurred_time.strftime("%H:%M") if entry.occurred_time else "",
        "event_type": entry.event_type,
        "significance": entry.significance,
        "summary": entry.summary,
    }
    form = AmendEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.chronology_amend(
                actor=actor,
                entry=entry,
                reason=data["reason"],
                occurred_on=data["occurred_on"],
                occurred_time=data["occurred_time"],
                event_type=data["event_type"],
                summary=data["summary"],
                significance=data["significance"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Entry corrected; its earlier version is kept in its history")
            return redirect("cases:entry", pk=entry.pk)
    return render(request, "cases/entry_amend.html", {"entry": entry, "form": form})


@with_actor
def edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    case = queries.case_get(actor, pk, purpose="manage the case")
    access.check(actor, cases_access.may_manage_case(actor), "manage cases")
    form = CaseUpdateForm(
        request.POST or None,
        initial={
            "status": case.status,
            "lead_professional": case.lead_professional,
            "summary": case.summary,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_update(
                actor=actor,
                case=case,
                status=data["status"],
                lead_professional_id=data["lead_professional"].pk,
                summary=data["summary"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Case updated")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/edit.html", {"case": case, "form": form})


@with_actor
def add_agency(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    case = queries.case_get(actor, pk, purpose="add an agency")
    access.check(actor, cases_access.may_manage_case(actor), "add agencies to a case")
    form = AddAgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.case_add_agency(actor=actor, case=case, agency_id=form.cleaned_data["agency"].pk)
        messages.success(request, f"{form.cleaned_data['agency']} joined the case")
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/add_agency.html", {"case": case, "form": form})


# --- restricted access -------------------------------------------------------------------


@with_actor
def restricted_access(request: HttpRequest, actor: Actor, person_pk: int) -> HttpResponse:
    """Ask a manager for a restricted category of a person's record, or take emergency
    access now; both need a reason."""
    person = people_queries.person_get(actor, person_pk, purpose="ask for restricted access")
    form = RestrictedAccessForm(
        request.POST or None, initial={"category": request.GET.get("category")}
    )
    if request.method == "POST" and form.is_valid():
        take_now = request.POST.get("action") == "break_glass"
        service = grants.break_glass if take_now else grants.grant_request
        try:
            service(actor=actor, person=person, **form.cleaned_data)
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            if take_now:
                messages.warning(
                    request,
                    "Emergency access taken for "
                    f"{grants.break_glass_period().total_seconds() / 3600:.0f} hours. "
                    "A manager will review it.",
                )
            else:
                messages.success(request, "Request sent. A manager will decide.")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "cases/restricted_access.html",
        {"person": person, "form": form, "mine": grants.mine(actor, person)},
    )


@with_actor
def access_requests(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A manager's list: requests to decide, and emergency access to review."""
    return render(
        request,
        "cases/access_requests.html",
        {"pending": grants.for_decision(actor), "to_review": grants.for_review(actor)},
    )


@with_actor
def access_decide(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    grant = grants.get_for_manager(actor, pk)
    form: forms.Form
    if grant.break_glass:
        form = BreakGlassReviewForm(request.POST or None)
    else:
        form = AccessDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if grant.break_glass:
                grants.break_glass_review(actor=actor, grant=grant, note=form.cleaned_data["note"])
            else:
                grants.grant_decide(
                    actor=actor,
                    grant=grant,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Decision recorded")
            return redirect("cases:access_requests")
    return render(request, "cases/access_decide.html", {"grant": grant, "form": form})


# --- closure without abandonment -----------------------------------------------------------


@with_actor
def close(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Close a case: a reason, a step-down plan, and follow-up check-ins scheduled."""
    case = queries.case_get(actor, pk, purpose="close the case")
    access.check(actor, cases_access.may_close_case(actor), "close cases")
    form = CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = services.case_close(actor=actor, case=case, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Case closed. {closure.follow_ups.count()} follow-up check-ins are scheduled.",
            )
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/close.html",
        {"case": case, "form": form, "dates": closure_rules.follow_up_dates(timezone.localdate())},
    )


@with_actor
def follow_up(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    item = queries.follow_up_get(actor, pk)
    may_record = cases_access.may_record_follow_up(actor, item.case)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        access.check(actor, may_record, "record follow-ups on this case")
        if form.is_valid():
            try:
                services.follow_up_record(actor=actor, follow_up=item, **form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Follow-up recorded")
                return redirect("cases:detail", pk=item.case_id)
    return render(
        request,
        "cases/follow_up.html",
        {"item": item, "case": item.case, "form": form, "may_record": may_record},
    )


@with_actor
def activity_acknowledge(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    activity = queries.activity_get(actor, pk)
    if request.method == "POST":
        services.activity_acknowledge(actor=actor, activity=activity)
        messages.success(request, "Acknowledged")
    return redirect("cases:detail", pk=activity.case_id)
