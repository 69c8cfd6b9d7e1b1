"""The access policy as one table: generated documentation, and checks that agree with it."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from lantern.cases.models import Case
from lantern.core import access
from lantern.core.access import HUB, INVOLVED, OTHER, Actor, Decision, Role
from lantern.core.models import AuditAction, AuditEvent
from lantern.people.access import person_read, visible_people
from lantern.people.models import Person
from lantern.referrals import services as referral_services
from lantern.referrals.access import REFERRER, referral_read, visible_referrals
from lantern.referrals.models import Referral
from tests.conftest import Partnership
from tests.factories import new_person

DOCS = Path(__file__).resolve().parents[2] / "docs" / "access.md"


def test_docs_access_md_is_the_generated_policy() -> None:
    out = StringIO()
    call_command("access", "matrix", "--markdown", stdout=out)
    assert DOCS.read_text(encoding="utf-8") == out.getvalue(), (
        "docs/access.md is out of date: run lantern access matrix --markdown --out docs/access.md"
    )


def test_every_rule_answers_for_every_role_and_relation() -> None:
    kinds = {r.kind for r in access.rules()}
    assert {"person", "referral", "case", "restricted entry", "agency extract"} <= kinds
    for r in access.rules():
        for role in Role:
            for relation in r.relations:
                assert isinstance(r.decide(role.value, relation), Decision)
        assert r.summary, f"{r.name} needs a docstring: it is the policy's own words"


def test_board_and_administrators_never_read_person_data() -> None:
    for row in access.matrix():
        if row.kind in ("person", "case", "referral", "restricted entry"):
            assert row.cells[Role.BOARD] in ("refused", "—")
            assert row.cells[Role.ADMINISTRATOR] in ("refused", "—")


def _relations(actor: Actor, involved_agency_id: int) -> tuple[str, ...]:
    held = [HUB] if actor.is_hub else []
    held.append(INVOLVED if actor.agency.pk == involved_agency_id else OTHER)
    return tuple(held)


def _school_referral(p: Partnership) -> Referral:
    """A new person referred by the school: involved is the school, and the hub sees all."""
    return referral_services.referral_submit(
        actor=p.school_lead,
        new_person=new_person(given_name="Tia", family_name="Policytest"),
        concern_categories=["going_missing"],
        what_was_seen="Seen getting into cars after school.",
        urgency="standard",
    )


@pytest.mark.django_db
def test_who_sees_a_person_is_what_the_table_says(partnership: Partnership) -> None:
    p = partnership
    referral = _school_referral(p)
    person = referral.person
    actors = [
        p.practitioner, p.manager, p.analyst, p.school_lead, p.police_officer,
        p.housing_officer, p.board, p.admin,
    ]  # fmt: skip
    for actor in actors:
        held = _relations(actor, p.school.pk)
        expected = any(access.allows(person_read, actor, relation) for relation in held)
        assert visible_people(actor).filter(pk=person.pk).exists() is expected, actor.describe()
        assert access.visible(actor, Person).filter(pk=person.pk).exists() is expected
        referral_relations = tuple(REFERRER if r == INVOLVED else r for r in held)
        expected_referral = any(
            access.allows(referral_read, actor, relation) for relation in referral_relations
        )
        assert visible_referrals(actor).filter(pk=referral.pk).exists() is expected_referral


@pytest.mark.django_db
def test_require_refuses_another_agency_and_audits_it(partnership: Partnership) -> None:
    p = partnership
    referral = _school_referral(p)
    access.require(p.school_lead, referral.person)
    with pytest.raises(access.AccessRefused, match="not involved"):
        access.require(p.police_officer, referral.person)
    refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED).latest("sequence")
    assert refusal.object_type == "person"
    assert refusal.object_id == str(referral.person.pk)
    with pytest.raises(access.AccessRefused, match="Board members"):
        access.require(p.board, referral)


def test_a_model_without_handlers_is_a_programming_error() -> None:
    with pytest.raises(LookupError):
        access.visible(None, AuditEvent)  # type: ignore[arg-type]
    assert Case in set(access._OBJECTS)
