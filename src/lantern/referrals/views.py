from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lantern.core import access
from lantern.core.access import Actor
from lantern.core.errors import DomainError
from lantern.core.forms import apply_service_errors
from lantern.core.panels import panel_context
from lantern.core.views import with_actor
from lantern.people import queries as people_queries
from lantern.people.forms import NewPersonForm, PersonSearchForm
from lantern.referrals import access as referrals_access
from lantern.referrals import queries, services
from lantern.referrals.conclusions import categories
from lantern.referrals.forms import (
    ConfirmNewPersonForm,
    EnquiryConclusionForm,
    ReferralForm,
    TriageDecisionForm,
)
from lantern.referrals.models import ENQUIRY_OUTCOMES, EnquiryConclusion


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
    is_enquiry = decision is not None and decision.outcome in ENQUIRY_OUTCOMES
    context = {
        "referral": referral,
        "decision": decision,
        "picture": picture,
        "conclusions": (
            [_described(c) for c in queries.conclusion_versions(actor, referral)]
            if is_enquiry
            else []
        ),
        "is_enquiry": is_enquiry,
        "may_conclude": is_enquiry and referrals_access.may_conclude(actor),
    }
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


def _described(conclusion: EnquiryConclusion) -> dict[str, object]:
    """A conclusion with its codes in words, for the page."""
    cats = categories()
    return {
        "conclusion": conclusion,
        "types_of_risk": [cats.label("types_of_risk", c) for c in conclusion.types_of_risk],
        "location_of_risk": cats.label("locations_of_risk", conclusion.location_of_risk),
        "source_of_risk": cats.label("sources_of_risk", conclusion.source_of_risk),
        "risk_assessment": cats.label("risk_assessments", conclusion.risk_assessment),
        "action_taken": "Action taken not recorded"
        if conclusion.action_taken is None
        else ("Action taken" if conclusion.action_taken else "No action taken"),
        "risk_outcome": cats.label("risk_outcomes", conclusion.risk_outcome)
        if conclusion.risk_outcome
        else "",
        "outcomes_asked": cats.label("desired_outcomes_asked", conclusion.outcomes_asked),
        "outcomes_achieved": cats.label("desired_outcomes_achieved", conclusion.outcomes_achieved)
        if conclusion.outcomes_achieved
        else "",
    }


@with_actor
def conclude(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Record how an adult safeguarding enquiry concluded, or amend the conclusion (a new
    version; the earlier one is kept). What was typed is kept when something is refused."""
    access.check(
        actor,
        referrals_access.may_conclude(actor),
        "record how adult safeguarding enquiries concluded",
        object_type="referral",
        object_id=pk,
    )
    referral = queries.referral_get(actor, pk)
    decision = getattr(referral, "decision", None)
    if decision is None or decision.outcome not in ENQUIRY_OUTCOMES:
        raise Http404("This referral did not start an adult safeguarding enquiry")
    versions = queries.conclusion_versions(actor, referral)
    current = versions[0] if versions else None
    initial: dict[str, object] = {}
    if current is not None:
        initial = {
            "concluded_on": current.concluded_on.strftime("%d/%m/%Y"),
            "types_of_risk": current.types_of_risk,
            "location_of_risk": current.location_of_risk,
            "source_of_risk": current.source_of_risk,
            "risk_assessment": current.risk_assessment,
            f"action_taken__{current.risk_assessment}": None
            if current.action_taken is None
            else ("yes" if current.action_taken else "no"),
            f"risk_outcome__{current.risk_assessment}": current.risk_outcome,
            "outcomes_asked": current.outcomes_asked,
            "outcomes_achieved": current.outcomes_achieved,
        }
    form = EnquiryConclusionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conclusion = services.enquiry_conclude(
                actor=actor, referral=referral, **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_service_errors(
                form,
                ValidationError(
                    {form.service_field(name): errors for name, errors in exc.message_dict.items()}
                )
                if hasattr(exc, "error_dict")
                else exc,
            )
        except DomainError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Conclusion amended (the earlier version is kept)"
                if conclusion.version > 1
                else "Enquiry conclusion recorded",
            )
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/conclude.html",
        {"referral": referral, "decision": decision, "form": form, "current": current},
    )
