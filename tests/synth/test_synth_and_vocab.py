"""The synthetic city is deterministic; vocabulary files are validated on load."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from lantern.cases.models import ChronologyEntry
from lantern.core.normalisers import is_valid_nhs_number, normalise_postcode
from lantern.core.vocab import parse_vocabulary, vocabulary
from lantern.people.models import Address, ContactDetail, Identifier, Person
from lantern.synth.generator import CityConfig, build_city

TODAY = date(2026, 11, 25)


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Person.objects.order_by("pk").values_list(
            "given_name", "family_name", "date_of_birth", "sex"
        )
    )


def test_same_seed_same_city(db: Any) -> None:
    report = build_city(CityConfig(seed=7, people=120, today=TODAY))
    first = _snapshot()
    events = list(ChronologyEntry.objects.order_by("pk").values_list("event_type", "summary"))
    assert report.people == 120
    assert report.events == 1200
    with connection.cursor() as cursor:  # clear person data to rebuild from scratch
        for table in (
            "cases_chronologyentry",
            "referrals_enquiryconclusion",
            "referrals_triagedecision",
            "referrals_referral",
            "cases_caseagency",
            "cases_case",
            "people_involvement",
            "people_statusflag",
            "people_careneed",
            "people_contactdetail",
            "people_address",
            "people_identifier",
            "people_personname",
            "people_person",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    build_city(CityConfig(seed=7, people=120, today=TODAY))
    assert _snapshot() == first
    assert (
        list(ChronologyEntry.objects.order_by("pk").values_list("event_type", "summary")) == events
    )
    build_city(CityConfig(seed=8, people=120, today=TODAY))
    assert _snapshot()[-120:] != first


def test_city_is_clearly_synthetic(db: Any) -> None:
    build_city(CityConfig(seed=3, people=200, today=TODAY))
    numbers = list(Identifier.objects.filter(scheme="nhs").values_list("value", flat=True))
    assert numbers
    assert all(n.startswith("999") and is_valid_nhs_number(n) for n in numbers)
    for postcode in Address.objects.values_list("postcode", flat=True):
        assert postcode.startswith("NK")
        assert normalise_postcode(postcode) == postcode
    for kind, value in ContactDetail.objects.values_list("kind", "value"):
        if kind == "email":
            assert value.endswith("@example.org")
        else:
            assert value.startswith(
                (
                    "+447700900",
                    "+44113496",
                    "+44114496",
                    "+44115496",
                    "+44116496",
                    "+44117496",
                    "+44118496",
                    "+44121496",
                    "+44131496",
                    "+44141496",
                    "+44151496",
                    "+44161496",
                )
            )


def test_city_language_is_victim_focused(db: Any) -> None:
    build_city(CityConfig(seed=5, people=150, today=TODAY))
    banned = (
        "prostitut",
        "promiscu",
        "lifestyle choice",
        "boyfriend",
        "consenting",
        "putting themselves at risk",
    )
    texts = list(ChronologyEntry.objects.values_list("summary", flat=True))
    for text in texts:
        assert not any(word in text.lower() for word in banned), text


def test_shipped_vocabularies_load() -> None:
    assert "missing_episode" in vocabulary("cases", "event_types")
    assert (
        vocabulary("cases", "event_types").by_code["sexual_health_attendance"].restricted_category
    )
    assert vocabulary("referrals", "concern_categories").version


def test_a_malformed_vocabulary_lists_every_error() -> None:
    text = """
vocabulary: event_types
terms:
  - {code: "Bad Code", label: ""}
  - {code: ok, label: Fine, colour: red}
"""
    with pytest.raises(ImproperlyConfigured) as error:
        parse_vocabulary(text, source="local.yaml")
    message = str(error.value)
    assert "line 2, version: Missing: add 'version'" in message
    assert "line 4, terms[0].code" in message
    assert "line 4, terms[0].label: Must not be empty" in message
    assert "line 5, terms[1].colour: Unknown field 'colour'" in message


def test_duplicate_codes_are_refused() -> None:
    text = "vocabulary: x\nversion: '1'\nterms:\n  - {code: a, label: A}\n  - {code: a, label: B}\n"
    repeated = r"line 5, terms\[1\]\.code: Code 'a' is used twice"
    with pytest.raises(ImproperlyConfigured, match=repeated):
        parse_vocabulary(text)
