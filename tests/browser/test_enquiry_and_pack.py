"""In a real browser: a hub manager concludes an adult safeguarding enquiry (a refused
first attempt keeps what was typed), then removes another area's imported learning pack.
axe-core checks every page; strict CSP: no console errors, no dialogs."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern.learning import services as learning_services
from lantern.learning.models import ImportedPack
from lantern.referrals.models import EnquiryConclusion, Referral
from lantern.reporting import services as reporting_services
from tests.conftest import Partnership
from tests.factories import open_enquiry
from tests.learning import world as learning_world

from .conftest import Walk
from .test_screening import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def enquiry(partnership: Partnership) -> Referral:
    learning_services.pack_import(
        actor=partnership.manager,
        raw=json.dumps(learning_world.their_pack(partnership, "2026Q3")),
    )
    referral: Referral = open_enquiry(partnership, family_name="Browsertest")
    return referral


def _choose_risk_identified_and_see_its_questions(walk: Walk) -> None:
    """GOV.UK Frontend's conditional reveal: the questions nested under a risk assessment
    (and under "asked, and outcomes were expressed") are hidden until it is chosen. Answers
    that action was taken and that outcomes were expressed, leaving the rest unanswered."""
    page = walk.page
    expect(page.get_by_role("group", name="Was action taken?")).to_have_count(0)
    expect(page.get_by_role("group", name="What happened to the risk?")).to_have_count(0)
    expect(
        page.get_by_role("group", name="Were the outcomes the person wanted achieved?")
    ).to_have_count(0)
    page.get_by_role("group", name="Was a risk identified?").get_by_label(
        "Risk identified", exact=True
    ).check()
    # Choosing "Risk identified" reveals its own copies of the nested questions (and only them).
    expect(page.get_by_role("group", name="Was action taken?")).to_have_count(1)
    expect(page.get_by_role("group", name="What happened to the risk?")).to_be_visible()
    expect(page.locator("#id_risk_assessment_0")).to_have_attribute("aria-expanded", "true")
    walk.shot("conclusion-risk-identified-revealed")
    page.get_by_role("group", name="Was action taken?").get_by_label(
        "Yes, action was taken"
    ).check()
    page.get_by_role("group", name="Was the person asked what outcomes they wanted?").get_by_label(
        "Asked, and outcomes were expressed"
    ).check()
    expect(
        page.get_by_role("group", name="Were the outcomes the person wanted achieved?")
    ).to_be_visible()


def test_a_manager_concludes_an_enquiry_and_removes_a_pack(
    walk: Walk, partnership: Partnership, enquiry: Referral
) -> None:
    page = walk.page
    sign_in(walk, "manager")
    walk.goto(f"/referrals/{enquiry.pk}/")
    expect(page.get_by_text("The enquiry has not been concluded yet.")).to_be_visible()
    page.get_by_role("link", name="Conclude the enquiry").click()
    expect(page.get_by_role("heading", name="How did the enquiry conclude?")).to_be_visible()

    page.get_by_label("Date the enquiry concluded").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.get_by_role("group", name="Types of risk").get_by_label("Sexual exploitation").check()
    page.get_by_role("group", name="Types of risk").get_by_label("Psychological abuse").check()
    page.get_by_role("group", name="Where was the risk?").get_by_label(
        "In the community (excluding community services)"
    ).check()
    page.get_by_role("group", name="Who or what was the source of the risk?").get_by_label(
        "Other, unknown to the individual"
    ).check()
    _choose_risk_identified_and_see_its_questions(walk)
    walk.shot("conclusion-filled-without-risk-outcome")
    page.get_by_role("button", name="Record the conclusion").click()

    # Refused: the risk outcome is missing; everything typed is still there.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether the risk was removed, reduced or remains"
    )
    expect(
        page.get_by_role("group", name="Where was the risk?").get_by_label(
            "In the community (excluding community services)"
        )
    ).to_be_checked()
    expect(
        page.get_by_role("group", name="Types of risk").get_by_label("Psychological abuse")
    ).to_be_checked()
    walk.shot("conclusion-refused-keeps-answers")

    # The reveal under the chosen answer stays open, with the answer kept.
    expect(
        page.get_by_role("group", name="Was action taken?").get_by_label("Yes, action was taken")
    ).to_be_checked()
    page.get_by_role("group", name="What happened to the risk?").get_by_label(
        "Risk reduced"
    ).check()
    page.get_by_role("group", name="Were the outcomes the person wanted achieved?").get_by_label(
        "Partially achieved"
    ).check()
    page.get_by_role("button", name="Record the conclusion").click()

    expect(page.get_by_text("Enquiry conclusion recorded")).to_be_visible()
    conclusion = page.locator("#conclusion")
    expect(conclusion).to_contain_text("Risk identified; action taken: risk reduced")
    expect(conclusion).to_contain_text("In the community (excluding community services)")
    walk.shot("referral-with-conclusion")
    stored = EnquiryConclusion.objects.get(referral=enquiry)
    assert stored.types_of_risk == ["psychological", "sexual_exploitation"]
    assert stored.outcomes_achieved == "partially"
    assert stored.action_taken is True

    # The SAC return counts it (a small number: hidden), with ODS beside XLSX.
    reporting_services.snapshot_refresh(actor=partnership.manager)
    walk.goto("/board/returns/sac/")
    expect(page.get_by_role("heading", name="Enquiries by risk outcome")).to_be_visible()
    expect(
        page.get_by_role("link", name="OpenDocument spreadsheet (ODS)", exact=True)
    ).to_be_visible()
    walk.shot("sac-return")

    # Another area's pack: removed after a confirmation.
    walk.goto("/learning/packs/")
    pack = ImportedPack.objects.get()
    page.get_by_role("link", name=f"Remove {pack.area_name}'s pack for {pack.period}").click()
    expect(
        page.get_by_role("heading", name=f"Remove {pack.area_name}'s pack for {pack.period}?")
    ).to_be_visible()
    walk.shot("pack-remove-confirmation")
    page.get_by_role("button", name="Remove the pack").click()
    expect(page.get_by_text(f"Removed {pack.area_name}'s pack")).to_be_visible()
    expect(page.get_by_text("No pack imported yet.")).to_be_visible()
    walk.shot("packs-after-removal")
    assert not ImportedPack.objects.exists()

    assert walk.watch.console_errors == []
    assert walk.watch.dialogs == []
