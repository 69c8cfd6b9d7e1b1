"""The single multi-agency chronology: merged, filtered, restricted, amended with history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lantern.cases import queries, services
from lantern.cases.models import Case, ChronologyEntry, ChronologyRevision
from lantern.core.access import AccessRefused, Actor
from tests.conftest import Partnership
from tests.factories import open_case


@pytest.fixture
def case(partnership: Partnership) -> Case:
    case = open_case(partnership)
    services.case_add_agency(
        actor=partnership.practitioner, case=case, agency_id=partnership.police.pk
    )
    return case


def _day(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def _add(actor: Actor, case: Case, days_ago: int, event_type: str, summary: str) -> ChronologyEntry:
    """An entry ``days_ago`` days back, added through the service as a practitioner would."""
    return services.chronology_add(
        actor=actor,
        case=case,
        occurred_on=_day(days_ago),
        event_type=event_type,
        summary=summary,
    )


def test_entries_from_every_agency_merge_by_date(partnership: Partnership, case: Case) -> None:
    _add(partnership.school_lead, case, 5, "school_absence", "Absent.")
    _add(partnership.police_officer, case, 1, "missing_episode", "Missing overnight.")
    _add(partnership.practitioner, case, 3, "disclosure", "Told a worker.")
    page = queries.chronology_page(partnership.practitioner, case, queries.ChronologyFilter())
    assert [e.event_type for e in page.object_list] == [
        "missing_episode",
        "disclosure",
        "school_absence",
    ]
    assert [e.source_agency.code for e in page.object_list] == ["police", "hub", "school"]
    police_only = queries.chronology_page(
        partnership.practitioner, case, queries.ChronologyFilter(agencies=[partnership.police.pk])
    )
    assert [e.event_type for e in police_only.object_list] == ["missing_episode"]
    high = queries.chronology_page(
        partnership.practitioner, case, queries.ChronologyFilter(significance=["high"])
    )
    assert {e.event_type for e in high.object_list} == {"missing_episode", "disclosure"}


def test_case_page_filters_by_type_and_date(
    partnership: Partnership, case: Case, as_user: Any
) -> None:
    _add(partnership.school_lead, case, 40, "school_absence", "Old absence.")
    _add(partnership.school_lead, case, 2, "online_contact", "New contact online.")
    client = as_user(partnership.practitioner)
    url = reverse("cases:detail", args=[case.pk])
    recent = client.get(url, {"date_from": _day(10).strftime("%d/%m/%Y")}).content.decode()
    assert "New contact online." in recent
    assert "Old absence." not in recent
    by_type = client.get(url, {"event_type": "school_absence"}).content.decode()
    assert "Old absence." in by_type
    assert "New contact online." not in by_type


def test_restricted_entries_show_only_that_they_exist(
    partnership: Partnership, case: Case, as_user: Any
) -> None:
    _add(
        partnership.nurse,
        case,
        1,
        "sexual_health_attendance",
        "Clinic attendance with an older adult waiting outside.",
    )
    nurse_view = queries.chronology_page(partnership.nurse, case, queries.ChronologyFilter())
    assert nurse_view.object_list[0].readable
    school_page = as_user(partnership.school_lead).get(reverse("cases:detail", args=[case.pk]))
    body = school_page.content.decode()
    assert "Restricted: Sexual health" in body
    assert "older adult waiting outside" not in body
    entry = nurse_view.object_list[0]
    with pytest.raises(AccessRefused):
        queries.entry_get(partnership.school_lead, entry.pk)


def test_correction_keeps_the_history(partnership: Partnership, case: Case, as_user: Any) -> None:
    entry = _add(partnership.school_lead, case, 3, "school_absence", "Absent Monday.")
    services.chronology_amend(
        actor=partnership.school_lead,
        entry=entry,
        reason="Wrong day recorded",
        occurred_on=_day(2),
        event_type="school_absence",
        summary="Absent Tuesday.",
        significance="medium",
    )
    entry.refresh_from_db()
    assert entry.summary == "Absent Tuesday."
    assert entry.version == 2
    revision = ChronologyRevision.objects.get(entry=entry)
    assert revision.previous["summary"] == "Absent Monday."
    assert revision.reason == "Wrong day recorded"
    page = as_user(partnership.practitioner).get(reverse("cases:entry", args=[entry.pk]))
    body = page.content.decode()
    assert "Absent Monday." in body
    assert "Wrong day recorded" in body


def test_only_the_source_agency_or_hub_corrects(partnership: Partnership, case: Case) -> None:
    entry = _add(partnership.school_lead, case, 3, "school_absence", "Absent.")
    with pytest.raises(AccessRefused):
        services.chronology_amend(
            actor=partnership.police_officer,
            entry=entry,
            reason="r",
            occurred_on=_day(3),
            event_type="school_absence",
            summary="Changed by police",
            significance="",
        )
    with pytest.raises(ValidationError, match="why"):
        services.chronology_amend(
            actor=partnership.school_lead,
            entry=entry,
            reason=" ",
            occurred_on=_day(3),
            event_type="school_absence",
            summary="x",
            significance="",
        )


def test_future_dates_and_unknown_types_are_refused(partnership: Partnership, case: Case) -> None:
    with pytest.raises(ValidationError) as error:
        services.chronology_add(
            actor=partnership.school_lead,
            case=case,
            occurred_on=timezone.localdate() + timedelta(days=1),
            event_type="not_a_type",
            summary="",
        )
    assert set(error.value.message_dict) == {"occurred_on", "event_type", "summary"}


def test_uninvolved_agency_cannot_add(partnership: Partnership, case: Case) -> None:
    with pytest.raises(AccessRefused):
        _add(partnership.housing_officer, case, 1, "housing_contact", "x")
