"""Who may see the perpetrator learning set, write and approve case studies, and export,
import and compare learning packs.

None of it is a person's record: the learning set is anonymised (k-anonymous) and its
figures suppressed; case studies are anonymised prose that leaves the hub only once a
second person (a hub manager who is not the author) approves it. Board members and managers
read the figures, download the learning set and the pack; the hub writes case studies; the
hub manager approves them and imports (and removes) other areas' packs.
"""

from __future__ import annotations

from lantern.core import access
from lantern.core.access import ANY, CHANGE, HUB, HUB_ROLES, OTHER, READ, REFUSED, Actor, Role
from lantern.core.system import Service
from lantern.reporting import access as reporting_access

#: ``lantern learning export`` and ``import`` act as this service (a hub manager).
LEARNING_COMMAND_SERVICE = Service(
    username="lantern-learning",
    title="Learning packs command",
    role=Role.MANAGER,
    purpose="export and import learning packs",
)

READERS = frozenset({Role.BOARD, Role.MANAGER})


@access.rule("learning set", "read figures, download", relations=(ANY,))
def learning_set_read(role: str, relation: str) -> access.Decision:
    """The anonymised perpetrator learning set and its suppressed figures: board members and
    managers (the same readers as the board's figures)."""
    return READ if role in READERS else REFUSED


@access.rule("case study", "write, read before release", relations=(HUB, OTHER))
def case_study_write(role: str, relation: str) -> access.Decision:
    """Case studies are written by the hub's practitioners, analysts and managers, and read
    inside the hub until they are approved."""
    return CHANGE if relation == HUB and role in HUB_ROLES else REFUSED


@access.rule("case study", "approve for release", relations=(HUB, OTHER))
def case_study_approve(role: str, relation: str) -> access.Decision:
    """A hub manager approves a case study for release; never its own author (the service
    checks that too)."""
    return CHANGE if relation == HUB and role == Role.MANAGER else REFUSED


@access.rule("learning pack", "export, compare", relations=(ANY,))
def learning_pack_read(role: str, relation: str) -> access.Decision:
    """The learning pack (suppressed figures, themes, approved case studies) and the
    comparison with other areas' packs: board members and managers."""
    return READ if role in READERS else REFUSED


@access.rule("learning pack", "import, remove", relations=(HUB, OTHER))
def learning_pack_import(role: str, relation: str) -> access.Decision:
    """Importing another area's pack, and removing one imported: the hub manager."""
    return CHANGE if relation == HUB and role == Role.MANAGER else REFUSED


#: Refuse (audited) unless a rule allows the actor: the same wording as the board's own outputs.
require = reporting_access.require


def may_read_set(actor: Actor) -> bool:
    return access.may(learning_set_read, actor)


def may_write_case_studies(actor: Actor) -> bool:
    return access.may(case_study_write, actor)


def may_approve(actor: Actor) -> bool:
    return access.may(case_study_approve, actor)


def may_read_pack(actor: Actor) -> bool:
    return access.may(learning_pack_read, actor)


def may_import(actor: Actor) -> bool:
    return access.may(learning_pack_import, actor)
