"""A disruption plan's actions are real actions: in the owning agency's list and My work,
overdue and chased like any other, never closed without an outcome; the migration copies the
old rows across and back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from lantern.actions import queries as action_queries
from lantern.actions import services as action_services
from lantern.actions.models import Action, ActionStatus
from lantern.core.access import AccessRefused
from lantern.core.errors import InvalidError
from lantern.core.worklists import my_work
from lantern.intelligence import services
from tests.conftest import Partnership
from tests.intelligence.world import IntelWorld, build_intel_world


@pytest.fixture
def world(partnership: Partnership) -> IntelWorld:
    return build_intel_world(partnership)


def test_a_plan_action_is_an_action_from_the_plan(
    world: IntelWorld, partnership: Partnership
) -> None:
    action = Action.objects.get(pk=world.action.pk)
    assert (action.source_kind, action.source_id) == ("disruption_plan", world.plan.pk)
    assert action.source_label == "Disruption plan"
    assert action.owner_agency_id == partnership.police.pk
    assert action.person_id is None
    # The label names no one: the owning agency may not read intelligence.
    assert "Reevematrix" not in action.source_label


def test_it_is_in_the_owning_agencys_list_and_my_work(
    world: IntelWorld, partnership: Partnership
) -> None:
    officer = partnership.police_officer  # a contributor: reads no intelligence
    # Due in two days (My work shows what is due within a week, whatever today's weekday).
    Action.objects.filter(pk=world.action.pk).update(
        due_on=timezone.localdate() + timedelta(days=2)
    )
    listed = action_queries.action_list(officer, scope="agency")
    assert world.action.pk in {a.pk for a in listed}
    items = [i for i in my_work(officer) if i.kind == "action"]
    assert [i.url for i in items] == [reverse("actions:detail", args=[world.action.pk])]
    assert "Disruption plan" in items[0].detail


def test_it_goes_overdue_and_can_be_chased(world: IntelWorld, partnership: Partnership) -> None:
    Action.objects.filter(pk=world.action.pk).update(
        due_on=timezone.localdate() - timedelta(days=10)
    )
    groups = {g.agency.pk: g for g in action_queries.overdue_by_agency(partnership.manager)}
    assert world.action.pk in {a.pk for a in groups[partnership.police.pk].actions}
    chased = action_services.action_chase_agency(
        actor=partnership.manager, agency_id=partnership.police.pk, note="Please update"
    )
    assert chased == 1


def test_it_cannot_be_closed_without_an_outcome(
    world: IntelWorld, partnership: Partnership
) -> None:
    with pytest.raises(InvalidError):
        action_services.action_update(
            actor=partnership.police_officer, action=world.action, status=ActionStatus.DONE
        )
    done = action_services.action_update(
        actor=partnership.police_officer,
        action=world.action,
        status=ActionStatus.DONE,
        outcome="Vehicle stopped; driver spoken to.",
    )
    assert done.status == ActionStatus.DONE


def test_only_those_who_set_actions_add_them_to_a_plan(world: IntelWorld) -> None:
    """Police analysts read intelligence, but actions are set by the hub."""
    with pytest.raises(AccessRefused):
        services.disruption_action_add(
            actor=world.police_analyst,
            plan=world.plan,
            title="Licensing visit",
            owner_agency_id=world.plan.created_by_agency_id,
            due_working_days=3,
        )


def test_plan_page_lists_and_adds_actions(
    world: IntelWorld, partnership: Partnership, as_user: Any
) -> None:
    client = as_user(partnership.practitioner)
    url = reverse("intelligence:plan", args=[world.plan.pk])
    page = client.get(url).content.decode()
    assert world.action.reference in page
    assert "Vehicle stop" in page
    refused = client.post(url, {"action-title": "Licensing review", "action-owner_agency": ""})
    assert refused.status_code == 200
    assert not Action.objects.filter(title="Licensing review").exists()
    added = client.post(
        url,
        {
            "action-title": "Licensing review",
            "action-owner_agency": partnership.housing.pk,
            "action-due_working_days": "5",
        },
    )
    assert added.status_code == 302
    action = Action.objects.get(title="Licensing review")
    assert (action.source_kind, action.source_id) == ("disruption_plan", world.plan.pk)


@pytest.mark.django_db(transaction=True)
def test_migration_copies_disruption_actions_into_actions_and_back(
    partnership: Partnership,
) -> None:
    executor = MigrationExecutor(connection)
    before = [("intelligence", "0001_initial")]
    after = [("intelligence", "0003_disruption_actions_to_actions")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    plan_model = old_apps.get_model("intelligence", "DisruptionPlan")
    entity_model = old_apps.get_model("intelligence", "Entity")
    old_action = old_apps.get_model("intelligence", "DisruptionAction")
    subject = entity_model.objects.create(kind="vehicle", label="XY99 ZZZ", key="XY99ZZZ")
    plan = plan_model.objects.create(
        subject=subject,
        objective="Stop the lifts",
        review_on=timezone.localdate() + timedelta(days=30),
        created_by_id=partnership.analyst.user.pk,
        created_by_agency_id=partnership.hub.pk,
    )
    old_action.objects.create(
        plan=plan,
        description="ANPR marker",
        owner_agency_id=partnership.police.pk,
        owner_name="DS Hale",
        due_on=timezone.localdate(),
    )
    old_action.objects.create(
        plan=plan,
        description="Taxi licensing check",
        owner_agency_id=partnership.housing.pk,
        done_on=timezone.localdate(),
        outcome="Licence suspended.",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    copied = {a.title: a for a in Action.objects.filter(source_kind="disruption_plan")}
    assert set(copied) == {"ANPR marker (owner: DS Hale)", "Taxi licensing check"}
    assert all(a.source_id == plan.pk for a in copied.values())
    done = copied["Taxi licensing check"]
    assert (done.status, done.outcome) == ("done", "Licence suspended.")
    assert done.due_on == plan.review_on  # no due date: the plan's review date
    assert copied["ANPR marker (owner: DS Hale)"].status == "open"
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    assert old_action.objects.count() == 2
    assert old_action.objects.get(description="Taxi licensing check").done_on is not None
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    # Forward again: the two rows the reverse restored are copied once more, no more.
    assert Action.objects.filter(source_kind="disruption_plan").count() == 2
