"""The demo city's response to its networks: disruption recorded (some with outcomes),
disruption plans whose actions are real actions (one done with its outcome), and alerts
decided, so the board's intelligence figures and a panel's accepted alerts show something."""

from __future__ import annotations

import pytest

from lantern.actions.models import Action, ActionStatus
from lantern.intelligence.models import AlertStatus, Disruption, DisruptionPlan
from lantern.intelligence.synth import add_networks
from lantern.synth.generator import CityConfig, build_city


@pytest.mark.django_db
def test_the_demo_city_disrupts_plans_and_decides_alerts() -> None:
    build_city(CityConfig(seed=3, people=150, heavy_case_entries=0))
    report = add_networks(seed=3, people=600)
    assert report.disruptions == Disruption.objects.count() > 0
    assert Disruption.objects.exclude(outcome="").exists()
    assert Disruption.objects.filter(outcome="").exists() or report.disruptions < 4
    assert report.plans == DisruptionPlan.objects.count() > 0
    actions = Action.objects.filter(source_kind="disruption_plan")
    assert actions.count() == report.plan_actions > 0
    assert set(actions.values_list("source_id", flat=True)) <= set(
        DisruptionPlan.objects.values_list("pk", flat=True)
    )
    done = actions.filter(status=ActionStatus.DONE)
    assert done.count() == 1
    assert done.get().outcome
    assert report.alerts_decided >= 1
    from lantern.intelligence.models import Alert

    assert (
        Alert.objects.filter(status__in=(AlertStatus.ACCEPTED, AlertStatus.DISMISSED)).count()
        == report.alerts_decided
    )
