"""The review page shows the people a pair would join, and what cannot be true of one."""

from __future__ import annotations

import pytest

from lantern.core.access import AccessRefused
from lantern.core.models import AuditAction, AuditEvent
from lantern.linkage import queries
from tests.conftest import Partnership
from tests.linkage import clusters_world

pytestmark = pytest.mark.django_db


def test_both_people_with_all_their_records_and_the_contradictions(
    partnership: Partnership,
) -> None:
    world = clusters_world.build(partnership)
    shown = queries.pair_clusters(partnership.practitioner, world.pair)
    police, housing = world.records["police"], world.records["housing"]
    school, school2 = world.records["school"], world.records["school2"]
    sides = {shown.left.person, shown.right.person}
    assert sides == {world.left, world.right}
    by_person = {shown.left.person: shown.left, shown.right.person: shown.right}
    assert {r.record.pk for r in by_person[world.left].records} == {police.pk, housing.pk}
    assert {r.record.pk for r in by_person[world.right].records} == {school.pk, school2.pk}
    rows = {r.record.pk: r for side in (shown.left, shown.right) for r in side.records}
    assert rows[police.pk].name == "Jade HOLLIS"  # as the police wrote it
    assert rows[police.pk].in_pair
    assert not rows[housing.pk].in_pair
    kinds = sorted(c.kind for c in shown.contradictions)
    # One NHS number pair (the same number twice counts once), DOBs: 14/02/2011 against
    # 14/02/2012 and against the year 2012 (2012 and 14/02/2012 can both be true).
    assert kinds == ["date_of_birth", "date_of_birth", "nhs_number"]
    # Every record holding one of the conflicting values is marked.
    assert rows[police.pk].contradicts == {"nhs_number", "date_of_birth"}
    assert rows[housing.pk].contradicts == {"nhs_number", "date_of_birth"}
    assert rows[school2.pk].contradicts == {"nhs_number", "date_of_birth"}
    assert rows[school.pk].contradicts == {"date_of_birth"}
    reads = AuditEvent.objects.filter(
        action=AuditAction.VIEW, purpose="clerical review: the people a pair would join"
    )
    assert {e.person_id for e in reads} == {world.left.pk, world.right.pk}


def test_only_the_hub_sees_them(partnership: Partnership) -> None:
    world = clusters_world.build(partnership)
    with pytest.raises(AccessRefused):
        queries.pair_clusters(partnership.school_lead, world.pair)
