"""A small intelligence world for access tests: a person of concern with a car, a person
at risk seen in it, a second at-risk person (so an alert exists), a plan and an action."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from lantern.actions.models import Action
from lantern.core.access import Actor, Role
from lantern.intelligence import graphstore, services
from lantern.intelligence.models import (
    Alert,
    DisruptionPlan,
    Entity,
    EntityKind,
    Link,
)
from tests.conftest import Partnership
from tests.factories import make_actor


@dataclass
class IntelWorld:
    concern: Entity
    link: Link
    alert: Alert
    plan: DisruptionPlan
    action: Action
    police_analyst: Actor


def build_intel_world(p: Partnership) -> IntelWorld:
    graphstore.reset()
    actor = p.analyst

    def entity(kind: str, label: str, **kw: object) -> Entity:
        return services.entity_create(
            actor=actor,
            details=services.EntityDetails(kind=kind, label=label),
            confirm_new=True,
            **kw,  # type: ignore[arg-type]
        )

    def link(a: Entity, b: Entity, kind: str) -> Link:
        return services.link_add(
            actor=actor,
            details=services.LinkDetails(
                from_entity=a,
                to_entity=b,
                link_type=kind,
                source_eval="1",
                intel_assessment="A",
                date_from=timezone.localdate(),
                source_reference="IR/1",
            ),
        )

    concern = entity(EntityKind.PERSON, "Adam Reevematrix")
    services.concern_mark(actor=actor, entity=concern)
    car = entity(EntityKind.VEHICLE, "AB12 CDE")
    first = entity(EntityKind.PERSON, "Kayla Moss", at_risk=True)
    second = entity(EntityKind.PERSON, "Tia Bright", at_risk=True)
    driver = link(concern, car, "driver_of")
    link(first, car, "seen_in")
    link(second, car, "seen_in")
    from lantern.intelligence import alerting

    alerting.run_all()
    alert = Alert.objects.filter(subject=concern).first()
    assert alert is not None, "the world's alert was not raised"
    plan = services.disruption_plan_create(actor=actor, subject=concern, objective="Stop the lifts")
    action = services.disruption_action_add(
        actor=actor,
        plan=plan,
        title="Vehicle stop",
        owner_agency_id=p.police.pk,
        due_working_days=5,
    )
    return IntelWorld(
        concern=concern,
        link=driver,
        alert=alert,
        plan=plan,
        action=action,
        police_analyst=make_actor(p.police, Role.ANALYST, user__username="police_analyst"),
    )
