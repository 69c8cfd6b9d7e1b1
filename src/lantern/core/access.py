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
- **Screenings** follow the person: whoever may see the person sees the screening level;
  restricted evidence in them is masked by the same rules. Screening and the work lists of
  due screenings and transitions are hub casework.
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
    from lantern.screening.models import Screening


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
    return _restricted_q(actor, author="author_id", person="person_id")


def _restricted_q(actor: Actor, *, author: str, person: str) -> Q:
    """Rows with a ``restricted_category`` this actor may read: unrestricted, written by the
    actor, in a category the membership holds, or covered by an approved grant."""
    from lantern.cases.models import RestrictedAccessGrant

    # The author can always read what they wrote themselves.
    keep = Q(restricted_category="") | Q(**{author: actor.user.pk})
    if actor.restricted_categories:
        keep |= Q(restricted_category__in=sorted(actor.restricted_categories))
    grants = RestrictedAccessGrant.objects.active().filter(
        user_id=actor.user.pk,
        agency_id=actor.agency.pk,
        person=OuterRef(person),
        category=OuterRef("restricted_category"),
    )
    return keep | Q(Exists(grants))


def can_read_entry(actor: Actor, entry: ChronologyEntry) -> bool:
    from lantern.cases.models import ChronologyEntry

    return ChronologyEntry.objects.filter(pk=entry.pk).filter(restricted_filter(actor)).exists()


# --- risk screening ------------------------------------------------------------------


def visible_screenings(actor: Actor) -> models.QuerySet[Screening]:
    """Screenings of the people this actor may see: the hub sees all; an agency sees those
    of people it is involved with; board members and administrators see none."""
    from lantern.screening.models import Screening

    qs = Screening.objects.all()
    if not actor.may_read_person_data:
        return qs.none()
    if actor.is_hub:
        return qs
    return qs.filter(_active_involvement(actor.agency.pk, OuterRef("person_id")))


def require_screening(actor: Actor, screening: Screening) -> None:
    if not visible_screenings(actor).filter(pk=screening.pk).exists():
        raise refuse(
            actor,
            _refusal_text(actor, "this person's screening"),
            object_type="screening",
            object_id=screening.pk,
        )


def restricted_screening_filter(actor: Actor) -> Q:
    """A Q over a screening's answers or suggestions (rows with ``screening`` and
    ``restricted_category``): the ones whose restricted evidence this actor may read.

    The screener reads what they recorded; others need the category or an approved grant.
    The level itself is never restricted: it stays visible wherever the screening is.
    """
    return _restricted_q(actor, author="screening__screened_by_id", person="screening__person_id")


def readable_categories(actor: Actor, person: Person) -> frozenset[str]:
    """The restricted categories of this person's record this actor may read."""
    from lantern.cases.models import RestrictedAccessGrant

    granted = RestrictedAccessGrant.objects.active().filter(
        user_id=actor.user.pk, agency_id=actor.agency.pk, person=person
    )
    return actor.restricted_categories | frozenset(granted.values_list("category", flat=True))


def may_screen(actor: Actor) -> bool:
    """Screening is hub casework: practitioners and managers at the hub."""
    return actor.does_casework


def may_see_screening_work(actor: Actor) -> bool:
    """Work lists of due screenings and transitions at 18: the hub's caseworkers."""
    return actor.does_casework


def may_manage_instruments(actor: Actor) -> bool:
    """Loading a screening instrument is the system owner's job, as with vocabularies."""
    return actor.role == Role.ADMINISTRATOR


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


# --- agency extracts (imports) ---------------------------------------------------------

#: Hub roles that bring agency extracts in, fix their quarantined rows and withdraw them.
IMPORT_ROLES = frozenset({Role.ANALYST, Role.MANAGER})


def may_see_imports(actor: Actor) -> bool:
    """Extracts, source records and quarantine hold every agency's data: the hub's only."""
    return actor.is_hub


def may_import(actor: Actor) -> bool:
    """A hub analyst or manager imports extracts, loads mapping profiles and fixes rows."""
    return actor.is_hub and actor.role in IMPORT_ROLES


def require_imports(actor: Actor, *, object_type: str = "", object_id: Any = "") -> None:
    """Refuse (and audit) anyone but a hub role reading imports or source records."""
    if not may_see_imports(actor):
        raise refuse(
            actor,
            _imports_refusal_text(actor),
            object_type=object_type,
            object_id=object_id,
        )


def _imports_refusal_text(actor: Actor) -> str:
    if actor.role in (Role.BOARD, Role.ADMINISTRATOR):
        return _refusal_text(actor, "agency extracts")
    return (
        "Agency extracts and the records in them are seen only by the hub. "
        "If you need to know whether the hub knows someone, ask the hub."
    )


# --- record linkage ----------------------------------------------------------------------

#: Hub roles that train linkage models, start runs and set thresholds.
LINKAGE_ROLES = frozenset({Role.ANALYST, Role.MANAGER})


def may_review_links(actor: Actor) -> bool:
    """Linkage results put several agencies' records side by side: hub roles only.

    The review queue, candidate pairs, model reports and matches across all agencies'
    records are the hub's; an agency sees only that a person is known to the hub.
    """
    return actor.is_hub


def may_merge_people(actor: Actor) -> bool:
    """Merging two people (and undoing it) is a hub decision about who is who."""
    return actor.is_hub


def may_run_linkage(actor: Actor) -> bool:
    """Training a model, setting its thresholds and starting a run: hub analysts, managers."""
    return actor.is_hub and actor.role in LINKAGE_ROLES


def may_learn_known_to_hub(actor: Actor) -> bool:
    """An agency may learn that the hub already knows a person it describes (not who, nor
    from whom) where the area's information sharing agreement allows it."""
    from django.conf import settings

    return actor.may_read_person_data and bool(
        getattr(settings, "LANTERN_LINKAGE_TELL_AGENCIES_KNOWN", True)
    )


def require_linkage(actor: Actor, *, object_type: str = "", object_id: Any = "") -> None:
    """Refuse (and audit) anyone but a hub role reading linkage results."""
    if not may_review_links(actor):
        raise refuse(
            actor,
            _linkage_refusal_text(actor),
            object_type=object_type,
            object_id=object_id,
        )


def _linkage_refusal_text(actor: Actor) -> str:
    if actor.role in (Role.BOARD, Role.ADMINISTRATOR):
        return _refusal_text(actor, "record linkage")
    return (
        "Record linkage compares several agencies' records, so only the hub sees it. "
        "If you think two records are the same person, tell the hub."
    )


def _refusal_text(actor: Actor, what: str) -> str:
    if actor.role == Role.BOARD:
        return "Board members see anonymised figures only, never a person's record."
    if actor.role == Role.ADMINISTRATOR:
        return "Administrators manage the system, not case content."
    return (
        f"{actor.agency.name} is not involved with {what}, so it is not shared with you. "
        "If you need it to keep someone safe, ask the hub."
    )
