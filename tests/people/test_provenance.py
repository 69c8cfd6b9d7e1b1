"""Where each fact about a person came from is data: keys to a referral or an agency record."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from lantern.people import services as people_services
from lantern.people.models import Address, ContactDetail, Identifier, Person, PersonName
from lantern.referrals import services as referral_services
from tests.conftest import Partnership
from tests.factories import new_person
from tests.linkage.helpers import add_record, extract_for

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("lantern.people.migrations.0002_provenance_as_keys")


def _refer(p: Partnership) -> Person:
    referral = referral_services.referral_submit(
        actor=p.school_lead,
        new_person=new_person(given_name="Alisha", family_name="Provtest", postcode="NK1 4AB"),
        concern_categories=["going_missing"],
        what_was_seen="Seen getting into cars after school.",
        urgency="standard",
    )
    return referral.person


def test_facts_given_in_a_referral_point_at_it(partnership: Partnership) -> None:
    person = _refer(partnership)
    referral = person.referrals.get()
    name = PersonName.objects.get(person=person)
    assert name.source_referral_id == referral.pk
    assert name.source_record_id is None
    assert name.source_agency_id == partnership.school.pk
    assert Address.objects.get(person=person).source_referral_id == referral.pk


def test_an_agency_records_facts_point_at_it_and_go_when_it_is_withdrawn(
    partnership: Partnership,
) -> None:
    p = partnership
    person = _refer(p)
    police = extract_for(p.police, p.analyst, "police-niche")
    record = add_record(police, "NP7", first_name="Alysha", last_name="Provtest")
    said = people_services.Said(agency_id=p.police.pk, source_record_id=record.pk, label="x")
    people_services.facts_record(
        person=person,
        details=people_services.NewPerson(
            given_name="Alysha", family_name="Provtest", phone="+447700900123"
        ),
        said=said,
    )
    from_record = PersonName.objects.get(person=person, source_record=record)
    assert from_record.given_name == "Alysha"
    assert ContactDetail.objects.get(person=person).source_record_id == record.pk
    # Recording the same again adds nothing.
    people_services.facts_record(
        person=person,
        details=people_services.NewPerson(given_name="Alysha", family_name="Provtest"),
        said=said,
    )
    assert PersonName.objects.filter(person=person).count() == 2

    lost = people_services.facts_withdraw(record_ids=[record.pk])

    assert lost == set()  # the primary name came from the referral, not the record
    assert not PersonName.objects.filter(source_record=record).exists()
    assert not ContactDetail.objects.filter(person=person).exists()
    assert PersonName.objects.filter(person=person, is_primary=True).exists()


def test_the_migration_turns_the_old_strings_into_keys_exactly(partnership: Partnership) -> None:
    p = partnership
    person = _refer(p)
    referral = person.referrals.get()
    police = extract_for(p.police, p.analyst, "police-niche")
    record = add_record(police, "NP8", first_name="Alisha", last_name="Provtest")
    PersonName.objects.filter(person=person).update(source_referral=None, source="referral")
    Identifier.objects.create(
        person=person,
        scheme="nhs",
        value="9434765919",
        source_agency=p.police,
        source=f"record:{record.pk} (police-niche NP8)",
    )
    Address.objects.filter(person=person).update(source_referral=None, source="synthetic city")

    MIGRATION.strings_to_keys(apps, None)

    assert PersonName.objects.get(person=person).source_referral_id == referral.pk
    identifier = Identifier.objects.get(person=person)
    assert identifier.source_record_id == record.pk
    assert identifier.source == f"record:{record.pk} (police-niche NP8)"  # the label stays
    address = Address.objects.get(person=person)
    assert (address.source_record_id, address.source_referral_id) == (None, None)
