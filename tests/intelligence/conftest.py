"""Intelligence tests: a police analyst besides the partnership, and a fresh analysis graph
for every test (each test's database is new; the process's graph must not outlive it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from lantern.core.access import Actor, RestrictedCategory, Role
from lantern.intelligence import graphstore, services
from lantern.intelligence.models import Entity, Link
from tests.factories import make_actor


@pytest.fixture(autouse=True)
def _fresh_graph() -> Iterator[None]:
    graphstore.reset()
    yield
    graphstore.reset()


@dataclass
class Intel:
    p: Any
    police_analyst: Actor
    police_analyst_c: Actor

    def entity(
        self,
        kind: str,
        label: str,
        *,
        actor: Actor | None = None,
        at_risk: bool = False,
        **kw: Any,
    ) -> Entity:
        details = services.EntityDetails(kind=kind, label=label, **kw)
        return services.entity_create(
            actor=actor or self.p.analyst, details=details, confirm_new=True, at_risk=at_risk
        )

    def link(
        self,
        a: Entity,
        b: Entity,
        link_type: str,
        *,
        actor: Actor | None = None,
        when: date | None = None,
        grading: str = "2BP",
    ) -> Link:
        return services.link_add(
            actor=actor or self.p.analyst,
            details=services.LinkDetails(
                from_entity=a,
                to_entity=b,
                link_type=link_type,
                source_eval=grading[0],
                intel_assessment=grading[1],
                handling=grading[2],
                date_from=when or timezone.localdate(),
                source_reference="IR/2026/001",
            ),
        )


@pytest.fixture
def intel(partnership: Any) -> Intel:
    return Intel(
        p=partnership,
        police_analyst=make_actor(partnership.police, Role.ANALYST, user__username="pa"),
        police_analyst_c=make_actor(
            partnership.police,
            Role.ANALYST,
            user__username="pac",
            restricted_categories=[RestrictedCategory.HANDLING_C],
        ),
    )
