"""Fixtures for the screening tests: a child and an adult with open hub cases."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lantern.agencies.models import Agency, AgencyKind
from lantern.cases.models import Case, ChronologyEntry
from lantern.core.access import Actor
from lantern.core.normalisers import PartialDate
from lantern.people.models import Person
from lantern.screening.instruments import ABSENT, PRESENT, UNKNOWN, Answer, InstrumentDef
from lantern.screening.models import InstrumentVersion
from lantern.screening.services import instrument_in_use
from tests import factories
from tests.conftest import Partnership
from tests.factories import AgencyFactory

TODAY = timezone.localdate()


def years_ago(years: int, *, days: int = 0) -> date:
    """A date of birth ``years`` (plus ``days``) before today (28 Feb for 29 Feb)."""
    try:
        born = TODAY.replace(year=TODAY.year - years)
    except ValueError:
        born = TODAY.replace(year=TODAY.year - years, day=28)
    return born - timedelta(days=days)


def open_case(
    p: Partnership, *, given: str, family: str, dob: date, referrer: Actor | None = None
) -> Case:
    """A referral from the school (or ``referrer``), triaged by the hub into a case."""
    return factories.open_case(
        p,
        referrer=referrer,
        given_name=given,
        family_name=family,
        date_of_birth=PartialDate.from_date(dob),
    )


@pytest.fixture
def child_case(partnership: Partnership) -> Case:
    return open_case(partnership, given="Tamsin", family="Screentest", dob=years_ago(15, days=40))


@pytest.fixture
def adult_case(partnership: Partnership) -> Case:
    return open_case(partnership, given="Leanne", family="Adultcase", dob=years_ago(24, days=10))


@pytest.fixture
def health(db: Any) -> Agency:
    return AgencyFactory(
        code="sexual-health", name="Test Sexual Health", kind=AgencyKind.SEXUAL_HEALTH
    )


def children_version() -> InstrumentVersion:
    version = instrument_in_use("children")
    assert version is not None
    return version


def adults_version() -> InstrumentVersion:
    version = instrument_in_use("adults")
    assert version is not None
    return version


def answers(
    spec: InstrumentDef,
    *,
    present: Iterable[str] = (),
    seen: date | None = None,
    unknown: Iterable[str] = (),
) -> list[Answer]:
    """Every indicator answered: ``present`` ones seen on ``seen`` (default last week)."""
    present, unknown = set(present), set(unknown)
    seen = seen or TODAY - timedelta(days=7)
    out = []
    for code in spec.indicators:
        if code in present:
            out.append(Answer(code, PRESENT, seen, f"Seen by the school: {code}."))
        elif code in unknown:
            out.append(Answer(code, UNKNOWN))
        else:
            out.append(Answer(code, ABSENT))
    return out


EntryMaker = Callable[..., ChronologyEntry]


@pytest.fixture
def add_entry(partnership: Partnership) -> EntryMaker:
    """A chronology entry written directly (to choose the agency and the date freely)."""

    def make(
        person: Person,
        event_type: str,
        days_ago: int,
        *,
        agency: Agency | None = None,
        restricted_category: str = "",
        author: Actor | None = None,
        significance: str = "high",
    ) -> ChronologyEntry:
        writer = author or partnership.police_officer
        return ChronologyEntry.objects.create(
            person=person,
            occurred_on=TODAY - timedelta(days=days_ago),
            event_type=event_type,
            significance=significance,
            summary=f"{event_type} recorded for the test.",
            source_agency=agency or writer.agency,
            author=writer.user,
            restricted_category=restricted_category,
        )

    return make


def form_data(version: InstrumentVersion, given: list[Answer], **extra: Any) -> dict[str, Any]:
    """The screening form as a browser would post it."""
    data: dict[str, Any] = {"instrument_version": version.pk, "action": "save"}
    for a in given:
        data[f"answer_{a.indicator}"] = a.answer
        data[f"evidence_{a.indicator}"] = a.evidence
        data[f"observed_{a.indicator}"] = (
            a.last_observed.strftime("%d/%m/%Y") if a.last_observed else ""
        )
    if version.spec.capacity_decisions:
        data.update({"capacity-TOTAL_FORMS": "2", "capacity-INITIAL_FORMS": "0"})
    data.update(extra)
    return data
