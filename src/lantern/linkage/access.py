"""Who may see and act on record linkage.

Linkage results put several agencies' records side by side: the review queue, candidate
pairs, model reports and matches across agencies are the hub's. An agency learns at most
that the hub already knows a person it describes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from lantern.core import access
from lantern.core.access import (
    ANALYSIS_ROLES,
    CHANGE,
    HUB,
    HUB_ROLES,
    OTHER,
    PERSON_DATA_ROLES,
    READ,
    REFUSED,
    Actor,
)


@access.rule("linkage result", "read", relations=(HUB, OTHER))
def linkage_read(role: str, relation: str) -> access.Decision:
    """The review queue, candidate pairs and model reports: hub roles at the hub."""
    return READ if relation == HUB and role in HUB_ROLES else REFUSED


@access.rule("people", "merge, unmerge", relations=(HUB, OTHER))
def people_merge(role: str, relation: str) -> access.Decision:
    """Deciding who is who (a pair, a merge, an unmerge) is a hub decision."""
    return CHANGE if relation == HUB and role in HUB_ROLES else REFUSED


@access.rule("linkage model", "train, run, set thresholds", relations=(HUB, OTHER))
def linkage_run(role: str, relation: str) -> access.Decision:
    """Training a model, setting its thresholds and starting a run: hub analysts, managers."""
    return CHANGE if relation == HUB and role in ANALYSIS_ROLES else REFUSED


@access.rule("known to the hub", "read", relations=(HUB, OTHER))
def known_to_hub_read(role: str, relation: str) -> access.Decision:
    """Any role that works with people may learn that the hub already knows someone it
    describes (not who, nor from whom), where the area's sharing agreement allows it
    (``LANTERN_LINKAGE_TELL_AGENCIES_KNOWN``)."""
    return READ if role in PERSON_DATA_ROLES else REFUSED


def may_review_links(actor: Actor) -> bool:
    return access.may(linkage_read, actor)


def may_merge_people(actor: Actor) -> bool:
    return access.may(people_merge, actor)


def may_run_linkage(actor: Actor) -> bool:
    return access.may(linkage_run, actor)


def may_learn_known_to_hub(actor: Actor) -> bool:
    return access.may(known_to_hub_read, actor) and bool(
        getattr(settings, "LANTERN_LINKAGE_TELL_AGENCIES_KNOWN", True)
    )


def linkage_refusal(actor: Actor) -> str:
    return access.hub_only_refusal(
        actor,
        "record linkage",
        "Record linkage compares several agencies' records, so only the hub sees it. "
        "If you think two records are the same person, tell the hub.",
    )


def require_linkage(actor: Actor, *, object_type: str = "", object_id: Any = "") -> None:
    """Refuse (and audit) anyone but a hub role reading linkage results."""
    access.refuse_unless(
        actor,
        may_review_links(actor),
        linkage_refusal(actor),
        object_type=object_type,
        object_id=object_id,
    )
