"""Shared fixtures: a small partnership with one user per role that matters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from lantern.accounts.actors import SESSION_KEY
from lantern.agencies.models import Agency, AgencyKind
from lantern.core.access import Actor, RestrictedCategory, Role
from tests.factories import AgencyFactory, make_actor


@dataclass
class Partnership:
    hub: Agency
    school: Agency
    police: Agency
    housing: Agency
    practitioner: Actor
    manager: Actor
    analyst: Actor
    nurse: Actor
    school_lead: Actor
    police_officer: Actor
    housing_officer: Actor
    board: Actor
    admin: Actor


@pytest.fixture(autouse=True)
def _fresh_matching_caches() -> None:
    """Real-time matching caches its scorer and counts per process; each test's database is
    new, so each test starts without them."""
    from lantern.linkage import matching

    matching.clear_caches()


@pytest.fixture
def partnership(db: Any) -> Partnership:
    hub = AgencyFactory(code="hub", name="Test Hub", kind=AgencyKind.HUB)
    school = AgencyFactory(code="school", name="Test Academy", kind=AgencyKind.EDUCATION)
    police = AgencyFactory(code="police", name="Test Police", kind=AgencyKind.POLICE)
    housing = AgencyFactory(code="housing", name="Test Homes", kind=AgencyKind.HOUSING)
    return Partnership(
        hub=hub,
        school=school,
        police=police,
        housing=housing,
        practitioner=make_actor(hub, Role.PRACTITIONER, user__username="practitioner"),
        manager=make_actor(
            hub,
            Role.MANAGER,
            user__username="manager",
            restricted_categories=[c.value for c in RestrictedCategory],
        ),
        analyst=make_actor(hub, Role.ANALYST, user__username="analyst"),
        nurse=make_actor(
            hub,
            Role.PRACTITIONER,
            user__username="nurse",
            restricted_categories=[RestrictedCategory.SEXUAL_HEALTH],
        ),
        school_lead=make_actor(school, Role.CONTRIBUTOR, user__username="school"),
        police_officer=make_actor(police, Role.CONTRIBUTOR, user__username="police"),
        housing_officer=make_actor(housing, Role.CONTRIBUTOR, user__username="housing"),
        board=make_actor(hub, Role.BOARD, user__username="board"),
        admin=make_actor(hub, Role.ADMINISTRATOR, user__username="admin"),
    )


def signed_in(client: Client, actor: Actor) -> Client:
    """Sign a test client in as this actor's user, acting through its membership."""
    client.force_login(actor.user)  # type: ignore[arg-type]
    session = client.session
    session[SESSION_KEY] = actor.membership_id
    session.save()
    return client


@pytest.fixture
def as_user(client: Client) -> Any:
    def _sign_in(actor: Actor) -> Client:
        client.logout()
        return signed_in(client, actor)

    return _sign_in


@pytest.fixture(autouse=True)
def _no_second_factor_in_unit_tests(settings: Any) -> None:
    """Unit tests act as hub staff without TOTP; the second factor has its own tests."""
    settings.LANTERN_REQUIRE_2FA_FOR_HUB = False
