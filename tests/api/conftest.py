"""Fixtures for the API tests: a hub, a school and a police force, with their people.

Made with the suite's factories (``tests/factories.py``); every value is synthetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from lantern.accounts.models import ApiToken
from lantern.agencies.models import Agency, AgencyKind, Membership
from lantern.core.access import RestrictedCategory, Role
from tests.factories import AgencyFactory, MembershipFactory, nhs_number


def synthetic_nhs_number(serial: int) -> str:
    """A 999-range NHS number (never issued to a real person) with a valid check digit."""
    return nhs_number(serial)


@dataclass
class Agencies:
    hub: Agency
    school: Agency
    police: Agency


@pytest.fixture
def agencies(db: Any) -> Agencies:
    return Agencies(
        hub=AgencyFactory(code="hub", name="Northwick Exploitation Hub", kind=AgencyKind.HUB),
        school=AgencyFactory(
            code="nk-academy", name="Northwick Academy", kind=AgencyKind.EDUCATION
        ),
        police=AgencyFactory(code="nk-police", name="Northwick Police", kind=AgencyKind.POLICE),
    )


MembershipMaker = Callable[..., Membership]


@pytest.fixture
def make_membership(agencies: Agencies) -> MembershipMaker:
    def make(
        username: str,
        agency: Agency,
        role: str,
        *,
        categories: list[str] | None = None,
        first_name: str = "",
        last_name: str = "",
    ) -> Membership:
        membership: Membership = MembershipFactory(
            user__username=username,
            user__first_name=first_name,
            user__last_name=last_name,
            user__email=f"{username}@example.org",
            agency=agency,
            role=role,
            restricted_categories=categories or [],
        )
        return membership

    return make


@dataclass
class Staff:
    hub_worker: Membership
    hub_nurse: Membership
    teacher: Membership
    officer: Membership
    board: Membership
    admin: Membership


@pytest.fixture
def staff(agencies: Agencies, make_membership: MembershipMaker) -> Staff:
    return Staff(
        hub_worker=make_membership(
            "hub.worker", agencies.hub, Role.PRACTITIONER, first_name="Sam", last_name="Okafor"
        ),
        hub_nurse=make_membership(
            "hub.nurse",
            agencies.hub,
            Role.PRACTITIONER,
            categories=[RestrictedCategory.SEXUAL_HEALTH],
            first_name="Priya",
            last_name="Shah",
        ),
        teacher=make_membership(
            "school.dsl", agencies.school, Role.CONTRIBUTOR, first_name="Alex", last_name="Reid"
        ),
        officer=make_membership(
            "police.pc", agencies.police, Role.CONTRIBUTOR, first_name="Jo", last_name="Hart"
        ),
        board=make_membership("board.chair", agencies.hub, Role.BOARD),
        admin=make_membership("sys.admin", agencies.hub, Role.ADMINISTRATOR),
    )


ClientFactory = Callable[[Membership], APIClient]


@pytest.fixture
def token_client() -> ClientFactory:
    """An API client that sends a fresh bearer token for the membership."""

    def make(membership: Membership) -> APIClient:
        _, raw = ApiToken.issue(membership, f"test client for {membership.user}")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


def new_person_body(**overrides: Any) -> dict[str, Any]:
    person = {
        "given_name": "Kayleigh",
        "family_name": "Marsh",
        "date_of_birth": "14/03/2011",
        "sex": "female",
        "nhs_number": synthetic_nhs_number(1),
        "postcode": "nk1 4ab",
        "address_line": "12 Canal Row, Northwick",
        "phone": "07700 900123",
        "email": "k.marsh@example.org",
    }
    person.update(overrides)
    return person


def referral_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "new_person": new_person_body(),
        "concern_categories": ["going_missing", "older_or_risky_associates"],
        "what_was_seen": (
            "Collected from school by an adult man in a car on three occasions; "
            "she said he buys her phone credit."
        ),
        "urgency": "high",
    }
    body.update(overrides)
    return body


@dataclass
class HubCase:
    referral_id: int
    person_id: int
    case_id: int
    entry_id: int


@pytest.fixture
def hub_case(staff: Staff, token_client: ClientFactory) -> HubCase:
    """The school refers a new person; the hub opens a case at triage and adds an event."""
    made = token_client(staff.teacher).post("/api/referrals/", referral_body(), format="json")
    assert made.status_code == 201, made.content
    referral = made.json()
    decided = token_client(staff.hub_worker).post(
        f"/api/referrals/{referral['id']}/decision/",
        {
            "outcome": "hub_case",
            "rationale": "Pattern of contact with an older adult; police hold intelligence.",
            "message_to_referrer": "A hub case is open; you are a member of it.",
        },
        format="json",
    )
    assert decided.status_code == 201, decided.content
    case = decided.json()["decision"]["case"]
    added = token_client(staff.hub_worker).post(
        f"/api/cases/{case['id']}/chronology/",
        {
            "occurred_on": "2026-11-02",
            "event_type": "missing_episode",
            "summary": "Reported missing overnight; found at a takeaway in the city centre.",
        },
        format="json",
    )
    assert added.status_code == 201, added.content
    return HubCase(
        referral_id=referral["id"],
        person_id=referral["person"]["id"],
        case_id=case["id"],
        entry_id=added.json()["id"],
    )
