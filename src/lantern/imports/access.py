"""Who may see and bring in agency extracts.

Extracts, source records and quarantine hold every agency's data: they are the hub's only.
"""

from __future__ import annotations

from typing import Any

from lantern.core import access
from lantern.core.access import ANALYSIS_ROLES, CHANGE, HUB, HUB_ROLES, OTHER, READ, REFUSED, Actor


@access.rule("agency extract", "read", relations=(HUB, OTHER))
def extract_read(role: str, relation: str) -> access.Decision:
    """Extracts, their records and quarantine are read by hub roles at the hub."""
    return READ if relation == HUB and role in HUB_ROLES else REFUSED


@access.rule("agency extract", "import, fix, withdraw", relations=(HUB, OTHER))
def extract_import(role: str, relation: str) -> access.Decision:
    """Hub analysts and managers import extracts, load mapping profiles and fix rows."""
    return CHANGE if relation == HUB and role in ANALYSIS_ROLES else REFUSED


def may_see_imports(actor: Actor) -> bool:
    return access.may(extract_read, actor)


def may_import(actor: Actor) -> bool:
    return access.may(extract_import, actor)


def imports_refusal(actor: Actor) -> str:
    return access.hub_only_refusal(
        actor,
        "agency extracts",
        "Agency extracts and the records in them are seen only by the hub. "
        "If you need to know whether the hub knows someone, ask the hub.",
    )


def require_imports(actor: Actor, *, object_type: str = "", object_id: Any = "") -> None:
    """Refuse (and audit) anyone but a hub role reading imports or source records."""
    access.refuse_unless(
        actor,
        may_see_imports(actor),
        imports_refusal(actor),
        object_type=object_type,
        object_id=object_id,
    )
