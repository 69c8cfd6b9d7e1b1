"""List endpoints cost the same number of queries however many rows they return (no N+1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from .conftest import (
    ClientFactory,
    HubCase,
    Staff,
    new_person_body,
    referral_body,
    synthetic_nhs_number,
)

pytestmark = pytest.mark.django_db


def _queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def _refer(school: APIClient, hub: APIClient, serial: int, *, decide: bool) -> None:
    person = new_person_body(
        given_name=f"Person{serial}", nhs_number=synthetic_nhs_number(100 + serial * 3)
    )
    body = referral_body(new_person=person, confirm_new_person=True)
    response = school.post("/api/referrals/", body, format="json")
    assert response.status_code == 201, response.content
    if decide:
        decided = hub.post(
            f"/api/referrals/{response.json()['id']}/decision/",
            {"outcome": "hub_case", "rationale": "Several agencies hold concerns."},
            format="json",
        )
        assert decided.status_code == 201, decided.content


def _add_entry(client: APIClient, case_id: int) -> None:
    response = client.post(
        f"/api/cases/{case_id}/chronology/",
        {"occurred_on": "2026-11-03", "event_type": "school_absence", "summary": "Absent."},
        format="json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("url", "decide"),
    [("/api/referrals/", True), ("/api/triage/", False), ("/api/cases/", True)],
)
def test_lists_do_not_query_per_row(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory, url: str, decide: bool
) -> None:
    school, hub = token_client(staff.teacher), token_client(staff.hub_worker)
    _refer(school, hub, 1, decide=decide)
    few = _queries(hub, url)
    for serial in range(2, 6):
        _refer(school, hub, serial, decide=decide)

    assert hub.get(url).json()["count"] >= 5
    assert _queries(hub, url) == few


def test_chronology_and_person_record_do_not_query_per_row(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory
) -> None:
    school = token_client(staff.teacher)
    reads: dict[str, Callable[[], int]] = {
        "chronology": lambda: _queries(school, f"/api/cases/{hub_case.case_id}/chronology/"),
        "person": lambda: _queries(school, f"/api/people/{hub_case.person_id}/"),
    }
    before = {name: read() for name, read in reads.items()}
    for _ in range(5):
        _add_entry(school, hub_case.case_id)
    school_referral = referral_body(new_person=None, person=hub_case.person_id)
    assert school.post("/api/referrals/", school_referral, format="json").status_code == 201

    assert {name: read() for name, read in reads.items()} == before
