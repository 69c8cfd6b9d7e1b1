"""The link chart: an analyst opens it from a person of concern, expands a node from the
keyboard-usable table, filters by kind of entity, and exports a PNG; axe checks each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import Partnership
from tests.intelligence.world import build_intel_world

from .conftest import Walk
from .test_referral_to_chronology import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_expand_filter_and_export_the_chart(walk: Walk, partnership: Partnership) -> None:
    world = build_intel_world(partnership)
    sign_in(walk, partnership.analyst.user.username)
    walk.goto(f"/intelligence/entities/{world.concern.pk}/")
    page = walk.page
    expect(page.get_by_role("heading", name="Adam Reevematrix")).to_be_visible()
    walk.shot("person-of-concern")
    page.get_by_role("link", name="Open link chart").click()
    nodes = page.locator("#node-table tbody tr")
    links = page.locator("#link-table tbody tr")
    # The person of concern and the car they drive.
    expect(nodes).to_have_count(2)
    expect(links).to_have_count(1)
    car = nodes.filter(has_text="AB12 CDE")
    car.get_by_role("button", name="Expand").click()
    # Expanding the car brings in the two persons at risk seen in it.
    expect(nodes).to_have_count(4)
    expect(links).to_have_count(3)
    expect(page.locator("#node-table")).to_contain_text("Tia Bright")
    walk.shot("chart-expanded")
    # Filter: vehicles off.
    page.get_by_label("Vehicle").uncheck()
    page.get_by_role("button", name="Apply filters").click()
    expect(nodes.filter(has_text="AB12 CDE")).to_have_count(0)
    page.get_by_label("Vehicle").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(nodes.filter(has_text="AB12 CDE")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export PNG").click()
    png = download.value
    assert png.suggested_filename == "link-chart.png"
    path = png.path()
    assert path is not None
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    page.get_by_label("Save this chart as").fill("Reeve and the car")
    page.get_by_role("button", name="Save chart").click()
    expect(page.locator("#save-status")).to_contain_text("Saved as Reeve and the car")
    walk.goto("/intelligence/alerts/")
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    walk.shot("alerts")
    page.get_by_role("link", name="Adam Reevematrix").first.click()
    expect(page.get_by_text("Tia Bright").first).to_be_visible()
    walk.shot("alert")
    assert walk.watch.console_errors == []
