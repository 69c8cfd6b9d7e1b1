"""Pages for long-term support: thin; each parses input, calls one service or query."""

from __future__ import annotations

from typing import Any

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lantern.core import access, audit, worklists
from lantern.core.access import Actor
from lantern.core.errors import DomainError
from lantern.core.events import Event
from lantern.core.forms import apply_service_errors
from lantern.core.views import with_actor
from lantern.people.models import Person
from lantern.support import access as support_access
from lantern.support import queries, services
from lantern.support.chart import outcomes_svg
from lantern.support.forms import (
    ConsentForm,
    ContactForm,
    KeyWorkerForm,
    NrmDecisionForm,
    NrmReferralForm,
    OutcomeForm,
    VoiceForm,
    WithdrawForm,
)
from lantern.support.rules import milestones, outcome_scales


@with_actor
def person(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    subject = queries.person_for_support(actor, pk)
    history = queries.support_history(actor, subject, purpose=request.GET.get("purpose", ""))
    return render(
        request,
        "support/person.html",
        {
            "person": subject,
            "history": history,
            "may_record": support_access.may_record_support(actor, subject),
            "may_manage": support_access.may_manage_support(actor),
        },
    )


@csp_replace({"style-src": [UNSAFE_INLINE], "script-src": [NONE], "default-src": [NONE]})
@with_actor
def outcomes_chart(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The outcome chart as an SVG image (the page beside it has the same data as a table)."""
    subject = queries.person_for_support(actor, pk)
    measures = queries.outcome_measures(actor, subject)
    response = HttpResponse(outcomes_svg(measures, outcome_scales()), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    template: str,
    context: dict[str, Any],
    save: Any,
    done: str,
    then: HttpResponse | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return then if then is not None else redirect("support:person", pk=context["person"].pk)
    return render(request, template, {"form": form, **context})


def _recordable(actor: Actor, pk: int, what: str) -> Person:
    subject = queries.person_for_support(actor, pk)
    access.check(
        actor,
        support_access.may_record_support(actor, subject),
        what,
        object_type="person",
        object_id=subject.pk,
    )
    return subject


def _manageable(actor: Actor, pk: int, what: str) -> Person:
    subject = queries.person_for_support(actor, pk)
    access.check(
        actor,
        support_access.may_manage_support(actor),
        what,
        object_type="person",
        object_id=subject.pk,
    )
    return subject


@with_actor
def contact_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    subject = _recordable(actor, pk, "record contacts with this person")
    form = ContactForm(
        request.POST or None, initial={"occurred_on": timezone.localdate().strftime("%d/%m/%Y")}
    )

    def save(data: dict[str, Any]) -> None:
        services.contact_record(
            actor=actor,
            person=subject,
            occurred_on=data["occurred_on"],
            contact_type=data["contact_type"],
            planned=data["planned"] == "yes",
            initiated_by=data["initiated_by"],
            attendance=data["attendance"],
            note=data["note"],
            next_contact_on=data["next_contact_on"],
        )

    return _form_page(
        request,
        form=form,
        template="support/contact_form.html",
        context={"person": subject},
        save=save,
        done="Contact recorded",
    )


@with_actor
def key_worker(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    subject = _manageable(actor, pk, "choose key workers")
    form = KeyWorkerForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        services.key_worker_assign(
            actor=actor, person=subject, worker_id=data["worker"], reason=data["reason"]
        )

    return _form_page(
        request,
        form=form,
        template="support/key_worker_form.html",
        context={"person": subject},
        save=save,
        done="Key worker recorded",
    )


@with_actor
def voice_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    subject = _recordable(actor, pk, "record this person's words")
    form = VoiceForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        services.voice_record(
            actor=actor,
            person=subject,
            said_on=data["said_on"],
            kind=data["kind"],
            words=data["words"],
        )

    return _form_page(
        request,
        form=form,
        template="support/voice_form.html",
        context={"person": subject},
        save=save,
        done="Their words are recorded",
    )


@with_actor
def consent_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    subject = _manageable(actor, pk, "record consent")
    form = ConsentForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        services.consent_record(
            actor=actor,
            person=subject,
            given_on=data["given_on"],
            what=data["what"],
            agency_ids=[a.pk for a in data["agencies"]],
        )

    return _form_page(
        request,
        form=form,
        template="support/consent_form.html",
        context={"person": subject},
        save=save,
        done="Consent recorded",
    )


@with_actor
def consent_withdraw(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    consent = queries.consent_get(actor, pk)
    subject = _manageable(actor, consent.person_id, "record consent")
    form = WithdrawForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        services.consent_withdraw(
            actor=actor,
            consent=consent,
            withdrawn_on=data["withdrawn_on"],
            reason=data["withdrawn_reason"],
        )

    return _form_page(
        request,
        form=form,
        template="support/withdraw_form.html",
        context={"person": subject, "consent": consent},
        save=save,
        done="Withdrawal recorded; the consent record is kept",
    )


@with_actor
def outcome_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    subject = _recordable(actor, pk, "record outcomes for this person")
    form = OutcomeForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        services.outcomes_record(
            actor=actor,
            person=subject,
            measured_on=data["measured_on"],
            scores=form.scores(),
            note=data["note"],
        )

    return _form_page(
        request,
        form=form,
        template="support/outcome_form.html",
        context={"person": subject},
        save=save,
        done="Outcomes recorded",
    )


@with_actor
def nrm_new(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    subject = _manageable(actor, pk, "record NRM referrals")
    form = NrmReferralForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        services.nrm_refer(
            actor=actor,
            person=subject,
            route=data["route"],
            first_responder_id=data["first_responder"].pk,
            referred_on=data["referred_on"],
            consent_given=data["consent_given"],
            note=data["note"],
        )

    return _form_page(
        request,
        form=form,
        template="support/nrm_form.html",
        context={"person": subject},
        save=save,
        done="NRM referral recorded",
    )


@with_actor
def nrm(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    journey = queries.journey_get(actor, pk)
    may_manage = support_access.may_manage_support(actor)
    form = NrmDecisionForm(request.POST or None)
    if request.method == "POST":
        access.check(
            actor, may_manage, "record NRM decisions", object_type="nrm_journey", object_id=pk
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.nrm_decide(
                    actor=actor,
                    journey=journey,
                    stage=data["stage"],
                    decision=data["decision"],
                    decided_on=data["decided_on"],
                )
            except (ValidationError, DomainError) as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Decision recorded")
                return redirect("support:nrm", pk=journey.pk)
    return render(
        request,
        "support/nrm.html",
        {
            "journey": journey,
            "person": journey.person,
            "milestones": milestones(journey),
            "form": form,
            "may_manage": may_manage,
        },
    )


@with_actor
def my_work(request: HttpRequest, actor: Actor) -> HttpResponse:
    access.check(actor, support_access.may_see_work_list(actor), "see work lists")
    items = worklists.my_work(actor)
    audit.record(actor, Event.WORK_LISTED, purpose="my work", detail={"items": len(items)})
    today = timezone.localdate()
    return render(
        request,
        "support/my_work.html",
        {
            "groups": {
                group: [(item, item.overdue_on(today)) for item in group_items]
                for group, group_items in worklists.grouped(items).items()
            },
            "overdue": sum(1 for i in items if i.overdue_on(today)),
            "may_oversee": support_access.may_see_caseloads(actor),
        },
    )


@with_actor
def caseloads(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "support/caseloads.html", {"oversight": queries.oversight(actor)})
