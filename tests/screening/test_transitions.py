"""Transition at 18 and the nightly job: boundary dates, leap-day birthdays, adult services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from lantern.agencies.models import Agency, AgencyKind
from lantern.cases import services as case_services
from lantern.cases.models import Case, ChronologyEntry
from lantern.core.events import Event
from lantern.core.models import AuditEvent
from lantern.people.models import Person
from lantern.screening import queries, services
from lantern.screening.jobs import (
    eighteenth_birthday,
    in_planning_window,
    months_before,
    nightly,
    planning_from,
    refresh_transitions,
)
from lantern.screening.models import DueReason, ScreeningStatus, Transition, TransitionStatus
from lantern.screening.tasks import nightly_screening
from tests.conftest import Partnership
from tests.factories import AgencyFactory

from .conftest import answers, children_version


@pytest.fixture
def adult_services(db: Any) -> Agency:
    return AgencyFactory(
        code="adults", name="Test Adult Social Care", kind=AgencyKind.ADULT_SOCIAL_CARE
    )


def _person(p: Partnership, dob: date, *, case: bool = True, name: str = "Transit") -> Person:
    person = Person.objects.create(
        given_name="Rowan", family_name=name, date_of_birth=dob, created_by_agency=p.hub
    )
    if case:
        Case.objects.create(person=person, lead_professional=p.practitioner.user)
    return person


def _flagged(today: date) -> set[int]:
    refresh_transitions(today=today)
    return set(Transition.objects.values_list("person_id", flat=True))


@pytest.mark.parametrize(
    ("dob", "birthday", "starts"),
    [
        (date(2008, 9, 15), date(2026, 9, 15), date(2026, 3, 15)),
        (date(2008, 2, 29), date(2026, 3, 1), date(2025, 9, 1)),  # leap day, common year
        (date(2012, 2, 29), date(2030, 3, 1), date(2029, 9, 1)),
        (date(2010, 2, 28), date(2028, 2, 28), date(2027, 8, 28)),
        (date(2008, 8, 31), date(2026, 8, 31), date(2026, 2, 28)),  # no 31 February
        (date(2009, 8, 31), date(2027, 8, 31), date(2027, 2, 28)),
        (date(2010, 8, 31), date(2028, 8, 31), date(2028, 2, 29)),  # leap year
    ],
)
def test_the_18th_birthday_and_the_start_of_planning(
    dob: date, birthday: date, starts: date
) -> None:
    assert eighteenth_birthday(dob) == birthday
    assert planning_from(birthday) == starts
    assert in_planning_window(dob, starts)
    assert not in_planning_window(dob, starts - timedelta(days=1))
    assert in_planning_window(dob, birthday - timedelta(days=1))
    assert not in_planning_window(dob, birthday)


def test_months_before_keeps_the_day_or_the_month_end() -> None:
    assert months_before(date(2026, 3, 31), 6) == date(2025, 9, 30)
    assert months_before(date(2026, 1, 15), 6) == date(2025, 7, 15)


def test_flagged_exactly_six_months_before_the_birthday_not_a_day_earlier(
    partnership: Partnership, adult_services: Agency
) -> None:
    today = date(2026, 3, 15)
    exactly = _person(partnership, date(2008, 9, 15), name="Exactly")  # 18 on 15 Sep 2026
    a_day_later = _person(partnership, date(2008, 9, 16), name="Later")
    assert _flagged(today) == {exactly.pk}
    transition = Transition.objects.get(person=exactly)
    assert (transition.eighteenth_birthday, transition.planning_from) == (date(2026, 9, 15), today)
    assert transition.reasons == ["open_case"]
    assert transition.case is not None
    assert transition.adult_services == adult_services
    assert transition.asked_at is not None
    assert _flagged(today + timedelta(days=1)) == {exactly.pk, a_day_later.pk}


def test_turning_18_today(partnership: Partnership) -> None:
    today = date(2026, 11, 25)
    birthday_today = _person(partnership, date(2008, 11, 25), name="Today")
    yesterday_17 = _person(partnership, date(2008, 11, 26), name="Tomorrow")
    assert _flagged(today) == {yesterday_17.pk}  # 18 today: not flagged as 17
    report = refresh_transitions(today=date(2026, 11, 26))
    assert report.turned_18 == 1
    transition = Transition.objects.get(person=yesterday_17)
    assert transition.status == TransitionStatus.ADULT
    assert transition.turned_18_on == date(2026, 11, 26)
    assert not Transition.objects.filter(person=birthday_today).exists()


def test_leap_day_birthday_through_planning_to_adult(partnership: Partnership) -> None:
    leap = _person(partnership, date(2008, 2, 29), name="Leapday")
    assert _flagged(date(2025, 8, 31)) == set()
    assert _flagged(date(2025, 9, 1)) == {leap.pk}
    refresh_transitions(today=date(2026, 2, 28))
    assert Transition.objects.get().status == TransitionStatus.PLANNING  # still 17
    assert services.audience_on(leap, date(2026, 2, 28)) == "children"
    refresh_transitions(today=date(2026, 3, 1))
    transition = Transition.objects.get()
    assert (transition.status, transition.turned_18_on) == (
        TransitionStatus.ADULT,
        date(2026, 3, 1),
    )
    assert services.audience_on(leap, date(2026, 3, 1)) == "adults"
    assert services.instrument_for(leap, date(2026, 3, 1)).spec.audience == "adults"  # type: ignore[union-attr]


def test_a_level_that_flags_transition_without_a_case(partnership: Partnership) -> None:
    today = date(2026, 5, 1)
    level_only = _person(partnership, date(2008, 9, 1), case=False, name="Levelonly")
    low_level = _person(partnership, date(2008, 9, 2), case=False, name="Lowlevel")
    for person, flags in ((level_only, True), (low_level, False)):
        ScreeningStatus.objects.create(
            person=person, next_due_on=today, due_reason=DueReason.SCHEDULED, flags_transition=flags
        )
    assert _flagged(today) == {level_only.pk}
    transition = Transition.objects.get()
    assert transition.reasons == ["level"]
    assert transition.case is None


def test_a_significant_screening_flags_transition_at_once(partnership: Partnership) -> None:
    today = timezone.localdate()
    dob = months_before(today, 12 * 18 - 2)  # 18 in two months
    person = _person(partnership, dob, case=False, name="Screenedsig")
    assert in_planning_window(dob, today)
    version = children_version()
    services.screening_record(
        actor=partnership.practitioner,
        person=person,
        instrument_version=version,
        answers=answers(version.spec, present=["person_of_concern", "missing_from_home"]),
        level="significant",
    )
    assert Transition.objects.get(person=person).reasons == ["level"]


def test_adult_services_asked_then_joined(partnership: Partnership, adult_services: Agency) -> None:
    today = timezone.localdate()
    dob = months_before(today, 12 * 18 - 3)  # 18 in three months
    person = _person(partnership, dob, name="Joining")
    nightly(today=today)
    (listed,) = queries.transitions_due(partnership.manager)
    assert listed.adult_services == adult_services
    assert not listed.joined
    assert queries.work_summary(partnership.manager).transitions_waiting == 1
    case = Case.objects.get(person=person)
    case_services.case_add_agency(actor=partnership.manager, case=case, agency_id=adult_services.pk)
    (listed,) = queries.transitions_due(partnership.manager)
    assert listed.joined
    assert list(queries.transitions_due(partnership.manager, waiting_only=True)) == []


def test_no_adult_services_agency_yet_then_asked(partnership: Partnership) -> None:
    today = timezone.localdate()
    _person(partnership, months_before(today, 12 * 18 - 2), name="Noasc")
    refresh_transitions(today=today)
    assert Transition.objects.get().adult_services is None
    agency = AgencyFactory(code="asc", name="Late ASC", kind=AgencyKind.ADULT_SOCIAL_CARE)
    report = refresh_transitions(today=today)
    assert report.asked_adult_services == 1
    assert Transition.objects.get().adult_services == agency


def test_nightly_makes_first_screenings_due_and_brings_forward_on_new_information(
    partnership: Partnership, child_case: Case, adult_case: Case, add_entry: Any
) -> None:
    today = timezone.localdate()
    version = children_version()
    services.screening_record(
        actor=partnership.practitioner,
        person=child_case.person,
        case=child_case,
        instrument_version=version,
        answers=answers(version.spec),
        level="no_current_concern",
    )
    report = nightly(today=today)
    assert report.first_screenings_due == 1  # the adult's case has no screening yet
    first = ScreeningStatus.objects.get(person=adult_case.person)
    assert first.due_reason == DueReason.FIRST
    assert first.next_due_on == timezone.localdate(adult_case.opened_at) + timedelta(days=5)
    add_entry(child_case.person, "housing_contact", 0, significance="low")
    assert nightly(today=today).brought_forward == 0
    entry = add_entry(child_case.person, "missing_episode", 0, significance="high")
    ChronologyEntry.objects.filter(pk=entry.pk).update(
        recorded_at=timezone.now() + timedelta(seconds=5)
    )
    assert nightly(today=today).brought_forward == 1
    status = ScreeningStatus.objects.get(person=child_case.person)
    assert (status.next_due_on, status.due_reason) == (today, DueReason.NEW_INFORMATION)
    assert nightly(today=today).brought_forward == 0  # once per screening
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert (last.event, last.object_type) == (Event.SCREENING_NIGHTLY_FINISHED, "screening_status")


def test_nightly_runs_from_the_command_and_as_a_task(partnership: Partnership) -> None:
    out = StringIO()
    call_command("screening", "nightly", "--today", "2026-03-01", stdout=out)
    assert "Nightly screening job for 01 Mar 2026" in out.getvalue()
    result = nightly_screening.call()
    assert result["today"] == timezone.localdate().isoformat()
    assert set(result) >= {"transitions_flagged", "overdue", "first_screenings_due"}
    assert isinstance(datetime.fromisoformat(result["today"]), datetime)
