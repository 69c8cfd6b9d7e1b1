"""The review page shows who a pair would join: both people, all their agency records.

A hub analyst opens a pair whose records each belong to a person of two agency records. The
page shows both people side by side with every record as its agency wrote it, and says
plainly that, joined, they would hold two different valid NHS numbers and dates of birth
that cannot both be true.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import Partnership
from tests.linkage import clusters_world

from .conftest import Walk
from .test_referral_to_chronology import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pair_page_shows_both_people_and_their_contradictions(
    walk: Walk, partnership: Partnership
) -> None:
    world = clusters_world.build(partnership)
    sign_in(walk, partnership.analyst.user.username)
    walk.goto(f"/linkage/review/{world.pair.pk}/")
    page = walk.page
    expect(page.get_by_role("heading", name="Are these records the same person?")).to_be_visible()
    expect(page.get_by_role("heading", name="Who you would be joining")).to_be_visible()

    left, right = page.locator("#cluster-left"), page.locator("#cluster-right")
    for table, person in ((left, world.left), (right, world.right)):
        expect(table.locator("caption")).to_contain_text(f"person {person.reference}")
        expect(table.locator("caption")).to_contain_text("2 agency records")
    both = page.locator(".lantern-cluster")
    # Every agency's record, names as each agency wrote them.
    expect(left).to_contain_text("police-niche NP7001")
    expect(left).to_contain_text("housing-orchard H-88")
    expect(right).to_contain_text("school-sims S1-old")
    for name in ("Jade HOLLIS", "Jayde Hollis", "Jade Hollis", "Jade Marie Hollis-Ward"):
        expect(both.get_by_text(name, exact=True)).to_have_count(1)
    expect(both.locator(".govuk-tag", has_text="In this pair")).to_have_count(2)

    warning = page.locator("#contradictions")
    expect(warning).to_contain_text("cannot all be true of one person")
    expect(warning).to_contain_text("Two different valid NHS numbers: ")
    expect(warning).to_contain_text("9434765919")
    expect(warning).to_contain_text("4010232137")
    expect(warning).to_contain_text("Dates of birth that cannot both be true")
    row = both.locator("tr", has_text="S1-old")
    expect(row.locator(".govuk-tag--red")).to_have_count(2)
    walk.shot("pair-clusters")
    assert walk.watch.console_errors == []
