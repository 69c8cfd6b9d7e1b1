"""Board reporting: every output goes through suppression, access, audit, issued reports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from lantern.core.models import AuditAction, AuditEvent
from lantern.reporting import publishing, services
from lantern.reporting.models import BoardReport, Recommendation
from lantern.reporting.suppression import PublishedTable, publish
from tests.conftest import Partnership
from tests.ods import ods_sheets
from tests.reporting.conftest import Figures, build_referrals

SCHOOL, POLICE = "Test Academy", "Test Police"


def _row(rows: list[list[str]], label: str) -> list[str]:
    return next(row for row in rows if row and row[0] == label)


def _exports(p: Partnership, as_user: Any, period: str, tmp_path: Path) -> dict[str, str]:
    """The text of every output, as a board member (or the command) gets it."""
    client = as_user(p.board)
    out: dict[str, str] = {}
    out["dashboard"] = client.get(
        reverse("reporting:dashboard") + f"?period={period}"
    ).content.decode()
    out["csv"] = client.get(
        reverse("reporting:download", args=["dashboard", "csv"]) + f"?period={period}"
    ).content.decode("utf-8-sig")
    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("reporting:download", args=["dashboard", "xlsx"]) + f"?period={period}"
            ).content
        )
    )
    sheet = book["referrals_by_agency_month"]
    out["xlsx"] = "\n".join(
        ",".join("" if v is None else str(v) for v in row)
        for row in sheet.iter_rows(values_only=True)
    )
    ods = ods_sheets(
        client.get(
            reverse("reporting:download", args=["dashboard", "ods"]) + f"?period={period}"
        ).content
    )
    out["ods"] = "\n".join(",".join(row) for row in ods["referrals_by_agency_month"])
    pdf = client.get(reverse("reporting:report_document", args=[period, "pdf"])).content
    out["pdf"] = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    api = client.get(reverse("api-board-figures") + f"?period={period}").json()
    table = next(t for t in api["tables"] if t["key"] == "referrals_by_agency_month")
    out["api"] = "\n".join(
        ",".join([label, *cells, total])
        for label, cells, total in zip(
            table["row_labels"], table["cells"], table["row_totals"], strict=True
        )
    )
    call_command("board", "export", "--period", period, "--out", str(tmp_path))
    out["export"] = (tmp_path / "01-referrals_by_agency_month.csv").read_text(encoding="utf-8")
    return out


def test_every_output_hides_the_small_count(figures: Figures, as_user: Any, tmp_path: Path) -> None:
    """Three referrals from the school: shown as "*" everywhere; seven from police as 5."""
    outputs = _exports(figures.p, as_user, figures.period, tmp_path)
    for name, text in outputs.items():
        lines = [line for line in text.splitlines() if SCHOOL in line]
        assert lines, f"{name}: the school's row is missing"
        school = lines[0]
        assert "*" in school, (name, school)
        assert "3" not in school.replace(SCHOOL, ""), (name, school)
        police = next(line for line in text.splitlines() if POLICE in line)
        assert "7" not in police.replace(POLICE, ""), (name, police)


def test_the_same_module_is_behind_every_output(
    partnership: Partnership, as_user: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replace suppression's ``publish`` with one that marks every cell: each output shows it."""

    def marked(tables: Any, policy: Any) -> list[PublishedTable]:
        real = publish(tables, policy)
        return [
            PublishedTable(
                name=t.name,
                policy=t.policy,
                row_labels=t.row_labels,
                col_labels=t.col_labels,
                cells=tuple(tuple("MARKED" for _ in row) for row in t.cells),
                row_totals=t.row_totals,
                col_totals=t.col_totals,
                total=t.total,
            )
            for t in real
        ]

    monkeypatch.setattr(publishing, "publish", marked)
    build_referrals(partnership)
    snapshot = services.snapshot_refresh(actor=partnership.analyst)
    period = snapshot.periods.order_by("-start").first()
    assert period is not None
    outputs = _exports(partnership, as_user, period.period, tmp_path)
    for name, text in outputs.items():
        school = next(line for line in text.splitlines() if SCHOOL in line)
        assert "MARKED" in school, (name, school)


def test_report_tables_share_margins(figures: Figures) -> None:
    """Referrals by agency and triage timeliness publish the same agency totals."""
    _, tables = services.report_tables(figures.period)
    by_key = {t["key"]: t for t in tables}
    months, triage = by_key["referrals_by_agency_month"], by_key["triage_timeliness"]
    assert months["row_labels"] == triage["row_labels"]
    assert months["row_totals"] == triage["row_totals"]
    assert months["total"] == triage["total"]


def test_education_policy_suppresses_a_total_that_would_give_a_cell_away(
    figures: Figures, settings: Any
) -> None:
    settings.LANTERN_SUPPRESSION = "education"
    _, tables = services.report_tables(figures.period)
    months = next(t for t in tables if t["key"] == "referrals_by_agency_month")
    school = months["row_labels"].index(SCHOOL)
    assert months["row_totals"][school] == "c"
    assert "c" in months["cells"][school]
    # With one of two agencies hidden, the grand total would give it away: more is hidden.
    police = months["row_labels"].index(POLICE)
    assert "c" in [months["row_totals"][police], months["total"]]


def test_issued_report_is_kept_exactly_as_issued(figures: Figures, as_user: Any) -> None:
    p = figures.p
    services.report_save(actor=p.manager, period=figures.period, narrative="A quieter quarter.")
    report = services.report_issue(actor=p.manager, period=figures.period)
    issued_html, issued_tables = report.issued_html, report.issued_tables
    # New referrals and a new refresh change the live figures, not the issued report.
    build_referrals_more(p)
    services.snapshot_refresh(actor=p.analyst)
    stored = BoardReport.objects.get(pk=report.pk)
    assert stored.issued_html == issued_html
    assert stored.issued_tables == issued_tables
    served = as_user(p.board).get(
        reverse("reporting:report_document", args=[figures.period, "html"])
    )
    assert served.content.decode() == issued_html
    with pytest.raises(Exception, match="issued"):
        services.report_save(actor=p.manager, period=figures.period, narrative="Rewritten.")
    stored.narrative = "Rewritten."
    with pytest.raises(PermissionError):
        stored.save()
    assert BoardReport.objects.get(pk=report.pk).narrative == "A quieter quarter."


def build_referrals_more(p: Partnership) -> None:
    from lantern.core.normalisers import parse_date_of_birth
    from lantern.referrals import services as referral_services
    from tests.factories import new_person

    referral_services.referral_submit(
        actor=p.school_lead,
        new_person=new_person(
            given_name="Zoe",
            family_name="Quarrington",
            date_of_birth=parse_date_of_birth("05/05/2010"),
        ),
        concern_categories=["online"],
        what_was_seen="Messages from an unknown adult.",
        urgency="standard",
        confirm_new=True,
    )


EXPORT_URLS = [
    ("reporting:download", ["dashboard", "csv"]),
    ("reporting:download", ["dashboard", "xlsx"]),
    ("reporting:download", ["dashboard", "ods"]),
    ("reporting:download_one", ["sac", "sac_risk_outcome", "ods"]),
    ("reporting:download_one", ["dashboard", "triage_timeliness", "csv"]),
    ("reporting:download", ["sac", "csv"]),
    ("api-board-figures", []),
]


@pytest.mark.parametrize(("name", "args"), EXPORT_URLS)
def test_every_download_is_audited(
    figures: Figures, as_user: Any, name: str, args: list[str]
) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    response = as_user(figures.p.board).get(reverse(name, args=args) + f"?period={figures.period}")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 1


def test_report_pdf_and_command_export_are_audited(
    figures: Figures, as_user: Any, tmp_path: Path
) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    as_user(figures.p.board).get(reverse("reporting:report_document", args=[figures.period, "pdf"]))
    call_command("board", "export", "--period", figures.period, "--out", str(tmp_path))
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 2


@pytest.mark.parametrize("who", ["practitioner", "school_lead", "analyst", "admin"])
def test_figures_are_for_board_and_managers(figures: Figures, as_user: Any, who: str) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
    response = as_user(getattr(figures.p, who)).get(reverse("reporting:dashboard"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before + 1


def test_board_member_sees_the_dashboard_without_a_person(figures: Figures, as_user: Any) -> None:
    response = as_user(figures.p.board).get(reverse("reporting:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Referrals by source agency and month" in body
    assert "Figures refreshed" in body
    assert "<img" in body
    assert "data:image/svg+xml" in body
    for name in ("Ashworth", "Dunmore", "Brennan"):
        assert name not in body


def test_only_the_hub_manager_writes_and_issues(figures: Figures, as_user: Any) -> None:
    url = reverse("reporting:report", args=[figures.period])
    refused = as_user(figures.p.board).post(url, {"narrative": "x", "issue": "1"})
    assert refused.status_code == 403
    school_manager = as_user(figures.p.manager).post(url, {"narrative": "Fine.", "save": "1"})
    assert school_manager.status_code == 302
    assert BoardReport.objects.get(period=figures.period).narrative == "Fine."


def test_recommendations_example_set_and_overdue_view(
    partnership: Partnership, as_user: Any
) -> None:
    call_command("board", "recommendations")
    assert Recommendation.objects.count() == 9
    call_command("board", "recommendations")  # loads once
    assert Recommendation.objects.count() == 9
    overdue = as_user(partnership.board).get(reverse("reporting:recommendations") + "?show=overdue")
    body = overdue.content.decode()
    assert "Boys and men" in body or "Boys and young men" in body
    assert "Long-term support" not in body  # not due yet
    api = (
        as_user(partnership.board)
        .get(reverse("api-board-recommendations") + "?show=overdue")
        .json()
    )
    assert {r["code"] for r in api} == {"T1", "T4", "T9"}
    assert (
        as_user(partnership.practitioner).get(reverse("reporting:recommendations")).status_code
        == 403
    )


def test_data_quality_counts_with_links_only_where_allowed(figures: Figures, as_user: Any) -> None:
    response = as_user(figures.p.manager).get(reverse("reporting:data_quality"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Screenings overdue" in body
    assert reverse("screening:due") in body
    for name in ("Ashworth", "Dunmore"):
        assert name not in body
    assert as_user(figures.p.board).get(reverse("reporting:data_quality")).status_code == 403


def test_sac_return_maps_adult_enquiries(figures: Figures, as_user: Any) -> None:
    response = as_user(figures.p.board).get(
        reverse("api-board-collection", args=["sac"]) + f"?period={figures.period}"
    )
    tables = {t["key"]: t for t in response.json()["tables"]}
    assert set(tables) >= {
        "sac_concerns",
        "sac_enquiries",
        "sac_type_of_risk",
        "sac_location_of_risk",
        "sac_source_of_risk",
        "sac_risk_outcome",
    }
    concerns = tables["sac_concerns"]
    # Seven adult men referred: published as 5 (rounded), never 7.
    assert concerns["total"] == "5"


def test_the_ods_workbook_reads_back_as_the_csv(figures: Figures, as_user: Any) -> None:
    """Every table of the ODS workbook holds exactly the published text of the CSV."""
    client = as_user(figures.p.board)
    query = f"?period={figures.period}"
    csv_text = client.get(
        reverse("reporting:download", args=["dashboard", "csv"]) + query
    ).content.decode("utf-8-sig")
    response = client.get(reverse("reporting:download", args=["dashboard", "ods"]) + query)
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"].endswith('.ods"')
    sheets = ods_sheets(response.content)
    about = sheets.pop("About")
    csv_rows = list(csv.reader(io.StringIO(csv_text)))
    # The CSV: each table's title, its rows, a blank line; then the note on the marks.
    from_ods: list[list[str]] = []
    for i, rows in enumerate(sheets.values()):
        if i:
            from_ods.append([])
        from_ods += rows
    from_ods += [[], *about]
    assert from_ods == csv_rows
    assert any("*" in row for row in csv_rows)  # it has small numbers hidden to compare
