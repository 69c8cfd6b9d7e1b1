"""The process's graph catching up with the database cheaply: what other apps change about
people reaches it, an entity saved with nothing new is not a change, and an alert found
again unchanged is not saved again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantern.cases import services as case_services
from lantern.cases.models import Case
from lantern.intelligence import alerting, graphstore, services
from lantern.intelligence.engine.graph import AnalysisGraph
from lantern.intelligence.engine.model import Entity as GEntity
from lantern.intelligence.engine.model import Link as GLink
from lantern.intelligence.models import Alert, AlertStatus, EntityKind
from tests.factories import open_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_case_closed_in_another_app_reaches_the_graph(intel: Any) -> None:
    case = open_case(intel.p)
    entity = services.entity_for_person(actor=intel.p.analyst, person=case.person)
    assert graphstore.current().entity(entity.node_id).open_case
    case_services.case_close(
        actor=intel.p.practitioner,
        case=case,
        reason="risk_reduced",
        step_down_plan="Stepped down to the school's safeguarding lead.",
    )
    graph, changed = graphstore.store().refresh()
    assert not graph.entity(entity.node_id).open_case
    assert entity.node_id in changed


def test_the_hubs_knowledge_is_read_again_only_when_it_moved(intel: Any) -> None:
    case = open_case(intel.p)
    entity = services.entity_for_person(actor=intel.p.analyst, person=case.person)
    car = intel.entity(EntityKind.VEHICLE, "AB12 CDE")
    graphstore.current()
    intel.link(entity, car, "seen_in")
    with CaptureQueriesContext(connection) as queries:
        graphstore.store().refresh()
    # Nothing about people changed: no query reads the cases or screening levels themselves,
    # only when they last changed.
    reads = [q["sql"] for q in queries if "cases_case" in q["sql"]]
    assert reads
    assert all("MAX(" in sql.upper() for sql in reads), reads


def test_the_full_run_catches_a_change_committed_with_an_older_time(intel: Any) -> None:
    case = open_case(intel.p)
    entity = services.entity_for_person(actor=intel.p.analyst, person=case.person)
    open_case(intel.p, given_name="Mia", family_name="Stone")  # the latest change is hers
    assert graphstore.current().entity(entity.node_id).open_case
    # A transaction that began earlier commits late: its row carries a time before the
    # marks the graph has already seen.
    long_ago = timezone.now() - timedelta(days=1)
    Case.objects.filter(pk=case.pk).update(status="closed", updated_at=long_ago)
    graphstore.store().refresh()
    assert graphstore.current().entity(entity.node_id).open_case  # the marks did not move
    assert not graphstore.current(thorough=True).entity(entity.node_id).open_case
    alerting.run_all()
    assert not graphstore.current().entity(entity.node_id).open_case


def test_an_entity_saved_with_nothing_new_is_not_a_change() -> None:
    graph = AnalysisGraph.build(
        [
            GEntity(id="p", kind="person", label="Lee", status="person_of_concern"),
            GEntity(id="c", kind="vehicle", label="AB12 CDE"),
            GEntity(id="s", kind="person", label="Sam"),
        ],
        [
            GLink(id="l1", a="p", b="c", link_type="driver_of"),
            GLink(id="l2", a="s", b="c", link_type="seen_in"),
        ],
    )
    graph._journal = []
    assert not graph.update_entity(GEntity(id="c", kind="vehicle", label="AB12 CDE"))
    assert graph._journal == []
    assert graph.update_entity(GEntity(id="c", kind="vehicle", label="AB12 CDF"))
    assert graph._journal == [(graph._vindex["c"], False)]  # what is said at it, not who
    assert graph.update_entity(GEntity(id="s", kind="person", label="Sam", status="person_at_risk"))
    assert graph._journal[-1] == (graph._vindex["s"], True)  # a new status reads wide


def test_an_alert_found_again_unchanged_is_not_saved_again(intel: Any) -> None:
    poc = intel.entity(EntityKind.PERSON, "Adam Reeve")
    services.concern_mark(actor=intel.p.analyst, entity=poc)
    car = intel.entity(EntityKind.VEHICLE, "AB12 CDE")
    stranger = intel.entity(EntityKind.PERSON, "Lee Carver")
    intel.link(poc, car, "driver_of", grading="1AP")
    intel.link(stranger, car, "seen_in", grading="2BP")
    alert = Alert.objects.get(rule="shared_entity", subject=stranger)
    first = alert.last_evaluated_at
    with CaptureQueriesContext(connection) as queries:
        summary = alerting.evaluate_changes({stranger.node_id})
    assert summary.updated >= 1
    writes = [q["sql"] for q in queries if q["sql"].upper().startswith("UPDATE")]
    assert writes, "when it was last looked at is still written"
    assert all("explanation" not in sql for sql in writes), writes
    alert.refresh_from_db()
    assert alert.last_evaluated_at > first
    assert alert.status == AlertStatus.OPEN
    # New evidence changes the finding: that is saved.
    flat = intel.entity(EntityKind.LOCATION, "Flat 3, 12 Mill Street", subtype="flat")
    intel.link(poc, flat, "seen_at", grading="2BP")
    intel.link(stranger, flat, "seen_at", grading="2BP")
    alert.refresh_from_db()
    assert "Flat 3, 12 Mill Street" in alert.explanation


def test_the_built_graph_is_kept_out_of_full_collections(intel: Any) -> None:
    import gc

    intel.entity(EntityKind.VEHICLE, "AB12 CDE")
    graphstore.reset()
    assert gc.get_freeze_count() == 0
    graphstore.current()
    assert gc.get_freeze_count() > 0
    graphstore.reset()
    assert gc.get_freeze_count() == 0  # a graph let go can be collected
