"""Sign-in, lockout, the second factor, roles, security headers and production settings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.core.models import AuditAction, AuditEvent
from tests.conftest import Partnership
from tests.factories import MembershipFactory

PASSWORD = "correct-horse-battery"


def _login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(partnership: Partnership) -> None:
    assert partnership.school_lead.user.password.startswith("argon2")


def test_sign_in_is_audited_and_lands_on_home(partnership: Partnership, client: Client) -> None:
    response = _login(client, "school")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, username="school").exists()
    assert client.get(reverse("home")).status_code == 200


def test_repeated_failures_lock_the_account(partnership: Partnership, client: Client) -> None:
    for _ in range(5):
        _login(client, "school", "wrong password")
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 4
    locked = _login(client, "school")  # even the right password is refused now
    assert locked.status_code == 429
    assert "locked" in locked.content.decode()


def test_user_with_two_roles_chooses_one(partnership: Partnership, client: Client) -> None:
    MembershipFactory(user=partnership.school_lead.user, agency=partnership.police)
    _login(client, "school")
    assert client.get(reverse("home")).url == reverse("accounts:choose_role")  # type: ignore[attr-defined]
    page = client.get(reverse("accounts:choose_role")).content.decode()
    assert "Test Academy" in page
    assert "Test Police" in page
    membership = partnership.police_officer.membership_id
    assert (
        client.post(reverse("accounts:choose_role"), {"membership": membership}).status_code == 200
    )
    police_own = partnership.school_lead.user.memberships.get(agency=partnership.police)
    client.post(reverse("accounts:choose_role"), {"membership": police_own.pk})
    assert "Test Police" in client.get(reverse("home")).content.decode()


def test_hub_roles_need_a_second_factor(
    partnership: Partnership, client: Client, settings: Any
) -> None:
    settings.LANTERN_REQUIRE_2FA_FOR_HUB = True
    _login(client, "practitioner")
    response = client.get(reverse("referrals:triage"))
    assert response.url == reverse("accounts:two_factor")  # type: ignore[attr-defined]
    setup = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Set up your authenticator app" in setup
    device = TOTPDevice.objects.get(user=partnership.practitioner.user)
    wrong = client.post(reverse("accounts:two_factor"), {"token": "000000"})
    assert "not right" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles for a second after a wrong code
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    assert client.post(reverse("accounts:two_factor"), {"token": code}).status_code == 302
    assert client.get(reverse("referrals:triage")).status_code == 200


def test_agency_contributors_do_not_need_a_second_factor(
    partnership: Partnership, client: Client, settings: Any
) -> None:
    settings.LANTERN_REQUIRE_2FA_FOR_HUB = True
    _login(client, "school")
    assert client.get(reverse("referrals:list")).status_code == 200


def test_security_headers_and_strict_csp(partnership: Partnership, client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()  # no inline scripts anywhere


@pytest.mark.parametrize("path", ["/", "/people/", "/referrals/triage/", "/cases/"])
def test_pages_need_sign_in(client: Client, path: str, db: Any) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))  # type: ignore[attr-defined]


def test_production_settings_pass_check_deploy(tmp_path: Any) -> None:
    env = {
        **os.environ,
        "LANTERN_ENV": "production",
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "lantern.example.org",
        "LANTERN_SQLITE_PATH": str(tmp_path / "deploy.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "lantern.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "lantern", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
