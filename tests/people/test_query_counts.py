"""Queries per page are bounded: the case and person pages do not grow with their data.

An N+1 (a query per chronology entry, per name, per referral…) shows up here as a count
that rises between a small record and a large one. Each page is measured twice for the
same case or person, before and after it grows, through the real page (middleware,
session, actor, audit entry, template), and must give the same count, under a ceiling.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import cycle
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern.cases import services as case_services
from lantern.cases.models import Case, CaseClosure, RestrictedAccessGrant
from lantern.core.access import Actor, RestrictedCategory
from lantern.people.models import (
    Address,
    CareNeed,
    ContactDetail,
    ContactKind,
    Identifier,
    IdentifierScheme,
    NameKind,
    Person,
    PersonName,
    StatusFlag,
)
from lantern.people.services import name_fields, person_share
from lantern.referrals import services as referral_services
from lantern.referrals.models import Referral
from tests.conftest import Partnership
from tests.factories import new_person, nhs_number

pytestmark = pytest.mark.django_db

#: Absolute ceilings: generous enough for middleware, session, actor and audit queries,
#: far below anything that loops over rows.
CASE_PAGE_CEILING = 25
PERSON_PAGE_CEILING = 30

SMALL, LARGE = 10, 150


def _count(client: Client, url: str, params: dict[str, Any] | None = None) -> int:
    """Queries for one request of a page already requested once (caches warm)."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _refer(actor: Actor, *, person: Person | None = None, **details: Any) -> Referral:
    return referral_services.referral_submit(
        actor=actor,
        person=person,
        new_person=None if person else new_person(**details),
        confirm_new=True,  # many alike on purpose: the referrer has looked
        concern_categories=["going_missing", "older_or_risky_associates"],
        what_was_seen="Collected from school by an older man in a car; would not say who he is.",
        urgency="high",
    )


def _open_case(p: Partnership, referral: Referral) -> Case:
    decision = referral_services.triage_decide(
        actor=p.practitioner, referral=referral, outcome="hub_case",
        rationale="Pattern of going missing with an older adult; police hold intelligence.",
    )
    assert decision.case is not None
    return decision.case


# --- the case page ---------------------------------------------------------------------


def _entry_makers(p: Partnership) -> cycle[tuple[Actor, str]]:
    """Who adds what: five agencies' worth of events, a third of them restricted."""
    return cycle([
        (p.school_lead, "school_absence"),
        (p.police_officer, "missing_episode"),
        (p.police_officer, "intelligence"),              # restricted: informant
        (p.nurse, "sexual_health_attendance"),           # restricted: sexual health
        (p.practitioner, "allegation"),                  # restricted: unproven allegation
        (p.housing_officer, "housing_contact"),
        (p.practitioner, "disclosure"),
    ])


def _add_entries(case: Case, makers: cycle[tuple[Actor, str]], count: int, start: int) -> None:
    today = timezone.localdate()
    for n in range(start, start + count):
        actor, event_type = next(makers)
        case_services.chronology_add(
            actor=actor, case=case, occurred_on=today - timedelta(days=n % 400),
            occurred_time=time(n % 24, 15) if n % 2 else None, event_type=event_type,
            summary=f"Event {n}: recorded by {actor.agency.name}.",
        )


@pytest.fixture
def heavy_case(partnership: Partnership) -> Case:
    """A hub case the school, police and housing belong to, with an approved grant."""
    p = partnership
    case = _open_case(p, _refer(p.school_lead))
    for agency in (p.police, p.housing):
        case_services.case_add_agency(actor=p.practitioner, case=case, agency_id=agency.pk)
    RestrictedAccessGrant.objects.create(  # no service grants access yet: the row it would write
        person=case.person, category=RestrictedCategory.UNPROVEN_ALLEGATION,
        user=p.practitioner.user, agency=p.hub, reason="Planning a strategy discussion.",
        approved_by=p.manager.user, approved_at=timezone.now(),
    )
    return case


def test_case_page_queries_do_not_grow_with_the_chronology(
    partnership: Partnership, heavy_case: Case, as_user: Any
) -> None:
    p = partnership
    url = reverse("cases:detail", args=[heavy_case.pk])
    views: dict[str, dict[str, Any]] = {
        "page 1": {},
        "page 2": {"page": 2},
        "filtered": {"agency": [p.police.pk, p.school.pk], "significance": ["high", "medium"]},
        "typed": {"event_type": ["missing_episode", "allegation"], "date_from": "01/01/2000"},
    }
    # Hub without restricted categories (masked entries, one grant), hub with one,
    # the manager with all, and a member agency (case visible through its membership).
    readers = {"practitioner": p.practitioner, "nurse": p.nurse, "manager": p.manager,
               "school": p.school_lead}
    makers = _entry_makers(p)

    _add_entries(heavy_case, makers, SMALL, start=0)
    small = {(who, view): _count(as_user(actor), url, params)
             for who, actor in readers.items() for view, params in views.items()}
    _add_entries(heavy_case, makers, LARGE - SMALL, start=SMALL)
    large = {(who, view): _count(as_user(actor), url, params)
             for who, actor in readers.items() for view, params in views.items()}

    assert heavy_case.person.chronology.count() == LARGE
    assert large == small, "the case page makes more queries when the chronology is longer"
    assert max(large.values()) <= CASE_PAGE_CEILING, large


def test_case_page_renders_every_entry_of_a_page_within_the_ceiling(
    partnership: Partnership, heavy_case: Case, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    """A full page of 100 entries from five agencies, restricted ones masked, in few queries."""
    _add_entries(heavy_case, _entry_makers(partnership), LARGE, start=0)
    client = as_user(partnership.practitioner)
    url = reverse("cases:detail", args=[heavy_case.pk])
    client.get(url)
    with django_assert_max_num_queries(CASE_PAGE_CEILING):
        response = client.get(url)
    body = response.content.decode()
    assert f"{LARGE} events" in body
    assert body.count('class="govuk-table__row"') == 100 + 1  # a page of entries + header
    assert "Restricted: Sexual health" in body  # masked for the practitioner
    assert "Allegation (not yet proven)" in body  # readable through the approved grant


# --- the person page -------------------------------------------------------------------


def _grow_person(p: Partnership, person: Person, rounds: int) -> None:
    """More of everything the person page lists: names, identifiers, addresses, contacts,
    needs, flags (written as the services would, with provenance: no service adds them to an
    existing person yet), and referrals, involvements and cases through the services."""
    said = {"source_agency": p.police, "recorded_by": p.police_officer.user, "source": "test"}
    for n in range(rounds):
        alias = f"Alias{n}"
        PersonName.objects.create(person=person, kind=NameKind.ALIAS, given_name=alias,
                                  family_name="Hollis", **name_fields(alias, "Hollis"), **said)
        Identifier.objects.create(person=person, scheme=IdentifierScheme.POLICE,
                                  value=f"NK/{1000 + n}", **said)
        Address.objects.create(person=person, line=f"{n + 1} Tanner's Row", postcode="NK1 2AB",
                               from_date=date(2020, 1, 1) + timedelta(days=30 * n), **said)
        ContactDetail.objects.create(person=person, kind=ContactKind.PHONE,
                                     value=f"+447700900{n:03d}", **said)
        CareNeed.objects.create(person=person, code="learning_disability", **said)
        StatusFlag.objects.create(person=person, code="looked_after_child", **said)
        for referrer in (p.school_lead, p.police_officer, p.housing_officer):
            if referrer is not p.school_lead:
                person_share(actor=p.practitioner, person=person, agency_id=referrer.agency.pk,
                             purpose="joint safeguarding work", lawful_basis="")
            referral = _refer(referrer, person=person)
            if referrer is p.police_officer:
                case = _open_case(p, referral)
                case_services.case_close(
                    actor=p.practitioner, case=case, reason="risk_reduced",
                    step_down_plan="Closed after review; the school keeps in touch.",
                )


def test_person_page_queries_do_not_grow_with_the_record(
    partnership: Partnership, as_user: Any
) -> None:
    p = partnership
    referral = _refer(
        p.school_lead, nhs_number=nhs_number(42), postcode="NK1 4AB",
        address_line="12 Canal Row", phone="07700 900123", email="jade.h@example.org",
        known_as="JJ",
    )
    person = referral.person
    _open_case(p, referral)
    url = reverse("people:detail", args=[person.pk])
    readers = {"practitioner": p.practitioner, "manager": p.manager, "school": p.school_lead}

    small = {who: _count(as_user(actor), url) for who, actor in readers.items()}
    _grow_person(p, person, rounds=6)
    large = {who: _count(as_user(actor), url) for who, actor in readers.items()}

    assert person.names.count() >= 8
    assert person.addresses.count() >= 7
    assert person.referrals.count() >= 19
    # A referral about someone whose case is closed reopens that case (closure without
    # abandonment), so the record grows by closures rather than by new cases.
    assert CaseClosure.objects.filter(case__person=person).count() >= 2
    assert large == small, "the person page makes more queries when the record is larger"
    assert max(large.values()) <= PERSON_PAGE_CEILING, large


def test_person_page_and_search_within_the_ceiling(
    partnership: Partnership, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    p = partnership
    people = [_refer(p.school_lead, given_name=f"Jade{n}", nhs_number=nhs_number(n),
                     postcode="NK2 3AB", address_line=f"{n} Mill Lane").person
              for n in range(30)]
    _grow_person(p, people[0], rounds=3)
    client = as_user(p.practitioner)
    detail = reverse("people:detail", args=[people[0].pk])
    client.get(detail)
    with django_assert_max_num_queries(PERSON_PAGE_CEILING):
        response = client.get(detail)
    assert "Alias2 Hollis" in response.content.decode()

    search = reverse("people:search")
    client.get(search, {"q": "Hollis"})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(search, {"q": "Hollis"})
    assert "or more people found" in response.content.decode()  # a full page of 25 results
    with CaptureQueriesContext(connection) as few:
        client.get(search, {"q": people[3].given_name + " Hollis"})
    assert len(ctx.captured_queries) == len(few.captured_queries) <= PERSON_PAGE_CEILING
