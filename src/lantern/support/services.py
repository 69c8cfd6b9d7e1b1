"""Writes for long-term support: key workers, contacts, the person's words, consent,
outcome measures and the NRM journey. Each checks permission before its transaction (so a
refusal's audit entry survives), writes, and records its audit event in the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lantern.agencies.models import Agency, Membership
from lantern.cases import services as case_services
from lantern.core import access, audit
from lantern.core.access import PERSON_DATA_ROLES, Actor
from lantern.core.bulkload import insert_instances
from lantern.core.errors import ConflictError, DomainError, InvalidError
from lantern.core.events import Event
from lantern.core.limits import MAX_TEXT
from lantern.people.models import Person
from lantern.support import access as support_access
from lantern.support.models import (
    Attendance,
    ConsentRecord,
    Contact,
    GroundsDecision,
    Initiator,
    KeyWorkerAssignment,
    NrmJourney,
    NrmRoute,
    OutcomeMeasure,
    VoiceEntry,
    VoiceKind,
)
from lantern.support.rules import contact_types, nrm_rules, outcome_scales

MAX_NOTE = 2000


def _may_record(actor: Actor, person: Person, what: str) -> None:
    access.check(
        actor,
        support_access.may_record_support(actor, person),
        what,
        object_type="person",
        object_id=person.pk,
    )


def _may_manage(actor: Actor, person: Person, what: str) -> None:
    access.check(
        actor,
        support_access.may_manage_support(actor) and support_access.may_read_support(actor, person),
        what,
        object_type="person",
        object_id=person.pk,
    )


def _past(errors: dict[str, str], field: str, day: date | None, what: str) -> None:
    if day is None:
        errors[field] = f"Enter the date {what}"
    elif day > timezone.localdate():
        errors[field] = f"The date {what} must be today or in the past"


def _text(errors: dict[str, str], field: str, text: str, missing: str, limit: int) -> None:
    if not text.strip():
        errors[field] = missing
    elif len(text) > limit:
        errors[field] = f"Write no more than {limit:,} characters"


# --- key worker ---------------------------------------------------------------------------


def key_worker_assign(
    *, actor: Actor, person: Person, worker_id: int, reason: str
) -> KeyWorkerAssignment:
    """Make ``worker`` the person's key worker, ending the current assignment. A change
    needs a reason; every assignment is kept, so continuity can be counted."""
    _may_manage(actor, person, "choose key workers")
    errors: dict[str, str] = {}
    membership = (
        Membership.objects.filter(user_id=worker_id, is_active=True, role__in=PERSON_DATA_ROLES)
        .select_related("agency")
        .order_by("-agency__kind", "pk")
        .first()
    )
    if membership is None:
        errors["worker"] = "Choose someone who works with people at risk"
    _text(errors, "reason", reason, "Say why the key worker is changing", MAX_NOTE)
    if errors:
        raise InvalidError(errors)
    assert membership is not None  # noqa: S101 - checked above  # nosec B101
    hub_membership = (
        Membership.objects.filter(
            user_id=worker_id, is_active=True, agency__kind="hub", role__in=PERSON_DATA_ROLES
        )
        .select_related("agency")
        .first()
    )
    agency = (hub_membership or membership).agency
    with transaction.atomic():
        current = (
            KeyWorkerAssignment.objects.select_for_update()
            .filter(person=person, ended_at__isnull=True)
            .first()
        )
        if current is not None and current.worker_id == worker_id:
            raise ConflictError("They are already the key worker.")
        now = timezone.now()
        if current is not None:
            current.ended_at = now
            current.save(update_fields=["ended_at"])
        assignment = KeyWorkerAssignment.objects.create(
            person=person,
            worker_id=worker_id,
            agency=agency,
            started_at=now,
            reason=reason.strip(),
            assigned_by=actor.user,
        )
        audit.record(
            actor,
            Event.KEY_WORKER_ASSIGNED,
            object_id=assignment.pk,
            person_id=person.pk,
            detail={"worker": worker_id, "previous": current.worker_id if current else None},
        )
    return assignment


def key_worker_candidates() -> list[tuple[int, str]]:
    """People who may be key workers: active members of an agency in a person-data role."""
    users = (
        get_user_model()
        .objects.filter(memberships__is_active=True, memberships__role__in=PERSON_DATA_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    return [(u.pk, u.get_full_name() or u.get_username()) for u in users]


# --- contacts -----------------------------------------------------------------------------


def contact_record(
    *,
    actor: Actor,
    person: Person,
    occurred_on: date,
    contact_type: str,
    planned: bool,
    initiated_by: str,
    attendance: str,
    note: str = "",
    next_contact_on: date | None = None,
) -> Contact:
    """Record a contact with the person. Any contact about someone whose case is closed
    reopens the case or flags the people who knew them (``cases.services.case_activity``)."""
    _may_record(actor, person, "record contacts with this person")
    errors: dict[str, str] = {}
    _past(errors, "occurred_on", occurred_on, "of the contact")
    if contact_type not in contact_types():
        errors["contact_type"] = "Select the type of contact"
    if initiated_by not in Initiator.values:
        errors["initiated_by"] = "Select who started the contact"
    if attendance not in Attendance.values:
        errors["attendance"] = "Select whether the contact happened"
    if len(note) > MAX_NOTE:
        errors["note"] = f"Write no more than {MAX_NOTE:,} characters"
    if next_contact_on is not None and next_contact_on < timezone.localdate():
        errors["next_contact_on"] = "The next contact must be today or later"
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        contact = Contact.objects.create(
            person=person,
            occurred_on=occurred_on,
            contact_type=contact_type,
            planned=planned,
            initiated_by=initiated_by,
            attendance=attendance,
            note=note.strip(),
            next_contact_on=next_contact_on,
            agency=actor.agency,
            recorded_by=actor.user,
        )
        audit.record(
            actor,
            Event.SUPPORT_CONTACT_RECORDED,
            object_id=contact.pk,
            person_id=person.pk,
            detail={"type": contact_type, "planned": planned, "attendance": attendance},
        )
        label = contact_types().label(contact_type).lower()
        case_services.case_activity(
            person,
            trigger="contact",
            source_description=f"Contact ({label}) recorded by {actor.agency.name}",
            actor=actor,
        )
    return contact


# --- the person's voice -------------------------------------------------------------------


def voice_record(
    *, actor: Actor, person: Person, said_on: date, kind: str, words: str
) -> VoiceEntry:
    """Record what the person said, in their own words."""
    _may_record(actor, person, "record this person's words")
    errors: dict[str, str] = {}
    _past(errors, "said_on", said_on, "they said it")
    if kind not in VoiceKind.values:
        errors["kind"] = "Select whether this is a wish, a feeling or an outcome they want"
    _text(errors, "words", words, "Write what they said, in their words", MAX_TEXT)
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        entry = VoiceEntry.objects.create(
            person=person,
            said_on=said_on,
            kind=kind,
            words=words.strip(),
            agency=actor.agency,
            recorded_by=actor.user,
        )
        audit.record(
            actor,
            Event.VOICE_RECORDED,
            object_id=entry.pk,
            person_id=person.pk,
            detail={"kind": kind},
        )
    return entry


# --- consent ------------------------------------------------------------------------------


def consent_record(
    *, actor: Actor, person: Person, given_on: date, what: str, agency_ids: Iterable[int]
) -> ConsentRecord:
    """Record what the person agreed to share, and with which agencies."""
    _may_manage(actor, person, "record consent")
    ids = sorted(set(agency_ids))
    errors: dict[str, str] = {}
    _past(errors, "given_on", given_on, "consent was given")
    _text(errors, "what", what, "Say what the person agreed to share", MAX_NOTE)
    agencies = list(Agency.objects.filter(pk__in=ids))
    if not ids or len(agencies) != len(ids):
        errors["agencies"] = "Choose the agencies the person agreed to share with"
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        consent = ConsentRecord.objects.create(
            person=person, given_on=given_on, what=what.strip(), recorded_by=actor.user
        )
        consent.agencies.set(agencies)
        audit.record(
            actor,
            Event.CONSENT_RECORDED,
            object_id=consent.pk,
            person_id=person.pk,
            detail={"agencies": ids},
        )
    return consent


def consent_withdraw(
    *, actor: Actor, consent: ConsentRecord, withdrawn_on: date, reason: str
) -> ConsentRecord:
    """Record that the person withdrew consent. The record stays, marked withdrawn."""
    _may_manage(actor, consent.person, "record consent")
    errors: dict[str, str] = {}
    _past(errors, "withdrawn_on", withdrawn_on, "consent was withdrawn")
    if withdrawn_on and withdrawn_on < consent.given_on:
        errors["withdrawn_on"] = "Consent cannot be withdrawn before it was given"
    _text(errors, "withdrawn_reason", reason, "Say what the person said", MAX_NOTE)
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        locked = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_on is not None:
            raise ConflictError("This consent has already been withdrawn.")
        locked.withdrawn_on = withdrawn_on
        locked.withdrawn_reason = reason.strip()
        locked.withdrawn_by = actor.user
        locked.save(update_fields=["withdrawn_on", "withdrawn_reason", "withdrawn_by"])
        audit.record(
            actor, Event.CONSENT_WITHDRAWN, object_id=locked.pk, person_id=locked.person_id
        )
    return locked


# --- outcome measures ---------------------------------------------------------------------


def outcomes_record(
    *, actor: Actor, person: Person, measured_on: date, scores: Mapping[str, int], note: str = ""
) -> list[OutcomeMeasure]:
    """Record scores on one or more outcome scales, on one date."""
    _may_record(actor, person, "record outcomes for this person")
    scales = outcome_scales()
    errors: dict[str, str] = {}
    _past(errors, "measured_on", measured_on, "of the measure")
    chosen = {code: score for code, score in scores.items() if score is not None}
    if not chosen:
        errors["scores"] = "Score at least one outcome"
    for code, score in chosen.items():
        if scales.get(code) is None:
            errors[code] = f"Unknown outcome scale {code!r}"
        elif not scales.minimum <= int(score) <= scales.maximum:
            errors[code] = f"Score from {scales.minimum} to {scales.maximum}"
    if len(note) > MAX_NOTE:
        errors["note"] = f"Write no more than {MAX_NOTE:,} characters"
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        rows = [
            OutcomeMeasure.objects.create(
                person=person,
                scale=code,
                score=int(score),
                measured_on=measured_on,
                note=note.strip(),
                agency=actor.agency,
                recorded_by=actor.user,
            )
            for code, score in chosen.items()
        ]
        audit.record(
            actor,
            Event.OUTCOME_RECORDED,
            object_id=rows[0].pk,
            person_id=person.pk,
            detail={"scores": {code: int(s) for code, s in chosen.items()}},
        )
    return rows


# --- the National Referral Mechanism ------------------------------------------------------


def nrm_refer(
    *,
    actor: Actor,
    person: Person,
    route: str,
    first_responder_id: int,
    referred_on: date,
    consent_given: bool,
    note: str = "",
) -> NrmJourney:
    """Record an NRM referral by a first-responder organisation, or the anonymous duty to
    notify. An adult must consent to a referral (without consent the route is the duty to
    notify); a child needs no consent."""
    _may_manage(actor, person, "record NRM referrals")
    rules = nrm_rules()
    errors: dict[str, str] = {}
    _past(errors, "referred_on", referred_on, "of the referral")
    child = person.is_child
    if route not in NrmRoute.values:
        errors["route"] = "Select a referral or the duty to notify"
    elif route == NrmRoute.REFERRAL and not child and not consent_given:
        errors["consent_given"] = (
            "An adult must consent to an NRM referral; without consent, use the duty to notify"
        )
    elif route == NrmRoute.DUTY_TO_NOTIFY and child:
        errors["route"] = "Children are referred to the NRM without needing consent"
    elif route == NrmRoute.DUTY_TO_NOTIFY and consent_given:
        errors["route"] = "With the adult's consent, make a referral rather than a notification"
    responder = Agency.objects.filter(pk=first_responder_id).first()
    if responder is None:
        errors["first_responder"] = "Choose the first-responder organisation"
    elif rules.first_responder_kinds and responder.kind not in rules.first_responder_kinds:
        errors["first_responder"] = f"{responder.name} is not a first-responder organisation"
    if len(note) > MAX_NOTE:
        errors["note"] = f"Write no more than {MAX_NOTE:,} characters"
    if errors:
        raise InvalidError(errors)
    assert responder is not None  # noqa: S101 - checked above  # nosec B101
    with transaction.atomic():
        journey = NrmJourney.objects.create(
            person=person,
            route=route,
            first_responder=responder,
            referred_on=referred_on,
            consent_given=consent_given and not child,
            child_at_referral=child,
            note=note.strip(),
            recorded_by=actor.user,
        )
        audit.record(
            actor,
            Event.NRM_REFERRED,
            object_id=journey.pk,
            person_id=person.pk,
            detail={"route": route, "child": child},
        )
    return journey


def nrm_decide(
    *, actor: Actor, journey: NrmJourney, stage: str, decision: str, decided_on: date
) -> NrmJourney:
    """Record the reasonable-grounds or conclusive-grounds decision. A positive
    reasonable-grounds decision starts the recovery period (``data/nrm.yaml``)."""
    _may_manage(actor, journey.person, "record NRM decisions")
    errors: dict[str, str] = {}
    _past(errors, "decided_on", decided_on, "of the decision")
    if decision not in GroundsDecision.values:
        errors["decision"] = "Select positive or negative"
    if stage not in ("reasonable_grounds", "conclusive_grounds"):
        errors["stage"] = "Select which decision this is"
    if errors:
        raise InvalidError(errors)
    if journey.route != NrmRoute.REFERRAL:
        raise DomainError("A duty-to-notify notification is anonymous; no decisions follow it.")
    with transaction.atomic():
        locked = NrmJourney.objects.select_for_update().get(pk=journey.pk)
        if decided_on < locked.referred_on:
            raise InvalidError({"decided_on": "The decision cannot come before the referral"})
        if stage == "reasonable_grounds":
            if locked.reasonable_grounds:
                raise ConflictError("The reasonable-grounds decision is already recorded.")
            locked.reasonable_grounds = decision
            locked.reasonable_grounds_on = decided_on
            if decision == GroundsDecision.POSITIVE:
                locked.recovery_period_ends_on = nrm_rules().recovery_period_end(decided_on)
        else:
            if locked.reasonable_grounds != GroundsDecision.POSITIVE:
                raise DomainError(
                    "A conclusive-grounds decision follows a positive reasonable-grounds one."
                )
            if locked.conclusive_grounds:
                raise ConflictError("The conclusive-grounds decision is already recorded.")
            if locked.reasonable_grounds_on and decided_on < locked.reasonable_grounds_on:
                raise InvalidError(
                    {"decided_on": "It cannot come before the reasonable-grounds decision"}
                )
            locked.conclusive_grounds = decision
            locked.conclusive_grounds_on = decided_on
        locked.save()
        audit.record(
            actor,
            Event.NRM_DECISION_RECORDED,
            object_id=locked.pk,
            person_id=locked.person_id,
            detail={"stage": stage, "decision": decision},
        )
    return locked


SUPPORT_TABLES = (
    KeyWorkerAssignment,
    Contact,
    VoiceEntry,
    ConsentRecord,
    ConsentRecord.agencies.through,
    OutcomeMeasure,
    NrmJourney,
)


def support_bulk_insert(model: type[Any], objs: list[Any]) -> None:
    """Load many unsaved rows of one of support's tables at once (the synthetic city's
    builder; no checks or audit per row: the builder audits the histories it made)."""
    if model not in SUPPORT_TABLES:
        raise ValueError(f"{model.__name__} is not one of support's tables")
    if objs:
        insert_instances(model, objs)
