"""Who may see and act on referrals."""

from __future__ import annotations

from django.db import models

from lantern.core import access
from lantern.core.access import (
    CASEWORK_ROLES,
    CHANGE,
    HUB,
    OTHER,
    PERSON_DATA_ROLES,
    READ,
    REFUSED,
    Actor,
)
from lantern.referrals.models import Referral

REFERRER = "referring agency"


@access.rule("referral", "read", relations=(HUB, REFERRER, OTHER))
def referral_read(role: str, relation: str) -> access.Decision:
    """The hub reads every referral; an agency reads the referrals it made."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    return READ if relation in (HUB, REFERRER) else REFUSED


@access.rule("referral", "submit", relations=(HUB, OTHER))
def referral_submit(role: str, relation: str) -> access.Decision:
    """Any role that works with people may refer a concern; board and administrators may not."""
    return CHANGE if role in PERSON_DATA_ROLES else REFUSED


@access.rule("referral", "triage", relations=(HUB, OTHER))
def referral_triage(role: str, relation: str) -> access.Decision:
    """Triage decisions are taken by the hub's caseworkers (practitioners and managers)."""
    return CHANGE if relation == HUB and role in CASEWORK_ROLES else REFUSED


@access.rule("referral", "conclude enquiry", relations=(HUB, REFERRER, OTHER))
def enquiry_conclude(role: str, relation: str) -> access.Decision:
    """How an adult safeguarding enquiry concluded (SAC categories) is recorded and amended
    by the hub's caseworkers, who decided at triage that the enquiry was needed; the
    referring agency reads the referral but does not record the conclusion."""
    return CHANGE if relation == HUB and role in CASEWORK_ROLES else REFUSED


def visible_referrals(actor: Actor) -> models.QuerySet[Referral]:
    qs = Referral.objects.all()
    if access.allows(referral_read, actor, HUB):
        return qs
    if access.allows(referral_read, actor, REFERRER):
        return qs.filter(referring_agency_id=actor.agency.pk)
    return qs.none()


def referral_refusal(actor: Actor) -> str:
    return access.refusal_text(actor, "this referral")


def require_referral(actor: Actor, referral: Referral) -> None:
    access.require(actor, referral)


def may_refer(actor: Actor) -> bool:
    return access.may(referral_submit, actor)


def may_triage(actor: Actor) -> bool:
    return access.may(referral_triage, actor)


def may_conclude(actor: Actor) -> bool:
    return access.may(enquiry_conclude, actor)


access.register_object(
    Referral, kind="referral", visible=visible_referrals, refusal=referral_refusal
)
