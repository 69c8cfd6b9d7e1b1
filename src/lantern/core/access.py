"""The vocabulary of access, and the registry each app's rules plug into.

``core`` says *how* access is decided; each domain app says *what* its rules are, next to
its models, in ``<app>/access.py``:

- A user acts as one **membership** at a time: one agency and one role (an API token is
  bound to exactly one). That pair, with where the request came from, is the :class:`Actor`.
- A **rule** is a plain function ``(role, relation) -> Decision`` registered with
  :func:`rule` under an object kind and a verb, for example ``("person", "read")``. The
  *relation* is how the actor's agency stands to the object: acting as the hub, an agency
  involved with the person, the agency that wrote an entry, and so on. Every check in an
  app's ``access.py`` asks its rule, so the table that :func:`matrix` prints (and
  ``lantern access matrix`` shows, and ``docs/access.md`` records) *is* the policy, and the
  rule behind any cell is one named function.
- Apps also register, per model, how to list what an actor may see and how to check one
  object (:func:`register_object`); :func:`visible` and :func:`require` dispatch to them.
- A refusal is audited (:func:`refuse`) before the caller raises it.

``core`` imports no domain app: the rules come to it through the registry, filled when each
app's ``AppConfig.ready`` imports its ``access`` module.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models

from lantern.core import audit

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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
    HANDLING_C = "handling_c", "Intelligence with handling code C"


HUB_ROLES = frozenset({Role.PRACTITIONER, Role.ANALYST, Role.MANAGER})
#: Roles that may read person data at all (subject to involvement).
PERSON_DATA_ROLES = frozenset({Role.CONTRIBUTOR, Role.PRACTITIONER, Role.ANALYST, Role.MANAGER})
#: Hub roles that take decisions on referrals and run cases.
CASEWORK_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})
#: Hub roles that bring agency data in and run analysis over it.
ANALYSIS_ROLES = frozenset({Role.ANALYST, Role.MANAGER})


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
    #: The membership's ``agencies.Agency`` (core names no domain model, so typed loosely).
    agency: Any
    role: str
    membership_id: int | None = None
    restricted_categories: frozenset[str] = field(default_factory=frozenset)
    channel: str = "web"
    ip_address: str | None = None
    request_id: str = ""

    @property
    def is_hub(self) -> bool:
        """Acting as the hub: a hub role in the hub agency."""
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


# --- decisions, relations and rules ----------------------------------------------------


class Decision(enum.StrEnum):
    """What a rule allows. ``change`` includes reading; ``masked`` means the actor learns
    that something exists, not what it says."""

    CHANGE = "change"
    READ = "read"
    MASKED = "masked"
    REFUSED = "refused"

    @property
    def allows(self) -> bool:
        return self in (Decision.CHANGE, Decision.READ)


CHANGE, READ, MASKED, REFUSED = Decision.CHANGE, Decision.READ, Decision.MASKED, Decision.REFUSED

#: Relations shared by many rules. ``hub`` applies only to hub roles in the hub agency.
HUB = "hub"
INVOLVED = "involved agency"
OTHER = "other agency"
ANY = "any agency"

RuleFunction = Callable[[str, str], Decision]


@dataclass(frozen=True)
class Rule:
    """One row of the policy: what ``decide(role, relation)`` gives, for one kind and verb."""

    kind: str
    verb: str
    relations: tuple[str, ...]
    decide: RuleFunction

    @property
    def name(self) -> str:
        return f"{self.decide.__module__}.{self.decide.__qualname__}"

    @property
    def summary(self) -> str:
        doc = (self.decide.__doc__ or "").strip()
        return " ".join(doc.split("\n\n")[0].split())

    def applies(self, role: str, relation: str) -> bool:
        """``hub`` describes hub roles acting in the hub agency; no other role has it."""
        return relation != HUB or role in HUB_ROLES

    def cell(self, role: str, relation: str) -> str:
        return self.decide(role, relation).value if self.applies(role, relation) else "—"


_RULES: dict[tuple[str, str], Rule] = {}
_ORDER: dict[tuple[str, str], int] = {}


def rule(
    kind: str, verb: str, *, relations: tuple[str, ...]
) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``decide(role, relation) -> Decision`` as the rule for ``kind`` and ``verb``."""

    def register(decide: RuleFunction) -> RuleFunction:
        key = (kind, verb)
        existing = _RULES.get(key)
        if existing is not None and existing.name != f"{decide.__module__}.{decide.__qualname__}":
            raise ValueError(f"Two rules for {kind} / {verb}: {existing.name} and the new one")
        _RULES[key] = Rule(kind=kind, verb=verb, relations=relations, decide=decide)
        _ORDER.setdefault(key, len(_ORDER))
        return decide

    return register


def rules() -> list[Rule]:
    """Every registered rule, by module and then in the order each module declares them."""
    return sorted(_RULES.values(), key=lambda r: (r.decide.__module__, _ORDER[(r.kind, r.verb)]))


def standing(actor: Actor) -> str:
    """How the actor stands where no object is involved: as the hub, or as another agency."""
    return HUB if actor.is_hub else OTHER


def allows(decide: RuleFunction, actor: Actor, relation: str) -> bool:
    """Whether ``decide`` lets this actor read (or change) given one relation it holds."""
    if relation == HUB and not actor.is_hub:
        return False
    return decide(actor.role, relation).allows


def may(decide: RuleFunction, actor: Actor) -> bool:
    """A capability that depends on role and standing only (no object)."""
    return allows(decide, actor, standing(actor))


@dataclass(frozen=True)
class MatrixRow:
    kind: str
    verb: str
    relation: str
    cells: dict[str, str]
    rule: str
    summary: str


def matrix() -> list[MatrixRow]:
    """The whole policy as rows: object kind × verb × relation, a decision per role."""
    rows = []
    for r in rules():
        for relation in r.relations:
            rows.append(
                MatrixRow(
                    kind=r.kind,
                    verb=r.verb,
                    relation=relation,
                    cells={role.value: r.cell(role.value, relation) for role in Role},
                    rule=r.name,
                    summary=r.summary,
                )
            )
    return rows


def matrix_markdown() -> str:
    """The matrix as a Markdown table, then each rule's one-line summary."""
    roles = list(Role)
    head = ["object", "verb", "relation", *[str(role.label) for role in roles]]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row in matrix():
        cells = [row.cells[role.value] for role in roles]
        lines.append("| " + " | ".join([row.kind, row.verb, row.relation, *cells]) + " |")
    lines += ["", "The rule behind each row:", ""]
    for r in rules():
        lines.append(f"- **{r.kind} / {r.verb}** – `{r.name}`: {r.summary}")
    return "\n".join(lines) + "\n"


# --- per-model handlers ------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectHandlers:
    kind: str
    visible: Callable[[Actor], models.QuerySet[Any]]
    refusal: Callable[[Actor], str]


_OBJECTS: dict[type[models.Model], ObjectHandlers] = {}


def register_object(
    model: type[models.Model],
    *,
    kind: str,
    visible: Callable[[Actor], models.QuerySet[Any]],
    refusal: Callable[[Actor], str],
) -> None:
    """Say how to list the ``model`` rows an actor may read, and what a refusal says."""
    _OBJECTS[model] = ObjectHandlers(kind=kind, visible=visible, refusal=refusal)


def _handlers(model: type[models.Model]) -> ObjectHandlers:
    for klass in model.__mro__:
        if klass in _OBJECTS:
            return _OBJECTS[klass]
    raise LookupError(f"No access handlers registered for {model.__name__}")


def visible(actor: Actor, model: type[models.Model]) -> models.QuerySet[Any]:
    """The rows of ``model`` this actor may read, through the owning app's rule."""
    return _handlers(model).visible(actor)


def require(actor: Actor, obj: models.Model) -> None:
    """Refuse (and audit) unless the actor may read ``obj``."""
    handlers = _handlers(type(obj))
    if not handlers.visible(actor).filter(pk=obj.pk).exists():
        raise refuse(actor, handlers.refusal(actor), object_type=handlers.kind, object_id=obj.pk)


# --- refusals ------------------------------------------------------------------------


def refuse(
    actor: Actor, reason: str, *, object_type: str = "", object_id: Any = ""
) -> AccessRefused:
    """Audit a refusal and return the exception for the caller to raise.

    Callers check access *before* opening a transaction, so the refusal's audit entry is
    committed even though the operation is not.
    """
    exc = AccessRefused(reason, object_type=object_type, object_id=object_id)
    audit.refused(actor, exc)
    return exc


def refuse_unless(
    actor: Actor, allowed: bool, reason: str, *, object_type: str = "", object_id: Any = ""
) -> None:
    """Refuse (and audit the refusal, with ``reason``) unless ``allowed``."""
    if not allowed:
        raise refuse(actor, reason, object_type=object_type, object_id=object_id)


def check(
    actor: Actor, allowed: bool, what: str, *, object_type: str = "", object_id: Any = ""
) -> None:
    """Refuse (and audit the refusal) unless ``allowed``; ``what`` completes "cannot …"."""
    reason = f"Your role ({Role(actor.role).label}, {actor.agency.name}) cannot {what}."
    refuse_unless(actor, allowed, reason, object_type=object_type, object_id=object_id)


def refusal_text(actor: Actor, what: str) -> str:
    """Why an agency cannot see ``what`` ("this person's record"), in plain words."""
    if actor.role == Role.BOARD:
        return "Board members see anonymised figures only, never a person's record."
    if actor.role == Role.ADMINISTRATOR:
        return "Administrators manage the system, not case content."
    return (
        f"{actor.agency.name} is not involved with {what}, so it is not shared with you. "
        "If you need it to keep someone safe, ask the hub."
    )


def hub_only_refusal(actor: Actor, what: str, explanation: str) -> str:
    """Refusal text for what only the hub sees (``what``: "agency extracts")."""
    if actor.role in (Role.BOARD, Role.ADMINISTRATOR):
        return refusal_text(actor, what)
    return explanation
