"""Actions: owners, due dates in working days, no closure without an outcome, overdue
across weekends and bank holidays, chasing an agency; who may see and change them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lantern.actions import queries, services
from lantern.actions.dates import (
    due_in_working_days,
    is_overdue,
    overdue_cutoff,
    working_days_overdue,
)
from lantern.actions.models import Action, ActionChase, ActionStatus
from lantern.core.errors import ConflictError, InvalidError
from lantern.core.models import AuditEvent
from tests.conftest import Partnership
from tests.factories import open_case

# Easter 2026: Good Friday 3 April, Easter Monday 6 April (England).
THURSDAY_BEFORE_EASTER = date(2026, 4, 2)


def test_due_in_working_days_skips_weekends_and_bank_holidays() -> None:
    start = datetime(2026, 4, 2, 10, 0, tzinfo=timezone.get_current_timezone())
    # Thursday + 1 working day: Good Friday and Easter Monday are bank holidays.
    assert due_in_working_days(start, 1) == date(2026, 4, 7)
    assert due_in_working_days(start, 2) == date(2026, 4, 8)


def test_an_action_due_before_a_long_weekend_is_overdue_only_when_work_resumes() -> None:
    due = THURSDAY_BEFORE_EASTER
    for day in (date(2026, 4, 3), date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6)):
        assert not is_overdue(due, day), day
        assert working_days_overdue(due, day) == 0
    assert is_overdue(due, date(2026, 4, 7))
    assert working_days_overdue(due, date(2026, 4, 7)) == 1
    assert working_days_overdue(due, date(2026, 4, 13)) == 5  # Tue–Fri, then Monday


def test_an_action_due_on_a_friday_is_not_overdue_at_the_weekend() -> None:
    friday = date(2026, 3, 13)
    assert overdue_cutoff(date(2026, 3, 15)) == friday
    assert not is_overdue(friday, date(2026, 3, 14))
    assert is_overdue(friday, date(2026, 3, 16))


def _action(p: Partnership, **kw: object) -> Action:
    values: dict[str, object] = {
        "actor": p.practitioner,
        "title": "Speak to the designated safeguarding lead",
        "owner_agency_id": p.school.pk,
        "due_working_days": 3,
    }
    values.update(kw)
    return services.action_create(**values)  # type: ignore[arg-type]


def test_an_action_cannot_be_closed_without_an_outcome(partnership: Partnership) -> None:
    p = partnership
    action = _action(p)
    for status in (ActionStatus.DONE, ActionStatus.CANCELLED):
        with pytest.raises(InvalidError) as refused:
            services.action_update(actor=p.school_lead, action=action, status=status, outcome=" ")
        assert "outcome" in refused.value.message_dict
    services.action_update(actor=p.school_lead, action=action, status=ActionStatus.IN_PROGRESS)
    done = services.action_update(
        actor=p.school_lead, action=action, status=ActionStatus.DONE, outcome="Met on Tuesday."
    )
    assert done.status == ActionStatus.DONE
    assert done.closed_by == p.school_lead.user
    with pytest.raises(ConflictError):
        services.action_update(actor=p.practitioner, action=done, status=ActionStatus.OPEN)
    events = list(
        AuditEvent.objects.filter(object_id=str(action.pk), object_type="action").values_list(
            "event", flat=True
        )
    )
    assert events[-1] == "action.closed"


def test_due_date_or_working_days_but_not_both(partnership: Partnership) -> None:
    p = partnership
    with pytest.raises(InvalidError):
        _action(p, due_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(InvalidError):
        _action(p, due_working_days=None)
    with pytest.raises(InvalidError):
        _action(p, due_working_days=None, due_on=timezone.localdate() - timedelta(days=1))
    dated = _action(p, due_working_days=None, due_on=timezone.localdate() + timedelta(days=3))
    assert dated.due_on == timezone.localdate() + timedelta(days=3)


def test_an_action_about_a_person_goes_only_to_an_agency_involved_with_them(
    partnership: Partnership,
) -> None:
    p = partnership
    case = open_case(p, given_name="Mia", family_name="Actioncase")
    with pytest.raises(InvalidError) as refused:
        _action(p, owner_agency_id=p.housing.pk, case=case)
    assert "not involved" in refused.value.message_dict["owner_agency"][0]
    action = _action(p, case=case, owner_user_id=p.school_lead.user.pk)
    assert action.person == case.person


def test_each_user_sees_their_own_and_their_agency_actions(partnership: Partnership) -> None:
    p = partnership
    mine = _action(p, owner_user_id=p.school_lead.user.pk)
    agency = _action(p, title="Check the register")
    police = _action(p, owner_agency_id=p.police.pk, title="Check the car")
    assert set(queries.action_list(p.school_lead, scope="mine")) == {mine}
    assert set(queries.action_list(p.school_lead, scope="agency")) == {mine, agency}
    assert set(queries.action_list(p.school_lead, scope="all")) == {mine, agency}
    assert set(queries.action_list(p.practitioner, scope="all")) == {mine, agency, police}
    with pytest.raises(PermissionDenied):
        queries.action_get(p.housing_officer, police.pk)
    with pytest.raises(PermissionDenied):
        services.action_update(
            actor=p.police_officer, action=mine, status="done", outcome="Not ours."
        )
    for who in (p.board, p.admin):
        with pytest.raises(PermissionDenied):
            queries.action_list(who)
    with pytest.raises(PermissionDenied):
        _action(p, actor=p.school_lead)


def test_a_manager_sees_overdue_actions_by_agency_and_chases_one(
    partnership: Partnership,
) -> None:
    p = partnership
    late = _action(p, title="Late school action")
    later = _action(p, title="Another late one")
    _action(p, title="Not late")
    police_late = _action(p, owner_agency_id=p.police.pk, title="Late police action")
    Action.objects.filter(pk__in=[late.pk, later.pk, police_late.pk]).update(
        due_on=timezone.localdate() - timedelta(days=20)
    )
    groups = {g.agency.code: g for g in queries.overdue_by_agency(p.manager)}
    assert {a.title for a in groups["school"].actions} == {"Late school action", "Another late one"}
    assert groups["school"].oldest.days_overdue > 0  # type: ignore[attr-defined]
    assert services.action_chase_agency(actor=p.manager, agency_id=p.school.pk, note="Please") == 2
    assert ActionChase.objects.filter(agency=p.school).count() == 2
    assert AuditEvent.objects.filter(event="action.chased").count() == 2
    with pytest.raises(ConflictError):
        services.action_chase_agency(actor=p.manager, agency_id=p.housing.pk)
    for who in (p.practitioner, p.school_lead, p.board):
        with pytest.raises(PermissionDenied):
            queries.overdue_by_agency(who)
        with pytest.raises(PermissionDenied):
            services.action_chase_agency(actor=who, agency_id=p.school.pk)


def test_my_work_lists_actions_due_soon_or_overdue(partnership: Partnership) -> None:
    p = partnership
    soon = _action(p, owner_user_id=p.school_lead.user.pk, due_working_days=1)
    far = _action(p, owner_user_id=p.school_lead.user.pk, due_working_days=60)
    someone_else = _action(p, owner_user_id=None, title="Agency, nobody named")
    due = queries.actions_due_for(p.school_lead)
    assert soon in due
    assert someone_else in due
    assert far not in due
    assert queries.actions_due_for(p.board) == []
