"""Lantern proposes a panel's agenda: which cases, and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lantern.actions import services as action_services
from lantern.actions.models import Action
from lantern.cases.models import Case
from lantern.core.errors import ConflictError
from lantern.meetings import agenda, services
from lantern.meetings.models import Meeting, PlanVersion
from lantern.meetings.plans import plan_write
from lantern.meetings.queries import agenda_proposal
from lantern.screening.models import ScreeningStatus
from tests.conftest import Partnership
from tests.factories import open_case

from .world import child_born, screen


def _panel(p: Partnership, code: str = "mace", days: int = 1) -> Meeting:
    return services.meeting_schedule(
        actor=p.practitioner,
        meeting_type_code=code,
        held_at=timezone.now() + timedelta(days=days),
    )


def _proposed(p: Partnership, meeting: Meeting) -> dict[int | None, agenda.ProposedItem]:
    return {item.case_id: item for item in agenda_proposal(p.practitioner, meeting)}


def _case(p: Partnership, family: str, years: int = 14) -> Case:
    return open_case(p, given_name="Sam", family_name=family, date_of_birth=child_born(years))


def _no_rescreen_due(*cases: Case) -> None:
    ScreeningStatus.objects.filter(person__cases__in=cases).update(
        next_due_on=timezone.localdate() + timedelta(days=90)
    )


def test_new_cases_at_significant_or_serious_risk_are_proposed(partnership: Partnership) -> None:
    p = partnership
    significant, serious, lower = _case(p, "Signif"), _case(p, "Serious"), _case(p, "Lower")
    screen(p, significant, "significant")
    screen(p, serious, "serious")
    screen(p, lower, "at_risk")
    _no_rescreen_due(significant, serious, lower)
    panel = _panel(p)
    proposed = _proposed(p, panel)
    assert "significant risk" in proposed[significant.pk].reason
    assert "serious risk" in proposed[serious.pk].reason
    assert lower.pk not in proposed
    # Serious risk first.
    order = [i.case_id for i in agenda_proposal(p.practitioner, panel)]
    assert order.index(serious.pk) < order.index(significant.pk)
    # At the next panel they are no longer new.
    assert significant.pk not in _proposed(p, _panel(p, days=8))


def test_a_case_opened_before_the_last_panel_is_not_new(partnership: Partnership) -> None:
    p = partnership
    old = _case(p, "Oldcase")
    Case.objects.filter(pk=old.pk).update(opened_at=timezone.now() - timedelta(days=60))
    screen(p, old, "serious")
    _no_rescreen_due(old)
    assert old.pk not in _proposed(p, _panel(p))


def test_children_panel_and_adults_panel_draw_from_their_own_people(
    partnership: Partnership,
) -> None:
    p = partnership
    child, adult = _case(p, "Child", 15), _case(p, "Adult", 24)
    screen(p, child, "serious")
    screen(p, adult, "serious")
    _no_rescreen_due(child, adult)
    children = _proposed(p, _panel(p, "mace"))
    adults = _proposed(p, _panel(p, "mase"))
    assert child.pk in children
    assert adult.pk not in children
    assert adult.pk in adults
    assert child.pk not in adults


def test_screenings_that_went_up_are_proposed_and_those_that_went_down_are_not(
    partnership: Partnership,
) -> None:
    p = partnership
    up, down = _case(p, "Wentup"), _case(p, "Wentdown")
    Case.objects.filter(pk__in=[up.pk, down.pk]).update(
        opened_at=timezone.now() - timedelta(days=90)
    )
    screen(p, up, "at_risk")
    screen(p, up, "significant")
    screen(p, down, "serious")
    screen(p, down, "at_risk")
    _no_rescreen_due(up, down)
    proposed = _proposed(p, _panel(p))
    assert "went up from at risk to significant risk" in proposed[up.pk].reason
    assert down.pk not in proposed


def test_cases_due_review_by_plan_or_rescreening(partnership: Partnership) -> None:
    p = partnership
    by_plan, by_screening, not_due = _case(p, "Plandue"), _case(p, "Screendue"), _case(p, "Notdue")
    Case.objects.filter(pk__in=[by_plan.pk, by_screening.pk, not_due.pk]).update(
        opened_at=timezone.now() - timedelta(days=90)
    )
    for case in (by_plan, by_screening, not_due):
        screen(p, case, "at_risk")
    _no_rescreen_due(by_plan, not_due)
    ScreeningStatus.objects.filter(person=by_screening.person).update(
        next_due_on=timezone.localdate()
    )
    version = plan_write(
        actor=p.practitioner,
        case=by_plan,
        goals=["Safe at home"],
        person_words="I want to stay at school.",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    PlanVersion.objects.filter(pk=version.pk).update(review_on=timezone.localdate())
    plan_write(
        actor=p.practitioner,
        case=not_due,
        goals=["Safe at home"],
        person_words="I want to stay at school.",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    proposed = _proposed(p, _panel(p))
    assert "plan review due" in proposed[by_plan.pk].reason
    assert "re-screening due" in proposed[by_screening.pk].reason
    assert not_due.pk not in proposed


def test_cases_with_overdue_actions_are_proposed_once_with_every_reason(
    partnership: Partnership,
) -> None:
    p = partnership
    case = _case(p, "Overdue")
    screen(p, case, "serious")
    _no_rescreen_due(case)
    action = action_services.action_create(
        actor=p.practitioner,
        title="Visit at home",
        owner_agency_id=p.school.pk,
        due_on=timezone.localdate(),
        case=case,
    )
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=10))
    item = _proposed(p, _panel(p))[case.pk]
    assert item.sources == ["new_cases_at_risk", "actions_overdue"]
    assert "1 action overdue" in item.reason


def test_a_case_meeting_proposes_only_its_own_case(partnership: Partnership) -> None:
    p = partnership
    one, other = _case(p, "Strategy"), _case(p, "Elsewhere")
    screen(p, other, "serious")
    meeting = services.meeting_schedule(
        actor=p.practitioner,
        meeting_type_code="strategy_child",
        held_at=timezone.now() + timedelta(hours=2),
        case=one,
    )
    proposed = _proposed(p, meeting)
    assert set(proposed) == {one.pk}
    assert proposed[one.pk].reason.startswith("The case this meeting is about")


def test_another_app_adds_an_agenda_source_without_editing_meetings(
    partnership: Partnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = partnership
    case = _case(p, "Alerted")
    _no_rescreen_due(case)
    monkeypatch.setattr(agenda, "_SOURCES", dict(agenda._SOURCES))

    def accepted_alerts(context: agenda.AgendaContext) -> list[agenda.Proposal]:
        return [
            agenda.Proposal(
                source="example_alerts",
                title="Sam Alerted",
                reason="Alert accepted: seen with a person of concern",
                case_id=case.pk,
                person_id=case.person_id,
            )
        ]

    # (Intelligence registers the real "accepted_alerts"; this stands for any other app.)
    agenda.register_agenda_source("example_alerts", "Example alerts", accepted_alerts)
    assert "Alert accepted" in _proposed(p, _panel(p))[case.pk].reason


def test_setting_the_agenda_invites_the_agencies_in_its_cases(partnership: Partnership) -> None:
    p = partnership
    case = _case(p, "Invites")
    screen(p, case, "serious")
    meeting = _panel(p)
    keys = [i.key for i in agenda_proposal(p.practitioner, meeting)]
    services.agenda_set(
        actor=p.practitioner, meeting=meeting, chosen=keys, added=["Any other business"]
    )
    invited = set(meeting.invitations.values_list("agency__code", flat=True))
    assert invited == {"hub", "school"}
    assert meeting.items.last().title == "Any other business"  # type: ignore[union-attr]
    with pytest.raises(ConflictError):
        services.agenda_set(actor=p.practitioner, meeting=meeting, chosen=keys)


def test_a_stale_choice_is_refused(partnership: Partnership) -> None:
    p = partnership
    meeting = _panel(p)
    with pytest.raises(ConflictError):
        services.agenda_set(actor=p.practitioner, meeting=meeting, chosen=["case:999999"])
