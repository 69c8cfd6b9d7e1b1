"""How an adult safeguarding enquiry concluded: the page, the API, amendments and refusals."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone

from lantern.core.access import AccessRefused
from lantern.core.models import AuditAction, AuditEvent
from lantern.core.problems import PROBLEM_CONTENT_TYPE
from lantern.referrals import services
from lantern.referrals.conclusions import (
    ConclusionCategoriesError,
    categories,
    parse_categories,
)
from lantern.referrals.models import EnquiryConclusion, Referral
from lantern.reporting.sac import sac_mapping
from tests.conftest import Partnership
from tests.factories import open_case, open_enquiry


def _answers(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "concluded_on": timezone.localdate().strftime("%d/%m/%Y"),
        "types_of_risk": ["sexual_exploitation", "psychological"],
        "location_of_risk": "community",
        "source_of_risk": "unknown",
        "risk_assessment": "risk_identified",
        "action_taken": "yes",
        "risk_outcome": "reduced",
        "outcomes_asked": "asked_expressed",
        "outcomes_achieved": "partially",
    }
    values.update(overrides)
    return values


def _form(**overrides: Any) -> dict[str, Any]:
    """As the page posts them: the questions nested under the chosen risk assessment are
    that choice's copies (``action_taken__<code>``, ``risk_outcome__<code>``)."""
    values = _answers(**overrides)
    chosen = values["risk_assessment"]
    values[f"action_taken__{chosen}"] = values.pop("action_taken")
    values[f"risk_outcome__{chosen}"] = values.pop("risk_outcome")
    return values


#: The form's yes/no as the API and the service take it.
ACTED = {"yes": True, "no": False, "": None}


def _body(**overrides: Any) -> dict[str, Any]:
    body = _answers(**overrides)
    body["action_taken"] = ACTED[body["action_taken"]]
    if "concluded_on" not in overrides:
        body["concluded_on"] = timezone.localdate().isoformat()
    return body


def _events(name: str) -> int:
    return AuditEvent.objects.filter(event=name).count()


def _refusals() -> int:
    return AuditEvent.objects.filter(action=AuditAction.REFUSED).count()


def test_a_caseworker_concludes_an_enquiry_through_the_page(
    partnership: Partnership, as_user: Any
) -> None:
    referral = open_enquiry(partnership)
    client = as_user(partnership.practitioner)
    url = reverse("referrals:conclude", args=[referral.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, _form())

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    stored = EnquiryConclusion.objects.get(referral=referral)
    assert stored.version == 1
    assert stored.types_of_risk == ["sexual_exploitation", "psychological"]
    assert stored.action_taken is True
    assert stored.risk_outcome == "reduced"
    assert stored.outcomes_achieved == "partially"
    assert stored.categories_version == categories().version
    assert _events("enquiry.concluded") == 1
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "In the community (excluding community services)" in page
    assert "Risk identified; action taken: risk reduced" in page


def test_the_form_keeps_what_was_typed_when_refused(partnership: Partnership, as_user: Any) -> None:
    referral = open_enquiry(partnership)
    client = as_user(partnership.manager)
    response = client.post(
        reverse("referrals:conclude", args=[referral.pk]),
        _form(risk_outcome="", concluded_on="31/02/2020"),
    )

    assert response.status_code == 200  # the page again, with its error summary
    body = response.content.decode()
    assert "govuk-error-summary" in body
    # What was chosen is still chosen, and the date as typed is still there.
    assert 'value="31/02/2020"' in body
    assert 'value="community" checked' in body
    assert 'value="psychological" checked' in body
    assert 'value="asked_expressed" checked' in body
    assert not EnquiryConclusion.objects.exists()


def test_a_missing_risk_outcome_is_named_on_the_page(
    partnership: Partnership, as_user: Any
) -> None:
    referral = open_enquiry(partnership)
    response = as_user(partnership.practitioner).post(
        reverse("referrals:conclude", args=[referral.pk]), _form(risk_outcome="")
    )
    assert response.status_code == 200
    assert "Select whether the risk was removed, reduced or remains" in response.content.decode()
    assert 'value="unknown" checked' in response.content.decode()


def test_an_amendment_is_a_new_version_and_the_earlier_one_is_kept(
    partnership: Partnership, as_user: Any
) -> None:
    referral = open_enquiry(partnership)
    first = services.enquiry_conclude(
        actor=partnership.practitioner, referral=referral, **_service()
    )
    client = as_user(partnership.manager)
    url = reverse("referrals:conclude", args=[referral.pk])
    without_reason = client.post(url, _form(risk_outcome="removed"))
    assert without_reason.status_code == 200
    assert "Say why the conclusion is being amended" in without_reason.content.decode()

    amended = client.post(
        url, _form(risk_outcome="removed", amendment_reason="The injunction was granted.")
    )

    assert amended.status_code == 302
    versions = list(EnquiryConclusion.objects.filter(referral=referral).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].risk_outcome == "reduced"  # the first version is unchanged
    assert versions[0].recorded_at == first.recorded_at
    assert versions[1].risk_outcome == "removed"
    assert versions[1].amendment_reason == "The injunction was granted."
    assert _events("enquiry.conclusion_amended") == 1
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Earlier versions" in page
    assert "The injunction was granted." in page
    with pytest.raises(PermissionError):
        versions[0].save()


def test_an_unchanged_amendment_is_refused(partnership: Partnership) -> None:
    referral = open_enquiry(partnership)
    services.enquiry_conclude(actor=partnership.practitioner, referral=referral, **_service())
    with pytest.raises(services.ConflictError):
        services.enquiry_conclude(
            actor=partnership.practitioner,
            referral=referral,
            amendment_reason="Checking",
            **_service(),
        )


def _service(**overrides: Any) -> dict[str, Any]:
    values = _answers(**overrides)
    values["concluded_on"] = timezone.localdate()
    values["action_taken"] = ACTED[values["action_taken"]]
    return values


def test_an_enquiry_ceased_at_the_persons_request_records_no_action(
    partnership: Partnership,
) -> None:
    referral = open_enquiry(partnership, outcome="other_enquiry")
    conclusion = services.enquiry_conclude(
        actor=partnership.practitioner,
        referral=referral,
        **_service(
            risk_assessment="ceased_at_request",
            action_taken="",
            risk_outcome="",
            outcomes_asked="asked_not_expressed",
            outcomes_achieved="fully",  # left over from an earlier choice: dropped
        ),
    )
    assert conclusion.risk_assessment == "ceased_at_request"
    assert conclusion.action_taken is False  # the assessment implies no action
    assert conclusion.risk_outcome == ""
    assert conclusion.outcomes_achieved == ""


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        # Asked: risk identified, inconclusive and no risk ask whether action was taken.
        ({"action_taken": ""}, "action_taken", "Select whether action was taken"),
        (
            {"risk_assessment": "no_risk", "action_taken": "", "risk_outcome": ""},
            "action_taken",
            "Select whether action was taken",
        ),
        # Action taken on an identified or inconclusive risk: what happened to it is required.
        (
            {"risk_assessment": "inconclusive", "risk_outcome": ""},
            "risk_outcome",
            "Select whether the risk was removed, reduced or remains",
        ),
        # A risk outcome without action, or where no risk was found, is refused.
        ({"action_taken": "no"}, "risk_outcome", "only when a risk was identified"),
        (
            {"risk_assessment": "no_risk", "action_taken": "yes"},
            "risk_outcome",
            "only when a risk was identified",
        ),
        (
            {"risk_assessment": "ceased_at_request", "action_taken": ""},
            "risk_outcome",
            "only when a risk was identified",
        ),
        # Ceased at the person's request means no action: saying otherwise is refused.
        (
            {"risk_assessment": "ceased_at_request", "risk_outcome": ""},
            "action_taken",
            "means no action was taken",
        ),
    ],
)
def test_action_taken_and_risk_outcome_are_checked_together(
    partnership: Partnership, overrides: dict[str, Any], field: str, message: str
) -> None:
    referral = open_enquiry(partnership)
    with pytest.raises(services.InvalidError) as caught:
        services.enquiry_conclude(
            actor=partnership.practitioner, referral=referral, **_service(**overrides)
        )
    errors = caught.value.message_dict
    assert set(errors) == {field}
    assert message in errors[field][0]
    assert not EnquiryConclusion.objects.exists()


@pytest.mark.parametrize(
    ("assessment", "acted", "outcome"),
    [
        ("risk_identified", "no", ""),
        ("inconclusive", "yes", "remains"),
        ("no_risk", "yes", ""),
        ("no_risk", "no", ""),
    ],
)
def test_valid_combinations_are_stored(
    partnership: Partnership, assessment: str, acted: str, outcome: str
) -> None:
    referral = open_enquiry(partnership)
    conclusion = services.enquiry_conclude(
        actor=partnership.practitioner,
        referral=referral,
        **_service(risk_assessment=assessment, action_taken=acted, risk_outcome=outcome),
    )
    assert conclusion.action_taken is ACTED[acted]
    assert conclusion.risk_outcome == outcome


def test_a_conclusion_cannot_predate_the_enquiry_or_be_in_the_future(
    partnership: Partnership,
) -> None:
    referral = open_enquiry(partnership)
    today = timezone.localdate()
    for day in (today - timedelta(days=3), today + timedelta(days=1)):
        with pytest.raises(services.InvalidError) as caught:
            services.enquiry_conclude(
                actor=partnership.practitioner,
                referral=referral,
                **{**_service(), "concluded_on": day},
            )
        assert "concluded_on" in caught.value.message_dict
    assert not EnquiryConclusion.objects.exists()


def test_only_an_enquiry_can_be_concluded(partnership: Partnership, as_user: Any) -> None:
    case = open_case(partnership, date_of_birth=None)
    referral = Referral.objects.get(decision__case=case)
    with pytest.raises(services.DomainError):
        services.enquiry_conclude(actor=partnership.practitioner, referral=referral, **_service())
    page = as_user(partnership.practitioner).get(reverse("referrals:conclude", args=[referral.pk]))
    assert page.status_code == 404
    api = as_user(partnership.practitioner).post(
        reverse("api-referral-conclusion", args=[referral.pk]),
        data=_body(),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_the_page_refuses_a_risk_outcome_without_action_and_keeps_what_was_typed(
    partnership: Partnership, as_user: Any
) -> None:
    referral = open_enquiry(partnership)
    response = as_user(partnership.practitioner).post(
        reverse("referrals:conclude", args=[referral.pk]),
        _form(action_taken="no", risk_outcome="remains"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "only when a risk was identified or the assessment was inconclusive" in body
    assert 'value="no" checked' in body
    assert 'value="remains" checked' in body
    assert 'value="risk_identified" checked' in body
    assert not EnquiryConclusion.objects.exists()


def test_the_page_leaves_out_answers_under_another_choice(
    partnership: Partnership, as_user: Any
) -> None:
    """Hidden under a choice not made (with scripts), an answer is still sent: left out."""
    referral = open_enquiry(partnership)
    response = as_user(partnership.practitioner).post(
        reverse("referrals:conclude", args=[referral.pk]),
        {
            **_form(risk_assessment="no_risk", action_taken="no", risk_outcome=""),
            "action_taken__risk_identified": "yes",
            "risk_outcome__risk_identified": "reduced",
        },
    )
    assert response.status_code == 302
    stored = EnquiryConclusion.objects.get(referral=referral)
    assert (stored.risk_assessment, stored.action_taken, stored.risk_outcome) == (
        "no_risk",
        False,
        "",
    )


def test_the_nested_questions_are_conditionally_revealed(
    partnership: Partnership, as_user: Any
) -> None:
    """Each nested question sits in a GOV.UK conditional reveal under its choice: hidden
    unless that choice is made (the class hides only where GOV.UK Frontend runs)."""
    referral = open_enquiry(partnership)
    client = as_user(partnership.practitioner)
    url = reverse("referrals:conclude", args=[referral.pk])
    blank = client.get(url).content.decode()
    assert blank.count('data-aria-controls="conditional-id_risk_assessment_') == 3
    assert blank.count('data-aria-controls="conditional-id_outcomes_asked_') == 1
    for code in ("risk_identified", "inconclusive", "no_risk"):
        assert f'name="action_taken__{code}"' in blank
    assert 'name="risk_outcome__no_risk"' not in blank
    assert "action_taken__ceased_at_request" not in blank
    assert blank.count('class="govuk-radios__conditional govuk-radios__conditional--hidden"') == 4
    # Refused: the chosen assessment's reveal is open, with what was typed inside it.
    refused = client.post(url, _form(risk_outcome="")).content.decode()
    assert refused.count('govuk-radios__conditional--hidden"') == 2  # inconclusive, no risk
    assert 'name="action_taken__risk_identified" type="radio" value="yes" checked' in refused
    assert "Select whether the risk was removed, reduced or remains" in refused
    # The error summary lists the problems in the page's order.
    both = client.post(url, _form(risk_outcome="", outcomes_achieved="")).content.decode()
    summary = both[
        both.index("govuk-error-summary") : both.index("</ul>", both.index("govuk-error-summary"))
    ]
    assert summary.index("removed, reduced or remains") < summary.index("outcomes the person")


# --- the API ------------------------------------------------------------------------------


def test_the_api_records_and_amends_a_conclusion(partnership: Partnership, as_user: Any) -> None:
    referral = open_enquiry(partnership)
    client = as_user(partnership.practitioner)
    url = reverse("api-referral-conclusion", args=[referral.pk])

    made = client.post(url, data=_body(), content_type="application/json")

    assert made.status_code == 201, made.content
    assert made.json()["version"] == 1
    assert made.json()["location_of_risk"] == "community"
    assert made.json()["action_taken"] is True
    assert made.json()["risk_outcome"] == "reduced"
    again = client.post(
        url,
        data=_body(location_of_risk="own_home", amendment_reason="She was exploited at home."),
        content_type="application/json",
    )
    assert again.status_code == 201, again.content
    assert again.json()["version"] == 2
    acted = client.post(
        url,
        data=_body(action_taken="no", risk_outcome="", amendment_reason="Nothing was done."),
        content_type="application/json",
    )
    assert acted.status_code == 201, acted.content
    assert acted.json()["version"] == 3
    assert acted.json()["action_taken"] is False
    assert acted.json()["risk_outcome"] == ""
    stored = EnquiryConclusion.objects.filter(referral=referral).order_by("version")
    assert [c.action_taken for c in stored] == [True, True, False]
    assert _events("enquiry.concluded") == 1
    assert _events("enquiry.conclusion_amended") == 2


def test_bad_values_are_a_400_problem_naming_each_field(
    partnership: Partnership, as_user: Any
) -> None:
    referral = open_enquiry(partnership)
    response = as_user(partnership.practitioner).post(
        reverse("api-referral-conclusion", args=[referral.pk]),
        data=_body(location_of_risk="moon", types_of_risk=["lifestyle"], risk_outcome=""),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"location_of_risk", "types_of_risk", "risk_outcome"}
    assert not EnquiryConclusion.objects.exists()


def test_a_risk_outcome_without_action_is_a_400_problem(
    partnership: Partnership, as_user: Any
) -> None:
    referral = open_enquiry(partnership)
    response = as_user(partnership.practitioner).post(
        reverse("api-referral-conclusion", args=[referral.pk]),
        data=_body(action_taken="no", risk_outcome="removed"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert {e["field"] for e in response.json()["errors"]} == {"risk_outcome"}
    missing = as_user(partnership.practitioner).post(
        reverse("api-referral-conclusion", args=[referral.pk]),
        data={k: v for k, v in _body().items() if k != "action_taken"},
        content_type="application/json",
    )
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} == {"action_taken"}
    assert not EnquiryConclusion.objects.exists()


# --- who may ------------------------------------------------------------------------------

#: The referring agency (police) reads the referral but may not conclude; housing is another
#: agency altogether; the hub's analyst has the wrong role; board and admin see no person.
REFUSED = ["police_officer", "housing_officer", "analyst", "board", "admin"]


@pytest.mark.parametrize("who", REFUSED)
def test_others_are_refused_the_page_and_the_api(
    partnership: Partnership, as_user: Any, who: str
) -> None:
    referral = open_enquiry(partnership)
    client = as_user(getattr(partnership, who))
    for method, url, data in (
        ("get", reverse("referrals:conclude", args=[referral.pk]), None),
        ("post", reverse("referrals:conclude", args=[referral.pk]), _form()),
        ("post", reverse("api-referral-conclusion", args=[referral.pk]), _body()),
    ):
        before = _refusals()
        if method == "get":
            response = client.get(url)
        elif url.startswith("/api/"):
            response = client.post(url, data=data, content_type="application/json")
        else:
            response = client.post(url, data)
        assert response.status_code == 403, (who, url, response.status_code)
        assert b"Enquirytest" not in response.content
        assert _refusals() == before + 1, (who, url)
    assert not EnquiryConclusion.objects.exists()
    with pytest.raises(AccessRefused):
        services.enquiry_conclude(actor=getattr(partnership, who), referral=referral, **_service())


def test_the_referring_agency_sees_the_conclusion_but_no_button(
    partnership: Partnership, as_user: Any
) -> None:
    referral = open_enquiry(partnership)
    services.enquiry_conclude(actor=partnership.practitioner, referral=referral, **_service())
    page = as_user(partnership.police_officer).get(reverse("referrals:detail", args=[referral.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "How the enquiry concluded" in body
    assert reverse("referrals:conclude", args=[referral.pk]) not in body


# --- the categories file ------------------------------------------------------------------


def test_the_shipped_categories_load_and_name_the_sac_outcomes() -> None:
    cats = categories()
    assert {"removed", "reduced", "remains"} == cats.codes("risk_outcomes")
    assert "ceased_at_request" in cats.codes("risk_assessments")
    assert {"fully", "partially", "not_achieved"} == cats.codes("desired_outcomes_achieved")
    # The types a conclusion records are the types the return counts from concerns.
    assert {code for code, _ in sac_mapping().types} == cats.codes("types_of_risk")


def test_a_code_given_twice_is_refused_with_its_line() -> None:
    path = Path(__file__).resolve().parents[2] / "src/lantern/referrals/data"
    data = yaml.safe_load((path / "enquiry_conclusions.yaml").read_text(encoding="utf-8"))
    data["risk_outcomes"].append({"code": "removed", "label": "Gone"})
    data["sources_of_risk"][0]["colour"] = "red"
    with pytest.raises(ConclusionCategoriesError) as caught:
        parse_categories(yaml.safe_dump(data, sort_keys=False))
    messages = [str(p) for p in caught.value.problems]
    assert any("Code 'removed' is used twice" in m for m in messages), messages
    assert any("Unknown field 'colour'" in m for m in messages), messages
    assert all(p.line for p in caught.value.problems)
