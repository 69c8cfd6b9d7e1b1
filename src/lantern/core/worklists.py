"""Work lists gathered from every app: "My work" and a manager's oversight, without the page's
app importing the apps that supply the items.

An app registers an item provider in ``AppConfig.ready`` (as pages register panels in
:mod:`lantern.core.panels`): ``provider(actor) -> list[WorkItem]``. Each provider is one
query of the registering app, so it applies the access policy and audits the read like any
other; the page only sorts and shows what the providers return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from lantern.core.access import Actor


@dataclass(frozen=True)
class WorkItem:
    """One thing someone should do, by a date: a contact, a follow-up, a milestone…"""

    #: What kind of work ("contact", "follow-up", "nrm", "screening", "action"…).
    kind: str
    #: The heading the item is shown under ("Contacts due").
    group: str
    title: str
    due_on: date | None
    url: str = ""
    person_name: str = ""
    detail: str = ""
    #: Set by a provider whose items fall overdue by their own rule (actions: once a working
    #: day has begun after the due date); otherwise an item is overdue the day after it is due.
    overdue: bool | None = None

    def overdue_on(self, today: date) -> bool:
        if self.overdue is not None:
            return self.overdue
        return self.due_on is not None and self.due_on < today


Provider = Callable[[Actor], list[WorkItem]]
_PROVIDERS: dict[str, Provider] = {}


def register_provider(name: str, provider: Provider) -> None:
    """Add ``provider(actor) -> [WorkItem]`` to "My work" under a unique ``name``."""
    _PROVIDERS[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_PROVIDERS)


def my_work(actor: Actor) -> list[WorkItem]:
    """Every provider's items for this actor, soonest first (undated last)."""
    items: list[WorkItem] = []
    for provider in _PROVIDERS.values():
        items.extend(provider(actor))
    return sorted(items, key=lambda i: (i.due_on is None, i.due_on or date.max, i.title))


def grouped(items: list[WorkItem]) -> dict[str, list[WorkItem]]:
    """Items under their group headings, groups in the order they first appear."""
    groups: dict[str, list[WorkItem]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return groups
