"""The demo city gains support histories, closed cases with follow-ups and NRM journeys."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.cases.models import Case, CaseClosure, CaseStatus, FollowUp
from lantern.core.models import AuditEvent
from lantern.support.models import (
    Contact,
    KeyWorkerAssignment,
    NrmJourney,
    OutcomeMeasure,
    VoiceEntry,
)
from lantern.support.synth import add_support_histories
from lantern.synth.generator import CityConfig, build_city


@pytest.mark.django_db
def test_the_synthetic_city_has_support_histories() -> None:
    today = date(2026, 6, 1)
    build_city(CityConfig(seed=3, people=150, today=today, demo_users=False))
    report = add_support_histories(seed=3, today=today, share=1.0)
    closed = Case.objects.filter(status=CaseStatus.CLOSED).count()
    assert closed > 0
    assert report.closures == closed == CaseClosure.objects.count()
    assert FollowUp.objects.filter(done_on__isnull=False).exists()
    assert FollowUp.objects.filter(done_on__isnull=True).exists()
    assert report.people > 10
    assert Contact.objects.count() == report.contacts > 100
    assert VoiceEntry.objects.exists()
    assert OutcomeMeasure.objects.exists()
    assert KeyWorkerAssignment.objects.filter(ended_at__isnull=True).exists()
    # Some people have had more than one key worker, and never two at once.
    people = KeyWorkerAssignment.objects.values_list("person_id", flat=True)
    assert len(people) > len(set(people))
    assert NrmJourney.objects.count() == report.journeys
    assert AuditEvent.objects.filter(event="synth.support_built").count() == 1
    # Run again: closed cases already have a closure, so nothing is closed twice.
    assert add_support_histories(seed=3, today=today, share=0.0).closures == 0
