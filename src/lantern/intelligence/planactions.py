"""A disruption plan's actions are ``actions.Action`` rows named by their source: this is
the name, and the one read of them (for the plan page and the API)."""

from __future__ import annotations

from django.db.models import QuerySet

from lantern.actions import access as actions_access
from lantern.actions.models import Action
from lantern.core.access import Actor

#: ``Action.source_kind`` of an action set in a disruption plan (``source_id`` = the plan).
DISRUPTION_PLAN_SOURCE = "disruption_plan"


def plan_actions(actor: Actor, plan_id: int) -> QuerySet[Action]:
    """The plan's actions this actor may see (the actions app's policy), oldest due first."""
    return (
        actions_access.visible_actions(actor)
        .filter(source_kind=DISRUPTION_PLAN_SOURCE, source_id=plan_id)
        .select_related("owner_agency", "owner_user")
        .order_by("due_on", "pk")
    )
