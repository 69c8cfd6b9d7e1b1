"""Referral → triage → case, as the services and pages do it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lantern.core.access import AccessRefused
from lantern.core.normalisers import parse_date_of_birth
from lantern.core.workdays import add_working_days
from lantern.people.models import Involvement
from lantern.referrals import queries, services
from lantern.referrals.models import ReferralStatus
from tests.conftest import Partnership
from tests.factories import new_person

LONDON = ZoneInfo("Europe/London")


def _refer(p: Partnership, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "actor": p.school_lead,
        "new_person": new_person(),
        "concern_categories": ["going_missing", "gifts_money_substances"],
        "what_was_seen": "Collected from school by an older man in a car.",
        "urgency": "high",
    }
    values.update(overrides)
    return services.referral_submit(**values)


def test_referral_makes_the_referring_agency_involved(partnership: Partnership) -> None:
    referral = _refer(partnership)
    assert referral.status == ReferralStatus.SUBMITTED
    assert Involvement.objects.filter(
        person=referral.person, agency=partnership.school, ended_at__isnull=True
    ).exists()
    assert referral.due_by > referral.submitted_at


def test_due_by_is_one_working_day_later() -> None:
    friday_evening = datetime(2026, 11, 20, 17, 30, tzinfo=LONDON)
    assert add_working_days(friday_evening, 1) == datetime(2026, 11, 23, 17, 30, tzinfo=LONDON)
    christmas_eve = datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)
    # 25 and 28 December 2026 are bank holidays; 26-27 a weekend.
    assert add_working_days(christmas_eve, 1) == datetime(2026, 12, 29, 10, 0, tzinfo=LONDON)


def test_triage_queue_orders_by_urgency_then_age(partnership: Partnership) -> None:
    standard = _refer(partnership, urgency="standard")
    immediate = _refer(
        partnership,
        urgency="immediate",
        new_person=new_person(given_name="Amira", family_name="Dunn"),
    )
    high = _refer(
        partnership, urgency="high", new_person=new_person(given_name="Leah", family_name="Frost")
    )
    queue = list(queries.triage_queue(partnership.practitioner))
    assert [r.pk for r in queue] == [immediate.pk, high.pk, standard.pk]


def test_contributor_cannot_triage(partnership: Partnership) -> None:
    referral = _refer(partnership)
    with pytest.raises(AccessRefused):
        services.triage_decide(
            actor=partnership.school_lead, referral=referral, outcome="nfa", rationale="x"
        )


def test_hub_case_decision_opens_a_case_the_referrer_can_follow(partnership: Partnership) -> None:
    referral = _refer(partnership)
    decision = services.triage_decide(
        actor=partnership.practitioner,
        referral=referral,
        outcome="hub_case",
        rationale="Pattern of going missing.",
    )
    assert decision.case is not None
    assert decision.case.lead_professional == partnership.practitioner.user
    agencies = set(decision.case.memberships.values_list("agency__code", flat=True))
    assert agencies == {"hub", "school"}
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED
    # A second referral joins the same open case rather than opening another.
    again = _refer(partnership, person=referral.person, new_person=None)
    second = services.triage_decide(
        actor=partnership.practitioner,
        referral=again,
        outcome="hub_case",
        rationale="New information.",
    )
    assert second.case == decision.case


def test_a_referral_is_decided_once(partnership: Partnership) -> None:
    referral = _refer(partnership)
    services.triage_decide(
        actor=partnership.practitioner,
        referral=referral,
        outcome="advice",
        rationale="Advice given to the school.",
    )
    with pytest.raises(ValidationError, match="already been recorded"):
        services.triage_decide(
            actor=partnership.manager, referral=referral, outcome="nfa", rationale="Second go."
        )


def _adult(p: Partnership) -> Any:
    return _refer(
        p,
        new_person=new_person(
            given_name="Donna", family_name="Reay", date_of_birth=parse_date_of_birth("03/07/1999")
        ),
        actor=p.housing_officer,
    )


def test_s42_needs_all_three_parts_of_the_test(partnership: Partnership) -> None:
    referral = _adult(partnership)
    with pytest.raises(ValidationError) as unanswered:
        services.triage_decide(
            actor=partnership.practitioner,
            referral=referral,
            outcome="s42",
            rationale="Concerns about exploitation.",
        )
    assert "s42_care_and_support_needs" in unanswered.value.message_dict
    with pytest.raises(ValidationError, match="all three parts"):
        services.triage_decide(
            actor=partnership.practitioner,
            referral=referral,
            outcome="s42",
            rationale="r",
            s42_care_and_support_needs=True,
            s42_at_risk_of_abuse=True,
            s42_unable_to_protect=False,
        )
    decision = services.triage_decide(
        actor=partnership.practitioner,
        referral=referral,
        outcome="s42",
        rationale="Test met.",
        s42_care_and_support_needs=True,
        s42_at_risk_of_abuse=True,
        s42_unable_to_protect=True,
    )
    assert decision.case is not None
    assert decision.case.person.chronology.filter(event_type="s42_enquiry").exists()


def test_strategy_discussion_is_for_children_only(partnership: Partnership) -> None:
    adult = _adult(partnership)
    with pytest.raises(ValidationError, match="for children"):
        services.triage_decide(
            actor=partnership.practitioner, referral=adult, outcome="strategy", rationale="r"
        )
    child = _refer(partnership)
    decision = services.triage_decide(
        actor=partnership.practitioner,
        referral=child,
        outcome="strategy",
        rationale="Significant harm.",
    )
    assert decision.case is not None
    with pytest.raises(ValidationError, match="18 or over"):
        services.triage_decide(
            actor=partnership.practitioner,
            referral=_refer(
                partnership, new_person=new_person(given_name="Mia", family_name="Cole")
            ),
            outcome="other_enquiry",
            rationale="r",
        )


def test_referrer_sees_the_decision_on_their_referral_page(
    partnership: Partnership, as_user: Any
) -> None:
    referral = _refer(partnership)
    services.triage_decide(
        actor=partnership.practitioner,
        referral=referral,
        outcome="single_agency",
        rationale="School to lead.",
        single_agency_id=partnership.school.pk,
        message_to_referrer="Please arrange a safety plan meeting.",
    )
    page = as_user(partnership.school_lead).get(reverse("referrals:detail", args=[referral.pk]))
    body = page.content.decode()
    assert "Single-agency response" in body
    assert "Please arrange a safety plan meeting." in body


def test_decision_form_keeps_what_was_typed_on_error(
    partnership: Partnership, as_user: Any
) -> None:
    referral = _adult(partnership)
    response = as_user(partnership.practitioner).post(
        reverse("referrals:decide", args=[referral.pk]),
        {
            "outcome": "s42",
            "rationale": "Adult with a learning disability, coerced.",
            "s42_care_and_support_needs": "yes",
            "s42_at_risk_of_abuse": "yes",
            "s42_unable_to_protect": "no",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Adult with a learning disability, coerced." in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
