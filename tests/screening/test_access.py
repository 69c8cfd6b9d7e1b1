"""Who sees screenings: not agencies uninvolved with the person, never board or admin;
restricted evidence is masked for roles without the category while the level stays visible."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.agencies.models import Agency
from lantern.cases.models import Case, RestrictedAccessGrant
from lantern.core.models import AuditAction, AuditEvent
from lantern.screening import services
from lantern.screening.models import Screening
from tests.conftest import Partnership

from .conftest import answers, children_version

EVIDENCE = "Attended for emergency contraception twice in one month."


@pytest.fixture
def screening(
    partnership: Partnership, child_case: Case, add_entry: Any, health: Agency
) -> Screening:
    """Screened by the hub nurse, who reads sexual health: that indicator is present."""
    add_entry(
        child_case.person,
        "sexual_health_attendance",
        10,
        agency=health,
        restricted_category="sexual_health",
    )
    version = children_version()
    given = answers(version.spec, present=["sexual_health_concerns", "missing_from_home"])
    given = [
        a
        if a.indicator != "sexual_health_concerns"
        else type(a)(a.indicator, a.answer, a.last_observed, EVIDENCE)
        for a in given
    ]
    return services.screening_record(
        actor=partnership.nurse,
        person=child_case.person,
        case=child_case,
        instrument_version=version,
        answers=given,
        level="at_risk",
        judgement_reason="",
    )


def _refusals() -> int:
    return AuditEvent.objects.filter(action=AuditAction.REFUSED).count()


@pytest.mark.parametrize("who", ["housing_officer", "board", "admin"])
@pytest.mark.parametrize(
    "route",
    [
        "screening:detail",
        "screening:person_history",
        "api-screening-detail",
        "api-screening-person",
    ],
)
def test_the_uninvolved_board_and_admin_cannot_see_screenings(
    partnership: Partnership, as_user: Any, screening: Screening, who: str, route: str
) -> None:
    pk = screening.pk if route.endswith("detail") else screening.person_id
    before = _refusals()
    response = as_user(getattr(partnership, who)).get(reverse(route, args=[pk]))
    assert response.status_code == 403
    assert "Screentest" not in response.content.decode()
    assert _refusals() == before + 1


def test_the_level_is_visible_but_restricted_evidence_is_masked(
    partnership: Partnership, as_user: Any, screening: Screening
) -> None:
    url = reverse("screening:detail", args=[screening.pk])
    for who in ("practitioner", "school_lead"):
        page = as_user(getattr(partnership, who)).get(url).content.decode()
        assert "At risk" in page, who
        assert EVIDENCE not in page, who
        assert "Restricted: Sexual health" in page, who
        assert "1 indicator in a restricted category" in page, who
        assert "Goes missing from home or care (seen in the last six months): 3 points" in page
    for who in ("nurse", "manager"):  # the screener, and a role holding the category
        page = as_user(getattr(partnership, who)).get(url).content.decode()
        assert EVIDENCE in page, who
        assert "Restricted: Sexual health</strong>" not in page, who


def test_an_approved_grant_unmasks_the_evidence(
    partnership: Partnership, as_user: Any, screening: Screening
) -> None:
    RestrictedAccessGrant.objects.create(
        person=screening.person,
        category="sexual_health",
        user=partnership.practitioner.user,
        agency=partnership.hub,
        reason="Preparing the strategy discussion.",
        approved_by=partnership.manager.user,
        approved_at=timezone.now(),
    )
    page = as_user(partnership.practitioner).get(reverse("screening:detail", args=[screening.pk]))
    assert EVIDENCE in page.content.decode()


def test_the_api_masks_the_same_way(
    partnership: Partnership, as_user: Any, screening: Screening
) -> None:
    url = reverse("api-screening-detail", args=[screening.pk])
    data = as_user(partnership.school_lead).get(url).json()
    assert data["screening"]["level"]["label"] == "At risk"
    (masked,) = [a for a in data["answers"] if a["indicator"] == "sexual_health_concerns"]
    assert masked == {
        "indicator": "sexual_health_concerns",
        "theme": "sexual_health",
        "label": "Sexual health concerns",
        "restricted": True,
        "restricted_category": "sexual_health",
        "answer": None,
        "evidence": None,
        "last_observed": None,
        "band": None,
        "weight": None,
    }
    assert any(r["restricted"] and r["label"] is None for r in data["reasons"])
    (suggestion,) = data["suggestions"]
    assert suggestion["restricted"]
    assert suggestion["entries"] == []
    nurse = as_user(partnership.nurse).get(url).json()
    (shown,) = [a for a in nurse["answers"] if a["indicator"] == "sexual_health_concerns"]
    assert shown["evidence"] == EVIDENCE
    assert shown["answer"] == "present"
    assert nurse["suggestions"][0]["entries"][0]["event_type"] == "sexual_health_attendance"


def test_the_case_and_person_pages_show_the_level_to_the_involved(
    partnership: Partnership, as_user: Any, screening: Screening
) -> None:
    client = as_user(partnership.school_lead)
    case_page = client.get(reverse("cases:detail", args=[screening.case_id])).content.decode()
    person_page = client.get(reverse("people:detail", args=[screening.person_id])).content.decode()
    for page in (case_page, person_page):
        assert "At risk" in page
        assert "Screen risk" not in page  # screening is hub casework
    hub_page = (
        as_user(partnership.practitioner)
        .get(reverse("cases:detail", args=[screening.case_id]))
        .content.decode()
    )
    assert "Screen risk" in hub_page


@pytest.mark.parametrize("who", ["school_lead", "analyst", "board", "admin"])
@pytest.mark.parametrize(
    "route",
    ["screening:due", "screening:transitions", "api-screening-due", "api-screening-transitions"],
)
def test_work_lists_are_for_hub_caseworkers(
    partnership: Partnership, as_user: Any, who: str, route: str
) -> None:
    assert as_user(getattr(partnership, who)).get(reverse(route)).status_code == 403


@pytest.mark.parametrize("who", ["school_lead", "analyst"])
def test_only_hub_caseworkers_open_the_screening_form(
    partnership: Partnership, as_user: Any, child_case: Case, who: str
) -> None:
    before = _refusals()
    url = reverse("screening:new_for_person", args=[child_case.person_id])
    assert as_user(getattr(partnership, who)).get(url).status_code == 403
    assert _refusals() == before + 1
