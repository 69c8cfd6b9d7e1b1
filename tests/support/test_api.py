"""Support, closure and My work through the API: the same rules and errors as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.cases.models import CaseStatus
from tests.conftest import Partnership
from tests.factories import open_case


@pytest.mark.django_db
def test_contact_then_history_then_my_work(partnership: Partnership, as_user: Any) -> None:
    p = partnership
    person = open_case(p, given_name="Isla", family_name="Apitest").person
    hub = as_user(p.practitioner)
    assigned = hub.post(
        reverse("api-support-key-worker", args=[person.pk]),
        {"worker_id": p.practitioner.user.pk, "reason": "Allocated at triage."},
        content_type="application/json",
    )
    assert assigned.status_code == 201, assigned.content
    school = as_user(p.school_lead)
    created = school.post(
        reverse("api-support-contact", args=[person.pk]),
        {
            "occurred_on": timezone.localdate().isoformat(),
            "contact_type": "video",
            "planned": True,
            "initiated_by": "worker",
            "attendance": "attended",
            "note": "Video call; she is settled.",
            "next_contact_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    history = school.get(reverse("api-support", args=[person.pk])).json()
    assert history["key_worker_count"] == 1
    assert history["contacts"][0]["note"] == "Video call; she is settled."
    bad = school.post(
        reverse("api-support-contact", args=[person.pk]),
        {
            "occurred_on": timezone.localdate().isoformat(),
            "contact_type": "carrier_pigeon",
            "planned": True,
            "initiated_by": "worker",
            "attendance": "attended",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    work = as_user(p.practitioner).get(reverse("api-my-work")).json()
    assert any(item["title"] == "Planned contact with Isla Apitest" for item in work)


@pytest.mark.django_db
def test_closing_through_the_api_needs_a_plan(partnership: Partnership, as_user: Any) -> None:
    case = open_case(partnership)
    client = as_user(partnership.practitioner)
    url = reverse("api-case-close", args=[case.pk])
    refused = client.post(url, {"reason": "goals_met"}, content_type="application/json")
    assert refused.status_code == 400
    assert "step_down_plan" in refused.content.decode()
    closed = client.post(
        url,
        {"reason": "goals_met", "step_down_plan": "The college's wellbeing team keeps in touch."},
        content_type="application/json",
    )
    assert closed.status_code == 201, closed.content
    assert len(closed.json()["follow_ups"]) == 4
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    again = client.post(
        url,
        {"reason": "goals_met", "step_down_plan": "Again."},
        content_type="application/json",
    )
    assert again.status_code == 422
