"""Actions on "My work": the user's own live actions and their agency's unowned ones that are
overdue or due within a week, each linking to the action; nothing of another agency's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from lantern.actions import services
from lantern.actions.models import Action
from tests.conftest import Partnership
from tests.factories import open_case


def test_actions_due_show_on_my_work(partnership: Partnership, as_user: Any) -> None:
    p = partnership
    case = open_case(p, given_name="Mia", family_name="Worklisted")
    today = timezone.localdate()

    def action(title: str, agency: Any, due: Any, *, about_case: bool = True) -> Action:
        return services.action_create(
            actor=p.practitioner,
            title=title,
            owner_agency_id=agency.pk,
            due_on=due,
            case=case if about_case else None,
            source_kind="plan",
        )

    soon = action("Return home interview", p.school, today + timedelta(days=3))
    late = action("Check attendance register", p.school, today + timedelta(days=1))
    Action.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=14))
    action("Review in the spring", p.school, today + timedelta(days=60))
    action("Police welfare visit", p.police, today + timedelta(days=2), about_case=False)

    page = as_user(p.school_lead).get(reverse("support:my_work"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Actions due" in text
    assert f"{soon.reference} Return home interview" in text
    assert reverse("actions:detail", args=[soon.pk]) in text
    assert f"{late.reference} Check attendance register" in text
    assert "working days overdue" in text
    assert "Review in the spring" not in text  # not due within a week
    assert "Police welfare visit" not in text  # another agency's


def test_my_work_marks_an_action_overdue_by_working_days(
    partnership: Partnership, as_user: Any, monkeypatch: Any
) -> None:
    """Due on a Friday: not overdue on the Saturday (no working day has begun since), as the
    actions list says; a contact due that Friday is overdue by the calendar."""
    from datetime import date

    p = partnership
    case = open_case(p, given_name="Mia", family_name="Weekend")
    friday, saturday, tuesday = date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 8)
    action = services.action_create(
        actor=p.practitioner, title="Call the college", owner_agency_id=p.school.pk,
        due_on=timezone.localdate() + timedelta(days=5), case=case, source_kind="plan",
    )
    Action.objects.filter(pk=action.pk).update(due_on=friday)

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: saturday)
    text = as_user(p.school_lead).get(reverse("support:my_work")).content.decode()
    assert f"{action.reference} Call the college" in text
    assert "Overdue" not in text
    assert "item overdue" not in text

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tuesday)
    text = as_user(p.school_lead).get(reverse("support:my_work")).content.decode()
    assert "2 working days overdue" in text  # Monday and Tuesday have begun
    assert "1 item overdue" in text
    assert "Overdue</strong>" in text
