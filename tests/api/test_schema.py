"""The OpenAPI document and the browsable docs."""

from __future__ import annotations

import base64
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from lantern.core.models import AuditAction, AuditEvent
from lantern.core.problems import PROBLEM_CONTENT_TYPE

from .conftest import ClientFactory, Staff, referral_body

pytestmark = pytest.mark.django_db


def test_the_schema_is_a_valid_openapi_3_document(
    staff: Staff, token_client: ClientFactory
) -> None:
    response = token_client(staff.teacher).get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/people/{id}/", "/api/referrals/", "/api/cases/{id}/chronology/"} <= set(
        schema["paths"]
    )
    assert schema["components"]["securitySchemes"]["agencyToken"]["scheme"] == "bearer"
    refused = schema["paths"]["/api/people/{id}/"]["get"]["responses"]["403"]
    assert PROBLEM_CONTENT_TYPE in refused["content"]


def test_the_schema_generates_without_warnings() -> None:
    # Raises SchemaGenerationError on any warning or an invalid document.
    call_command("spectacular", validate=True, fail_on_warn=True, stdout=io.StringIO())


def test_the_schema_needs_a_signed_in_caller(db: object) -> None:
    response = APIClient().get("/api/schema/")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_the_docs_render_for_a_signed_in_user_without_inline_script(staff: Staff) -> None:
    client = APIClient()
    client.force_login(staff.teacher.user)

    page = client.get("/api/docs/")
    script = client.get("/api/docs/", {"script": ""})

    assert page.status_code == 200
    html = page.content.decode()
    assert '<script src="/api/docs/?script="></script>' in html
    assert "<script>" not in html
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    # Swagger UI's own inline style is allowed by its hash, and nothing else inline is.
    [style] = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_the_docs_refuse_anonymous_callers(db: object) -> None:
    response = APIClient().get("/api/docs/")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_the_browsable_api_escapes_text_and_audits_a_list_once(
    staff: Staff, token_client: ClientFactory
) -> None:
    text = "<script>alert(1)</script> Seen with an older man at the bus station."
    created = token_client(staff.teacher).post(
        "/api/referrals/", referral_body(what_was_seen=text), format="json"
    )
    referral_id = created.json()["id"]
    client = APIClient()
    client.force_login(staff.teacher.user)
    before = AuditEvent.objects.filter(action=AuditAction.SEARCH).count()

    page = client.get("/api/referrals/", HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH).count() == before + 1
    detail = client.get(f"/api/referrals/{referral_id}/", HTTP_ACCEPT="text/html").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "<script>alert(1)</script>" not in detail
