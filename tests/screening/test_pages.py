"""The screening pages: the form (work out the level, then save), history and chart, the
work lists, the triage queue, and old screenings shown against the version they used."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse

from lantern.cases.models import Case
from lantern.referrals import services as referral_services
from lantern.screening import services
from lantern.screening.instruments import DEFAULT_FILES
from lantern.screening.models import Screening, ScreeningStatus
from tests.conftest import Partnership
from tests.factories import new_person

from .conftest import TODAY, adults_version, answers, children_version, form_data


def _new_url(case: Case) -> str:
    return reverse("screening:new_for_person", args=[case.person_id]) + f"?case={case.pk}"


def test_work_out_the_level_then_save(
    partnership: Partnership, as_user: Any, child_case: Case
) -> None:
    client = as_user(partnership.practitioner)
    version = children_version()
    page = client.get(_new_url(child_case)).content.decode()
    for indicator in version.spec.indicators.values():
        assert indicator.label in page
    assert "Lantern's default instrument" in page
    given = answers(version.spec, present=["person_of_concern", "older_associates"])
    data = form_data(version, given, action="calculate", case=child_case.pk)
    page = client.post(_new_url(child_case), data).content.decode()
    assert not Screening.objects.exists()
    assert "The instrument's rules give:" in page
    assert "Significant risk" in page
    assert "Seen with a person of concern (seen in the last six months): 4 points" in page
    assert "Seen by the school: older_associates." in page  # what was typed is kept
    data.update(action="save", level="serious")
    page = client.post(_new_url(child_case), data).content.decode()
    assert "There is a problem" in page
    assert "Say why your judgement is &#x27;Serious risk&#x27;" in page
    assert "Seen by the school: person_of_concern." in page
    data["judgement_reason"] = "The same car has been seen by three agencies this week."
    response = client.post(_new_url(child_case), data)
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("screening:detail", args=[screening.pk])
    assert (screening.computed_level, screening.level, screening.case_id) == (
        "significant",
        "serious",
        child_case.pk,
    )
    detail = client.get(response.url).content.decode()
    assert "Why it differs from the computed level:" in detail
    assert "The same car has been seen" in detail


def test_unanswered_indicators_are_listed_and_the_form_kept(
    partnership: Partnership, as_user: Any, child_case: Case
) -> None:
    version = children_version()
    given = answers(version.spec, present=["self_harm"])
    data = form_data(version, given, action="save", level="at_risk")
    del data["answer_looked_after"]
    data["evidence_self_harm"] = ""
    page = as_user(partnership.practitioner).post(_new_url(child_case), data).content.decode()
    assert "Select present, not present or not known: Looked after or living away from home" in page
    assert 'href="#id_answer_looked_after_0"' in page
    assert not Screening.objects.exists()
    data["answer_looked_after"] = "unknown"
    page = as_user(partnership.practitioner).post(_new_url(child_case), data).content.decode()
    assert "Say what was seen or said, and by whom: Self-harm or thoughts of suicide" in page


def test_an_adult_is_screened_with_the_adults_instrument_and_capacity(
    partnership: Partnership, as_user: Any, adult_case: Case
) -> None:
    client = as_user(partnership.practitioner)
    version = adults_version()
    page = client.get(_new_url(adult_case)).content.decode()
    assert "adults&#x27; exploitation screening" in page
    assert "Mental capacity" in page
    assert "Engaging in sexual relations" in page
    data = form_data(
        version,
        answers(version.spec, present=["controlled_by_others"]),
        level="significant",
        person_words="He has my bank card and my phone.",
        desired_outcomes="To get her card back and stay in her flat.",
        **{
            "capacity-0-decision": "contact_with_person",
            "capacity-0-assessed_on": (TODAY - timedelta(days=2)).strftime("%d/%m/%Y"),
            "capacity-0-assessor": "N. Hussain, social worker",
            "capacity-0-outcome": "has_capacity",
        },
    )
    page = client.post(_new_url(adult_case), data).content.decode()
    assert "Say which (contact with a named person)" in page
    data["capacity-0-decision_detail"] = "contact with the man called Dee"
    response = client.post(_new_url(adult_case), data)
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.audience == "adults"
    assert screening.person_words.startswith("He has my bank card")
    history = client.get(
        reverse("screening:person_history", args=[adult_case.person_id])
    ).content.decode()
    assert "Contact with a named person: contact with the man called Dee" in history
    assert "Has capacity for this decision" in history


def test_the_case_page_charts_the_level_over_time(
    partnership: Partnership, as_user: Any, child_case: Case
) -> None:
    version = children_version()
    for level, present in (("no_current_concern", []), ("significant", ["person_of_concern"])):
        services.screening_record(
            actor=partnership.practitioner,
            person=child_case.person,
            case=child_case,
            instrument_version=version,
            answers=answers(version.spec, present=present),
            level=level,
        )
    page = (
        as_user(partnership.practitioner)
        .get(reverse("cases:detail", args=[child_case.pk]))
        .content.decode()
    )
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'role="img" aria-labelledby="level-chart-title level-chart-desc"' in page
    assert '<title id="level-chart-title">Screening level over time</title>' in page
    assert "2 screenings from" in page
    assert "Latest level: Significant risk" in page
    assert 'id="screening-history"' in page
    assert page.count("screening S-") >= 2
    assert "style=" not in page.split("<svg")[1].split("</svg>")[0]


def test_the_triage_queue_and_referral_show_the_latest_level(
    partnership: Partnership, as_user: Any, child_case: Case
) -> None:
    version = children_version()
    services.screening_record(
        actor=partnership.practitioner,
        person=child_case.person,
        case=child_case,
        instrument_version=version,
        answers=answers(version.spec, present=["person_of_concern"]),
        level="significant",
    )
    referral = referral_services.referral_submit(
        actor=partnership.school_lead,
        person=child_case.person,
        concern_categories=["online"],
        what_was_seen="Messages from an adult asking to meet.",
        urgency="standard",
    )
    other = referral_services.referral_submit(
        actor=partnership.school_lead,
        new_person=new_person(given_name="Kai", family_name="Unscreened"),
        concern_categories=["online"],
        what_was_seen="Messages.",
        urgency="standard",
    )
    client = as_user(partnership.practitioner)
    queue = client.get(reverse("referrals:triage")).content.decode()
    row = queue.split(referral.reference)[1].split("</tr>")[0]
    assert "Significant risk" in row
    assert "Not screened" in queue.split(other.reference)[1].split("</tr>")[0]
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    link = (
        reverse("screening:new_for_person", args=[child_case.person_id])
        + f"?referral={referral.pk}"
    )
    assert link in detail


def test_work_lists_and_home(partnership: Partnership, as_user: Any, child_case: Case) -> None:
    version = children_version()
    screening = services.screening_record(
        actor=partnership.practitioner,
        person=child_case.person,
        case=child_case,
        instrument_version=version,
        answers=answers(version.spec),
        level="no_current_concern",
    )
    ScreeningStatus.objects.filter(pk=screening.person.screening_status.pk).update(
        next_due_on=TODAY - timedelta(days=3)
    )
    mine = as_user(partnership.practitioner).get(reverse("screening:due")).content.decode()
    assert "Tamsin Screentest" in mine
    assert "Overdue" in mine
    others = as_user(partnership.nurse).get(reverse("screening:due")).content.decode()
    assert "Tamsin Screentest" not in others  # not hers
    everyone = (
        as_user(partnership.nurse).get(reverse("screening:due") + "?scope=all").content.decode()
    )
    assert "Tamsin Screentest" in everyone
    home = as_user(partnership.practitioner).get(reverse("home")).content.decode()
    assert "1 overdue" in home
    assert "Transitions at 18" in home
    manager_home = as_user(partnership.manager).get(reverse("home")).content.decode()
    assert "1 screening overdue across the hub" in manager_home


def test_an_old_screening_displays_against_the_version_it_used(
    partnership: Partnership, as_user: Any, child_case: Case
) -> None:
    old = children_version()
    screening = services.screening_record(
        actor=partnership.practitioner,
        person=child_case.person,
        case=child_case,
        instrument_version=old,
        answers=answers(old.spec, present=["missing_from_home"]),
        level="at_risk",
    )
    text = (
        DEFAULT_FILES[0]
        .read_text()
        .replace('version: "2026.1"', 'version: "2027.1"')
        .replace("label: Goes missing from home or care", "label: Runs away or goes missing")
        .replace("label: At risk", "label: Some risk")
    )
    new = services.instrument_load(actor=None, text=text).version
    assert services.instrument_for(child_case.person, TODAY) == new
    client = as_user(partnership.practitioner)
    page = client.get(reverse("screening:detail", args=[screening.pk])).content.decode()
    assert "Goes missing from home or care" in page
    assert "Runs away or goes missing" not in page
    assert "version 2026.1" in page
    assert "At risk" in page
    assert "Some risk" not in page
    form = client.get(_new_url(child_case)).content.decode()
    assert "Runs away or goes missing" in form
    stale = form_data(old, answers(old.spec), level="no_current_concern")
    page = client.post(_new_url(child_case), stale).content.decode()
    assert "version 2027.1" in page
    assert Screening.objects.count() == 1
    instruments = client.get(reverse("screening:instruments")).content.decode()
    assert "Version 2026.1" in instruments
    assert "Version 2027.1" in instruments
    version_page = client.get(
        reverse("screening:instrument_version", args=[old.pk])
    ).content.decode()
    assert "Goes missing from home or care" in version_page
