"""Who is acting: tokens bound to one agency and role, sessions, and 401/403 problems."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lantern.accounts.models import ApiToken
from lantern.core.access import Role
from lantern.core.problems import PROBLEM_CONTENT_TYPE

from .conftest import Agencies, ClientFactory, MembershipMaker, Staff

pytestmark = pytest.mark.django_db


def test_a_token_acts_as_its_one_agency_and_role(
    agencies: Agencies, make_membership: MembershipMaker, token_client: ClientFactory
) -> None:
    # One person, two memberships: each token is bound to exactly one of them.
    at_hub = make_membership("dual.role", agencies.hub, Role.PRACTITIONER)
    at_police = make_membership("dual.role", agencies.police, Role.CONTRIBUTOR)
    hub_client, police_client = token_client(at_hub), token_client(at_police)

    me_hub = hub_client.get("/api/me/").json()
    me_police = police_client.get("/api/me/").json()

    assert (me_hub["agency"]["code"], me_hub["role"], me_hub["is_hub"]) == (
        "hub",
        "practitioner",
        True,
    )
    assert (me_police["agency"]["code"], me_police["role"], me_police["is_hub"]) == (
        "nk-police",
        "contributor",
        False,
    )
    assert me_police["token"]["name"].startswith("test client")
    # The same user, through the police token, is not the hub.
    assert hub_client.get("/api/triage/").status_code == 200
    refused = police_client.get("/api/triage/")
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_no_token_is_a_401_problem_with_www_authenticate(db: object) -> None:
    response = APIClient().get("/api/people/1/")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["status"] == 401
    assert body["type"].endswith("/not-authenticated")
    assert body["instance"] == "/api/people/1/"


@pytest.mark.parametrize("header", ["Bearer lan_not-a-real-token", "Bearer", "Bearer a b"])
def test_a_bad_token_is_a_401_problem(db: object, header: str) -> None:
    response = APIClient().get("/api/me/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_and_expired_tokens_stop_working(staff: Staff) -> None:
    token, raw = ApiToken.issue(staff.teacher, "school MIS sync")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/me/").status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get("/api/me/").status_code == 401

    expired, raw_expired = ApiToken.issue(staff.teacher, "old sync")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_expired}")
    assert client.get("/api/me/").status_code == 401


def test_a_token_of_an_inactive_agency_is_refused(
    staff: Staff, agencies: Agencies, token_client: ClientFactory
) -> None:
    client = token_client(staff.officer)
    agencies.police.is_active = False
    agencies.police.save()

    response = client.get("/api/me/")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_a_session_acts_as_its_only_membership(staff: Staff) -> None:
    client = APIClient()
    client.force_login(staff.teacher.user)

    body = client.get("/api/me/").json()

    assert body["agency"]["code"] == "nk-academy"
    assert body["token"] is None


def test_a_session_with_several_roles_must_choose_one(
    agencies: Agencies, make_membership: MembershipMaker
) -> None:
    make_membership("two.hats", agencies.school, Role.CONTRIBUTOR)
    membership = make_membership("two.hats", agencies.police, Role.CONTRIBUTOR)
    client = APIClient()
    client.force_login(membership.user)

    response = client.get("/api/me/")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "Choose which one you are acting as" in response.json()["detail"]


def test_a_hub_session_without_a_second_factor_is_refused(staff: Staff, settings: object) -> None:
    settings.LANTERN_REQUIRE_2FA_FOR_HUB = True  # type: ignore[attr-defined]
    client = APIClient()
    client.force_login(staff.hub_worker.user)

    response = client.get("/api/triage/")

    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]


def test_a_session_must_send_the_csrf_token_to_write(staff: Staff) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff.teacher.user)

    response = client.post("/api/people/duplicates/", {"family_name": "Marsh"}, format="json")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "CSRF" in response.json()["detail"]


def test_a_token_is_stored_only_as_a_hash_and_expires_by_default(
    staff: Staff, settings: Any
) -> None:
    settings.LANTERN_API_TOKEN_LIFETIME_DAYS = 30
    token, raw = ApiToken.issue(staff.teacher, "school MIS sync")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(value) for value in stored.values()}
    assert stored["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert stored["expires_at"] is not None
    lifetime = stored["expires_at"] - timezone.now()
    assert timedelta(days=29) < lifetime <= timedelta(days=30)


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_revoked_or_expired_token_is_refused_with_a_problem(staff: Staff, how: str) -> None:
    token, raw = ApiToken.issue(staff.hub_worker, "police RMS sync")
    field = "revoked_at" if how == "revoked" else "expires_at"
    ApiToken.objects.filter(pk=token.pk).update(**{field: timezone.now()})

    response = APIClient().get("/api/people/", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["type"].endswith("/not-authenticated")
    assert "has expired or was revoked" in body["detail"]
