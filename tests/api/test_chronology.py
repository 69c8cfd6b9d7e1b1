"""The chronology through the API: restricted entries, filters, additions and corrections."""

from __future__ import annotations

import pytest

from lantern.cases.models import ChronologyEntry
from lantern.core.models import AuditAction, AuditEvent
from lantern.core.problems import PROBLEM_CONTENT_TYPE

from .conftest import ClientFactory, HubCase, Staff

pytestmark = pytest.mark.django_db

CLINIC_VISIT = {
    "occurred_on": "2026-10-20",
    "event_type": "sexual_health_attendance",
    "summary": "Attended the clinic with an older adult who answered questions for her.",
}


@pytest.fixture
def restricted_entry(staff: Staff, hub_case: HubCase, token_client: ClientFactory) -> int:
    response = token_client(staff.hub_nurse).post(
        f"/api/cases/{hub_case.case_id}/chronology/", CLINIC_VISIT, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["restricted"] is False
    assert body["restricted_category"] == "sexual_health"
    return int(body["id"])


def test_a_restricted_entry_shows_only_that_it_exists(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory, restricted_entry: int
) -> None:
    url = f"/api/cases/{hub_case.case_id}/chronology/"

    for membership in (staff.teacher, staff.hub_worker):
        client = token_client(membership)
        page = client.get(url).json()
        stub = next(e for e in page["results"] if e["id"] == restricted_entry)
        assert stub == {
            "id": restricted_entry,
            "occurred_on": "2026-10-20",
            "source_agency": {
                "id": stub["source_agency"]["id"],
                "code": "hub",
                "name": "Northwick Exploitation Hub",
            },
            "restricted": True,
            "restricted_category": "sexual_health",
        }
        assert "clinic" not in client.get(url).content.decode()
        refused = client.get(f"/api/chronology/{restricted_entry}/")
        assert refused.status_code == 403
        assert refused["Content-Type"] == PROBLEM_CONTENT_TYPE
        assert "restricted category" in refused.json()["detail"]
        last = AuditEvent.objects.latest("sequence")
        assert (last.action, last.object_type, last.object_id) == (
            AuditAction.REFUSED,
            "chronology_entry",
            str(restricted_entry),
        )
        # Restricted content cannot be reached through a correction either.
        amend = client.post(
            f"/api/chronology/{restricted_entry}/amend/", {"reason": "typo"}, format="json"
        )
        assert amend.status_code == 403

    holder = token_client(staff.hub_nurse)
    full = next(e for e in holder.get(url).json()["results"] if e["id"] == restricted_entry)
    assert full["summary"] == CLINIC_VISIT["summary"]
    assert full["author"] == "Priya Shah"
    assert holder.get(f"/api/chronology/{restricted_entry}/").status_code == 200


def test_chronology_filters_and_pages(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory, restricted_entry: int
) -> None:
    client = token_client(staff.teacher)
    url = f"/api/cases/{hub_case.case_id}/chronology/"

    assert client.get(url).json()["count"] == 2
    only_missing = client.get(url, {"event_type": "missing_episode"}).json()
    assert [e["id"] for e in only_missing["results"]] == [hub_case.entry_id]
    assert client.get(url, {"from": "2026-11-01", "to": "2026-11-30"}).json()["count"] == 1
    # The withheld clinic entry is high too, but filters match only what the caller can read.
    assert client.get(url, {"significance": "high"}).json()["count"] == 1
    school_id = staff.teacher.agency_id
    assert client.get(url, {"agency": school_id}).json()["count"] == 0
    bad = client.get(url, {"from": "yesterday", "significance": "severe"})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"from", "significance"}


def test_filters_reveal_nothing_about_a_withheld_entry(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory, restricted_entry: int
) -> None:
    client = token_client(staff.teacher)
    url = f"/api/cases/{hub_case.case_id}/chronology/"

    probe = client.get(url, {"event_type": "sexual_health_attendance"}).json()

    assert probe["count"] == 0


def test_an_agency_adds_to_the_chronology_and_corrects_its_entry(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory
) -> None:
    school = token_client(staff.teacher)
    added = school.post(
        f"/api/cases/{hub_case.case_id}/chronology/",
        {
            "occurred_on": "2026-11-10",
            "event_type": "school_absence",
            "summary": "Absent all week; a friend said she was staying at a flat in NK4.",
        },
        format="json",
    )
    assert added.status_code == 201, added.content
    entry = added.json()
    assert entry["source_agency"]["code"] == "nk-academy"
    assert entry["significance"] == "medium"

    amended = school.post(
        f"/api/chronology/{entry['id']}/amend/",
        {"reason": "Wrong date copied from the register", "occurred_on": "2026-11-09"},
        format="json",
    )

    assert amended.status_code == 200, amended.content
    body = amended.json()
    assert (body["occurred_on"], body["version"], body["summary"]) == (
        "2026-11-09",
        2,
        entry["summary"],
    )
    [revision] = body["revisions"]
    assert revision["previous"]["occurred_on"] == "2026-11-10"
    assert revision["reason"] == "Wrong date copied from the register"
    assert revision["amended_by"] == "Alex Reid"
    # Another agency's entry is corrected only by the hub.
    other = school.post(
        f"/api/chronology/{hub_case.entry_id}/amend/", {"reason": "I disagree"}, format="json"
    )
    assert other.status_code == 403


def test_invalid_chronology_input_names_each_field(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory
) -> None:
    response = token_client(staff.teacher).post(
        f"/api/cases/{hub_case.case_id}/chronology/",
        {"occurred_on": "2099-01-01", "event_type": "rumour", "summary": "y" * 20_000},
        format="json",
    )

    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {
        "occurred_on",
        "event_type",
        "summary",
    }
    impossible = token_client(staff.teacher).post(
        f"/api/cases/{hub_case.case_id}/chronology/",
        {"occurred_on": "2026-02-31", "event_type": "school_absence", "summary": "Absent."},
        format="json",
    )
    assert impossible.status_code == 400
    assert [e["field"] for e in impossible.json()["errors"]] == ["occurred_on"]
    assert ChronologyEntry.objects.count() == 1


def test_a_contributor_cannot_restrict_to_a_category_it_does_not_hold(
    staff: Staff, hub_case: HubCase, token_client: ClientFactory
) -> None:
    response = token_client(staff.teacher).post(
        f"/api/cases/{hub_case.case_id}/chronology/",
        {**CLINIC_VISIT, "event_type": "disclosure", "restricted_category": "informant"},
        format="json",
    )

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["restricted_category"]


def test_event_types_are_listed_with_their_restrictions(
    staff: Staff, token_client: ClientFactory
) -> None:
    terms = token_client(staff.teacher).get("/api/event-types/").json()["terms"]

    by_code = {t["code"]: t for t in terms}
    assert by_code["sexual_health_attendance"]["restricted_category"] == "sexual_health"
    assert by_code["missing_episode"]["significance"] == "high"
