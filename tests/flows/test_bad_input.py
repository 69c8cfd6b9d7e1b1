"""Bad input gets a clear message, and the form keeps everything that was typed."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lantern.people.models import Person
from lantern.referrals.models import Referral
from tests.conftest import Partnership
from tests.factories import nhs_number

GOOD: dict[str, Any] = {
    "person-given_name": "Shannon",
    "person-family_name": "Tillotson",
    "person-date_of_birth": "09/09/2010",
    "person-sex": "female",
    "person-nhs_number": "",
    "person-postcode": "NK3 2AB",
    "person-phone": "07700 900123",
    "concern_categories": ["going_missing", "online"],
    "what_was_seen": "Seen with older men near the bus station most evenings.",
    "urgency": "high",
}


def _post(client: Any, **changes: Any) -> Any:
    return client.post(reverse("referrals:new_with_details"), {**GOOD, **changes})


def test_wrong_nhs_check_digit_is_refused_and_typing_kept(
    partnership: Partnership, as_user: Any
) -> None:
    good = nhs_number(12345)
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    response = _post(as_user(partnership.school_lead), **{"person-nhs_number": wrong})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "check digit is wrong" in body
    for typed in (
        wrong,
        "Shannon",
        "Tillotson",
        "09/09/2010",
        "NK3 2AB",
        "Seen with older men near the bus station most evenings.",
    ):
        assert typed in body, typed
    assert 'value="online" checked' in body
    assert not Person.objects.filter(family_name="Tillotson").exists()


def test_impossible_and_future_dates_are_refused(partnership: Partnership, as_user: Any) -> None:
    client = as_user(partnership.school_lead)
    assert (
        "is not a real date"
        in _post(client, **{"person-date_of_birth": "31/02/2010"}).content.decode()
    )
    future = _post(client, **{"person-date_of_birth": "01/01/2099"}).content.decode()
    assert "must be in the past" in future
    assert not Referral.objects.exists()


def test_oversized_text_is_refused_with_its_length(partnership: Partnership, as_user: Any) -> None:
    body = _post(as_user(partnership.school_lead), what_was_seen="x" * 10_001).content.decode()
    assert "Write no more than 10,000 characters (you wrote 10001)" in body
    assert not Referral.objects.exists()


def test_missing_choices_are_named(partnership: Partnership, as_user: Any) -> None:
    body = _post(
        as_user(partnership.school_lead), concern_categories=[], urgency=""
    ).content.decode()
    assert "Select at least one concern" in body
    assert "Select how urgent this is" in body


def test_bad_postcode_and_phone_are_refused(partnership: Partnership, as_user: Any) -> None:
    body = _post(
        as_user(partnership.school_lead), **{"person-postcode": "NOT A CODE", "person-phone": "12"}
    ).content.decode()
    assert "Enter a real UK postcode" in body
    assert "NOT A CODE" in body


def test_html_in_free_text_is_stored_as_typed_and_shown_escaped(
    partnership: Partnership, as_user: Any
) -> None:
    script = '<script>alert("x")</script> and <b>bold</b>'
    client = as_user(partnership.school_lead)
    response = _post(client, what_was_seen=script)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.what_was_seen == script
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<script>alert("x")' not in page


def test_possible_duplicates_are_shown_before_a_new_person_is_made(
    partnership: Partnership, as_user: Any
) -> None:
    client = as_user(partnership.school_lead)
    assert _post(client).status_code == 302  # first referral creates Shannon
    again = _post(client, **{"person-given_name": "Shanon"})  # a near spelling, same birthday
    body = again.content.decode()
    assert "These people already have a record" in body
    assert "Shannon Tillotson" in body
    assert Person.objects.filter(family_name="Tillotson").count() == 1
    confirmed = _post(client, **{"person-given_name": "Shanon", "confirm_new": "on"})
    assert confirmed.status_code == 302
    assert Person.objects.filter(family_name="Tillotson").count() == 2
