"""Record a contact with a person and see it in their support history, in a real browser.

A hub practitioner opens the person's record, follows the support section to the support
history, records an unplanned phone call with a note and the next planned contact, and sees
it at the top of the contact log; the outcome chart and its table are on the page. Every page
is checked by axe-core; no console errors with the strict Content-Security-Policy.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern.support import services as support_services
from tests.conftest import Partnership
from tests.factories import open_case

from .conftest import PASSWORD, Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Rang from a friend's phone; safe tonight and wants to meet at the library on Friday."


def test_record_a_contact_and_see_it_in_the_history(walk: Walk, partnership: Partnership) -> None:
    p = partnership
    person = open_case(p, given_name="Nadia", family_name="Browsersupport").person
    support_services.key_worker_assign(
        actor=p.practitioner, person=person, worker_id=p.practitioner.user.pk, reason="Allocated."
    )
    support_services.outcomes_record(
        actor=p.practitioner,
        person=person,
        measured_on=timezone.localdate() - timedelta(days=30),
        scores={"safety": 3, "confidence": 4},
    )
    page = walk.page
    walk.goto("/accounts/login/")
    page.get_by_label("Username").fill(p.practitioner.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    walk.goto(f"/people/{person.pk}/")
    expect(page.get_by_role("heading", name="Support", exact=True)).to_be_visible()
    page.get_by_role("link", name="Support history (0 contacts)").click()
    expect(page.get_by_role("heading", name="Support history")).to_be_visible()
    expect(page.get_by_role("img", name="Line chart of Nadia's outcome scores")).to_be_visible()
    walk.shot("support-history")

    page.get_by_role("link", name="Record a contact").click()
    expect(page.get_by_role("heading", name="Record a contact")).to_be_visible()
    page.get_by_label("Type of contact").select_option(label="Phone call")
    page.get_by_role("group", name="Was it planned?").get_by_label("No").check()
    page.get_by_role("group", name="Who started it?").get_by_label("The person").check()
    page.get_by_role("group", name="Did it happen?").get_by_label("Attended").check()
    page.get_by_label("Short note").fill(NOTE)
    next_week = (timezone.localdate() + timedelta(days=7)).strftime("%d/%m/%Y")
    page.get_by_label("Next planned contact (optional)").fill(next_week)
    walk.shot("contact-form")
    page.get_by_role("button", name="Record the contact").click()

    expect(page.get_by_text("Contact recorded")).to_be_visible()
    log = page.locator("#contact-log")
    first = log.locator("tbody tr").first
    expect(first).to_contain_text("Phone call")
    expect(first).to_contain_text("Unplanned")
    expect(first).to_contain_text(NOTE)
    expect(page.get_by_text("Next planned contact:")).to_be_visible()
    walk.shot("contact-recorded")
    assert walk.watch.console_errors == []
