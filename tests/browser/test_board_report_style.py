"""The quarterly board report's HTML in a real browser under the strict CSP: its stylesheet
is a static file, so the page is styled (an inline ``<style>`` would be blocked), and the
browser logs no CSP violation. A screenshot is kept for people to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lantern.reporting import services
from lantern.reporting.periods import quarter_of
from tests.conftest import Partnership
from tests.reporting.conftest import build_referrals

from .conftest import PASSWORD, Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_report_document_is_styled(partnership: Partnership, walk: Walk) -> None:
    from django.utils import timezone

    build_referrals(partnership)
    services.snapshot_refresh(actor=partnership.analyst)
    period = quarter_of(timezone.localdate()).key
    page = walk.page
    walk.goto("/accounts/login/")
    page.get_by_label("Username").fill(partnership.board.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    walk.goto(f"/board/reports/{period}/document.html")
    expect(page.get_by_role("heading", name="Quarterly board report")).to_be_visible()
    table = page.locator("table").first
    # Styles only the stylesheet sets (a browser's defaults are "separate" and serif).
    assert table.evaluate("t => getComputedStyle(t).borderCollapse") == "collapse"
    body_font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Arial" in body_font
    caption_align = page.locator("caption").first.evaluate("c => getComputedStyle(c).textAlign")
    assert caption_align == "left"
    walk.shot("board-report-document")
    assert not [e for e in walk.watch.console_errors if "Content Security Policy" in e]
