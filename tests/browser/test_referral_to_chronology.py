"""From a school's worry to a corrected chronology entry, in a real browser.

A school's designated safeguarding lead refers a girl not yet known to them; a hub practitioner
triages the referral, opens a case and records (then corrects) a chronology event; the school
sees the decision and the case, and is refused a record it has no part in. All through the real
login page, with the strict Content-Security-Policy in force: no console errors, no dialogs.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.core.normalisers import NHS_NUMBER_CHECK_DIGIT_MESSAGE, parse_date_of_birth
from lantern.referrals import services as referral_services
from tests.conftest import Partnership
from tests.factories import new_person, nhs_number

from .conftest import PASSWORD, Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKUP = "<script>alert(1)</script>"
TODAY = timezone.localdate()
DATE_OF_BIRTH = TODAY.replace(year=TODAY.year - 14, day=9).strftime("%d/%m/%Y")  # a child
EVENT_DATE = (TODAY - timedelta(days=3)).strftime("%d/%m/%Y")
WHAT_WAS_SEEN = (
    "Tamsin has been collected from the school gate by a man in his twenties in a grey car "
    "three times this month. She has a new phone she will not explain and said: "
    '"he looks after me".'
)
EVENT_SUMMARY = (
    "Reported missing after school; found at 02:10 at a takeaway in the city centre with two "
    f"older men. Tester's markup check: {MARKUP}"
)
CORRECTED_SUMMARY = EVENT_SUMMARY.replace("02:10", "01:40")
CORRECTION_REASON = "The police log gives 01:40 as the time she was found."
NOT_LISTED = "The person is not listed – enter their details"
CORRECTED = "Corrected – see history"


def sign_in(walk: Walk, username: str) -> None:
    page = walk.page
    walk.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to Lantern")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()


def fill_referral(page: Page, *, nhs: str) -> None:
    page.get_by_label("First name", exact=True).fill("Tamsin")
    page.get_by_label("Last name", exact=True).fill("Rowe")
    page.get_by_label("Date of birth").fill(DATE_OF_BIRTH)
    page.get_by_label("Female", exact=True).check()
    page.get_by_label("NHS number").fill(nhs)
    page.get_by_label("Going missing or unexplained absences").check()
    page.get_by_label("Relationships with older or risky people").check()
    page.get_by_label("What did you see or were you told?").fill(WHAT_WAS_SEEN)
    page.get_by_label("High", exact=True).check()


@pytest.fixture
def stranger(partnership: Partnership) -> Any:
    """Someone the police referred: the school has no part in their record."""
    referral = referral_services.referral_submit(
        actor=partnership.police_officer,
        new_person=new_person(
            given_name="Morgan",
            family_name="Ellery",
            date_of_birth=parse_date_of_birth("02/12/2008"),
            nhs_number=nhs_number(4242),
        ),
        concern_categories=["places_and_travel"],
        what_was_seen="Seen at a hotel late at night with older adults not known to her family.",
        urgency="standard",
    )
    return referral.person


def school_refers_someone_new(walk: Walk, username: str) -> str:
    """The school searches, does not find the person, and refers them with their details."""
    page = walk.page
    sign_in(walk, username)
    page.get_by_role("link", name="Make a referral").first.click()
    expect(page.get_by_role("heading", name="Who are you worried about?")).to_be_visible()
    page.get_by_label("Name, date of birth or NHS number").fill("Tamsin Rowe")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No one found that Test Academy is involved with")).to_be_visible()
    page.get_by_role("link", name=NOT_LISTED).click()
    expect(page.get_by_role("heading", name="About someone not yet known to you")).to_be_visible()

    fill_referral(page, nhs="999 000 0019")  # wrong check digit
    page.get_by_role("button", name="Send to the hub").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(NHS_NUMBER_CHECK_DIGIT_MESSAGE)
    expect(summary).to_be_focused()  # GOV.UK Frontend's error summary ran under the CSP
    expect(page.get_by_label("First name", exact=True)).to_have_value("Tamsin")
    expect(page.get_by_label("Last name", exact=True)).to_have_value("Rowe")
    expect(page.get_by_label("Date of birth")).to_have_value(DATE_OF_BIRTH)
    expect(page.get_by_label("Female", exact=True)).to_be_checked()
    expect(page.get_by_label("NHS number")).to_have_value("999 000 0019")
    expect(page.get_by_label("Going missing or unexplained absences")).to_be_checked()
    expect(page.get_by_label("Relationships with older or risky people")).to_be_checked()
    expect(page.get_by_label("Online contact or images")).not_to_be_checked()
    expect(page.get_by_label("What did you see or were you told?")).to_have_value(WHAT_WAS_SEEN)
    expect(page.get_by_label("High", exact=True)).to_be_checked()
    walk.shot("referral-error-summary")
    summary.get_by_role("link", name=NHS_NUMBER_CHECK_DIGIT_MESSAGE).click()
    expect(page.get_by_label("NHS number")).to_be_focused()

    page.get_by_label("NHS number").fill(nhs_number(7))
    page.get_by_role("button", name="Send to the hub").click()
    expect(page.get_by_role("heading", name="Tamsin Rowe", level=1)).to_be_visible()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(re.compile(r"Referral R-\d{6} sent to the hub"))
    reference = re.search(r"R-\d{6}", banner.inner_text())[0]  # type: ignore[index]
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Awaiting triage")
    expect(page.locator("#what-was-seen")).to_have_text(WHAT_WAS_SEEN)
    walk.shot("referral-sent")
    sign_out(page)
    return reference


def hub_opens_a_case(walk: Walk, username: str, reference: str) -> str:
    """The hub finds the referral in the triage queue and decides to open a case."""
    page = walk.page
    sign_in(walk, username)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Triage").click()
    queue = page.locator("#triage-queue")
    row = queue.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Tamsin Rowe")
    expect(row).to_contain_text("Child")
    expect(queue.get_by_role("row").nth(1)).to_contain_text(reference)  # high before standard
    walk.shot("triage-queue")
    row.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("Open a hub case").check()
    page.get_by_label("Reasons for the decision").fill(
        "Repeated collection by an older adult, an unexplained phone and her own words "
        "suggest grooming. Police hold related intelligence about the car."
    )
    page.get_by_label("Message to the referrer").fill(
        "A hub case is open and the school is part of it. Please add absences to the chronology."
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Decision recorded: Open a hub case"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tamsin Rowe")
    return page.url


def hub_records_and_corrects_an_event(walk: Walk) -> None:
    """On the case page: add a chronology event, then correct it with a reason."""
    page = walk.page
    page.get_by_role("link", name="Add an event").click()
    page.get_by_label("Date of the event").fill(EVENT_DATE)
    page.get_by_label("Time", exact=True).fill("21:30")
    page.get_by_label("Type of event").select_option(label="Missing episode")
    page.get_by_label("What happened").fill(EVENT_SUMMARY)
    page.get_by_role("button", name="Add to chronology").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Added to the chronology"
    )
    chronology = page.locator("#chronology")
    expect(chronology).to_contain_text("Missing episode")
    expect(chronology).to_contain_text(EVENT_SUMMARY)  # the markup is shown as text
    expect(chronology.locator("script")).to_have_count(0)
    walk.shot("case-with-event")

    chronology.get_by_role("link", name=re.compile(r"^Details of the Missing episode")).click()
    expect(page.locator("#entry-summary")).to_have_text(EVENT_SUMMARY)
    page.get_by_role("link", name="Correct this entry").click()
    expect(page.get_by_label("What happened")).to_have_value(EVENT_SUMMARY)
    expect(page.get_by_label("Time", exact=True)).to_have_value("21:30")
    page.get_by_label("What happened").fill(CORRECTED_SUMMARY)
    page.get_by_label("Why are you correcting this entry?").fill(CORRECTION_REASON)
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "its earlier version is kept in its history"
    )
    expect(page.locator("#entry-summary")).to_have_text(CORRECTED_SUMMARY)
    history = page.locator("#entry-history")
    expect(history).to_contain_text("Version 1")
    expect(history).to_contain_text(CORRECTION_REASON)
    expect(history).to_contain_text(EVENT_SUMMARY)
    expect(history.locator("script")).to_have_count(0)
    walk.shot("entry-history")
    page.get_by_role("link", name="Back to the case").click()
    chronology = page.locator("#chronology")
    expect(chronology).to_contain_text(CORRECTED_SUMMARY)
    expect(chronology.get_by_role("link", name=re.compile(f"^{CORRECTED}"))).to_be_visible()
    sign_out(page)


def school_follows_the_referral(walk: Walk, username: str, reference: str, case_url: str) -> None:
    page = walk.page
    sign_in(walk, username)
    expect(page.get_by_role("row").filter(has_text=reference)).to_contain_text("Open a hub case")
    page.get_by_role("link", name=reference).click()
    decision = page.locator("#decision")
    expect(decision).to_contain_text("Open a hub case")
    expect(decision).to_contain_text("the school is part of it")
    page.get_by_role("link", name=re.compile(r"^case C-")).click()
    expect(page).to_have_url(case_url)
    expect(page.locator("#chronology")).to_contain_text(CORRECTED_SUMMARY)
    expect(page.get_by_role("link", name="Add an event")).to_be_visible()
    walk.shot("school-sees-case")


def test_referral_to_corrected_chronology(
    walk: Walk, partnership: Partnership, stranger: Any
) -> None:
    school = partnership.school_lead.user.username
    reference = school_refers_someone_new(walk, school)
    case_url = hub_opens_a_case(walk, partnership.practitioner.user.username, reference)
    hub_records_and_corrects_an_event(walk)
    school_follows_the_referral(walk, school, reference, case_url)

    # The school has no part in the stranger's record: refused, and nothing of it shown.
    errors_before_refusal = len(walk.watch.console_errors)
    response = walk.goto(f"/people/{stranger.pk}/")
    assert response is not None
    assert response.status == 403
    expect(walk.page.get_by_role("heading", name="You do not have access to this")).to_be_visible()
    expect(walk.page.get_by_text("Morgan")).to_have_count(0)
    walk.shot("school-refused")

    # Chromium logs the refused page load itself; anything else is a real error (a CSP
    # violation among them). And the markup typed into the chronology never ran.
    refusal_noise = [
        e for e in walk.watch.console_errors[errors_before_refusal:] if "status of 403" in e
    ]
    assert [e for e in walk.watch.console_errors if e not in refusal_noise] == []
    assert walk.watch.dialogs == []
