"""Recording intelligence: entities deduplicated on entry, graded links, withdrawal, persons
of concern, disruption; each through the services that pages, API and commands share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lantern.core.access import AccessRefused
from lantern.core.errors import InvalidError
from lantern.core.models import AuditEvent
from lantern.intelligence import graphstore, services
from lantern.intelligence.models import Disruption, EntityKind, Link

pytestmark = pytest.mark.django_db


def test_the_same_registration_is_refused_as_already_recorded(intel: Any) -> None:
    car = intel.entity(EntityKind.VEHICLE, "ab12 cde", subtype="Ford", colour="Silver")
    assert car.label == "AB12 CDE"
    with pytest.raises(services.PossibleDuplicateEntitiesError) as err:
        intel.entity(EntityKind.VEHICLE, "AB12CDE")
    assert err.value.exact
    assert err.value.candidates == [car]


def test_the_same_number_written_differently_is_the_same_phone(intel: Any) -> None:
    phone = intel.entity(EntityKind.PHONE, "07700 900123")
    with pytest.raises(services.PossibleDuplicateEntitiesError):
        intel.entity(EntityKind.PHONE, "+44 7700 900123")
    assert phone.key == "+447700900123"


def test_a_place_at_the_same_postcode_is_shown_first_and_kept_apart_on_confirmation(
    intel: Any,
) -> None:
    first = intel.entity(EntityKind.LOCATION, "Kebab King", subtype="takeaway", postcode="LS1 4AP")
    details = services.EntityDetails(
        kind=EntityKind.LOCATION, label="Kebab Kings", subtype="takeaway", postcode="ls14ap"
    )
    with pytest.raises(services.PossibleDuplicateEntitiesError) as err:
        services.entity_create(actor=intel.p.analyst, details=details)
    assert err.value.candidates == [first]
    assert not err.value.exact
    second = services.entity_create(actor=intel.p.analyst, details=details, confirm_new=True)
    assert second.pk != first.pk


def test_bad_values_are_named(intel: Any) -> None:
    with pytest.raises(InvalidError) as err:
        intel.entity(EntityKind.VEHICLE, "not a reg")
    assert "label" in err.value.message_dict
    with pytest.raises(InvalidError) as err:
        intel.entity(EntityKind.LOCATION, "Somewhere", subtype="spaceport")
    assert "subtype" in err.value.message_dict


def test_a_link_must_fit_its_type_and_carries_its_grading(intel: Any) -> None:
    man = intel.entity(EntityKind.PERSON, "Adam Reeve")
    car = intel.entity(EntityKind.VEHICLE, "AB12 CDE")
    with pytest.raises(InvalidError) as err:
        intel.link(man, car, "lives_at")
    assert "link_type" in err.value.message_dict
    link = intel.link(man, car, "driver_of", grading="1AP")
    assert link.grading == "1AP"
    assert link.agency == intel.p.analyst.agency
    event = AuditEvent.objects.filter(event="intel_link.added").last()
    assert event is not None
    assert event.object_id == str(link.pk)


def test_handling_code_c_needs_the_category(intel: Any) -> None:
    man = intel.entity(EntityKind.PERSON, "Adam Reeve")
    phone = intel.entity(EntityKind.PHONE, "07700 900123")
    with pytest.raises(InvalidError) as err:
        intel.link(man, phone, "uses", actor=intel.police_analyst, grading="2BC")
    assert "handling" in err.value.message_dict
    link = intel.link(man, phone, "uses", actor=intel.police_analyst_c, grading="2BC")
    assert link.handling == "C"


def test_a_withdrawn_link_leaves_the_network_and_keeps_its_record(intel: Any) -> None:
    man = intel.entity(EntityKind.PERSON, "Adam Reeve")
    car = intel.entity(EntityKind.VEHICLE, "AB12 CDE")
    link = intel.link(man, car, "driver_of")
    graph = graphstore.current()
    assert {e.id for e in graph.ego(man.node_id, depth=1).entities} == {man.node_id, car.node_id}
    with pytest.raises(InvalidError):
        services.link_withdraw(actor=intel.p.analyst, link=link, reason=" ")
    services.link_withdraw(actor=intel.p.analyst, link=link, reason="Wrong vehicle: misread plate")
    graph = graphstore.current()
    assert {e.id for e in graph.ego(man.node_id, depth=1).entities} == {man.node_id}
    kept = Link.objects.get(pk=link.pk)
    assert kept.withdrawn_at is not None
    assert kept.withdrawal_reason.startswith("Wrong vehicle")


def test_person_of_concern_profile_and_disruption(intel: Any) -> None:
    man = intel.entity(EntityKind.PERSON, "Adam Reeve")
    with pytest.raises(InvalidError):
        services.concern_mark(actor=intel.p.analyst, entity=man, modus_operandi=["not_a_tag"])
    profile = services.concern_mark(
        actor=intel.p.analyst,
        entity=man,
        aliases=["Ads", "Ads", " "],
        modus_operandi=["transport", "gifts_and_debt"],
    )
    assert profile.aliases == ["Ads"]
    assert graphstore.current().entity(man.node_id).status == "person_of_concern"
    with pytest.raises(InvalidError):
        services.disruption_record(
            actor=intel.p.analyst,
            subject=man,
            activity="premises_closure_notice",
            occurred_on=timezone.localdate(),
        )
    item = services.disruption_record(
        actor=intel.p.analyst,
        subject=man,
        activity="cawn",
        occurred_on=timezone.localdate() - timedelta(days=3),
        outcome="Served; no contact since",
    )
    assert Disruption.objects.get(pk=item.pk).activity_label == "Child abduction warning notice"
    services.concern_end(actor=intel.p.analyst, entity=man, reason="Convicted and in custody")
    assert graphstore.current().entity(man.node_id).status == ""


def test_a_contributor_cannot_record_intelligence(intel: Any) -> None:
    for actor in (intel.p.school_lead, intel.p.police_officer, intel.p.board, intel.p.admin):
        with pytest.raises(AccessRefused):
            intel.entity(EntityKind.VEHICLE, "XY12 ZZZ", actor=actor)


def test_a_hub_person_is_a_person_at_risk_in_the_graph(intel: Any) -> None:
    from tests.factories import open_case

    case = open_case(intel.p)
    entity = services.entity_for_person(actor=intel.p.analyst, person=case.person)
    node = graphstore.current().entity(entity.node_id)
    assert node.status == "person_at_risk"
    assert node.open_case
