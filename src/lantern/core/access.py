"""The access policy: the one place that says who may see or do what.

Every read of person data goes through a ``visible_*`` queryset or a ``require_*`` object
check below; views, the API, exports and background jobs never decide for themselves.

The rules (DESIGN.md, "Access, audit, information governance"):

- A user acts as one **membership** at a time: one agency and one role (an API token is
  bound to exactly one). That pair is the :class:`Actor`.
- **Hub roles** (hub practitioner, analyst, manager, in the hub agency) see every person.
- Any other agency sees a person only **while it is involved**: an active
  :class:`~lantern.people.models.Involvement` (a referral it made, a case it belongs to, or
  an explicit share with a recorded lawful basis).
- **Board members** never see a person's record; **administrators** never see case content.
- **Restricted categories** (sexual health, unproven allegations, informant-sourced
  intelligence) are visible only to memberships that hold the category, or by an approved
  grant for that person; everyone else sees that a restricted entry exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from lantern.agencies.models import Agency
    from lantern.cases.models import Case, ChronologyEntry
    from lantern.people.models import Person
    from lantern.referrals.models import Referral


class Role(models.TextChoices):
    CONTRIBUTOR = "contributor", "Agency contributor"
    PRACTITIONER = "practitioner", "Hub practitioner"
    ANALYST = "analyst", "Analyst"
    MANAGER = "manager", "Manager"
    BOARD = "board", "Board member"
    ADMINISTRATOR = "administrator", "Administrator"


class RestrictedCategory(models.TextChoices):
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    UNPROVEN_ALLEGATION = "unproven_allegation", "Unproven allegation"
    INFORMANT = "informant", "Informant-sourced intelligence"


HUB_ROLES = frozenset({Role.PRACTITIONER, Role.ANALYST, Role.MANAGER})
#: Roles that may read person data at all (subject to involvement).
PERSON_DATA_ROLES = frozenset({Role.CONTRIBUTOR, Role.PRACTITIONER, Role.ANALYST, Role.MANAGER})
#: Hub roles that take decisions on referrals and run cases.
CASEWORK_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})


class AccessRefused(PermissionDenied):
    """Raised when the policy refuses; views turn it into 403, the API into a problem."""

    def __init__(self, reason: str, *, object_type: str = "", object_id: Any = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.object_type = object_type
        self.object_id = str(object_id) if object_id is not None else ""


@dataclass(frozen=True)
class Actor:
    """Who is acting, as which agency and role, and from where (for the audit log)."""

    user: User
    agency: Agency
    role: str
    membership_id: int | None = None
    restricted_categories: frozenset[str] = field(default_factory=frozenset)
    channel: str = "web"
    ip_address: str | None = None
    request_id: str = ""

    @property
    def is_hub(self) -> bool:
        return bool(self.agency.is_hub) and self.role in HUB_ROLES

    @property
    def may_read_person_data(self) -> bool:
        return self.role in PERSON_DATA_ROLES

    @property
    def does_casework(self) -> bool:
        return self.is_hub and self.role in CASEWORK_ROLES

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def username(self) -> str:
        return str(self.user.get_username())

    def describe(self) -> str:
        return f"{self.username} ({Role(self.role).label}, {self.agency.name})"


# --- person data ---------------------------------------------------------------------


def _active_involvement(agency_id: int, person_ref: Any) -> Exists:
    from lantern.people.models import Involvement

    return Exists(
        Involvement.objects.filter(person=person_ref, agency_id=agency_id, ended_at__isnull=True)
    )


def visible_people(actor: Actor) -> models.QuerySet[Person]:
    """Every person this actor may see; empty for roles without person data."""
    from lantern.people.models import Person

    qs = Person.objects.filter(merged_into__isnull=True)
    if not actor.may_read_person_data:
        return qs.none()
    if actor.is_hub:
        return qs
    return qs.filter(_active_involvement(actor.agency.pk, OuterRef("pk")))


def can_see_person(actor: Actor, person: Person) -> bool:
    if not actor.may_read_person_data:
        return False
    if actor.is_hub:
        return True
    from lantern.people.models import Involvement

    return Involvement.objects.filter(
        person=person, agency_id=actor.agency.pk, ended_at__isnull=True
    ).exists()


def refuse(
    actor: Actor, reason: str, *, object_type: str = "", object_id: Any = ""
) -> AccessRefused:
    """Audit a refusal and return the exception for the caller to raise.

    Callers check access *before* opening a transaction, so the refusal's audit entry is
    committed even though the operation is not.
    """
    from lantern.core import audit

    exc = AccessRefused(reason, object_type=object_type, object_id=object_id)
    audit.refused(actor, exc)
    return exc


def require_person(actor: Actor, person: Person) -> None:
    if not can_see_person(actor, person):
        raise refuse(
            actor,
            _refusal_text(actor, "this person's record"),
            object_type="person",
            object_id=person.pk,
        )


def visible_referrals(actor: Actor) -> models.QuerySet[Referral]:
    """The hub sees every referral; an agency sees the referrals it made."""
    from lantern.referrals.models import Referral

    qs = Referral.objects.all()
    if not actor.may_read_person_data:
        return qs.none()
    if actor.is_hub:
        return qs
    return qs.filter(referring_agency_id=actor.agency.pk)


def require_referral(actor: Actor, referral: Referral) -> None:
    if not visible_referrals(actor).filter(pk=referral.pk).exists():
        raise refuse(
            actor,
            _refusal_text(actor, "this referral"),
            object_type="referral",
            object_id=referral.pk,
        )


def visible_cases(actor: Actor) -> models.QuerySet[Case]:
    """The hub sees every case; an agency sees the cases it is a member of."""
    from lantern.cases.models import Case, CaseAgency

    qs = Case.objects.all()
    if not actor.may_read_person_data:
        return qs.none()
    if actor.is_hub:
        return qs
    member = CaseAgency.objects.filter(
        case=OuterRef("pk"), agency_id=actor.agency.pk, left_at__isnull=True
    )
    return qs.filter(Exists(member))


def require_case(actor: Actor, case: Case) -> None:
    if not visible_cases(actor).filter(pk=case.pk).exists():
        raise refuse(
            actor, _refusal_text(actor, "this case"), object_type="case", object_id=case.pk
        )


def restricted_filter(actor: Actor, person_ids: Iterable[int] | None = None) -> Q:
    """A Q that keeps chronology entries whose restricted category this actor may read.

    Entries with no category are always kept (the person is already visible). Restricted
    entries are kept where the membership holds the category or an approved grant exists.
    """
    from lantern.cases.models import RestrictedAccessGrant

    # The author can always read what they wrote themselves.
    keep = Q(restricted_category="") | Q(author_id=actor.user.pk)
    if actor.restricted_categories:
        keep |= Q(restricted_category__in=sorted(actor.restricted_categories))
    grants = RestrictedAccessGrant.objects.active().filter(
        user_id=actor.user.pk,
        agency_id=actor.agency.pk,
        person=OuterRef("person_id"),
        category=OuterRef("restricted_category"),
    )
    return keep | Q(Exists(grants))


def can_read_entry(actor: Actor, entry: ChronologyEntry) -> bool:
    from lantern.cases.models import ChronologyEntry

    return ChronologyEntry.objects.filter(pk=entry.pk).filter(restricted_filter(actor)).exists()


# --- actions -------------------------------------------------------------------------


def require(
    actor: Actor, allowed: bool, what: str, *, object_type: str = "", object_id: Any = ""
) -> None:
    """Refuse (and audit the refusal) unless ``allowed``; ``what`` completes "cannot …"."""
    if not allowed:
        raise refuse(
            actor,
            f"Your role ({Role(actor.role).label}, {actor.agency.name}) cannot {what}.",
            object_type=object_type,
            object_id=object_id,
        )


def may_refer(actor: Actor) -> bool:
    return actor.may_read_person_data


def may_triage(actor: Actor) -> bool:
    return actor.does_casework


def may_add_to_chronology(actor: Actor, case: Case) -> bool:
    return actor.may_read_person_data and visible_cases(actor).filter(pk=case.pk).exists()


def may_amend_entry(actor: Actor, entry: ChronologyEntry) -> bool:
    """An entry is corrected by its own agency, or by the hub's caseworkers."""
    return actor.may_read_person_data and (
        actor.does_casework or entry.source_agency_id == actor.agency.pk
    )


def may_manage_case(actor: Actor) -> bool:
    return actor.does_casework


def may_see_access_log(actor: Actor) -> bool:
    return actor.is_hub


def _refusal_text(actor: Actor, what: str) -> str:
    if actor.role == Role.BOARD:
        return "Board members see anonymised figures only, never a person's record."
    if actor.role == Role.ADMINISTRATOR:
        return "Administrators manage the system, not case content."
    return (
        f"{actor.agency.name} is not involved with {what}, so it is not shared with you. "
        "If you need it to keep someone safe, ask the hub."
    )
