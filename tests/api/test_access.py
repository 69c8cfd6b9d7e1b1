"""The API shows no more than the same user would see in a page, and audits every read."""

from __future__ import annotations

import pytest

from lantern.core.models import AuditAction, AuditEvent
from lantern.core.problems import PROBLEM_CONTENT_TYPE

from .conftest import ClientFactory, HubCase, Staff

pytestmark = pytest.mark.django_db


def test_an_uninvolved_agency_is_refused_and_the_refusal_is_audited(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory
) -> None:
    entry_id = hub_case.entry_id
    police = token_client(staff.officer)
    urls = {
        "person": f"/api/people/{hub_case.person_id}/",
        "case": f"/api/cases/{hub_case.case_id}/",
        "referral": f"/api/referrals/{hub_case.referral_id}/",
        "chronology": f"/api/cases/{hub_case.case_id}/chronology/",
        "entry": f"/api/chronology/{entry_id}/",
    }

    for name, url in urls.items():
        before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
        response = police.get(url)
        assert response.status_code == 403, name
        assert response["Content-Type"] == PROBLEM_CONTENT_TYPE, name
        body = response.json()
        assert body["type"].endswith("/access-refused")
        assert "Northwick Police is not involved" in body["detail"], name
        refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED).latest("sequence")
        assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before + 1
        assert (refusal.username, refusal.agency_code, refusal.channel) == (
            "police.pc",
            "nk-police",
            "api",
        ), name

    # Lists are scoped, not refused: the police see nothing of this person.
    assert police.get("/api/cases/").json()["count"] == 0
    assert police.get("/api/referrals/").json()["count"] == 0
    assert police.get("/api/people/", {"q": "Marsh"}).json()["results"] == []
    amend = police.post(f"/api/chronology/{entry_id}/amend/", {"reason": "x"}, format="json")
    assert amend.status_code == 403
    add = police.post(
        f"/api/cases/{hub_case.case_id}/chronology/",
        {"occurred_on": "2026-01-05", "event_type": "police_incident", "summary": "Seen."},
        format="json",
    )
    assert add.status_code == 403


@pytest.mark.parametrize("who", ["board", "admin"])
def test_board_and_administrator_tokens_never_get_person_data(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory, who: str
) -> None:
    client = token_client(getattr(staff, who))
    reads = [
        f"/api/people/{hub_case.person_id}/",
        "/api/people/?q=Marsh",
        "/api/referrals/",
        f"/api/referrals/{hub_case.referral_id}/",
        "/api/triage/",
        "/api/cases/",
        f"/api/cases/{hub_case.case_id}/",
        f"/api/cases/{hub_case.case_id}/chronology/",
    ]
    for url in reads:
        response = client.get(url)
        assert response.status_code == 403, url
        assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
        assert "Kayleigh" not in response.content.decode()
    refusals = AuditEvent.objects.filter(
        action=AuditAction.REFUSED, username=getattr(staff, who).user.username
    )
    assert refusals.count() == len(reads)
    # Vocabularies are not person data.
    assert client.get("/api/event-types/").status_code == 200


def test_every_api_read_of_a_person_is_audited(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory
) -> None:
    client = token_client(staff.teacher)

    response = client.get(
        f"/api/people/{hub_case.person_id}/",
        {"purpose": "prepare for the strategy meeting"},
        HTTP_X_REQUEST_ID="req-test-0001",
    )

    assert response.status_code == 200
    event = AuditEvent.objects.latest("sequence")
    assert event.action == AuditAction.VIEW
    assert (event.object_type, event.object_id, event.person_id) == (
        "person",
        str(hub_case.person_id),
        hub_case.person_id,
    )
    assert (event.username, event.agency_code, event.role) == (
        "school.dsl",
        "nk-academy",
        "contributor",
    )
    assert (event.channel, event.request_id, event.ip_address) == (
        "api",
        "req-test-0001",
        "127.0.0.1",
    )
    assert event.purpose == "prepare for the strategy meeting"

    searched = client.get("/api/people/", {"q": "kayleigh marsh"})
    assert [p["id"] for p in searched.json()["results"]] == [hub_case.person_id]
    search_event = AuditEvent.objects.latest("sequence")
    assert (search_event.action, search_event.detail["query"]) == ("search", "kayleigh marsh")


def test_a_person_record_carries_provenance_and_only_what_the_caller_may_see(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory
) -> None:
    school = token_client(staff.teacher).get(f"/api/people/{hub_case.person_id}/").json()
    hub = token_client(staff.hub_worker).get(f"/api/people/{hub_case.person_id}/").json()

    assert school["date_of_birth"] == "2011-03-14"
    assert school["is_child"] is True
    [nhs] = school["identifiers"]
    assert nhs["scheme"] == "nhs"
    assert nhs["provenance"]["agency"]["code"] == "nk-academy"
    assert nhs["provenance"]["recorded_at"]
    assert school["addresses"][0]["postcode"] == "NK1 4AB"
    assert {c["value"] for c in school["contacts"]} == {"+447700900123", "k.marsh@example.org"}
    assert {i["agency"]["code"] for i in school["involvements"]} == {"hub", "nk-academy"}
    assert [r["id"] for r in school["referrals"]] == [hub_case.referral_id]
    assert [c["id"] for c in school["cases"]] == [hub_case.case_id]
    # Only the hub sees who has looked at the record.
    assert school["access_log"] is None
    assert {e["username"] for e in hub["access_log"]} >= {"school.dsl", "hub.worker"}


def test_duplicate_check_shows_only_visible_matches_and_counts_the_rest(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory
) -> None:
    body = {"given_name": "Kayleigh", "family_name": "Marsh", "date_of_birth": "14/03/2011"}

    police = token_client(staff.officer).post("/api/people/duplicates/", body, format="json")
    school = token_client(staff.teacher).post("/api/people/duplicates/", body, format="json")

    assert police.status_code == 200
    assert police.json() == {"visible": [], "hidden_count": 1}
    assert [p["id"] for p in school.json()["visible"]] == [hub_case.person_id]
    assert school.json()["hidden_count"] == 0
