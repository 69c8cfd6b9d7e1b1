"""Referring, following and deciding on referrals through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lantern.core.problems import PROBLEM_CONTENT_TYPE
from lantern.referrals.models import Referral

from .conftest import (
    ClientFactory,
    HubCase,
    Staff,
    new_person_body,
    referral_body,
    synthetic_nhs_number,
)

pytestmark = pytest.mark.django_db


def test_a_contributor_refers_a_new_person_and_sees_only_their_own_referrals(
    staff: Staff, token_client: ClientFactory
) -> None:
    school, police = token_client(staff.teacher), token_client(staff.officer)
    police_made = police.post(
        "/api/referrals/",
        referral_body(
            new_person=new_person_body(
                given_name="Tyler",
                family_name="Brooks",
                sex="male",
                nhs_number=synthetic_nhs_number(7),
                date_of_birth="2009",
            ),
            urgency="standard",
        ),
        format="json",
    )
    assert police_made.status_code == 201

    made = school.post("/api/referrals/", referral_body(), format="json")

    assert made.status_code == 201, made.content
    referral = made.json()
    assert made["Location"] == f"/api/referrals/{referral['id']}/"
    assert referral["status"] == "submitted"
    assert referral["referring_agency"]["code"] == "nk-academy"
    assert referral["person"]["display_name"] == "Kayleigh Marsh"
    assert referral["decision"] is None
    assert [c["label"] for c in referral["concerns"]] == [
        "Going missing or unexplained absences",
        "Relationships with older or risky people",
    ]
    listed = school.get("/api/referrals/").json()
    assert [r["id"] for r in listed["results"]] == [referral["id"]]
    assert listed["count"] == 1
    # The school now follows the person it referred, with normalised facts.
    person = school.get(f"/api/people/{referral['person']['id']}/").json()
    assert person["identifiers"][0]["value"] == synthetic_nhs_number(1)
    # …but not the police's referral or the person in it.
    police_referral = police_made.json()
    assert school.get(f"/api/referrals/{police_referral['id']}/").status_code == 403
    assert school.get(f"/api/people/{police_referral['person']['id']}/").status_code == 403
    # A partial date of birth is kept to the precision it was given.
    assert police_referral["person"]["date_of_birth"] == "2009"
    assert police_referral["person"]["dob_precision"] == "year"


def test_a_referral_about_an_existing_person_needs_a_person_you_may_see(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory
) -> None:
    body = referral_body(new_person=None, person=hub_case.person_id)

    police = token_client(staff.officer).post("/api/referrals/", body, format="json")
    school = token_client(staff.teacher).post("/api/referrals/", body, format="json")
    missing = token_client(staff.teacher).post(
        "/api/referrals/", referral_body(new_person=None, person=999_999), format="json"
    )
    both = token_client(staff.teacher).post(
        "/api/referrals/", referral_body(person=hub_case.person_id), format="json"
    )

    assert police.status_code == 403
    assert school.status_code == 201
    assert school.json()["person"]["id"] == hub_case.person_id
    assert missing.status_code == 400
    assert [e["field"] for e in missing.json()["errors"]] == ["person"]
    assert both.status_code == 400


def test_bad_input_is_a_400_problem_naming_each_field(
    staff: Staff, token_client: ClientFactory
) -> None:
    body = referral_body(
        new_person=new_person_body(
            nhs_number="999 000 0019",  # wrong check digit
            date_of_birth="31/02/2010",
            postcode="not a postcode",
        ),
        concern_categories=["going_missing", "lifestyle"],
        what_was_seen="x" * 20_000,
        urgency="whenever",
    )

    response = token_client(staff.teacher).post("/api/referrals/", body, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    problem = response.json()
    assert problem["type"].endswith("/invalid-input")
    errors = {e["field"]: e["message"] for e in problem["errors"]}
    assert set(errors) == {
        "new_person.nhs_number",
        "new_person.date_of_birth",
        "new_person.postcode",
        "concern_categories",
        "what_was_seen",
        "urgency",
    }
    assert "check digit" in errors["new_person.nhs_number"]
    assert errors["new_person.date_of_birth"] == "31/02/2010 is not a real date"
    assert errors["concern_categories"] == "Unknown concern: lifestyle"
    assert not Referral.objects.exists()


def test_html_in_text_is_stored_and_returned_as_plain_data(
    staff: Staff, token_client: ClientFactory
) -> None:
    text = '<script>alert("x")</script> She said "he looks after me" & gave no name.'
    client = token_client(staff.teacher)

    made = client.post("/api/referrals/", referral_body(what_was_seen=text), format="json")
    fetched = client.get(f"/api/referrals/{made.json()['id']}/")

    assert fetched["Content-Type"] == "application/json"
    assert fetched.json()["what_was_seen"] == text
    assert Referral.objects.get().what_was_seen == text


def test_the_hub_decides_and_the_referrer_then_follows_the_case(
    staff: Staff, token_client: ClientFactory
) -> None:
    school, hub = token_client(staff.teacher), token_client(staff.hub_worker)
    referral = school.post("/api/referrals/", referral_body(), format="json").json()
    assert school.get("/api/cases/").json()["count"] == 0
    queue = hub.get("/api/triage/").json()
    assert [(r["id"], r["overdue"]) for r in queue["results"]] == [(referral["id"], False)]
    assert queue["results"][0]["due_by"]
    refused = school.post(
        f"/api/referrals/{referral['id']}/decision/",
        {"outcome": "hub_case", "rationale": "I think so."},
        format="json",
    )
    assert refused.status_code == 403

    decided = hub.post(
        f"/api/referrals/{referral['id']}/decision/",
        {
            "outcome": "hub_case",
            "rationale": "Police intelligence links the adult to other young people.",
            "message_to_referrer": "A hub case is open and your school is a member.",
        },
        format="json",
    )

    assert decided.status_code == 201, decided.content
    assert decided.json()["decision"]["rationale"].startswith("Police intelligence")
    case_id = decided.json()["decision"]["case"]["id"]
    assert hub.get("/api/triage/").json()["count"] == 0
    # The referring agency now sees the case, its agencies and its chronology…
    followed = school.get(f"/api/referrals/{referral['id']}/").json()
    assert followed["status"] == "decided"
    assert followed["decision"]["outcome"] == "hub_case"
    assert followed["decision"]["message_to_referrer"].startswith("A hub case is open")
    # …but not the hub's working.
    assert followed["decision"]["rationale"] is None
    assert followed["decision"]["decided_by"] is None
    case = school.get(f"/api/cases/{case_id}/").json()
    assert case["person"]["id"] == referral["person"]["id"]
    assert {a["agency"]["code"] for a in case["agencies"]} == {"hub", "nk-academy"}
    assert [c["id"] for c in school.get("/api/cases/").json()["results"]] == [case_id]
    assert school.get(f"/api/cases/{case_id}/chronology/").status_code == 200
    # A second decision is refused as invalid, not recorded twice.
    again = hub.post(
        f"/api/referrals/{referral['id']}/decision/",
        {"outcome": "nfa", "rationale": "Duplicate."},
        format="json",
    )
    assert again.status_code == 400
    assert [e["field"] for e in again.json()["errors"]] == ["outcome"]


def test_a_decision_for_a_child_is_checked_by_the_service(
    staff: Staff, token_client: ClientFactory
) -> None:
    referral = (
        token_client(staff.teacher).post("/api/referrals/", referral_body(), format="json").json()
    )

    response = token_client(staff.hub_worker).post(
        f"/api/referrals/{referral['id']}/decision/",
        {"outcome": "s42", "rationale": "Adult enquiry.", "single_agency": 999},
        format="json",
    )

    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"single_agency"}
    response = token_client(staff.hub_worker).post(
        f"/api/referrals/{referral['id']}/decision/",
        {"outcome": "s42", "rationale": "Adult enquiry."},
        format="json",
    )
    assert response.status_code == 400
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "18 or over" in messages["outcome"]


def test_an_overdue_referral_is_flagged_in_the_queue(
    staff: Staff, token_client: ClientFactory
) -> None:
    made = token_client(staff.teacher).post("/api/referrals/", referral_body(), format="json")
    Referral.objects.filter(pk=made.json()["id"]).update(due_by=timezone.now() - timedelta(hours=1))

    queue = token_client(staff.hub_worker).get("/api/triage/").json()

    assert queue["results"][0]["overdue"] is True


def test_concern_categories_are_listed_for_clients(
    staff: Staff, token_client: ClientFactory
) -> None:
    body = token_client(staff.teacher).get("/api/concern-categories/").json()

    assert body["vocabulary"] == "concern_categories"
    assert "going_missing" in {t["code"] for t in body["terms"]}


def test_a_new_person_who_may_already_be_known_needs_confirming_as_on_the_pages(
    staff: Staff, token_client: ClientFactory
) -> None:
    """The duplicate check is the service's rule, so the API keeps it as the form does."""
    school = token_client(staff.teacher)
    first = school.post("/api/referrals/", referral_body(), format="json")
    assert first.status_code == 201
    known = first.json()["person"]["id"]

    again = school.post("/api/referrals/", referral_body(), format="json")

    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM_CONTENT_TYPE
    problem = again.json()
    assert problem["possible_duplicates"] == [known]
    assert problem["errors"][0]["field"] == "confirm_new"
    assert Referral.objects.count() == 1

    confirmed = school.post(
        "/api/referrals/", referral_body(confirm_new_person=True), format="json"
    )
    assert confirmed.status_code == 201, confirmed.content
    assert confirmed.json()["person"]["id"] != known
