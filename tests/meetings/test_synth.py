"""The synthetic city's meetings, actions, minutes and plans."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lantern.actions.dates import overdue_cutoff
from lantern.actions.models import Action
from lantern.meetings.models import Meeting, Minutes, PlanVersion
from lantern.meetings.synth import add_meetings
from lantern.screening.synth import add_screenings
from lantern.synth.generator import CityConfig, build_city


@pytest.mark.django_db
def test_the_demo_city_has_meetings_minutes_actions_and_reviewed_plans() -> None:
    build_city(CityConfig(seed=3, people=150, heavy_case_entries=0))
    add_screenings(seed=3)
    report = add_meetings(seed=3)
    assert Meeting.objects.count() == 2
    assert report.items > 1
    assert report.minutes > 1
    assert Minutes.objects.count() == report.minutes
    today = timezone.localdate()
    assert Action.objects.filter(due_on__lt=overdue_cutoff(today)).exists()
    assert PlanVersion.objects.filter(version=2).exists()
