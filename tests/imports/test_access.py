"""Who may see and do what with agency extracts, in the pages and the API."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lantern.core.models import AuditAction, AuditEvent
from lantern.core.problems import PROBLEM_CONTENT_TYPE
from lantern.imports.models import Extract, ExtractStatus, QuarantinedRow
from tests.conftest import Partnership

from .conftest import AGREEMENT, ImportFile, standard_row, write_csv
from .test_profiles import BROKEN, GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def extract(tmp_path: Path, import_file: ImportFile) -> Extract:
    rows = [standard_row("NP1", first_name="Kayleigh"), standard_row("NP2", sex="Q")]
    return import_file(write_csv(tmp_path / "police.csv", rows))


def _refusals() -> int:
    return AuditEvent.objects.filter(action=AuditAction.REFUSED).count()


def _urls(extract: Extract) -> list[str]:
    row = QuarantinedRow.objects.get(extract=extract)
    record = extract.supplied.get().record_id
    return [
        reverse("imports:list"),
        reverse("imports:detail", args=[extract.pk]),
        reverse("imports:progress", args=[extract.pk]),
        reverse("imports:quarantine", args=[extract.pk]),
        reverse("imports:row", args=[row.pk]),
        reverse("imports:record", args=[record]),
        reverse("imports:profiles"),
        reverse("api-import-extract-list"),
        reverse("api-import-extract-detail", args=[extract.pk]),
        reverse("api-import-quarantine-list", args=[extract.pk]),
        reverse("api-import-quarantine-row", args=[row.pk]),
        reverse("api-import-record-detail", args=[record]),
        reverse("api-import-profile-list"),
    ]


@pytest.mark.parametrize("who", ["school_lead", "police_officer", "board", "admin"])
def test_only_the_hub_sees_extracts_records_and_quarantine(
    extract: Extract, partnership: Partnership, as_user: Any, who: str
) -> None:
    client = as_user(getattr(partnership, who))
    for url in _urls(extract):
        before = _refusals()
        response = client.get(url)
        assert response.status_code == 403, (url, response.status_code)
        assert "Kayleigh" not in response.content.decode()
        assert _refusals() == before + 1, f"{url}: the refusal was not audited"


@pytest.mark.parametrize("who", ["practitioner", "analyst", "manager"])
def test_hub_roles_see_them_and_the_reads_are_audited(
    extract: Extract, partnership: Partnership, as_user: Any, who: str
) -> None:
    client = as_user(getattr(partnership, who))
    fix_page = reverse("imports:row", args=[QuarantinedRow.objects.get(extract=extract).pk])
    for url in _urls(extract):
        # Fixing a row is for those who import (a practitioner sees the rows in the list).
        expected = 403 if url == fix_page and who == "practitioner" else 200
        assert client.get(url).status_code == expected, url
    detail = client.get(reverse("imports:detail", args=[extract.pk])).content.decode()
    assert AGREEMENT in detail
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="extract", username=who
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="source_record", username=who
    ).exists()


def test_a_hub_practitioner_may_look_but_not_import(
    extract: Extract, partnership: Partnership, as_user: Any
) -> None:
    client = as_user(partnership.practitioner)
    row = QuarantinedRow.objects.get(extract=extract)
    for url in (
        reverse("imports:upload"),
        reverse("imports:withdraw", args=[extract.pk]),
        reverse("imports:profile_new"),
    ):
        before = _refusals()
        assert client.get(url).status_code == 403, url
        assert _refusals() == before + 1
    assert client.post(reverse("imports:row", args=[row.pk]), {"record_id": "X"}).status_code == 403
    api = client.post(
        reverse("api-import-extract-withdraw", args=[extract.pk]),
        {"reason": "x"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert api["Content-Type"] == PROBLEM_CONTENT_TYPE
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.DONE


def test_an_analyst_uploads_in_the_browser_and_the_import_is_queued(
    partnership: Partnership, as_user: Any, settings_imports: Any
) -> None:
    client: Client = as_user(partnership.analyst)
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200
    assert 'class="govuk-file-upload"' in page.content.decode()
    upload = io.BytesIO(b"record_id,first_name\nNP1,Jade\n")
    upload.name = "police.csv"

    response = client.post(
        reverse("imports:upload"),
        {
            "file": upload,
            "agency": partnership.police.pk,
            "profile": "",
            "source": "police-niche",
            "sharing_agreement": AGREEMENT,
            "lawful_basis": "DPA 2018 Sch 1 para 18",
        },
    )

    extract = Extract.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[extract.pk])
    assert extract.status == ExtractStatus.QUEUED
    assert DBTaskResult.objects.filter(id=extract.task_id).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the background worker" in page
    assert 'hx-trigger="every 2s"' in page  # the page polls while it waits
    assert 'http-equiv="refresh"' in page  # and refreshes itself without JavaScript


def test_the_upload_form_keeps_what_was_typed_when_refused(
    partnership: Partnership, as_user: Any, settings_imports: Any
) -> None:
    client: Client = as_user(partnership.analyst)
    upload = io.BytesIO(b"first_name\nJade\n")
    upload.name = "police.csv"
    response = client.post(
        reverse("imports:upload"),
        {
            "file": upload,
            "agency": partnership.police.pk,
            "source": "police-niche",
            "sharing_agreement": AGREEMENT,
            "lawful_basis": "DPA 2018 Sch 1 para 18",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The file has no record_id column" in html
    assert f'value="{AGREEMENT}"' in html
    assert 'value="police-niche"' in html
    assert not Extract.objects.exists()


def test_the_api_takes_an_upload_and_reports_progress(
    partnership: Partnership, as_user: Any, settings_imports: Any
) -> None:
    client: Client = as_user(partnership.manager)
    upload = io.BytesIO(b"record_id,first_name\nNP1,Jade\n")
    upload.name = "police.csv"

    response = client.post(
        reverse("api-import-extract-list"),
        {"file": upload, "agency": "police", "sharing_agreement": AGREEMENT},
    )

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["agency"]["code"] == "police"
    assert "Sch 1 para 18" in body["lawful_basis"]
    detail = client.get(response["Location"]).json()
    assert (detail["id"], detail["rows_done"], detail["percent"]) == (body["id"], 0, 0)


def test_the_api_refuses_an_unreadable_upload_with_a_problem(
    partnership: Partnership, as_user: Any, settings_imports: Any
) -> None:
    client: Client = as_user(partnership.analyst)
    upload = io.BytesIO(b"%PDF-1.4")
    upload.name = "police.pdf"
    response = client.post(
        reverse("api-import-extract-list"),
        {"file": upload, "agency": "police", "sharing_agreement": AGREEMENT},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["errors"][0]["field"] == "file"


def test_a_quarantined_row_is_fixed_through_the_api(
    extract: Extract, partnership: Partnership, as_user: Any
) -> None:
    client: Client = as_user(partnership.analyst)
    row = QuarantinedRow.objects.get(extract=extract)
    listed = client.get(reverse("api-import-quarantine-list", args=[extract.pk])).json()
    assert listed["results"][0]["errors"] == row.errors

    refused = client.post(
        reverse("api-import-quarantine-fix", args=[row.pk]),
        {"sex": "Z", "postcode": "nowhere"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"sex", "postcode"}

    fixed = client.post(
        reverse("api-import-quarantine-fix", args=[row.pk]),
        {"sex": "female"},
        content_type="application/json",
    )
    assert fixed.status_code == 200, fixed.content
    assert (fixed.json()["record_id"], fixed.json()["sex"]) == ("NP2", "female")


def test_profiles_through_the_api_report_each_problem_with_its_line(
    partnership: Partnership, as_user: Any
) -> None:
    client: Client = as_user(partnership.analyst)

    bad = client.post(
        reverse("api-import-profile-list"), {"yaml": BROKEN}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad["Content-Type"] == PROBLEM_CONTENT_TYPE
    errors = bad.json()["errors"]
    assert {"field": "colour", "line": "15", "message": errors[-1]["message"]} in errors
    assert all(e["line"] and e["field"] for e in errors)

    created = client.post(
        reverse("api-import-profile-list"), {"yaml": GOOD}, content_type="application/json"
    )
    again = client.post(
        reverse("api-import-profile-list"), {"yaml": GOOD}, content_type="application/json"
    )
    assert (created.status_code, again.status_code) == (201, 200)
    assert created.json()["version"] == 1
    shown = client.get(reverse("api-import-profile-detail", args=["police-niche"])).json()
    assert shown["yaml"] == GOOD
    schema = client.get(reverse("api-import-profile-schema"), HTTP_ACCEPT="application/json")
    assert schema.json()["title"] == "Lantern mapping profile"


def test_the_profile_page_lists_problems_and_keeps_the_text(
    partnership: Partnership, as_user: Any
) -> None:
    client: Client = as_user(partnership.analyst)
    response = client.post(reverse("imports:profile_new"), {"text": BROKEN})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Line 15" in html
    assert "<code>colour</code>" in html
    assert "profile: Police Niche" in html  # what was typed is still in the box

    saved = client.post(reverse("imports:profile_new"), {"text": GOOD})
    assert saved.status_code == 302
    assert "police-niche" in client.get(saved["Location"]).content.decode()


def test_withdrawal_in_the_browser_needs_a_reason(
    extract: Extract, partnership: Partnership, as_user: Any
) -> None:
    client: Client = as_user(partnership.manager)
    url = reverse("imports:withdraw", args=[extract.pk])
    assert "Why is this extract being withdrawn?" in client.get(url).content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()

    done = client.post(url, {"reason": "Shared without an agreement in place"})

    assert done.status_code == 302
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.WITHDRAWN
