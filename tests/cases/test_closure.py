"""Closing a case without abandoning the person: reason, step-down plan, follow-ups, and
every trigger that reopens the case or flags the people who knew the person."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.cases import closure as closure_rules
from lantern.cases import services as case_services
from lantern.cases.models import (
    ActivityResponse,
    Case,
    CaseClosure,
    CaseStatus,
    ClosedCaseActivity,
    FollowUp,
)
from lantern.core.access import AccessRefused
from lantern.core.errors import InvalidError
from lantern.core.models import AuditEvent
from lantern.core.workdays import is_working_day
from lantern.referrals import services as referral_services
from lantern.support import services as support_services
from tests.conftest import Partnership
from tests.factories import open_case

PLAN = "Stepped down to the school's designated safeguarding lead; weekly check by phone."


def _close(p: Partnership, case: Case) -> CaseClosure:
    return case_services.case_close(
        actor=p.practitioner, case=case, reason="risk_reduced", step_down_plan=PLAN
    )


@pytest.mark.django_db
def test_closure_refuses_without_reason_or_plan(partnership: Partnership) -> None:
    case = open_case(partnership)
    with pytest.raises(InvalidError) as caught:
        case_services.case_close(
            actor=partnership.practitioner, case=case, reason="", step_down_plan="  "
        )
    assert set(caught.value.message_dict) == {"reason", "step_down_plan"}
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not CaseClosure.objects.exists()
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_closing_through_the_edit_form_is_refused(partnership: Partnership) -> None:
    case = open_case(partnership)
    with pytest.raises(InvalidError) as caught:
        case_services.case_update(
            actor=partnership.practitioner,
            case=case,
            status=CaseStatus.CLOSED,
            lead_professional_id=partnership.practitioner.user.pk,
            summary="",
        )
    assert "step-down plan" in caught.value.message_dict["status"][0]


@pytest.mark.django_db
def test_an_agency_contributor_cannot_close(partnership: Partnership) -> None:
    case = open_case(partnership)
    with pytest.raises(AccessRefused):
        case_services.case_close(
            actor=partnership.school_lead, case=case, reason="risk_reduced", step_down_plan=PLAN
        )


@pytest.mark.django_db
def test_follow_ups_are_created_on_the_right_dates(
    partnership: Partnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closed on Tuesday 22 December 2026: the first check-in is 10 working days later,
    # skipping Christmas Day, Boxing Day (substitute Monday 28th) and New Year's Day.
    closed = datetime(2026, 12, 22, 11, 0, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: closed)
    case = open_case(partnership)
    closure = _close(partnership, case)
    due = [(f.due_on, f.label) for f in closure.follow_ups.order_by("due_on")]
    assert due[0][0] == date(2027, 1, 8)
    # 3, 6 and 12 months on, moved to the next working day if they fall on a weekend.
    assert [d for d, _ in due[1:]] == [date(2027, 3, 22), date(2027, 6, 22), date(2027, 12, 22)]
    assert all(is_working_day(d) for d, _ in due)
    assert len(due) == 1 + len(closure_rules.rules().follow_up_months)


def test_month_ahead_dates_on_a_weekend_move_to_the_next_working_day() -> None:
    # 31 Jan 2026 + 1 month is 28 Feb 2026, a Saturday: due on Monday 2 March.
    assert closure_rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert closure_rules.next_working_day(date(2026, 2, 28)) == date(2026, 3, 2)
    # Easter Monday 2026 (6 April) is a bank holiday in England.
    assert closure_rules.next_working_day(date(2026, 4, 4)) == date(2026, 4, 7)


@pytest.mark.django_db
def test_a_follow_up_is_recorded_and_concerns_reopen(partnership: Partnership) -> None:
    case = open_case(partnership)
    closure = _close(partnership, case)
    first = closure.follow_ups.order_by("due_on").first()
    assert first is not None
    case_services.follow_up_record(
        actor=partnership.practitioner,
        follow_up=first,
        done_on=timezone.localdate(),
        outcome="Settled at college; knows how to reach the hub.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    second = closure.follow_ups.order_by("due_on")[1]
    case_services.follow_up_record(
        actor=partnership.practitioner,
        follow_up=second,
        done_on=timezone.localdate(),
        outcome="Seen with an older man in a car again.",
        concerns=True,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    first.refresh_from_db()
    assert first.done_on == timezone.localdate()


# --- reopen triggers ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_referral_reopens_the_closed_case(partnership: Partnership) -> None:
    p = partnership
    case = open_case(p)
    closure = _close(p, case)
    referral_services.referral_submit(
        actor=p.school_lead,
        person=case.person,
        concern_categories=["going_missing"],
        what_was_seen="Missing overnight again.",
        urgency="high",
    )
    case.refresh_from_db()
    closure.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.closed_at is None
    assert closure.reopened_at is not None
    assert "Referral" in closure.reopened_because
    activity = ClosedCaseActivity.objects.get(case=case)
    assert activity.trigger == "referral"
    assert activity.response == ActivityResponse.REOPENED
    assert AuditEvent.objects.filter(event="case.reopened", object_id=str(case.pk)).exists()


@pytest.mark.django_db
def test_a_contact_reopens_the_closed_case(partnership: Partnership) -> None:
    p = partnership
    case = open_case(p)
    _close(p, case)
    support_services.contact_record(
        actor=p.school_lead,
        person=case.person,
        occurred_on=timezone.localdate(),
        contact_type="face_to_face",
        planned=False,
        initiated_by="person",
        attendance="attended",
        note="Came to the office upset.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert ClosedCaseActivity.objects.get(case=case).trigger == "contact"


@pytest.mark.django_db
def test_an_alert_flags_the_former_key_worker_without_reopening(
    partnership: Partnership, as_user: Any
) -> None:
    p = partnership
    case = open_case(p)
    support_services.key_worker_assign(
        actor=p.practitioner, person=case.person, worker_id=p.nurse.user.pk, reason="First."
    )
    _close(p, case)
    activity = case_services.case_activity(
        case.person,
        trigger="alert",
        source_description="Alert: seen at a flat linked to a person of concern",
        actor=p.analyst,
    )
    assert activity is not None
    assert activity.response == ActivityResponse.FLAGGED
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    # The former key worker sees it at once on "My work".
    page = as_user(p.nurse).get(reverse("support:my_work")).content.decode()
    assert "New activity on closed cases" in page
    assert "seen at a flat linked to a person of concern" in page


@pytest.mark.django_db
def test_a_linkage_match_flags_the_closed_case(partnership: Partnership) -> None:
    from lantern.imports.models import SourceRecord
    from lantern.linkage.services import review
    from lantern.people.services import person_create
    from tests.factories import new_person
    from tests.linkage.world import build_linkage_world

    p = partnership
    world = build_linkage_world(p)
    case = open_case(p, given_name="Kayleigh", family_name="Closedlink")
    other = person_create(
        actor=p.practitioner, details=new_person(given_name="Kayley", family_name="Closedlink")
    )
    SourceRecord.objects.filter(pk=world.pair.record_l_id).update(person=case.person)
    SourceRecord.objects.filter(pk=world.pair.record_r_id).update(person=other)
    _close(p, case)
    review.pair_claim(actor=p.analyst, pair=world.pair)
    review.pair_decide(actor=p.analyst, pair=world.pair, decision="match")
    activity = ClosedCaseActivity.objects.get(trigger="linkage_match")
    assert activity.case_id == case.pk
    assert activity.response == ActivityResponse.FLAGGED
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


@pytest.mark.django_db
def test_an_automatic_link_flags_the_closed_case(partnership: Partnership) -> None:
    """The linkage run's settle step (records attached to a person) is a trigger too."""
    from lantern.linkage.services import resolution

    p = partnership
    case = open_case(p)
    _close(p, case)
    resolution.case_services.case_activity(
        case.person, trigger="linkage_match", source_description="run 1", actor=p.analyst
    )
    assert ClosedCaseActivity.objects.get(case=case).response == ActivityResponse.FLAGGED


@pytest.mark.django_db
def test_activity_with_no_closed_case_does_nothing(partnership: Partnership) -> None:
    case = open_case(partnership)
    assert (
        case_services.case_activity(
            case.person, trigger="alert", source_description="x", actor=partnership.analyst
        )
        is None
    )
    assert not ClosedCaseActivity.objects.exists()


@pytest.mark.django_db
def test_close_page_refuses_other_agencies_and_board(
    partnership: Partnership, as_user: Any
) -> None:
    case = open_case(partnership)
    url = reverse("cases:close", args=[case.pk])
    for who in (partnership.housing_officer, partnership.board, partnership.school_lead):
        assert as_user(who).get(url).status_code == 403
    response = as_user(partnership.practitioner).post(
        url, {"reason": "risk_reduced", "step_down_plan": ""}
    )
    assert response.status_code == 200
    assert "Write the step-down plan" in response.content.decode()
    response = as_user(partnership.practitioner).post(
        url, {"reason": "risk_reduced", "step_down_plan": PLAN}
    )
    assert response.status_code == 302
    detail = as_user(partnership.practitioner).get(reverse("cases:detail", args=[case.pk]))
    assert "Follow-up check-ins" in detail.content.decode()
