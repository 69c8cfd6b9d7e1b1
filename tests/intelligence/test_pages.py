"""Pages, exports and what each membership is shown: handling code C, persons at risk's
names, and the audit of every network read."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import igraph
import networkx
import pytest
from django.urls import reverse

from lantern.core.models import AuditEvent
from lantern.intelligence import exports
from lantern.intelligence.models import Entity, EntityKind
from tests.intelligence.world import build_intel_world

pytestmark = pytest.mark.django_db


def test_a_c_graded_link_is_shown_only_to_memberships_holding_c(intel: Any, as_user: Any) -> None:
    man = intel.entity(EntityKind.PERSON, "Adam Reeve")
    phone = intel.entity(EntityKind.PHONE, "07700 900123")
    secret = intel.link(man, phone, "uses", actor=intel.police_analyst_c, grading="2BC")
    url = reverse("intelligence:chart_data", args=[man.pk])
    plain = as_user(intel.police_analyst).get(url).json()
    assert [n["label"] for n in plain["entities"]] == ["Adam Reeve"]
    assert plain["links"] == []
    holder = as_user(intel.police_analyst_c).get(url).json()
    assert {n["label"] for n in holder["entities"]} == {"Adam Reeve", "+447700900123"}
    link_page = reverse("intelligence:link", args=[secret.pk])
    assert as_user(intel.police_analyst).get(link_page).status_code == 403
    assert as_user(intel.police_analyst_c).get(link_page).status_code == 200
    entity_page = as_user(intel.police_analyst).get(reverse("intelligence:entity", args=[man.pk]))
    assert "07700" not in entity_page.content.decode()
    assert "+44" not in entity_page.content.decode()


def test_a_person_at_risk_is_named_only_to_those_who_may_read_them(
    intel: Any, as_user: Any
) -> None:
    from lantern.intelligence import services
    from tests.factories import open_case

    case = open_case(intel.p, given_name="Skye", family_name="Hiddenname")
    person = services.entity_for_person(actor=intel.p.analyst, person=case.person)
    car = intel.entity(EntityKind.VEHICLE, "AB12 CDE")
    intel.link(person, car, "seen_in")
    url = reverse("intelligence:chart_data", args=[car.pk])
    hub = as_user(intel.p.practitioner).get(url).content.decode()
    assert "Hiddenname" in hub
    police = as_user(intel.police_analyst).get(url).content.decode()
    assert "Hiddenname" not in police
    assert "name withheld" in police


def test_every_network_read_is_audited_with_what_was_shown(intel: Any, as_user: Any) -> None:
    world = build_intel_world(intel.p)
    as_user(intel.p.analyst).get(reverse("intelligence:chart_data", args=[world.concern.pk]))
    event = AuditEvent.objects.filter(event="network.viewed").order_by("-pk").first()
    assert event is not None
    assert event.object_id == str(world.concern.pk)
    assert world.concern.node_id in event.detail["entities"]
    assert world.link.node_id in event.detail["links"]


def test_graphml_round_trips_through_igraph_and_networkx(
    intel: Any, as_user: Any, tmp_path: Any
) -> None:
    world = build_intel_world(intel.p)
    response = as_user(intel.p.analyst).get(
        reverse("intelligence:export", args=[world.concern.pk, "graphml"]) + "?depth=2"
    )
    assert response.status_code == 200
    path = tmp_path / "chart.graphml"
    path.write_bytes(response.content)
    g = igraph.Graph.Read_GraphML(str(path))
    nx = networkx.read_graphml(path)
    assert g.vcount() == nx.number_of_nodes() == 4
    assert g.ecount() == nx.number_of_edges() == 3
    assert set(g.vs["label"]) >= {"Adam Reevematrix", "AB12 CDE"}
    assert AuditEvent.objects.filter(event="network.exported").exists()


def test_the_i2_export_has_the_documented_columns(intel: Any, as_user: Any) -> None:
    world = build_intel_world(intel.p)
    response = as_user(intel.p.analyst).get(
        reverse("intelligence:export", args=[world.concern.pk, "i2"])
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        entities = z.read("entities.csv").decode().splitlines()
        links = z.read("links.csv").decode().splitlines()
    assert entities[0].split(",") == exports.I2_ENTITY_COLUMNS
    assert links[0].split(",") == exports.I2_LINK_COLUMNS
    assert len(entities) == 5
    assert len(links) == 4


def test_the_pages_show_the_network(intel: Any, as_user: Any) -> None:
    world = build_intel_world(intel.p)
    client = as_user(intel.p.analyst)
    entity = client.get(reverse("intelligence:entity", args=[world.concern.pk])).content.decode()
    assert "Person of concern" in entity
    assert "AB12 CDE" in entity
    network = client.get(reverse("intelligence:network")).content.decode()
    assert "Adam Reevematrix" in network
    alerts = client.get(reverse("intelligence:alerts")).content.decode()
    assert "Adam Reevematrix" in alerts
    alert = client.get(reverse("intelligence:alert", args=[world.alert.pk])).content.decode()
    assert "Kayla Moss" in alert
    assert "Tia Bright" in alert
    paths = client.get(
        reverse("intelligence:network"),
        {"a": world.concern.pk, "b": Entity.objects.get(label="Tia Bright").pk},
    ).content.decode()
    assert "AB12 CDE" in paths
    assert "graded 1AP" in paths


def test_a_form_keeps_what_was_typed_when_refused(intel: Any, as_user: Any) -> None:
    response = as_user(intel.p.analyst).post(
        reverse("intelligence:entity_new") + "?kind=vehicle",
        {"kind": "vehicle", "label": "NOT A PLATE", "subtype": "Ford", "colour": "Blue"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "NOT A PLATE" in body
    assert "Blue" in body
    assert "Enter a UK vehicle registration" in body
