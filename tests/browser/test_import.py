"""An analyst imports an agency extract in a real browser and fixes a quarantined row.

The upload goes to the background worker (django-tasks' database backend, run here in the
test's own thread as ``lantern db_worker --batch`` would); the extract's page follows the
import with htmx and reloads itself when it has finished. Strict CSP: no console errors.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from lantern.core.normalisers import POSTCODE_MESSAGE
from lantern.imports.models import SourceRecord
from tests.conftest import Partnership

from .conftest import Walk
from .test_referral_to_chronology import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREEMENT = "Northwick MASH information-sharing agreement v3"
EXTRACT = (
    "record_id,source,first_name,middle_names,last_name,date_of_birth,sex,nhs_number,"
    "postcode,address,phone,email\n"
    "NP1001,police-niche,Tamsin,,Rowe,09/03/2011,F,999 000 0018,NK1 4AB,"
    "12 Marlow Road,07700 900123,\n"
    "NP1002,police-niche,Kayleigh,Ann,Matrix,2010,F,,NK12 ZZZ,Flat 3 Quayside,"
    "ask for mum,kayleigh@example.org\n"
    "NP1003,police-niche,Morgan,,Ellery,31/02/2009,F,,,,,\n"
)


def run_worker() -> None:
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    ).run()


def upload_the_extract(walk: Walk, extract_file: Path, police_pk: int) -> None:
    """Refused without an agreement (what was typed is kept), then queued for the worker."""
    page = walk.page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Agency extracts").click()
    expect(page.get_by_role("heading", name="Agency extracts")).to_be_visible()
    page.get_by_role("link", name="Import an extract").click()
    page.get_by_label("Upload the extract").set_input_files(str(extract_file))
    page.get_by_label("Which agency supplied it?").select_option(label="Test Police")
    page.get_by_label("Source system (optional)").fill("police-niche")
    page.get_by_role("button", name="Upload and import").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Name the data-sharing agreement")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Source system (optional)")).to_have_value("police-niche")
    expect(page.get_by_label("Which agency supplied it?")).to_have_value(str(police_pk))
    walk.shot("upload-refused")

    page.get_by_label("Upload the extract").set_input_files(str(extract_file))
    page.get_by_label("Data-sharing agreement").fill(AGREEMENT)
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name="police-persons.csv", level=1)).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("Waiting for the background worker")
    expect(page.locator("#sharing-basis")).to_contain_text(AGREEMENT)
    expect(page.locator("#sharing-basis")).to_contain_text("Sch 1 para 18")
    walk.shot("queued")


def the_page_follows_the_import(walk: Walk) -> None:
    page = walk.page
    run_worker()
    # The page polls its progress and reloads itself once the import has finished.
    expect(page.locator("#progress")).to_contain_text("Imported", timeout=15_000)
    counts = page.locator("#counts")
    expect(counts).to_contain_text(re.compile(r"New records\s*1"))
    expect(counts).to_contain_text(re.compile(r"Quarantined\s*2"))
    expect(page.locator("#records")).to_contain_text("NP1001")
    walk.shot("imported")


def fix_a_quarantined_row(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("link", name="2 waiting for a fix").click()
    quarantine = page.locator("#quarantine")
    expect(quarantine).to_contain_text(POSTCODE_MESSAGE)
    expect(quarantine).to_contain_text("31/02/2009 is not a real date")
    walk.shot("quarantine")
    page.get_by_role("link", name="Fix row 3").click()
    expect(page.get_by_role("heading", name="Fix row 3")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Kayleigh")
    expect(page.get_by_label("Postcode")).to_have_value("NK12 ZZZ")
    expect(page.get_by_label("Phone")).to_have_value("ask for mum")

    # A fix that is still wrong is refused field by field, keeping what was typed.
    page.get_by_label("Postcode").fill("NK12 9ZZ")
    page.get_by_label("Phone").fill("call the hostel")
    page.get_by_role("button", name="Import this row").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a telephone number")
    expect(page.get_by_label("Postcode")).to_have_value("NK12 9ZZ")
    expect(page.get_by_label("Phone")).to_have_value("call the hostel")
    walk.shot("fix-refused")

    page.get_by_label("Phone").fill("")
    page.get_by_role("button", name="Import this row").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Row 3 imported as record NP1002"
    )
    expect(page.locator("#quarantine")).not_to_contain_text("NP1002")
    walk.shot("fixed")


def test_an_analyst_imports_an_extract_and_fixes_a_quarantined_row(
    walk: Walk,
    partnership: Partnership,
    tmp_path: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.LANTERN_IMPORT_DIR = str(tmp_path / "uploads")
    monkeypatch.setitem(sys.modules, "lantern.linkage.hooks", None)  # type: ignore[arg-type]
    extract_file = tmp_path / "police-persons.csv"
    extract_file.write_text(EXTRACT, encoding="utf-8")

    sign_in(walk, partnership.analyst.user.username)
    upload_the_extract(walk, extract_file, partnership.police.pk)
    the_page_follows_the_import(walk)
    fix_a_quarantined_row(walk)

    record = SourceRecord.objects.get(record_id="NP1002")
    assert (record.postcode, record.phone, record.first_name) == ("NK12 9ZZ", "", "kayleigh")
    assert walk.watch.console_errors == []
    assert walk.watch.dialogs == []
