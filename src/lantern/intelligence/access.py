"""Who may see and work with intelligence: persons of concern, the network, alerts.

Intelligence is for the hub's own roles and for police analysts (and their managers):
an agency contributor never sees a person of concern's profile or the network, board
members and administrators never see any of it. Links graded with handling code C are
read only by memberships that hold the ``handling_c`` restricted category; everyone else
who may see the network learns nothing of them (they are left out, not masked, so the
shape of the network does not betray them either).

Persons at risk shown in the network are still people: their names are shown only to an
actor who may read that person's record (``people.access``); others see "a person at
risk" without a name.
"""

from __future__ import annotations

from django.db import models

from lantern.core import access
from lantern.core.access import (
    ANALYSIS_ROLES,
    CASEWORK_ROLES,
    CHANGE,
    HUB,
    HUB_ROLES,
    OTHER,
    READ,
    REFUSED,
    Actor,
    RestrictedCategory,
    Role,
)
from lantern.intelligence.models import Alert, Entity, Link

POLICE = "police agency"
HOLDS_C = "holds handling code C"
NOT_C = "does not hold it"

#: Roles a police agency's members work intelligence in.
POLICE_INTEL_ROLES = frozenset({Role.ANALYST, Role.MANAGER})


def relation_of(actor: Actor) -> str:
    if actor.is_hub:
        return HUB
    if getattr(actor.agency, "kind", "") == "police":
        return POLICE
    return OTHER


@access.rule("intelligence", "read", relations=(HUB, POLICE, OTHER))
def intelligence_read(role: str, relation: str) -> access.Decision:
    """The hub's practitioners, analysts and managers and a police agency's analysts and
    managers see persons of concern, places, vehicles, the network and its charts; nobody
    else does (contributors, board members and administrators included)."""
    if relation == HUB and role in HUB_ROLES:
        return CHANGE
    if relation == POLICE and role in POLICE_INTEL_ROLES:
        return CHANGE
    return REFUSED


@access.rule("intel_link", "read handling C", relations=(HOLDS_C, NOT_C))
def handling_c_read(role: str, relation: str) -> access.Decision:
    """A link graded with handling code C is read only by a membership that may read
    intelligence and holds the handling-C category."""
    if relation == HOLDS_C and role in (HUB_ROLES | POLICE_INTEL_ROLES):
        return READ
    return REFUSED


@access.rule("alert", "decide", relations=(HUB, POLICE, OTHER))
def alert_decide(role: str, relation: str) -> access.Decision:
    """Accepting an alert starts hub work (a referral or a case entry), so the hub's
    analysts, practitioners and managers decide alerts; police analysts read them."""
    if relation == HUB and role in (ANALYSIS_ROLES | CASEWORK_ROLES):
        return CHANGE
    if relation == POLICE and role in POLICE_INTEL_ROLES:
        return READ
    return REFUSED


@access.rule("person of concern", "mark", relations=(HUB, POLICE, OTHER))
def concern_mark(role: str, relation: str) -> access.Decision:
    """Marking someone a person of concern, or ending it: the hub's analysts and managers
    and a police agency's analysts and managers."""
    if relation == HUB and role in ANALYSIS_ROLES:
        return CHANGE
    if relation == POLICE and role in POLICE_INTEL_ROLES:
        return CHANGE
    return REFUSED


def agency_receives_intelligence(agency: object) -> bool:
    """Whether an agency as a whole may be given intelligence (persons of concern, places,
    alerts) in a document it receives, such as meeting minutes: the hub and police agencies,
    whose members are the only ones :func:`intelligence_read` admits. Handling-code-C
    content goes further only to the hub (the meetings app's rule for code-C notes)."""
    return bool(getattr(agency, "is_hub", False)) or getattr(agency, "kind", "") == "police"


def may_read(actor: Actor) -> bool:
    return access.allows(intelligence_read, actor, relation_of(actor))


def may_decide_alerts(actor: Actor) -> bool:
    return (
        access.allows(alert_decide, actor, relation_of(actor))
        and alert_decide(actor.role, relation_of(actor)) == CHANGE
    )


def may_mark_concern(actor: Actor) -> bool:
    return access.allows(concern_mark, actor, relation_of(actor))


def sees_handling_c(actor: Actor) -> bool:
    holds = RestrictedCategory.HANDLING_C in actor.restricted_categories
    return may_read(actor) and access.allows(handling_c_read, actor, HOLDS_C if holds else NOT_C)


def refusal(actor: Actor) -> str:
    return access.hub_only_refusal(
        actor,
        "intelligence",
        "Intelligence (persons of concern, places, vehicles and the network) is for the hub "
        "and police analysts only.",
    )


def require_read(actor: Actor, *, object_type: str = "network", object_id: object = "") -> None:
    access.refuse_unless(
        actor, may_read(actor), refusal(actor), object_type=object_type, object_id=object_id
    )


def require_decide_alerts(actor: Actor, alert: Alert | None = None) -> None:
    access.check(
        actor,
        may_decide_alerts(actor),
        "decide alerts",
        object_type="alert",
        object_id=alert.pk if alert else "",
    )


def require_mark_concern(actor: Actor, entity: Entity | None = None) -> None:
    access.check(
        actor,
        may_mark_concern(actor),
        "mark a person of concern",
        object_type="person_of_concern",
        object_id=entity.pk if entity else "",
    )


def visible_links(actor: Actor) -> models.QuerySet[Link]:
    if not may_read(actor):
        return Link.objects.none()
    qs = Link.objects.all()
    if not sees_handling_c(actor):
        qs = qs.exclude(handling="C")
    return qs


def visible_entities(actor: Actor) -> models.QuerySet[Entity]:
    return Entity.objects.all() if may_read(actor) else Entity.objects.none()


def visible_alerts(actor: Actor) -> models.QuerySet[Alert]:
    if not may_read(actor):
        return Alert.objects.none()
    qs = Alert.objects.all()
    if not sees_handling_c(actor):
        qs = qs.filter(involves_handling_c=False)
    return qs


access.register_object(Entity, kind="intel_entity", visible=visible_entities, refusal=refusal)
access.register_object(Link, kind="intel_link", visible=visible_links, refusal=refusal)
access.register_object(Alert, kind="alert", visible=visible_alerts, refusal=refusal)
