"""Sections that one app's page shows from another app, without the page's app importing it.

A lower app's page (the person's record, a referral, the home page) asks for the context of
every panel registered for it; higher apps register theirs in ``AppConfig.ready``. Each
panel is one query of the registering app, so it applies the access policy and audits the
read like any other. Pages render the panels' context; templates never run queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from lantern.core.access import Actor

Panel = Callable[[Actor, Any], dict[str, Any]]
_PANELS: defaultdict[str, list[Panel]] = defaultdict(list)


def register_panel(page: str, panel: Panel) -> None:
    """Add ``panel(actor, obj) -> context`` to ``page`` ("home", "person", "referral")."""
    if panel not in _PANELS[page]:
        _PANELS[page].append(panel)


def panel_context(page: str, actor: Actor, obj: Any = None) -> dict[str, Any]:
    """The context every panel registered for ``page`` adds, in registration order."""
    context: dict[str, Any] = {}
    for panel in _PANELS[page]:
        context.update(panel(actor, obj))
    return context
