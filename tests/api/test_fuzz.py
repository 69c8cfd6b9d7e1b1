"""API fuzzing from the OpenAPI schema (schemathesis), as a hub practitioner and as a contributor.

Every operation in ``/api/schema/`` is called with generated requests, valid and invalid,
through the WSGI application. No request may cause a server error (5xx), and every response
must conform to the schema: its status code, content type, headers and body; invalid input
must be refused and credentials must matter. Examples are
bounded so that the whole run stays well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from lantern.accounts.models import ApiToken
from lantern.core.problems import PROBLEM_CONTENT_TYPE
from lantern.wsgi import application

from .conftest import ClientFactory, HubCase, Staff

pytestmark = pytest.mark.django_db

def invalid_input_is_refused(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis' negative_data_rejection, except that an empty query value means the
    parameter is absent (as the browsable API's filter forms send it): ``?status=`` lists
    every case, on purpose."""
    if any(value in ("", [""]) for value in (case.query or {}).values()):
        return None
    result: bool | None = negative_data_rejection(ctx, response, case)
    return result


#: Examples per operation and generation mode (valid, then invalid requests).
EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    # An attacker's checks: invalid input is refused, not half-accepted; a request without
    # its credentials is refused; a method the schema does not list is a 405.
    invalid_input_is_refused,
    ignored_auth,
    missing_required_header,
    unsupported_method,
]


@pytest.fixture(params=["hub_worker", "teacher"])
def bearer(request: pytest.FixtureRequest, staff: Staff, hub_case: HubCase) -> dict[str, str]:
    """An Authorization header for a hub practitioner's token or a school contributor's.

    ``hub_case`` gives the fuzzer a referral, a person, a case and a chronology entry to find.
    """
    _, raw = ApiToken.issue(getattr(staff, request.param), f"fuzzing as {request.param}")
    return {"Authorization": f"Bearer {raw}"}


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.fixture
def wsgi_keeps_the_test_connection() -> Iterator[None]:
    """Requests go straight to the WSGI application, not through Django's test client, so
    Django would close the database connection after each one (as it does in production).
    Do what the test client does and leave it open; and the fuzzing test runs on a
    transactional database (committed set-up, tables flushed after), because on PostgreSQL a
    request through the bare WSGI handler otherwise finds the test's connection closed."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("transactional_db", "wsgi_keeps_the_test_connection")
def test_the_api_answers_every_generated_request_within_its_schema(
    bearer: dict[str, str],
) -> None:
    # schemathesis' own pytest loader (from_fixture) does not run under pytest 9, so the
    # operations are walked here, each a Hypothesis test of its own.
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", application, headers=bearer
    )
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, bearer)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - report them all
                failures.append(f"{operation.label} ({mode.value}):\n{exc}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)


def test_an_api_url_that_matches_no_route_is_a_404_problem(
    staff: Staff, token_client: ClientFactory
) -> None:
    # Found by the fuzzer: /api/cases/1.5/ matched no route and answered Django's HTML page.
    response = token_client(staff.teacher).get("/api/cases/1.5/")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["instance"] == "/api/cases/1.5/"


def test_a_page_past_the_last_is_a_documented_404_problem(
    staff: Staff, token_client: ClientFactory
) -> None:
    client = token_client(staff.teacher)
    schema = client.get("/api/schema/", {"format": "json"}).json()

    response = client.get("/api/referrals/", {"page": 99})

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "404" in schema["paths"]["/api/referrals/"]["get"]["responses"]


@pytest.mark.parametrize("path", ["/api/cases/?mine=-4234", "/api/transitions/?waiting=maybe"])
def test_a_true_or_false_parameter_refuses_anything_else(
    staff: Staff, token_client: ClientFactory, path: str
) -> None:
    # Found by the fuzzer: any other value was read as false and the list answered.
    response = token_client(staff.hub_worker).get(path)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["errors"][0]["message"] == "Use true or false"
