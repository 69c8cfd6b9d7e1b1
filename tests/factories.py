"""Factories for tests. Person data is made through the services, as a user would."""

from __future__ import annotations

from functools import cache
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from lantern.accounts.actors import actor_for_membership
from lantern.agencies.models import Agency, AgencyKind, Membership
from lantern.core.access import Actor, Role
from lantern.core.normalisers import nhs_check_digit, parse_date_of_birth


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.LazyAttribute(lambda o: f"Test agency {o.code}")
    kind = AgencyKind.EDUCATION


@cache
def _password_hash() -> str:
    """The test password hashed once per process: a real Argon2 hash (signing in checks it),
    without paying for Argon2 again for every user of every test."""
    return make_password("correct-horse-battery")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.LazyFunction(_password_hash)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.CONTRIBUTOR


def make_actor(agency: Agency, role: str = Role.CONTRIBUTOR, **kwargs: Any) -> Actor:
    membership = MembershipFactory(agency=agency, role=role, **kwargs)
    return actor_for_membership(membership)


def nhs_number(seed: int) -> str:
    """A valid NHS number from the 999 test range."""
    n = seed
    while True:
        first9 = f"999{n % 1_000_000:06d}"
        check = nhs_check_digit(first9)
        if check is not None:
            return f"{first9}{check}"
        n += 1


def new_person(**overrides: Any) -> Any:
    from lantern.people.services import NewPerson

    values: dict[str, Any] = {
        "given_name": "Jade",
        "family_name": "Hollis",
        "date_of_birth": parse_date_of_birth("14/02/2011"),
        "sex": "female",
    }
    values.update(overrides)
    return NewPerson(**values)


def open_case(p: Any, *, referrer: Actor | None = None, **person: Any) -> Any:
    """A new person (``new_person(**person)``) referred by the school, or ``referrer``, for
    going missing, and the hub's triage opening a case: how most tests about a case begin."""
    from lantern.referrals import services as referral_services

    referral = referral_services.referral_submit(
        actor=referrer or p.school_lead,
        new_person=new_person(**person),
        concern_categories=["going_missing"],
        what_was_seen="Collected from school by an older man in a car.",
        urgency="high",
    )
    decision = referral_services.triage_decide(
        actor=p.practitioner,
        referral=referral,
        outcome="hub_case",
        rationale="Several agencies hold concerns.",
    )
    assert decision.case is not None
    return decision.case


def open_enquiry(
    p: Any, *, outcome: str = "s42", referrer: Actor | None = None, **person: Any
) -> Any:
    """An adult (``new_person(**person)``, 25 unless told) referred by the police, or
    ``referrer``, and the hub's triage starting an adult safeguarding enquiry: ``s42`` (the
    three-part test met) or ``other_enquiry``. Returns the referral."""
    from lantern.referrals import services as referral_services

    person.setdefault("date_of_birth", parse_date_of_birth("03/04/2001"))
    person.setdefault("given_name", "Leanne")
    person.setdefault("family_name", "Enquirytest")
    referral = referral_services.referral_submit(
        actor=referrer or p.police_officer,
        new_person=new_person(**person),
        concern_categories=["coercion_control", "places_and_travel"],
        what_was_seen="Taken to a hotel by older men; she has a learning disability.",
        urgency="high",
        confirm_new=True,
    )
    s42 = outcome == "s42"
    referral_services.triage_decide(
        actor=p.practitioner,
        referral=referral,
        outcome=outcome,
        rationale="Needs for care and support; at risk of sexual exploitation.",
        s42_care_and_support_needs=True if s42 else None,
        s42_at_risk_of_abuse=True if s42 else None,
        s42_unable_to_protect=True if s42 else None,
    )
    return referral
