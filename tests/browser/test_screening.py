"""Risk screening in a real browser: a child, then an adult, end to end.

A hub practitioner opens a child's case, sees what the chronology suggests (three missing
episodes in a month), answers every indicator, works out the level, records a judgement that
differs (with the reason) and sees the level on the case page's chart. Then an adult is
screened with the adults' instrument: their own words, the outcomes they want, and a capacity
assessment for one named decision. Strict CSP: no console errors, no dialogs.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.cases.models import Case, ChronologyEntry
from lantern.core.normalisers import PartialDate
from lantern.screening.models import Screening
from lantern.screening.services import instrument_in_use
from tests.conftest import Partnership
from tests.factories import open_case

from .conftest import PASSWORD, Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def _case(p: Partnership, given: str, family: str, years: int) -> Case:
    born = TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28)) - timedelta(days=30)
    return open_case(
        p, given_name=given, family_name=family, date_of_birth=PartialDate.from_date(born)
    )


@pytest.fixture
def cases(partnership: Partnership) -> tuple[Case, Case]:
    child = _case(partnership, "Keira", "Browsertest", 14)
    for days in (3, 12, 24):
        ChronologyEntry.objects.create(
            person=child.person,
            case=child,
            occurred_on=TODAY - timedelta(days=days),
            event_type="missing_episode",
            significance="high",
            summary=f"Reported missing overnight; found {days} days ago at the Station Road hotel.",
            source_agency=partnership.police,
            author=partnership.police_officer.user,
        )
    adult = _case(partnership, "Leanne", "Browsertest", 23)
    return child, adult


def sign_in(walk: Walk, username: str) -> None:
    page = walk.page
    walk.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def answer_everything(page: Page, audience: str, present: dict[str, str]) -> None:
    """Every indicator not present, except ``present`` (code → evidence), seen last week."""
    version = instrument_in_use(audience)
    assert version is not None
    for code, indicator in version.spec.indicators.items():
        group = page.get_by_role("group", name=indicator.label, exact=True)
        if code in present:
            group.get_by_label("Present", exact=True).check()
            block = page.locator(f"#indicator-{code}")
            block.get_by_label("Evidence").fill(present[code])
            block.get_by_label("Last seen").fill((TODAY - timedelta(days=7)).strftime("%d/%m/%Y"))
        else:
            group.get_by_label("Not present", exact=True).check()


def screen_a_child(walk: Walk, case: Case) -> None:
    page = walk.page
    walk.goto(f"/cases/{case.pk}/")
    expect(page.locator("#screening-status")).to_contain_text("Not screened yet")
    page.get_by_role("link", name="Screen risk").click()
    expect(page.get_by_role("heading", name="Screen Keira Browsertest")).to_be_visible()
    expect(page.get_by_text("Lantern children's exploitation screening")).to_be_visible()
    suggestion = page.locator("#indicator-missing_from_home .lantern-suggestion")
    expect(suggestion).to_contain_text("Three or more missing episodes within 30 days")
    expect(suggestion).to_contain_text("3 entries behind it")
    expect(suggestion).to_contain_text("Station Road hotel")
    group = page.get_by_role("group", name="Goes missing from home or care", exact=True)
    expect(group.get_by_label("Present", exact=True)).not_to_be_checked()  # nothing marked for you
    walk.shot("child-form-suggestion")

    answer_everything(
        page,
        "children",
        {
            "missing_from_home": "Three missing episodes this month (police log); at a hotel.",
            "person_of_concern": "Found in a car with a man the police know, on Friday night.",
        },
    )
    page.get_by_role("button", name="Work out the level").click()
    computed = page.locator("#computed-level")
    expect(computed).to_contain_text("Significant risk")
    expect(computed).to_contain_text("Seen with a person of concern")
    expect(page.locator("#indicator-person_of_concern").get_by_label("Evidence")).to_have_value(
        "Found in a car with a man the police know, on Friday night."
    )
    walk.shot("child-computed-level")

    page.get_by_role("group", name="Your professional judgement of the level").get_by_label(
        "Serious risk"
    ).check()
    page.get_by_role("button", name="Save screening").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say why your judgement is 'Serious risk'")
    page.get_by_label("Why your judgement differs from the computed level").fill(
        "She told the school nurse the man said she owes him; the risk is immediate."
    )
    page.get_by_label("What the child said, in their own words").fill("He says I owe him.")
    page.get_by_role("button", name="Save screening").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        re.compile(r"Screening S-\d{6} recorded: Serious risk")
    )
    expect(page.locator("#computed-level")).to_contain_text("Significant risk")
    expect(page.locator("#judgement")).to_contain_text("the risk is immediate")
    walk.shot("child-screening")

    page.get_by_role("link", name=re.compile(r"^case C-")).click()
    chart = page.get_by_role("img", name="Screening level over time")
    expect(chart).to_be_visible()
    expect(page.locator("#screening-history")).to_contain_text("Serious risk")
    walk.shot("child-case-chart")


def screen_an_adult(walk: Walk, case: Case) -> None:
    page = walk.page
    walk.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Screen risk").click()
    expect(page.get_by_text("Lantern adults' exploitation screening")).to_be_visible()
    answer_everything(
        page,
        "adults",
        {
            "controlled_by_others": "Her bank card is held by the man she lives with (her words).",
            "care_needs": "Learning disability; support with money and letters.",
        },
    )
    page.get_by_label("The person's own words").fill("He keeps my card. I want it back.")
    page.get_by_label("The outcomes the person wants").fill(
        "To manage her own money and stay in her flat."
    )
    first = page.get_by_role("group", name="Capacity assessment 1")
    first.get_by_label("Decision", exact=True).select_option(label="Contact with a named person")
    first.get_by_label("Which (for example the person named)").fill("the man she lives with")
    first.get_by_label("Date of the assessment").fill(
        (TODAY - timedelta(days=2)).strftime("%d/%m/%Y")
    )
    first.get_by_label("Assessed by (name and role)").fill("N. Hussain, adult social worker")
    first.get_by_label("Lacks capacity for this decision").check()
    page.get_by_role("button", name="Work out the level").click()
    expect(page.locator("#computed-level")).to_contain_text("Significant risk")
    walk.shot("adult-computed-level")
    page.get_by_role("group", name="Your professional judgement of the level").get_by_label(
        "Significant risk"
    ).check()
    page.get_by_role("button", name="Save screening").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "recorded: Significant risk"
    )
    expect(page.locator("#person-words")).to_have_text("He keeps my card. I want it back.")
    capacity = page.locator("#capacity-assessments")
    expect(capacity).to_contain_text("Contact with a named person: the man she lives with")
    expect(capacity).to_contain_text("Lacks capacity for this decision")
    walk.shot("adult-screening")


def test_screen_a_child_and_an_adult(
    walk: Walk, partnership: Partnership, cases: tuple[Case, Case]
) -> None:
    child, adult = cases
    sign_in(walk, partnership.practitioner.user.username)
    screen_a_child(walk, child)
    screen_an_adult(walk, adult)
    child_screening, adult_screening = Screening.objects.order_by("pk")
    assert (child_screening.audience, child_screening.level) == ("children", "serious")
    assert child_screening.suggestions.get().decision == "confirmed"
    assert (adult_screening.audience, adult_screening.level) == ("adults", "significant")
    assert walk.watch.console_errors == []
    assert walk.watch.dialogs == []


def test_nothing_here_needs_javascript(walk: Walk, partnership: Partnership, cases: Any) -> None:
    """The chart is server-drawn SVG: it is there with scripts switched off."""
    child, _ = cases
    walk.page.context.close()
    context = walk.page.context.browser.new_context(java_script_enabled=False)  # type: ignore[union-attr]
    page = context.new_page()
    page.goto(f"{walk.base}/accounts/login/")
    page.get_by_label("Username").fill(partnership.practitioner.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{walk.base}/cases/{child.pk}/")
    expect(page.locator("#screening-status")).to_contain_text("Not screened yet")
    page.get_by_role("link", name="Screen risk").click()
    expect(page.get_by_role("button", name="Work out the level")).to_be_visible()
    context.close()
