"""The access matrix, built from the URL configuration.

Every named URL must be classified below. A new URL that nobody classified fails
``test_every_url_is_classified``, so no page or endpoint can ship without saying who may
reach it. For every person-data URL: a user of an uninvolved agency, a board member and an
administrator are refused, the refusal is audited, and an involved user succeeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lantern.cases import services as case_services
from lantern.cases.models import Case, ChronologyEntry
from lantern.core.access import Actor
from lantern.core.models import AuditAction, AuditEvent
from lantern.people.models import Person
from lantern.referrals import services as referral_services
from lantern.referrals.models import Referral
from tests.conftest import Partnership
from tests.factories import new_person


@dataclass
class World:
    person: Person
    referral: Referral
    case: Case
    entry: ChronologyEntry


def _build_world(p: Partnership) -> World:
    referral = referral_services.referral_submit(
        actor=p.school_lead,
        new_person=new_person(given_name="Kayleigh", family_name="Matrixtest"),
        concern_categories=["going_missing"],
        what_was_seen="Seen getting into cars after school.",
        urgency="high",
    )
    decision = referral_services.triage_decide(
        actor=p.practitioner,
        referral=referral,
        outcome="hub_case",
        rationale="Several agencies hold concerns.",
    )
    assert decision.case is not None
    entry = case_services.chronology_add(
        actor=p.school_lead,
        case=decision.case,
        occurred_on=timezone.localdate() - timedelta(days=2),
        event_type="school_absence",
        summary="Absent two days.",
    )
    # A second, undecided referral so the decision page can be reached.
    open_referral = referral_services.referral_submit(
        actor=p.school_lead,
        person=referral.person,
        concern_categories=["online"],
        what_was_seen="Messages from an unknown adult.",
        urgency="standard",
    )
    return World(person=referral.person, referral=open_referral, case=decision.case, entry=entry)


Kwargs = Callable[[World], dict[str, Any]]

#: Pages and endpoints about one person's data: (kwargs, HTTP method).
OBJECT_ROUTES: dict[str, tuple[Kwargs, str]] = {
    "people:detail": (lambda w: {"pk": w.person.pk}, "get"),
    "referrals:new_for_person": (lambda w: {"person_pk": w.person.pk}, "get"),
    "referrals:detail": (lambda w: {"pk": w.referral.pk}, "get"),
    "referrals:decide": (lambda w: {"pk": w.referral.pk}, "get"),
    "cases:detail": (lambda w: {"pk": w.case.pk}, "get"),
    "cases:edit": (lambda w: {"pk": w.case.pk}, "get"),
    "cases:add_agency": (lambda w: {"pk": w.case.pk}, "get"),
    "cases:entry_new": (lambda w: {"pk": w.case.pk}, "get"),
    "cases:entry": (lambda w: {"pk": w.entry.pk}, "get"),
    "cases:entry_amend": (lambda w: {"pk": w.entry.pk}, "get"),
    "api-person-detail": (lambda w: {"pk": w.person.pk}, "get"),
    "api-referral-detail": (lambda w: {"pk": w.referral.pk}, "get"),
    "api-referral-decision": (lambda w: {"pk": w.referral.pk}, "post"),
    "api-case-detail": (lambda w: {"pk": w.case.pk}, "get"),
    "api-case-chronology": (lambda w: {"pk": w.case.pk}, "get"),
    "api-chronology-entry": (lambda w: {"pk": w.entry.pk}, "get"),
    "api-chronology-amend": (lambda w: {"pk": w.entry.pk}, "post"),
}

#: Lists and searches of person data: scoped for agencies, refused to board and admin.
LIST_ROUTES: dict[str, str] = {
    "people:search": "?q=Kayleigh",
    "referrals:list": "",
    "referrals:new": "?q=Kayleigh",
    "referrals:new_with_details": "",
    "cases:list": "?status=",
    "api-person-search": "?q=Kayleigh",
    "api-referral-list": "",
    "api-case-list": "?status=",
}

#: Hub casework only (triage): agencies, board and admin are all refused.
HUB_ROUTES: dict[str, str] = {
    "referrals:triage": "",
    "api-triage": "",
}

#: Not person data (sign-in, the schema, vocabularies, the home page) or Django's admin.
OPEN_ROUTES = {
    "home",
    "health",
    "accounts:login",
    "accounts:logout",
    "accounts:choose_role",
    "accounts:two_factor",
    "api-schema",
    "api-docs",
    "api-me",
    "api-event-types",
    "api-concern-categories",
    "api-person-duplicates",
}
OPEN_PREFIXES = ("admin:",)


def _names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            yield (
                f"{namespace}{entry.name}"
                if entry.name
                else f"{namespace}<unnamed {entry.pattern}>"
            )


def test_every_url_is_classified() -> None:
    classified = set(OBJECT_ROUTES) | set(LIST_ROUTES) | set(HUB_ROUTES) | OPEN_ROUTES
    unclassified = sorted(
        name
        for name in set(_names(get_resolver().url_patterns))
        if name not in classified and not name.startswith(OPEN_PREFIXES)
    )
    assert unclassified == [], f"Classify these URLs in the access matrix: {unclassified}"


def _request(client: Any, method: str, url: str) -> Any:
    if method == "post":
        return client.post(url, data={}, content_type="application/json")
    return client.get(url)


def _refusals() -> int:
    return AuditEvent.objects.filter(action=AuditAction.REFUSED).count()


REFUSED_ACTORS = ["housing_officer", "board", "admin"]


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
@pytest.mark.parametrize("who", REFUSED_ACTORS)
def test_object_routes_refuse_the_uninvolved(
    partnership: Partnership, as_user: Any, name: str, who: str
) -> None:
    world = _build_world(partnership)
    kwargs, method = OBJECT_ROUTES[name]
    actor: Actor = getattr(partnership, who)
    client = as_user(actor)
    before = _refusals()
    response = _request(client, method, reverse(name, kwargs=kwargs(world)))
    assert response.status_code in (403, 404), (name, who, response.status_code)
    assert world.person.family_name not in response.content.decode()
    assert _refusals() == before + 1, f"{name}: refusal of {who} was not audited"
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert last.username == actor.username


@pytest.mark.parametrize("name", sorted(k for k, v in OBJECT_ROUTES.items() if v[1] == "get"))
def test_object_routes_admit_the_hub(partnership: Partnership, as_user: Any, name: str) -> None:
    world = _build_world(partnership)
    kwargs, _ = OBJECT_ROUTES[name]
    response = as_user(partnership.practitioner).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200, (name, response.status_code)


@pytest.mark.parametrize(
    "name",
    [
        "people:detail",
        "cases:detail",
        "cases:entry",
        "referrals:detail",
        "api-person-detail",
        "api-case-chronology",
    ],
)
def test_involved_agency_is_admitted_and_the_read_audited(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    world = _build_world(partnership)
    kwargs, _ = OBJECT_ROUTES[name]
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    response = as_user(partnership.school_lead).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200, (name, response.status_code)
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() > before


@pytest.mark.parametrize("name", sorted(LIST_ROUTES))
def test_lists_hide_people_from_uninvolved_agencies(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    world = _build_world(partnership)
    url = reverse(name) + LIST_ROUTES[name]
    uninvolved = as_user(partnership.housing_officer).get(url)
    assert uninvolved.status_code == 200
    assert world.person.family_name not in uninvolved.content.decode()
    involved = as_user(partnership.school_lead).get(url)
    assert involved.status_code == 200
    if name != "referrals:new_with_details":  # an empty form: nothing to list
        assert world.person.family_name in involved.content.decode(), name


@pytest.mark.parametrize("name", sorted(LIST_ROUTES) + sorted(HUB_ROUTES))
@pytest.mark.parametrize("who", ["board", "admin"])
def test_lists_refuse_board_and_admin(
    partnership: Partnership, as_user: Any, name: str, who: str
) -> None:
    _build_world(partnership)
    url = reverse(name) + LIST_ROUTES.get(name, HUB_ROUTES.get(name, ""))
    before = _refusals()
    response = as_user(getattr(partnership, who)).get(url)
    assert response.status_code == 403, (name, who, response.status_code)
    assert _refusals() == before + 1


@pytest.mark.parametrize("name", sorted(HUB_ROUTES))
def test_triage_is_for_hub_caseworkers(partnership: Partnership, as_user: Any, name: str) -> None:
    _build_world(partnership)
    assert as_user(partnership.school_lead).get(reverse(name)).status_code == 403
    assert as_user(partnership.analyst).get(reverse(name)).status_code == 403
    response = as_user(partnership.practitioner).get(reverse(name))
    assert response.status_code == 200
    assert "Matrixtest" in response.content.decode()
