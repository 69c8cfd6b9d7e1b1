"""A person of concern's structured profile: what is recorded, what is worked out (age at
first concern, places and vehicles, disruption and what followed), who may see and change
it, and the audit of every read and change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.core.models import AuditAction, AuditEvent
from lantern.intelligence import queries, services
from lantern.intelligence.models import Entity, EntityKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _concern(intel: Any, label: str = "Dean Profiletest", dob: date | None = None) -> Entity:
    man = intel.entity(EntityKind.PERSON, label, date_of_birth=dob)
    services.concern_mark(actor=intel.p.analyst, entity=man)
    return man


def test_the_derived_profile_follows_from_links_and_disruption(intel: Any) -> None:
    dob = TODAY - timedelta(days=365 * 30 + 200)
    man = _concern(intel, dob=dob)
    flat = intel.entity(EntityKind.LOCATION, "Flat 3, Tanner's Row", subtype="flat")
    car = intel.entity(EntityKind.VEHICLE, "AB12 CDE")
    victim = intel.entity(EntityKind.PERSON, "Kayla Profilerisk", at_risk=True)
    first_link = TODAY - timedelta(days=400)
    intel.link(man, flat, "seen_at", when=first_link)
    intel.link(man, car, "driver_of", when=TODAY - timedelta(days=350))
    intel.link(victim, car, "seen_in", when=TODAY - timedelta(days=340))
    # Disruption 300 days ago: a link 20 days later follows it.
    services.disruption_record(
        actor=intel.p.analyst, subject=man, activity="cawn", occurred_on=TODAY - timedelta(days=300)
    )
    other_place = intel.entity(EntityKind.LOCATION, "Station Road hotel", subtype="hotel")
    intel.link(man, other_place, "seen_at", when=TODAY - timedelta(days=280))
    # Disruption 200 days ago: nothing in the 90 days after it.
    services.disruption_record(
        actor=intel.p.analyst,
        subject=man,
        activity="arrest",
        occurred_on=TODAY - timedelta(days=200),
    )
    # Disruption 10 days ago: the window is still open.
    services.disruption_record(
        actor=intel.p.analyst,
        subject=man,
        activity="charge",
        occurred_on=TODAY - timedelta(days=10),
    )
    facts = queries.profile_page(intel.p.analyst, man.pk)
    assert facts.first_concern_on == first_link
    expected_age = (first_link - dob).days // 365
    assert facts.age_at_first_concern in (expected_age - 1, expected_age)
    assert [p.label for p in facts.places] == ["Flat 3, Tanner's Row", "Station Road hotel"]
    assert [v.label for v in facts.vehicles] == ["AB12 CDE"]
    assert [o.outcome for o in facts.disruptions] == ["new_links", "no_new_links", "too_soon"]
    assert facts.disruptions[0].new_links[0].to_entity == other_place


def test_an_earlier_first_concern_recorded_by_the_analyst_wins(intel: Any) -> None:
    man = _concern(intel)
    earlier = TODAY - timedelta(days=3000)
    services.profile_update(
        actor=intel.p.analyst,
        entity=man,
        details=services.ProfileDetails(
            sex="male",
            group_role="recruiter",
            victim_approaches=["social_media", "parties"],
            first_concern_on=earlier,
        ),
    )
    facts = queries.profile_page(intel.p.analyst, man.pk)
    assert facts.first_concern_on == earlier
    assert facts.concern.group_role == "recruiter"
    assert facts.age_at_first_concern is None  # no date of birth


def test_the_profile_refuses_unknown_codes_and_future_dates(intel: Any) -> None:
    man = _concern(intel)
    with pytest.raises(InvalidError) as caught:
        services.profile_update(
            actor=intel.p.analyst,
            entity=man,
            details=services.ProfileDetails(
                sex="x",
                group_role="kingpin",
                victim_approaches=["telepathy"],
                first_concern_on=TODAY + timedelta(days=1),
            ),
        )
    assert set(caught.value.message_dict) == {
        "sex",
        "group_role",
        "victim_approaches",
        "first_concern_on",
    }


def test_the_edit_form_keeps_what_was_typed_on_error(intel: Any, as_user: Any) -> None:
    man = _concern(intel)
    url = reverse("intelligence:profile_edit", args=[man.pk])
    future = (TODAY + timedelta(days=30)).isoformat()
    response = as_user(intel.p.analyst).post(
        url,
        {
            "sex": "male",
            "group_role": "organiser",
            "victim_approaches": ["gaming"],
            "first_concern_on": future,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be in the future" in html
    assert future in html
    assert 'value="organiser" selected' in html
    assert 'value="gaming" checked' in html


def test_an_earlier_contact_is_recorded_and_shown(intel: Any, as_user: Any) -> None:
    man = _concern(intel)
    client = as_user(intel.p.practitioner)
    url = reverse("intelligence:earlier_contact_new", args=[man.pk])
    response = client.post(
        url,
        {
            "occurred_on": (TODAY - timedelta(days=900)).isoformat(),
            "contact_type": "licensing",
            "agency": "",
            "service_name": "Northwick council taxi licensing",
            "what_happened": "Licence renewed despite a complaint about young passengers.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("intelligence:profile", args=[man.pk])).content.decode()
    assert "Northwick council taxi licensing" in page
    assert "Licensing contact" in page
    event = AuditEvent.objects.filter(event=Event.INTEL_EARLIER_CONTACT_ADDED.value).get()
    assert event.object_type == "person_of_concern"
    assert event.object_id == str(man.pk)


def test_an_earlier_contact_needs_a_service_and_what_happened(intel: Any) -> None:
    man = _concern(intel)
    with pytest.raises(InvalidError) as caught:
        services.earlier_contact_add(
            actor=intel.p.analyst,
            entity=man,
            occurred_on=None,
            contact_type="nope",
            what_happened=" ",
        )
    assert set(caught.value.message_dict) == {
        "occurred_on",
        "contact_type",
        "agency",
        "what_happened",
    }


def test_every_read_and_change_of_the_profile_is_audited(intel: Any, as_user: Any) -> None:
    man = _concern(intel)
    client = as_user(intel.police_analyst)
    assert client.get(reverse("intelligence:profile", args=[man.pk])).status_code == 200
    viewed = AuditEvent.objects.filter(event=Event.INTEL_PROFILE_VIEWED.value).get()
    assert (viewed.username, viewed.object_type, viewed.object_id) == (
        "pa",
        "person_of_concern",
        str(man.pk),
    )
    response = client.post(
        reverse("intelligence:profile_edit", args=[man.pk]),
        {"sex": "male", "group_role": "controller", "victim_approaches": ["street"]},
    )
    assert response.status_code == 302
    changed = AuditEvent.objects.filter(event=Event.INTEL_PROFILE_UPDATED.value).get()
    assert changed.detail["changed"] == ["group_role", "sex", "victim_approaches"]
    api = client.get(reverse("api-intel-profile", args=[man.pk]))
    assert api.status_code == 200
    assert api.json()["group_role"] == "controller"
    assert AuditEvent.objects.filter(event=Event.INTEL_PROFILE_VIEWED.value).count() == 2


@pytest.mark.parametrize("who", ["school_lead", "police_officer", "board", "admin"])
@pytest.mark.parametrize("name", ["intelligence:profile", "intelligence:profile_edit"])
def test_the_profile_is_refused_outside_the_intelligence_roles(
    intel: Any, as_user: Any, who: str, name: str
) -> None:
    man = _concern(intel)
    before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
    response = as_user(getattr(intel.p, who)).get(reverse(name, args=[man.pk]))
    assert response.status_code == 403
    assert "Profiletest" not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before + 1


def test_a_handling_c_link_is_left_out_of_the_profile_for_non_holders(intel: Any) -> None:
    man = _concern(intel)
    hideout = intel.entity(EntityKind.LOCATION, "Quayside unit", subtype="house")
    intel.link(man, hideout, "seen_at", actor=intel.police_analyst_c, grading="2BC")
    assert queries.profile_page(intel.police_analyst, man.pk).places == []
    assert [p.label for p in queries.profile_page(intel.police_analyst_c, man.pk).places] == [
        "Quayside unit"
    ]


def test_a_place_that_is_not_a_person_of_concern_has_no_profile(intel: Any, as_user: Any) -> None:
    flat = intel.entity(EntityKind.LOCATION, "Flat 9", subtype="flat")
    response = as_user(intel.p.analyst).get(reverse("intelligence:profile", args=[flat.pk]))
    assert response.status_code == 404
