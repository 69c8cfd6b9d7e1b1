"""Who may see and work on hub cases, chronology entries and restricted categories.

Restricted chronology entries (sexual health, unproven allegations, informant
intelligence) are read only by memberships that hold the category, by a user with an
approved grant for that person, or by their author; everyone else sees that one exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, OuterRef, Q

from lantern.cases.models import Case, CaseAgency, ChronologyEntry, RestrictedAccessGrant
from lantern.core import access
from lantern.core.access import (
    CASEWORK_ROLES,
    CHANGE,
    HUB,
    HUB_ROLES,
    INVOLVED,
    MASKED,
    OTHER,
    PERSON_DATA_ROLES,
    READ,
    REFUSED,
    Actor,
    Role,
)

MEMBER = "member agency"
OWN_ENTRY = "agency that wrote it"
HOLDS_CATEGORY = "holds the category"
GRANTED = "approved grant"
AUTHOR = "author"
NO_CATEGORY = "none of these"


@access.rule("case", "read", relations=(HUB, MEMBER, OTHER))
def case_read(role: str, relation: str) -> access.Decision:
    """The hub reads every case; an agency reads the cases it is a member of."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    return READ if relation in (HUB, MEMBER) else REFUSED


@access.rule("case", "manage", relations=(HUB, OTHER))
def case_manage(role: str, relation: str) -> access.Decision:
    """Opening a case, choosing its lead and its agencies: the hub's caseworkers."""
    return CHANGE if relation == HUB and role in CASEWORK_ROLES else REFUSED


@access.rule("chronology entry", "add", relations=(HUB, MEMBER, OTHER))
def entry_add(role: str, relation: str) -> access.Decision:
    """Anyone who may read the case adds to its chronology."""
    return CHANGE if case_read(role, relation).allows else REFUSED


@access.rule("chronology entry", "correct", relations=(HUB, OWN_ENTRY, OTHER))
def entry_correct(role: str, relation: str) -> access.Decision:
    """An entry is corrected by the agency that wrote it, or by the hub's caseworkers."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    if relation == HUB and role in CASEWORK_ROLES:
        return CHANGE
    return CHANGE if relation == OWN_ENTRY else REFUSED


@access.rule("restricted entry", "read", relations=(HOLDS_CATEGORY, GRANTED, AUTHOR, NO_CATEGORY))
def restricted_read(role: str, relation: str) -> access.Decision:
    """A restricted entry (or screening evidence) is read by a membership holding its
    category, a user with an approved grant for that person, or its author; anyone else
    who may see the person sees that it exists."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    return READ if relation in (HOLDS_CATEGORY, GRANTED, AUTHOR) else MASKED


@access.rule("person's access log", "read", relations=(HUB, OTHER))
def access_log_read(role: str, relation: str) -> access.Decision:
    """Who has looked at a person's record is shown to the hub."""
    return READ if relation == HUB and role in HUB_ROLES else REFUSED


@access.rule("restricted access", "request, break glass", relations=(HUB, INVOLVED, OTHER))
def restricted_access_request(role: str, relation: str) -> access.Decision:
    """Whoever may read the person may ask, with a reason, to read a restricted category of
    their record, or in an emergency take access at once ("break glass": time-limited,
    flagged and reviewed by a manager)."""
    return CHANGE if role in PERSON_DATA_ROLES and relation in (HUB, INVOLVED) else REFUSED


@access.rule("restricted access", "approve, refuse, review", relations=(HUB, OTHER))
def restricted_access_decide(role: str, relation: str) -> access.Decision:
    """Requests for restricted access are decided, and emergency access is reviewed, by the
    hub's managers (never by the person who asked)."""
    return CHANGE if relation == HUB and role == Role.MANAGER else REFUSED


@access.rule("case", "close", relations=(HUB, OTHER))
def case_close_rule(role: str, relation: str) -> access.Decision:
    """Closing a case (with a reason, a step-down plan and follow-ups) and acknowledging new
    activity on a closed one: the hub's caseworkers."""
    return CHANGE if relation == HUB and role in CASEWORK_ROLES else REFUSED


@access.rule("follow-up after closure", "record", relations=(HUB, MEMBER, OTHER))
def follow_up_record_rule(role: str, relation: str) -> access.Decision:
    """A check-in after closure is recorded by the hub's caseworkers or by an agency that
    was in the case (often the one the person stepped down to)."""
    if role not in PERSON_DATA_ROLES:
        return REFUSED
    if relation == HUB:
        return CHANGE if role in CASEWORK_ROLES else READ
    return CHANGE if relation == MEMBER else REFUSED


def visible_cases(actor: Actor) -> models.QuerySet[Case]:
    qs = Case.objects.all()
    if access.allows(case_read, actor, HUB):
        return qs
    if access.allows(case_read, actor, MEMBER):
        member = CaseAgency.objects.filter(
            case=OuterRef("pk"), agency_id=actor.agency.pk, left_at__isnull=True
        )
        return qs.filter(Exists(member))
    return qs.none()


def case_refusal(actor: Actor) -> str:
    return access.refusal_text(actor, "this case")


def require_case(actor: Actor, case: Case) -> None:
    access.require(actor, case)


def restricted_q(actor: Actor, *, author: str, person: str) -> Q:
    """Rows with a ``restricted_category`` this actor may read (see :func:`restricted_read`):
    unrestricted, or related to the actor in a way the rule allows."""
    keep = Q(restricted_category="")
    if access.allows(restricted_read, actor, AUTHOR):
        keep |= Q(**{author: actor.user.pk})
    if actor.restricted_categories and access.allows(restricted_read, actor, HOLDS_CATEGORY):
        keep |= Q(restricted_category__in=sorted(actor.restricted_categories))
    if access.allows(restricted_read, actor, GRANTED):
        grants = RestrictedAccessGrant.objects.active().filter(
            user_id=actor.user.pk,
            agency_id=actor.agency.pk,
            person=OuterRef(person),
            category=OuterRef("restricted_category"),
        )
        keep |= Q(Exists(grants))
    return keep


def restricted_filter(actor: Actor, person_ids: Iterable[int] | None = None) -> Q:
    """A Q that keeps the chronology entries whose restricted category this actor may read."""
    return restricted_q(actor, author="author_id", person="person_id")


def can_read_entry(actor: Actor, entry: ChronologyEntry) -> bool:
    return ChronologyEntry.objects.filter(pk=entry.pk).filter(restricted_filter(actor)).exists()


def may_add_to_chronology(actor: Actor, case: Case) -> bool:
    return actor.may_read_person_data and visible_cases(actor).filter(pk=case.pk).exists()


def may_amend_entry(actor: Actor, entry: ChronologyEntry) -> bool:
    if access.allows(entry_correct, actor, HUB):
        return True
    return entry.source_agency_id == actor.agency.pk and access.allows(
        entry_correct, actor, OWN_ENTRY
    )


def may_manage_case(actor: Actor) -> bool:
    return access.may(case_manage, actor)


def may_close_case(actor: Actor) -> bool:
    return access.may(case_close_rule, actor)


def may_record_follow_up(actor: Actor, case: Case) -> bool:
    if access.allows(follow_up_record_rule, actor, HUB):
        return True
    member = CaseAgency.objects.filter(case=case, agency_id=actor.agency.pk).exists()
    return member and access.allows(follow_up_record_rule, actor, MEMBER)


def may_see_access_log(actor: Actor) -> bool:
    return access.may(access_log_read, actor)


access.register_object(Case, kind="case", visible=visible_cases, refusal=case_refusal)
