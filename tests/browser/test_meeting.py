"""A panel in a real browser: from the agenda Lantern proposes to issued minutes.

A hub practitioner schedules a children's panel, keeps the proposed items, records
attendance, what an agency shared and the decisions, sets an action, opens the room view,
issues the minutes and reads the school's version. axe-core checks every page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern.meetings.models import Meeting, Minutes
from tests.conftest import Partnership
from tests.meetings.world import build

from .conftest import Walk
from .test_screening import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_panel_from_proposed_agenda_to_issued_minutes(  # noqa: PLR0915 - one walk, end to end
    walk: Walk, partnership: Partnership
) -> None:
    world = build(partnership, record=False)
    Meeting.objects.filter(pk=world.meeting.pk).delete()
    page = walk.page
    sign_in(walk, "practitioner")
    page.get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Multi-agency child exploitation panel").check()
    page.get_by_label("Title").fill("Children's panel, browser")
    day = timezone.localdate() + timedelta(days=2)
    page.get_by_label("Date").fill(day.strftime("%d/%m/%Y"))
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Where").fill("Hub meeting room")
    walk.shot("schedule")
    page.get_by_role("button", name="Schedule and propose the agenda").click()

    expect(
        page.get_by_role("heading", name="Proposed agenda: Children's panel, browser")
    ).to_be_visible()
    expect(page.get_by_label("Jade Panelcase")).to_be_checked()
    page.get_by_label("Add items").fill("Any other business")
    walk.shot("proposed-agenda")
    page.get_by_role("button", name="Set the agenda").click()
    expect(page.get_by_text("Agenda set; the agencies")).to_be_visible()

    page.get_by_role("link", name="Record attendance").click()
    page.get_by_role("group", name="Test Academy").get_by_label("Attended").check()
    page.get_by_label("Who came from Test Academy").fill("Designated safeguarding lead")
    page.get_by_role("group", name="Test Police").get_by_label("Sent apologies").check()
    walk.shot("attendance")
    page.get_by_role("button", name="Save attendance").click()

    page.get_by_role("link", name="Record item 2").click()  # Jade: serious risk (Tyler) comes first
    expect(page.get_by_role("heading", name="Jade Panelcase", exact=False)).to_be_visible()
    page.get_by_label("Shared by").select_option(label="Test Academy")
    page.get_by_label("What was shared").fill("Attendance fell this term.")
    page.get_by_label("Decisions").fill("Strategy discussion tomorrow.")
    page.get_by_role("button", name="Save information and decisions").click()
    expect(page.get_by_text("Attendance fell this term.")).to_be_visible()
    page.get_by_label("Action", exact=True).fill("Arrange a return home interview")
    page.get_by_label("Owning agency").select_option(label="Test Academy")
    page.get_by_label("Due in working days").fill("5")
    walk.shot("item")
    page.get_by_role("button", name="Set the action").click()
    expect(page.get_by_text("Action set")).to_be_visible()

    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("link", name="Open the room view").click()
    expect(page.get_by_text("For the shared screen")).to_be_visible()
    walk.shot("room")
    page.get_by_role("link", name="Back to the meeting's record").click()
    page.get_by_role("link", name="Issue minutes").click()
    walk.shot("issue")
    page.get_by_role("button", name="Issue minutes").click()
    expect(page.get_by_text("Minutes version 1 issued")).to_be_visible()
    walk.shot("issued")

    school = Minutes.objects.get(recipient=partnership.school)
    page.locator(f'a[href="/meetings/minutes/{school.pk}/"]').click()
    expect(page.get_by_role("heading", name="Minutes: Children's panel, browser")).to_be_visible()
    expect(page.get_by_text("Attendance fell this term.")).to_be_visible()
    assert "Otherchild" not in page.content()
    walk.shot("minutes")
    assert school.pdf
    assert not walk.watch.console_errors
    assert not walk.watch.dialogs
