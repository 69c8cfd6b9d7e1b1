"""Screening in the REST API: the same services, access policy and problem details."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from lantern.accounts.models import ApiToken
from lantern.agencies.models import Membership
from lantern.cases.models import Case
from lantern.core.access import Actor
from lantern.screening.models import Screening
from tests.conftest import Partnership

from .conftest import TODAY, adults_version, answers, children_version


def _client(actor: Actor) -> APIClient:
    _, raw = ApiToken.issue(Membership.objects.get(pk=actor.membership_id), "screening tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _body(version: Any, present: list[str], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "instrument_version": version.pk,
        "answers": [
            {
                "indicator": a.indicator,
                "answer": a.answer,
                "evidence": a.evidence,
                "last_observed": a.last_observed.isoformat() if a.last_observed else None,
            }
            for a in answers(version.spec, present=present)
        ],
        "level": "significant",
    }
    body.update(extra)
    return body


def test_suggest_then_record_a_screening(
    partnership: Partnership, child_case: Case, add_entry: Any
) -> None:
    for days in (4, 11, 19):
        add_entry(child_case.person, "missing_episode", days)
    client = _client(partnership.practitioner)
    suggested = client.get(f"/api/people/{child_case.person_id}/screening-suggestions/").json()
    assert suggested["instrument"]["instrument"] == "lantern_children"
    (suggestion,) = suggested["suggestions"]
    assert suggestion["indicator"] == "missing_from_home"
    assert suggestion["entries_total"] == 3
    assert len(suggestion["entries"]) == 3
    body = _body(children_version(), ["missing_from_home", "person_of_concern"], case=child_case.pk)
    made = client.post(f"/api/people/{child_case.person_id}/screenings/", body, format="json")
    assert made.status_code == 201, made.content
    data = made.json()
    screening = Screening.objects.get()
    assert made["Location"] == f"/api/screenings/{screening.pk}/"
    assert data["screening"]["computed_level"] == {
        "code": "significant",
        "label": "Significant risk",
        "rank": 2,
    }
    assert data["screening"]["level"]["code"] == "significant"
    assert data["suggestions"][0]["decision"] == "confirmed"
    assert {r["label"] for r in data["reasons"]} >= {"Seen with a person of concern"}
    listed = client.get(f"/api/people/{child_case.person_id}/screenings/").json()
    assert [s["id"] for s in listed["screenings"]] == [screening.pk]
    assert listed["status"]["level"] == "significant"
    assert listed["status"]["overdue"] is False


def test_problems_name_the_fields_of_the_body(partnership: Partnership, child_case: Case) -> None:
    client = _client(partnership.practitioner)
    body = _body(children_version(), ["self_harm"], level="serious")
    body["answers"] = [dict(a, evidence="") for a in body["answers"]]
    body["answers"] = [a for a in body["answers"] if a["indicator"] != "looked_after"]
    refused = client.post(f"/api/people/{child_case.person_id}/screenings/", body, format="json")
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {
        "answers.looked_after.answer",
        "answers.self_harm.evidence",
        "judgement_reason",
    } <= fields
    wrong = client.post(
        f"/api/people/{child_case.person_id}/screenings/",
        _body(adults_version(), [], person_words="x", desired_outcomes="y"),
        format="json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["field"] == "instrument_version"
    assert not Screening.objects.exists()


def test_adults_capacity_through_the_api(partnership: Partnership, adult_case: Case) -> None:
    body = _body(
        adults_version(),
        ["controlled_by_others"],
        person_words="He keeps my phone.",
        desired_outcomes="Her own phone back.",
        capacity_assessments=[
            {
                "decision": "internet_and_social_media",
                "assessed_on": (TODAY - timedelta(days=1)).isoformat(),
                "assessor": "N. Hussain, social worker",
                "outcome": "lacks_capacity",
            }
        ],
    )
    made = _client(partnership.practitioner).post(
        f"/api/people/{adult_case.person_id}/screenings/", body, format="json"
    )
    assert made.status_code == 201, made.content
    (assessment,) = made.json()["capacity_assessments"]
    assert assessment["decision_label"] == "Using the internet and social media"
    assert assessment["outcome"] == "lacks_capacity"


@pytest.mark.parametrize("who", ["school_lead", "analyst"])
def test_only_hub_caseworkers_record_screenings(
    partnership: Partnership, child_case: Case, who: str
) -> None:
    response = _client(getattr(partnership, who)).post(
        f"/api/people/{child_case.person_id}/screenings/",
        _body(children_version(), ["person_of_concern"]),
        format="json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_work_lists_and_instruments(partnership: Partnership, child_case: Case) -> None:
    client = _client(partnership.manager)
    due = client.get("/api/screenings/due/?scope=all")
    assert due.status_code == 200
    assert due.json()["count"] == 0
    assert client.get("/api/screenings/due/?scope=nobody").status_code == 400
    assert client.get("/api/transitions/").json()["count"] == 0
    instruments = client.get("/api/instruments/").json()
    assert {i["code"] for i in instruments} == {"lantern_children", "lantern_adults"}
    version = children_version()
    detail = _client(partnership.board).get(f"/api/instruments/versions/{version.pk}/").json()
    assert detail["definition"]["instrument"] == "lantern_children"


def test_the_schema_documents_the_screening_endpoints(partnership: Partnership) -> None:
    schema = _client(partnership.practitioner).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/people/{id}/screenings/" in paths
    assert "post" in paths["/api/people/{id}/screenings/"]
    assert "/api/transitions/" in paths
    assert "/api/instruments/" in paths


def test_the_triage_queue_carries_the_latest_level(
    partnership: Partnership, child_case: Case
) -> None:
    from lantern.referrals import services as referral_services
    from lantern.screening import services as screening_services

    version = children_version()
    screening_services.screening_record(
        actor=partnership.practitioner,
        person=child_case.person,
        instrument_version=version,
        answers=answers(version.spec, present=["person_of_concern"]),
        level="significant",
    )
    referral_services.referral_submit(
        actor=partnership.school_lead,
        person=child_case.person,
        concern_categories=["online"],
        what_was_seen="Messages from an adult asking to meet.",
        urgency="standard",
    )
    (item,) = _client(partnership.practitioner).get("/api/triage/").json()["results"]
    assert item["latest_screening"]["label"] == "Significant risk"
    assert item["latest_screening"]["screened_on"] == TODAY.isoformat()
