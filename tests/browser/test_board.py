"""The board dashboard in a real browser: a board member signs in, sees the figures with a
chart beside each table, small counts shown as "*", chooses a period, and opens the
recommendation tracker. axe-core finds no violations; no console errors under the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lantern.reporting import services
from tests.conftest import Partnership
from tests.reporting.conftest import build_referrals

from .conftest import PASSWORD, Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_member_reads_the_dashboard(partnership: Partnership, walk: Walk) -> None:
    build_referrals(partnership)
    services.snapshot_refresh(actor=partnership.analyst)
    services.recommendations_load(actor=partnership.manager)
    page = walk.page
    walk.goto("/accounts/login/")
    page.get_by_label("Username").fill(partnership.board.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("link", name="Board", exact=True).click()
    expect(page.get_by_role("heading", name="Board dashboard")).to_be_visible()
    expect(page.locator("#refreshed")).to_contain_text("Figures refreshed")
    table = page.locator("#table-referrals_by_agency_month")
    school = table.get_by_role("row", name="Test Academy")
    expect(school).to_contain_text("*")
    expect(page.locator("img.lantern-figure__chart").first).to_be_visible()
    assert "Ashworth" not in page.content()
    walk.shot("dashboard")
    page.get_by_label("Period", exact=True).select_option(index=1)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Board dashboard")).to_be_visible()
    page.get_by_role("link", name="Safeguarding Adults Collection").click()
    expect(page.get_by_role("heading", name="Safeguarding Adults Collection")).to_be_visible()
    walk.shot("sac-return")
    page.get_by_role("link", name="Recommendations").first.click()
    page.get_by_role("link", name="Show only overdue").click()
    expect(page.locator("#recommendations")).to_contain_text("Overdue")
    walk.shot("recommendations-overdue")
