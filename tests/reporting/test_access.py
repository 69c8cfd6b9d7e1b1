"""A board member reaches no person-level URL; board pages admit board and managers only.

Every person-level URL the access matrix classifies (object pages, lists, hub work lists,
imports, linkage, restricted access) is requested as a board member: each is refused (403
or 404), the refusal is audited and no name appears.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from lantern.core.models import AuditAction, AuditEvent
from lantern.reporting.models import Recommendation
from tests.conftest import Partnership
from tests.core import test_access_matrix as matrix
from tests.reporting.conftest import Figures

PERSON_LEVEL = sorted(
    set(matrix.OBJECT_ROUTES)
    | set(matrix.LIST_ROUTES)
    | set(matrix.HUB_ROUTES)
    | set(matrix.KNOWN_TO_HUB_ROUTES)
    | set(matrix.MANAGER_ROUTES)
)


def _refusals() -> int:
    return AuditEvent.objects.filter(action=AuditAction.REFUSED).count()


@pytest.mark.parametrize("name", PERSON_LEVEL)
def test_board_member_is_refused_every_person_level_url(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    world = matrix._build_world(partnership)
    if name in matrix.OBJECT_ROUTES:
        kwargs, method = matrix.OBJECT_ROUTES[name]
        url = reverse(name, kwargs=kwargs(world))
    elif name in matrix.MANAGER_ROUTES:
        method = "get"
        url = reverse(name, kwargs=matrix.MANAGER_ROUTES[name](matrix._grant(world, partnership)))
    else:
        method = "get"
        suffix = {**matrix.LIST_ROUTES, **matrix.HUB_ROUTES, **matrix.KNOWN_TO_HUB_ROUTES}[name]
        url = reverse(name) + suffix
    before = _refusals()
    response = matrix._request(as_user(partnership.board), method, url)
    assert response.status_code in (403, 404), (name, response.status_code)
    assert world.person.family_name not in response.content.decode()
    assert _refusals() == before + 1, f"{name}: the board member's refusal was not audited"


ADMITTED = {"board", "manager"}
#: Pages that change something: the hub manager only (a board member reads).
WRITES = {"reporting:recommendation_new", "reporting:recommendation_edit"}
#: Internal to the hub's managers.
MANAGER_ONLY = {"reporting:data_quality"}


def _url(name: str) -> str:
    args, suffix = matrix.BOARD_ROUTES[name]
    return reverse(name, args=args) + suffix


@pytest.mark.parametrize("name", sorted(matrix.BOARD_ROUTES))
@pytest.mark.parametrize(
    "who", ["practitioner", "analyst", "school_lead", "admin", "board", "manager"]
)
def test_board_routes(figures: Figures, as_user: Any, name: str, who: str) -> None:
    Recommendation.objects.create(
        pk=1, review="R", code="1", scope="local", text="t", owner="o", review_date="2027-01-01"
    )
    allowed = who == "manager" if name in WRITES | MANAGER_ONLY else who in ADMITTED
    before = _refusals()
    response = as_user(getattr(figures.p, who)).get(_url(name))
    if allowed:
        assert response.status_code == 200, (name, who, response.status_code)
    else:
        assert response.status_code == 403, (name, who, response.status_code)
        assert _refusals() == before + 1
