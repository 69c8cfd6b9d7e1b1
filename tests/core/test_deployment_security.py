"""The settings a deployment runs with (``LANTERN_ENV=production``), checked as an attacker
would probe them: cookies, sessions, CSRF, CSP, HSTS, HTTPS, and ``check --deploy`` clean.

Production settings are read at import, so they are loaded in a fresh interpreter with the
environment a deployment sets; that process reports the settings and the headers of a real
response as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROBE = r"""
import json
import django
from django.conf import settings
django.setup()
from django.test import Client

client = Client()
secure = client.get("/health/", secure=True, headers={"host": "lantern.example.org"})
plain = client.get("/health/", headers={"host": "lantern.example.org"})
api = client.get("/api/me/", secure=True, headers={"host": "lantern.example.org"})
names = [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_SAVE_EVERY_REQUEST",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER",
    "MIDDLEWARE", "PASSWORD_HASHERS", "ALLOWED_HOSTS", "X_FRAME_OPTIONS",
    "LANTERN_REQUIRE_2FA_FOR_HUB", "LANTERN_DEMO", "API_TOKEN_LIFETIME_DAYS",
]
print(json.dumps({
    "settings": {name: getattr(settings, name, None) for name in names},
    "authentication": settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    "secure": {"status": secure.status_code, "headers": dict(secure.headers)},
    "plain": {"status": plain.status_code, "location": plain.headers.get("Location", "")},
    "api": {"status": api.status_code, "headers": dict(api.headers)},
}))
"""


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "LANTERN_ENV": "production",
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "lantern.example.org",
        "LANTERN_SQLITE_PATH": str(tmp_path / "deploy.sqlite3"),
        "LANTERN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "lantern.settings",
    }
    for name in ("DATABASE_URL", "DEBUG", "LANTERN_DEMO", "LANTERN_REQUIRE_2FA_FOR_HUB",
                 "SECURE_SSL_REDIRECT", "SESSION_COOKIE_AGE"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    env = production_env(tmp_path_factory.mktemp("deploy"))
    result = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return probe


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lantern", "check", "--deploy", "--fail-level", "DEBUG"],
        env=production_env(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_cookies_and_sessions(deployed: dict[str, Any]) -> None:
    s = deployed["settings"]
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"]
    assert s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"]
    assert s["CSRF_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    # Thirty minutes without activity ends a session; closing the browser ends it too.
    assert s["SESSION_COOKIE_AGE"] <= 30 * 60
    assert s["SESSION_SAVE_EVERY_REQUEST"]
    assert s["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert s["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert s["ALLOWED_HOSTS"] == ["lantern.example.org"]
    # The demo's relaxations never reach a deployment.
    assert s["LANTERN_DEMO"] is False
    assert s["LANTERN_REQUIRE_2FA_FOR_HUB"] is True


def test_csrf_protection_is_on_and_the_api_takes_no_passwords(deployed: dict[str, Any]) -> None:
    middleware = deployed["settings"]["MIDDLEWARE"]
    assert "django.middleware.csrf.CsrfViewMiddleware" in middleware
    assert middleware[0] == "django.middleware.security.SecurityMiddleware"
    # Session authentication in DRF enforces CSRF; tokens are the only other way in.
    assert deployed["authentication"] == [
        "lantern.accounts.api_auth.AgencyTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]


def test_https_only_with_hsts(deployed: dict[str, Any]) -> None:
    s = deployed["settings"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert deployed["plain"]["status"] == 301
    assert deployed["plain"]["location"] == "https://lantern.example.org/health/"
    headers = deployed["secure"]["headers"]
    assert deployed["secure"]["status"] == 200
    assert headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_every_response_carries_a_strict_csp_and_the_security_headers(
    deployed: dict[str, Any],
) -> None:
    for response in (deployed["secure"], deployed["api"]):
        headers = response["headers"]
        directives = headers["Content-Security-Policy"].split(";")
        policy = dict(([*part.strip().split(" ", 1), ""])[:2] for part in directives)
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["base-uri"] == "'self'"
        assert policy["form-action"] == "'self'"
        assert "unsafe" not in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert deployed["api"]["status"] == 401
