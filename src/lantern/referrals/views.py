from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lantern.core import access
from lantern.core.access import Actor
from lantern.core.forms import apply_service_errors
from lantern.core.panels import panel_context
from lantern.core.views import with_actor
from lantern.people import queries as people_queries
from lantern.people.forms import NewPersonForm, PersonSearchForm
from lantern.referrals import access as referrals_access
from lantern.referrals import queries, services
from lantern.referrals.forms import ConfirmNewPersonForm, ReferralForm, TriageDecisionForm


@with_actor
def new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Step 1: find the person first, so a new record is made only for someone new."""
    access.check(actor, referrals_access.may_refer(actor), "make a referral")
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = people_queries.person_search(
            actor, form.cleaned_data["q"], purpose="find the person before referring"
        )
    return render(request, "referrals/new.html", {"form": form, "results": results})


@with_actor
def new_for_person(request: HttpRequest, actor: Actor, person_pk: int) -> HttpResponse:
    person = people_queries.person_get(actor, person_pk, purpose="make a referral")
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_submit(actor=actor, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Referral {referral.reference} sent to the hub")
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/form.html", {"form": form, "person": person})


@with_actor
def new_with_details(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A referral about someone not found: details, concern, and a duplicate check first."""
    access.check(actor, referrals_access.may_refer(actor), "make a referral")
    person_form = NewPersonForm(request.POST or None, prefix="person")
    form = ReferralForm(request.POST or None)
    confirm = ConfirmNewPersonForm(request.POST or None)
    duplicates = None
    if request.method == "POST":
        valid = person_form.is_valid() & form.is_valid() & confirm.is_valid()
        if valid:
            try:
                referral = services.referral_submit(
                    actor=actor,
                    new_person=person_form.new_person(),
                    confirm_new=confirm.cleaned_data["confirm_new"],
                    **form.cleaned_data,
                )
            except services.PossibleDuplicatesError as exc:
                duplicates = exc.check
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Referral {referral.reference} sent to the hub")
                return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/new_person.html",
        {"person_form": person_form, "form": form, "confirm": confirm, "duplicates": duplicates},
    )


@with_actor
def referral_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    page = Paginator(queries.agency_referrals(actor), 50).get_page(request.GET.get("page"))
    return render(request, "referrals/list.html", {"page": page})


@with_actor
def detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = queries.referral_get(actor, pk)
    picture = (
        queries.triage_picture(actor, referral) if referrals_access.may_triage(actor) else None
    )
    decision = getattr(referral, "decision", None)
    context = {"referral": referral, "decision": decision, "picture": picture}
    return render(
        request, "referrals/detail.html", context | panel_context("referral", actor, referral)
    )


@with_actor
def triage(request: HttpRequest, actor: Actor) -> HttpResponse:
    page = Paginator(queries.triage_queue(actor), 50).get_page(request.GET.get("page"))
    return render(request, "referrals/triage.html", {"page": page})


@with_actor
def decide(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    access.check(actor, referrals_access.may_triage(actor), "decide on referrals")
    referral = queries.referral_get(actor, pk)
    form = TriageDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.triage_decide(
                actor=actor, referral=referral, **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Decision recorded: {decision.get_outcome_display()}")
            if decision.case_id:
                return redirect("cases:detail", pk=decision.case_id)
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/decide.html", {"referral": referral, "form": form})
