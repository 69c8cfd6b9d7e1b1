"""Import, review, unmerge: linkage end to end in Debian's Chromium, as two hub users.

An analyst imports a police extract in the browser; the background worker imports it and,
through linkage's hook, runs the trained model over the new record. The model is unsure that
the police record and a school record already in Lantern are the same girl, so the pair goes
to the review queue, where the analyst sees the records side by side and the waterfall of
evidence, and decides "match": the two people become one. A hub practitioner then finds the
merge and undoes it: the two people, and their records, are apart again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lantern.imports.models import SourceRecord
from lantern.linkage import engine, features, services
from lantern.linkage.datasets import read_extracts
from lantern.linkage.models import PersonMerge
from tests.conftest import Partnership
from tests.linkage.helpers import AGREEMENT, add_record, extract_for, install_model

from .conftest import Walk
from .test_import import run_worker
from .test_referral_to_chronology import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXTRACT = (
    "record_id,source,first_name,middle_names,last_name,date_of_birth,sex,nhs_number,"
    "postcode,address,phone,email\n"
    "NP7001,police-niche,Jade,,Hollis,14/02/2011,F,,NK1 4AB,12 Marlow Road,,\n"
)


@pytest.fixture(scope="module")
def model_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A Lantern model trained on the generator's extracts (as `lantern link train` would)."""
    from lantern.synth.extracts import write_extracts

    folder = tmp_path_factory.mktemp("extracts")
    write_extracts(folder, seed=20261201, people=1500)
    records, _ = read_extracts(folder)
    return engine.train(engine.make_api("duckdb"), features.prepare(records), "lantern").settings


def school_records_already_linked(p: Partnership) -> SourceRecord:
    """The school's roll, imported and linked earlier: each record is a person."""
    school = extract_for(p.school, p.analyst, "school-sims")
    for i in range(40):  # other pupils, so that name frequencies mean something
        add_record(
            school,
            f"S{i + 100}",
            first_name=f"Alex{i:02d}",
            last_name=f"Other{i:02d}",
            date_of_birth=f"{1 + i % 28:02d}/0{1 + i % 9}/20{10 - i % 5:02d}",
        )
    jade = add_record(
        school,
        "S1",
        first_name="Jade",
        last_name="HOLLIS",
        date_of_birth="2011",
        postcode="NK2 7QT",
    )
    services.run_start(actor=p.analyst, background=False)
    jade.refresh_from_db()
    assert jade.person_id is not None
    return jade


def import_the_police_extract(walk: Walk, extract_file: Path) -> None:
    page = walk.page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Agency extracts").click()
    page.get_by_role("link", name="Import an extract").click()
    page.get_by_label("Upload the extract").set_input_files(str(extract_file))
    page.get_by_label("Which agency supplied it?").select_option(label="Test Police")
    page.get_by_label("Data-sharing agreement").fill(AGREEMENT)
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name="police-persons.csv", level=1)).to_be_visible()
    run_worker()  # the import, then the linkage run its hook queued
    expect(page.locator("#progress")).to_contain_text("Imported", timeout=15_000)
    expect(page.locator("#counts")).to_contain_text(re.compile(r"New records\s*1"))
    walk.shot("imported")


def review_the_pair_as_a_match(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Linkage").click()
    expect(page.get_by_role("heading", name="Record linkage")).to_be_visible()
    page.get_by_role("link", name=re.compile("review queue", re.IGNORECASE)).first.click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    page.get_by_role("button", name="Review the next pair").click()
    expect(page.get_by_role("heading", name="Are these records the same person?")).to_be_visible()

    compare = page.locator("#compare")
    expect(compare).to_contain_text("NP7001")
    expect(compare).to_contain_text("S1")
    dob_row = compare.locator("tr", has_text="Date of birth")
    expect(dob_row).to_contain_text("Different")  # 14 Feb 2011 against the year 2011
    # Names as each agency wrote them, compared as folded for matching.
    last_name = compare.locator("tr", has_text="Last name")
    expect(last_name).to_contain_text("HOLLIS")
    expect(last_name).to_contain_text("Hollis")
    expect(last_name).to_contain_text("Same")
    expect(page.locator(".lantern-waterfall, #waterfall").first).to_be_visible()
    walk.shot("pair")

    # Deciding needs a choice; what was typed in the note is kept.
    page.get_by_label("Note").fill("Same girl: school says DOB 14/02, confirmed with the DSL")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select match, not a match")
    expect(page.get_by_label("Note")).to_have_value(
        "Same girl: school says DOB 14/02, confirmed with the DSL"
    )
    page.get_by_label("Match – the same person").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Recorded as a match: the two people are now one"
    )
    walk.shot("decided")


def unmerge(walk: Walk, merge: PersonMerge) -> None:
    page = walk.page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Linkage").click()
    page.get_by_role("link", name=merge.reference).click()
    heading = f"{merge.absorbed.reference} merged into {merge.survivor.reference}"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.get_by_role("button", name="Unmerge: they are two people").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # a reason is needed
    page.get_by_label("Why are they different people?").fill(
        "Police record is a different Jade Hollis: checked with the school, other DOB"
    )
    page.get_by_role("button", name="Unmerge: they are two people").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("two people again")
    # The person made from the police record carries the name as the police wrote it.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jade Hollis")
    walk.shot("unmerged")


def test_import_review_a_pair_and_unmerge(
    walk: Walk,
    partnership: Partnership,
    model_settings: dict[str, Any],
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.LANTERN_IMPORT_DIR = str(tmp_path / "uploads")
    # Sure links only above a probability this evidence cannot reach: the pair is for a person.
    install_model(model_settings, upper=0.999999999, lower=0.001)
    school_jade = school_records_already_linked(partnership)
    extract_file = tmp_path / "police-persons.csv"
    extract_file.write_text(EXTRACT, encoding="utf-8")

    sign_in(walk, partnership.analyst.user.username)
    import_the_police_extract(walk, extract_file)
    police_jade = SourceRecord.objects.get(record_id="NP7001")
    assert police_jade.person_id not in (None, school_jade.person_id)
    review_the_pair_as_a_match(walk)

    police_jade.refresh_from_db()
    school_jade.refresh_from_db()
    assert police_jade.person_id == school_jade.person_id
    merge = PersonMerge.objects.get(undone_at__isnull=True)
    sign_out(walk.page)

    sign_in(walk, partnership.practitioner.user.username)
    unmerge(walk, merge)
    police_jade.refresh_from_db()
    school_jade.refresh_from_db()
    assert police_jade.person_id != school_jade.person_id
    merge.refresh_from_db()
    assert merge.undone_by_id == partnership.practitioner.user.pk
    assert walk.watch.console_errors == []
