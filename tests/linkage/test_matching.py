"""Real-time matching: a referral or a search finds agency records, most likely first.

A linkage run indexes every active record; a search prepares the typed details as a run
prepares a record and scores the candidates with the model in use. The hub sees the ranked
records of every agency; an agency learns only whether the hub knows such a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from lantern.imports.models import SourceRecord
from lantern.linkage import matching, services
from lantern.linkage.models import CandidatePair, LinkageModel
from lantern.referrals import services as referral_services
from tests.conftest import Partnership
from tests.factories import new_person, nhs_number
from tests.linkage.helpers import add_record, extract_for, install_model, load_synthetic

pytestmark = pytest.mark.django_db

TAMSIN = {
    "first_name": "Tamsin",
    "middle_names": "Jo",
    "last_name": "Quennell",
    "date_of_birth": "09/03/2011",
    "sex": "F",
    "nhs_number": nhs_number(4101),
    "postcode": "NK1 4AB",
    "address": "12 Mill Lane",
    "phone": "07700 900123",
}
#: Typed from memory by someone else: two letters swapped, day and month the other way round.
MISTYPED = {
    "first_name": "Tasmin",
    "last_name": "Quennell",
    "date_of_birth": "03/09/2011",
    "postcode": "NK1 4AB",
}


@dataclass
class Records:
    tamsin: SourceRecord  # the police's record of her
    sister: SourceRecord  # same home and surname, another first name and birthday
    namesake: SourceRecord  # same first name and birthday, another surname and town


@pytest.fixture
def records(partnership: Partnership, tmp_path: Any, trained_settings: dict[str, Any]) -> Records:
    """A few hundred other people's records, three that look alike, and a run to index them."""
    load_synthetic(tmp_path / "background", partnership.analyst, people=120, seed=99)
    # Low enough that the look-alike pairs are kept for review (and their scores with them).
    install_model(trained_settings, upper=0.99, lower=0.0001)
    police = extract_for(partnership.police, partnership.analyst, "police-niche")
    housing = extract_for(partnership.housing, partnership.analyst, "housing-orchard")
    school = extract_for(partnership.school, partnership.analyst, "school-sims")
    found = Records(
        tamsin=add_record(police, "NP1", **TAMSIN),
        sister=add_record(
            housing,
            "H1",
            **{
                **TAMSIN,
                "first_name": "Tilly",
                "middle_names": "",
                "date_of_birth": "22/07/2013",
                "nhs_number": nhs_number(4202),
            },
        ),
        namesake=add_record(
            school,
            "S1",
            first_name="Tamsin",
            last_name="Quarrie",
            date_of_birth="09/03/2011",
            sex="F",
            postcode="NK7 1QA",
        ),
    )
    services.run_start(actor=partnership.analyst, background=False)
    return found


def candidates(client: Any, details: dict[str, str]) -> Any:
    response = client.get(reverse("api-linkage-candidates") + "?" + urlencode(details))
    assert response.status_code == 200, response.content
    return response.json()


def test_a_mistyped_name_and_transposed_date_of_birth_find_the_right_record_first(
    partnership: Partnership, as_user: Any, records: Records
) -> None:
    body = candidates(as_user(partnership.practitioner), MISTYPED)

    matches = body["matches"]
    assert matches[0]["record"]["record_id"] == "NP1"
    assert matches[0]["person_reference"] is not None
    labels = {c["label"] for c in matches[0]["contributions"]}
    assert {"First name one slip apart", "Day and month transposed"} <= labels
    # Her sister shares the surname and the home, and is far less likely.
    sister = next(m for m in matches if m["record"]["record_id"] == "H1")
    assert sister["match_probability"] < matches[0]["match_probability"] / 100


def test_matches_come_strongest_first(
    partnership: Partnership, as_user: Any, records: Records
) -> None:
    details = {**MISTYPED, "first_name": "Tamsin", "date_of_birth": "09/03/2011"}
    body = candidates(as_user(partnership.practitioner), details)

    matches = body["matches"]
    probabilities = [m["match_probability"] for m in matches]
    weights = [m["match_weight"] for m in matches]
    assert matches[0]["record"]["record_id"] == "NP1"
    # The hub sees every agency's records, not only its own: her sister's housing record
    # (same home) and a school's record of a girl with her name and birthday.
    assert {m["record"]["record_id"] for m in matches} >= {"NP1", "H1", "S1"}
    assert {m["record"]["agency"]["code"] for m in matches} >= {"police", "housing", "school"}
    assert probabilities == sorted(probabilities, reverse=True)
    assert weights == sorted(weights, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probabilities)


def test_a_search_scores_a_record_as_the_batch_run_did(
    partnership: Partnership, as_user: Any, records: Records
) -> None:
    """Searching with one record's details gives each other record the probability that
    Splink gave the pair in the run: same preparation, same model, same term frequencies."""
    reviewed = {
        frozenset((pair.record_l_id, pair.record_r_id)): pair.match_probability
        for pair in CandidatePair.objects.all()
    }
    body = candidates(as_user(partnership.practitioner), TAMSIN)

    by_record = {m["record"]["id"]: m["match_probability"] for m in body["matches"]}
    compared = [
        (by_record[other], reviewed[frozenset((records.tamsin.pk, other))])
        for other in by_record
        if frozenset((records.tamsin.pk, other)) in reviewed
    ]
    assert records.sister.pk in by_record
    assert len(compared) >= 1
    for realtime, batch in compared:
        assert realtime == pytest.approx(batch, abs=1e-9)


def test_an_agency_learns_only_that_the_hub_knows_the_person(
    partnership: Partnership, as_user: Any, records: Records
) -> None:
    school = as_user(partnership.school_lead)

    # Her name and date of birth: the hub is sure (above the upper threshold) it knows her.
    known = candidates(
        school, {"first_name": "Tamsin", "last_name": "Quennell", "date_of_birth": "09/03/2011"}
    )
    stranger = candidates(
        school, {"first_name": "Oluwaseun", "last_name": "Brightwater", "date_of_birth": "2001"}
    )

    assert known == {"model_version": 1, "matches": None, "known_to_hub": True}
    assert "Quennell" not in str(known)
    assert stranger["matches"] is None
    assert stranger["known_to_hub"] is False
    hub = candidates(as_user(partnership.practitioner), MISTYPED)
    assert hub["known_to_hub"] is None
    assert hub["matches"][0]["record"]["record_id"] == "NP1"


def test_an_agency_is_told_nothing_where_the_agreement_does_not_allow_it(
    partnership: Partnership, as_user: Any, records: Records, settings: Any
) -> None:
    settings.LANTERN_LINKAGE_TELL_AGENCIES_KNOWN = False
    url = reverse("api-linkage-candidates") + "?" + urlencode(MISTYPED)

    refused = as_user(partnership.school_lead).get(url)

    assert refused.status_code == 403
    assert "Quennell" not in refused.content.decode()
    assert as_user(partnership.practitioner).get(url).status_code == 200


def test_a_referral_shows_the_hub_the_likely_agency_records_and_the_referrer_nothing(
    partnership: Partnership, as_user: Any, records: Records
) -> None:
    from lantern.core.normalisers import parse_date_of_birth

    referral = referral_services.referral_submit(
        actor=partnership.school_lead,
        new_person=new_person(
            given_name="Tamsin",
            family_name="Quennell",
            date_of_birth=parse_date_of_birth("03/09/2011"),  # day and month transposed
        ),
        concern_categories=["online"],
        what_was_seen="Messages from an adult asking to meet.",
        urgency="standard",
    )
    url = reverse("referrals:detail", args=[referral.pk])

    hub_page = as_user(partnership.practitioner).get(url).content.decode()
    referrer_page = as_user(partnership.school_lead).get(url).content.decode()

    panel = hub_page.split('id="agency-matches"')[1]
    rows = panel.split("<tbody")[1].split("</tbody>")[0].split("</tr>")
    assert "NP1" in rows[0]
    assert "Test Police" in rows[0]
    assert "agency-matches" not in referrer_page
    assert "NP1" not in referrer_page


def test_a_model_from_an_earlier_version_finds_nothing_rather_than_failing(
    records: Records, caplog: pytest.LogCaptureFixture
) -> None:
    """After an upgrade whose comparisons changed, searching must not break the pages."""
    model = LinkageModel.objects.get(is_active=True)
    settings = model.splink_settings
    first = next(c for c in settings["comparisons"] if c["output_column_name"] == "first_name")
    first["comparison_levels"] = first["comparison_levels"][:-1]  # one level fewer: older
    model.splink_settings = settings
    model.save(update_fields=["splink_settings"])
    matching.clear_caches()

    found = matching.match(model, matching.prepare_details(MISTYPED))

    assert found == []
    assert "trained again" in caplog.text
