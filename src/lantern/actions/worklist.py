"""What actions put on "My work" (registered with ``core.worklists``): the live actions this
user owns, or their agency owns with nobody named, that are overdue or due within a week.
Read through :func:`lantern.actions.queries.actions_due_for`, so the access policy applies
and the read is audited."""

from __future__ import annotations

from django.urls import reverse

from lantern.actions.queries import actions_due_for
from lantern.core.access import Actor
from lantern.core.worklists import WorkItem


def actions_work(actor: Actor) -> list[WorkItem]:
    items = []
    for action in actions_due_for(actor):
        about = action.person.display_name if action.person is not None else ""
        where = action.source_label or "Action"
        days = getattr(action, "days_overdue", 0)
        detail = f"{where}; owned by {action.owner_agency.name}"
        if days:
            detail += f"; {days} working day{'s' if days != 1 else ''} overdue"
        items.append(
            WorkItem(
                kind="action",
                group="Actions due",
                title=f"{action.reference} {action.title}" + (f" ({about})" if about else ""),
                due_on=action.due_on,
                url=reverse("actions:detail", args=[action.pk]),
                person_name=about,
                detail=detail,
                overdue=days > 0,
            )
        )
    return items
