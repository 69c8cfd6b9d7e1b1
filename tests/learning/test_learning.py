"""The learning set, case studies, learning packs out and in: what leaves the hub, who may
take it, and the audit of every export."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lantern.core.access import AccessRefused
from lantern.core.errors import DomainError, InvalidError
from lantern.core.events import Event
from lantern.core.models import AuditAction, AuditEvent
from lantern.learning import anonymity, learningset, services
from lantern.learning import pack as packs
from lantern.learning.models import ImportedPack
from tests.conftest import Partnership
from tests.learning import world as w

pytestmark = pytest.mark.django_db


def _events(event: Event) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=event.value).order_by("pk"))


# --- the learning set -------------------------------------------------------------------


def test_the_board_downloads_a_k_anonymous_learning_set_with_no_names(
    partnership: Partnership, as_user: Any
) -> None:
    concerns = w.persons_of_concern(partnership, 6)
    response = as_user(partnership.board).get(reverse("learning:learning_set_csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6
    assert set(rows[0]) == set(anonymity.COLUMNS)
    for entity in concerns:
        assert entity.label not in text
    assert "Victimname" not in text
    assert "Takeaway 1" not in text
    assert rows[0]["earlier_contacts"] == "council"
    counts = Counter(tuple(r[q] for q in anonymity.QUASI_IDENTIFIERS) for r in rows)
    assert min(counts.values()) >= anonymity.K
    assert rows[0]["first_concern"] == f"{w.FIRST_CONCERN:%Y-%m}"
    assert rows[0]["place_types"] in ("takeaway", "hotel;takeaway")
    assert {r["new_links_after_disruption"] for r in rows} == {"after_every", "after_none"}
    exported = _events(Event.LEARNING_SET_EXPORTED)
    assert len(exported) == 1
    assert exported[0].action == AuditAction.EXPORT
    assert exported[0].username == "board"


def test_the_export_refuses_a_learning_set_it_cannot_make_k_anonymous(
    partnership: Partnership, as_user: Any
) -> None:
    w.persons_of_concern(partnership, 4)
    response = as_user(partnership.board).get(reverse("learning:learning_set_csv"))
    assert response.status_code == 409
    assert "cannot be released" in response.content.decode()
    assert "Karl" not in response.content.decode()
    api = as_user(partnership.board).get(reverse("api-learning-set"))
    assert api.status_code == 422
    assert api["Content-Type"].startswith("application/problem+json")
    assert _events(Event.LEARNING_SET_EXPORTED) == []


def test_every_aggregate_goes_through_the_suppression_module(
    partnership: Partnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    w.persons_of_concern(partnership, 6)
    seen: list[int] = []
    real = learningset.publish_report

    def spy(figures: Any, chosen: Any = None) -> Any:
        seen.append(len(figures))
        return real(figures, chosen)

    monkeypatch.setattr(learningset, "publish_report", spy)
    tables = learningset.published(learningset.facts(today=w.FIRST_CONCERN.replace(year=2100)))
    assert seen == [6]
    ages = next(t for t in tables if t["key"] == "learning_ages")
    # Six men aged 30: published health-style, rounded to 5.
    assert ages["cells"][AGE_ROW["25-39"]][1] == "5"
    recurrence = next(t for t in tables if t["key"] == "learning_recurrence")
    # Three after every disruption, three after none: small numbers are hidden.
    assert recurrence["cells"][0] == ["*"]


AGE_ROW = {key: i for i, key in enumerate(learningset.AGE_BANDS)}


def test_the_board_sees_the_figures_and_the_view_is_audited(
    partnership: Partnership, as_user: Any
) -> None:
    w.persons_of_concern(partnership, 6)
    page = as_user(partnership.board).get(reverse("learning:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "How victims were met, by role in a group" in html
    assert "Recurrence after disruption" in html
    assert "Karl" not in html
    assert len(_events(Event.LEARNING_SET_VIEWED)) == 1


@pytest.mark.parametrize(
    "who", ["practitioner", "analyst", "school_lead", "police_officer", "admin"]
)
def test_the_learning_set_is_refused_to_others(
    partnership: Partnership, as_user: Any, who: str
) -> None:
    w.persons_of_concern(partnership, 6)
    before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
    response = as_user(getattr(partnership, who)).get(reverse("learning:learning_set_csv"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before + 1
    assert _events(Event.LEARNING_SET_EXPORTED) == []


# --- case studies: no free text leaves without a second person's approval ---------------------


def test_an_unapproved_case_study_is_absent_from_the_pack(partnership: Partnership) -> None:
    waiting = services.case_study_write(
        actor=partnership.analyst,
        title="Waiting for a reader",
        summary="Text nobody has approved yet.",
        learning="Nothing of this may leave.",
    )
    approved = w.case_study(partnership, "Approved by a manager")
    services.case_study_approve(actor=partnership.manager, study=approved)
    content = packs.build("2026Q3").content
    titles = [c["title"] for c in content["case_studies"]]
    assert titles == ["Approved by a manager"]
    assert waiting.summary not in packs.dumps(content)
    assert waiting.learning not in packs.dumps(content)
    assert content["case_studies"][0]["reference"] == f"CS-{approved.pk}"


def test_the_author_cannot_approve_their_own_case_study(partnership: Partnership) -> None:
    own = services.case_study_write(
        actor=partnership.manager,
        title="Written by the manager",
        summary="Anonymised account.",
        learning="What we learned.",
    )
    with pytest.raises(DomainError, match="second person"):
        services.case_study_approve(actor=partnership.manager, study=own)
    assert packs.build("2026Q3").content["case_studies"] == []
    assert _events(Event.CASE_STUDY_APPROVED) == []


def test_only_a_hub_manager_approves(partnership: Partnership) -> None:
    study = w.case_study(partnership)
    for who in ("practitioner", "analyst", "board", "school_lead"):
        with pytest.raises(AccessRefused):
            services.case_study_approve(actor=getattr(partnership, who), study=study)


def test_a_change_after_approval_needs_approval_again(partnership: Partnership) -> None:
    study = w.case_study(partnership)
    services.case_study_approve(actor=partnership.manager, study=study)
    assert len(packs.build("2026Q3").content["case_studies"]) == 1
    services.case_study_change(
        actor=partnership.practitioner,
        study=study,
        title=study.title,
        summary=study.summary + " Added after approval.",
        learning=study.learning,
        themes=study.themes,
    )
    study.refresh_from_db()
    assert not study.is_released
    assert packs.build("2026Q3").content["case_studies"] == []


def test_text_changed_behind_the_services_back_does_not_leave(partnership: Partnership) -> None:
    study = w.case_study(partnership)
    services.case_study_approve(actor=partnership.manager, study=study)
    type(study).objects.filter(pk=study.pk).update(summary="Edited directly in the database.")
    assert packs.build("2026Q3").content["case_studies"] == []


def test_case_study_pages_write_approve_and_audit(partnership: Partnership, as_user: Any) -> None:
    client = as_user(partnership.practitioner)
    bad = client.post(reverse("learning:case_study_new"), {"title": "Kept title", "summary": ""})
    assert bad.status_code == 400
    assert "Kept title" in bad.content.decode()
    response = client.post(
        reverse("learning:case_study_new"),
        {"title": "Night-time economy", "summary": "Anonymised.", "learning": "Learned."},
    )
    assert response.status_code == 302
    study_url = response["Location"]
    assert "Approve for release" not in client.get(study_url).content.decode()
    manager = as_user(partnership.manager)
    assert "Approve for release" in manager.get(study_url).content.decode()
    pk = int(study_url.rstrip("/").split("/")[-1])
    assert manager.post(reverse("learning:case_study_approve", args=[pk])).status_code == 302
    assert [e.username for e in _events(Event.CASE_STUDY_WRITTEN)] == ["practitioner"]
    assert [e.username for e in _events(Event.CASE_STUDY_APPROVED)] == ["manager"]
    assert _events(Event.CASE_STUDY_VIEWED)


# --- the pack ---------------------------------------------------------------------------------


def test_the_pack_validates_against_its_own_schema(partnership: Partnership) -> None:
    concerns = w.persons_of_concern(partnership, 6)
    study = w.case_study(partnership)
    services.case_study_approve(actor=partnership.manager, study=study)
    content = packs.build("2026Q3").content
    jsonschema.Draft202012Validator.check_schema(packs.schema())
    jsonschema.validate(content, packs.schema())
    assert packs.problems_in(content) == []
    assert content["learning_set"]["status"] == "k_anonymous"
    assert {t["key"] for t in content["perpetrator_learning"]} >= {
        "learning_pathways",
        "learning_ages",
        "learning_roles",
        "learning_recurrence",
        "learning_disruption_outcomes",
    }
    assert content["disruption_approaches"][0]["disruption"] == "Child abduction warning notice"
    text = packs.dumps(content)
    for entity in concerns:
        assert entity.label not in text
    assert "Victimname" not in text
    assert "Licence renewed" not in text  # earlier contacts' free text never leaves


def test_the_pack_withholds_perpetrator_figures_it_cannot_make_k_anonymous(
    partnership: Partnership,
) -> None:
    w.persons_of_concern(partnership, 3)
    content = packs.build("2026Q3").content
    assert content["learning_set"]["status"] == "withheld"
    assert content["perpetrator_learning"] == []
    assert packs.problems_in(content) == []


def test_the_pack_export_is_audited_and_refused_to_others(
    partnership: Partnership, as_user: Any
) -> None:
    response = as_user(partnership.board).get(reverse("learning:pack") + "?period=2026Q3")
    assert response.status_code == 200
    assert json.loads(response.content)["format"] == "lantern-learning-pack"
    assert [e.action for e in _events(Event.LEARNING_PACK_EXPORTED)] == [AuditAction.EXPORT]
    for who in ("practitioner", "school_lead", "admin"):
        refused = as_user(getattr(partnership, who)).get(reverse("learning:pack"))
        assert refused.status_code == 403
    assert len(_events(Event.LEARNING_PACK_EXPORTED)) == 1


def _filled(content: dict[str, Any]) -> dict[str, Any]:
    """The first published table with a row and a column."""
    table: dict[str, Any] = next(t for t in content["figures"] if t["cells"] and t["cells"][0])
    return table


def _valid(p: Partnership) -> dict[str, Any]:
    return w.their_pack(p, "2026Q3")


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (lambda c: c.pop("figures"), "figures"),
        (lambda c: c.update(format_version="9.9"), "format_version"),
        (lambda c: _filled(c)["cells"][0].__setitem__(0, "3.5"), "cells"),
        (lambda c: _filled(c)["cells"].pop(), "cells do not match"),
        (
            lambda c: c["case_studies"].append(
                {
                    "reference": "CS-1",
                    "title": "t",
                    "summary": "s",
                    "learning": "l",
                    "themes": [],
                    "approved": "2026-07",
                    "author": "Someone",
                }
            ),
            "author",
        ),
        (lambda c: c["area"].update(code="Not A Code!"), "area"),
    ],
)
def test_import_rejects_an_invalid_pack_and_imports_nothing(
    partnership: Partnership, spoil: Any, problem: str
) -> None:
    content = _valid(partnership)
    spoil(content)
    with pytest.raises(InvalidError) as caught:
        services.pack_import(actor=partnership.manager, raw=json.dumps(content))
    assert problem in " ".join(caught.value.message_dict["pack"])
    assert ImportedPack.objects.count() == 0
    assert _events(Event.LEARNING_PACK_IMPORTED) == []


def test_import_rejects_what_is_not_json(partnership: Partnership) -> None:
    with pytest.raises(InvalidError, match="not JSON"):
        services.pack_import(actor=partnership.manager, raw=b"\x00not json")
    assert ImportedPack.objects.count() == 0


def test_import_is_for_the_hub_manager(partnership: Partnership) -> None:
    raw = json.dumps(_valid(partnership))
    for who in ("board", "practitioner", "analyst", "school_lead", "admin"):
        with pytest.raises(AccessRefused):
            services.pack_import(actor=getattr(partnership, who), raw=raw)
    imported = services.pack_import(actor=partnership.manager, raw=raw)
    assert imported.area_name == "Southby (synthetic)"
    with pytest.raises(DomainError, match="already imported"):
        services.pack_import(actor=partnership.manager, raw=raw)
    assert ImportedPack.objects.count() == 1


def test_an_import_page_error_keeps_nothing_and_says_why(
    partnership: Partnership, as_user: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("bad.json", b'{"format": "something else"}', "application/json")
    response = as_user(partnership.manager).post(reverse("learning:packs"), {"pack": bad})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert ImportedPack.objects.count() == 0


def test_the_comparison_puts_our_figures_beside_theirs(
    partnership: Partnership, as_user: Any
) -> None:
    learning = w.build(partnership)
    response = as_user(partnership.board).get(
        reverse("learning:compare", args=[learning.imported.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Southby (synthetic) beside us" in html
    assert "Ours" in html
    assert "Theirs" in html
    assert "Recognising exploitation at 18" not in html  # our unapproved study is not theirs
    viewed = _events(Event.LEARNING_PACK_VIEWED)
    assert [e.username for e in viewed] == ["board"]
    api = (
        as_user(partnership.board)
        .get(reverse("api-learning-pack-compare", args=[learning.imported.pk]))
        .json()
    )
    assert api["area_name"] == "Southby (synthetic)"
    assert all(t["comparable"] for t in api["tables"])


def test_the_api_import_answers_a_problem_for_a_bad_pack(
    partnership: Partnership, as_user: Any
) -> None:
    client = as_user(partnership.manager)
    response = client.post(
        reverse("api-learning-packs"), data={"format": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    good = client.post(
        reverse("api-learning-packs"), data=_valid(partnership), content_type="application/json"
    )
    assert good.status_code == 201, good.content
    assert ImportedPack.objects.count() == 1


# --- commands -----------------------------------------------------------------------------------


def test_learning_export_and_import_commands(partnership: Partnership, tmp_path: Path) -> None:
    w.persons_of_concern(partnership, 5)
    out = tmp_path / "pack.json"
    call_command("learning", "export", "--period", "2026Q3", "--out", str(out))
    content = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(content, packs.schema())
    exported = _events(Event.LEARNING_PACK_EXPORTED)
    assert [(e.username, e.channel) for e in exported] == [("lantern-learning", "cli")]
    content["area"] = {"name": "Eastmere (synthetic)", "code": "eastmere"}
    theirs = tmp_path / "eastmere.json"
    theirs.write_text(json.dumps(content), encoding="utf-8")
    call_command("learning", "import", str(theirs))
    assert ImportedPack.objects.get().area_code == "eastmere"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**content, "themes": "none"}), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("learning", "import", str(broken))
    assert ImportedPack.objects.count() == 1


def test_the_packs_board_figures_are_exactly_as_published(partnership: Partnership) -> None:
    from lantern.reporting import services as reporting
    from lantern.reporting.models import BoardReport
    from tests.reporting.conftest import build_referrals

    build_referrals(partnership)
    reporting.snapshot_refresh(actor=partnership.analyst)
    period = w.quarter_of_today()
    draft = packs.build(period).content["figures"]
    assert draft == [packs._clean_table(t) for t in reporting.report_tables(period)[1]]
    reporting.report_save(actor=partnership.manager, period=period, narrative="Quarter summary.")
    reporting.report_issue(actor=partnership.manager, period=period)
    issued = BoardReport.objects.get(period=period).issued_tables
    assert packs.build(period).content["figures"] == [packs._clean_table(t) for t in issued]
    # The three school referrals are a small number: hidden in the pack as on the dashboard.
    referrals = next(t for t in issued if t["key"] == "referrals_by_agency_month")
    assert "*" in json.dumps(referrals["row_totals"])
