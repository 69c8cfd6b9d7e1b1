"""Instrument files: the schema, every error reported with its line, all-or-nothing loading,
immutable versions, and the defaults shipped with Lantern."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lantern.agencies.models import AgencyKind
from lantern.core.access import RestrictedCategory
from lantern.core.models import AuditAction, AuditEvent
from lantern.screening import services
from lantern.screening.instruments import (
    DEFAULT_FILES,
    SCHEMA_PATH,
    InstrumentError,
    definition_from,
    dump_definition,
    parse_instrument,
    schema,
)
from lantern.screening.models import Instrument, InstrumentVersion
from tests.conftest import Partnership

CHILDREN = DEFAULT_FILES[0].read_text(encoding="utf-8")
ADULTS = DEFAULT_FILES[1].read_text(encoding="utf-8")


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


def _local(text: str, version: str = "2026.9") -> str:
    return text.replace('version: "2026.1"', f'version: "{version}"').replace(
        "instrument: lantern_children", "instrument: northwick_children"
    )


# --- the schema and the defaults ---------------------------------------------------------------


@pytest.mark.parametrize("path", DEFAULT_FILES, ids=lambda p: p.name)
def test_defaults_are_valid_and_labelled_for_local_review(path: Path) -> None:
    parsed = parse_instrument(
        path.read_text(encoding="utf-8"), event_types=services.chronology_event_types()
    )
    spec = definition_from(parsed.data)
    assert spec.default_for_local_review
    assert "default for local review" in spec.name
    assert [lv.label for lv in spec.levels] == [
        "No current concern",
        "At risk",
        "Significant risk",
        "Serious risk",
    ]
    assert spec.levels[0].min_score == 0


def test_children_and_adults_cover_the_issue_themes() -> None:
    children = definition_from(parse_instrument(CHILDREN).data)
    adults = definition_from(parse_instrument(ADULTS).data)
    assert len(children.themes) == 10
    adult_themes = {t.label.lower() for t in adults.themes}
    for theme in ("care and support", "protect", "coercion", "substance", "housing", "own view"):
        assert any(theme in label for label in adult_themes), theme
    assert {d.code for d in adults.capacity_decisions} >= {"sexual_relations", "where_to_live"}
    assert adults.making_safeguarding_personal
    assert not children.making_safeguarding_personal


BANNED = re.compile(
    r"\b(prostitut\w*|promiscu\w*|lifestyle choice|boyfriend|consenting"
    r"|putting (themselves|herself|himself) at risk)\b",
    re.IGNORECASE,
)


def test_victim_focused_language_in_instruments_and_pages() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "lantern" / "screening"
    files = [*DEFAULT_FILES, *root.rglob("*.html"), *root.glob("*.py")]
    found = {str(f): BANNED.findall(f.read_text(encoding="utf-8")) for f in files}
    assert {f: words for f, words in found.items() if words} == {}


def test_schema_enums_follow_the_code() -> None:
    defs = schema()["$defs"]
    assert set(defs["agency_kind"]["enum"]) == set(AgencyKind.values)
    assert set(defs["restricted_category"]["enum"]) == set(RestrictedCategory.values)


def test_the_schema_is_published_at_a_url(client: Any, db: Any) -> None:
    response = client.get(reverse("screening:instrument_schema"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert json.loads(b"".join(response.streaming_content)) == json.loads(SCHEMA_PATH.read_text())


# --- every error, with its line --------------------------------------------------------------


def test_every_error_in_a_malformed_file_is_reported_with_its_line() -> None:
    text = (
        CHILDREN.replace("audience: children", "audience: kids\ncolour: blue")
        .replace("    min_score: 3\n", '    min_score: "3"\n')
        .replace("weights: {recent: 2, earlier: 1}", "weights: {recnt: 2, earlier: 1}", 1)
        .replace("indicator: missing_from_home", "indicator: missing_from_hom")
        .replace(
            "escalates: {level: significant, bands: [recent]}",
            "escalates: {level: severe, bands: [recent]}",
            1,
        )
        .replace("  - code: at_risk\n", "  - code: no_current_concern\n")
        .replace("event_types: [online_contact]", "event_types: [chat_message]")
    )
    with pytest.raises(InstrumentError) as refused:
        parse_instrument(text, event_types=services.chronology_event_types())
    found = {(p.line, p.field) for p in refused.value.problems}
    expected = {
        (_line_of(text, "audience: kids"), "audience"),
        (_line_of(text, "colour: blue"), "colour"),
        (_line_of(text, 'min_score: "3"'), "levels[1].min_score"),
        (_line_of(text, "recnt"), "themes[0].indicators[1].weights.recnt"),
        (_line_of(text, "indicator: missing_from_hom"), "suggestions[0].indicator"),
        (_line_of(text, "level: severe"), "themes[1].indicators[1].escalates.level"),
        (_line_of(text, "- code: no_current_concern", 2), "levels[1].code"),
        (_line_of(text, "chat_message"), "suggestions[5].event_types[0]"),
    }
    assert expected <= found, sorted(found)
    assert len(refused.value.problems) == len(expected)
    message = str(refused.value)
    assert f"line {_line_of(text, 'recnt')}, themes[0].indicators[1].weights.recnt" in message


def test_missing_fields_duplicates_and_bad_yaml_are_reported() -> None:
    with pytest.raises(InstrumentError) as refused:
        parse_instrument("instrument: x\ninstrument: y\nlevels: 3\n")
    messages = [str(p) for p in refused.value.problems]
    assert "line 2, instrument: 'instrument' is given twice; give it once" in messages
    assert "line 3, levels: Should be a list" in messages
    assert sum("Missing: add" in m for m in messages) == 5
    with pytest.raises(InstrumentError) as bad_yaml:
        parse_instrument("instrument: x\nthemes: [one,\n")
    assert bad_yaml.value.problems[0].message.startswith("Not valid YAML")
    with pytest.raises(InstrumentError):
        parse_instrument("- just a list")


def test_thresholds_bands_and_references_are_checked() -> None:
    text = (
        CHILDREN.replace("min_score: 8", "min_score: 2")
        .replace("max_days: 365", "max_days: 100")
        .replace("undated_band: earlier", "undated_band: sometime")
    )
    with pytest.raises(InstrumentError) as refused:
        parse_instrument(text)
    messages = {p.field: p.message for p in refused.value.problems}
    assert messages["levels[2].min_score"] == "min_score must rise from level to level"
    assert messages["recency.bands[1].max_days"] == "max_days must rise from band to band"
    assert "is not a recency band" in messages["recency.undated_band"]


# --- round trip, loading all or nothing, immutable versions -----------------------------------


@pytest.mark.parametrize("text", [CHILDREN, ADULTS], ids=["children", "adults"])
def test_a_valid_file_round_trips(text: str, db: Any) -> None:
    parsed = parse_instrument(text)
    assert parse_instrument(dump_definition(parsed.data)).data == parsed.data
    local = _local(text).replace("lantern_adults", "northwick_adults")
    result = services.instrument_load(actor=None, text=local, source="local.yaml")
    stored = InstrumentVersion.objects.get(pk=result.version.pk)
    assert stored.definition == parse_instrument(local).data
    assert stored.source_text == local
    assert parse_instrument(dump_definition(stored.definition)).data == stored.definition
    assert definition_from(stored.definition) == definition_from(parse_instrument(local).data)


def test_defaults_are_loaded_by_migrate(db: Any) -> None:
    in_use = {i.audience: i.code for i in Instrument.objects.filter(in_use=True)}
    assert in_use == {"children": "lantern_children", "adults": "lantern_adults"}


def test_a_malformed_file_loads_nothing(db: Any) -> None:
    before = (
        Instrument.objects.count(),
        InstrumentVersion.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(InstrumentError):
        services.instrument_load(
            actor=None, text=_local(CHILDREN).replace("label: At risk", "label: 7")
        )
    with pytest.raises(InstrumentError):
        services.instrument_load(
            actor=None, text=_local(CHILDREN).replace("rescreen_days: 90", "rescreen_days: 0")
        )
    after = (
        Instrument.objects.count(),
        InstrumentVersion.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_loading_a_new_version_puts_it_in_use_and_keeps_the_old(db: Any) -> None:
    first = services.instrument_load(actor=None, text=_local(CHILDREN, "1"), source="a.yaml")
    assert first.created
    assert first.activated
    again = services.instrument_load(actor=None, text=_local(CHILDREN, "1"))
    assert not again.created
    changed = _local(CHILDREN, "1").replace("rescreen_days: 90", "rescreen_days: 60")
    with pytest.raises(InstrumentError, match="already loaded with different content"):
        services.instrument_load(actor=None, text=changed)
    second = services.instrument_load(actor=None, text=_local(CHILDREN, "2"))
    instrument = Instrument.objects.get(code="northwick_children")
    assert instrument.in_use
    assert instrument.current_version_id == second.version.pk
    assert not Instrument.objects.get(code="lantern_children").in_use
    assert set(instrument.versions.values_list("version", flat=True)) == {"1", "2"}
    kept = services.instrument_load(actor=None, text=_local(CHILDREN, "3"), activate=False)
    instrument.refresh_from_db()
    assert not kept.activated
    assert instrument.current_version_id == second.version.pk
    assert AuditEvent.objects.filter(object_type="instrument_version").count() >= 3


def test_an_instrument_version_is_immutable(db: Any) -> None:
    version = InstrumentVersion.objects.first()
    assert version is not None
    version.name = "changed"
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        InstrumentVersion.objects.update(name="changed")


def test_only_an_administrator_loads_instruments(partnership: Partnership) -> None:
    from lantern.core.access import AccessRefused

    with pytest.raises(AccessRefused):
        services.instrument_load(actor=partnership.manager, text=_local(CHILDREN))
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == 1
    loaded = services.instrument_load(actor=partnership.admin, text=_local(CHILDREN))
    assert loaded.version.loaded_by == partnership.admin.user


# --- the command and the admin -----------------------------------------------------------------


def test_the_command_loads_checks_and_lists(tmp_path: Path, db: Any) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(_local(CHILDREN), encoding="utf-8")
    out = StringIO()
    call_command("instruments", "check", str(good), stdout=out)
    assert "is valid: northwick_children 2026.9" in out.getvalue()
    call_command("instruments", "load", str(good), stdout=out)
    assert "Loaded northwick_children 2026.9: now in use" in out.getvalue()
    call_command("instruments", "list", stdout=out)
    assert "northwick_children" in out.getvalue()
    bad = tmp_path / "bad.yaml"
    bad.write_text(_local(CHILDREN, "x").replace("audience: children", "audience: kids"))
    with pytest.raises(CommandError) as refused:
        call_command("instruments", "load", str(bad))
    assert f"line {_line_of(bad.read_text(), 'audience: kids')}, audience" in str(refused.value)
    assert not InstrumentVersion.objects.filter(version="x").exists()


def test_the_admin_lists_every_problem_and_loads_a_good_file(
    partnership: Partnership, as_user: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = partnership.admin.user
    user.is_staff = user.is_superuser = True
    user.save()
    client = as_user(partnership.admin)
    url = reverse("admin:screening_instrumentversion_add")
    bad = (
        _local(CHILDREN)
        .replace("audience: children", "audience: kids")
        .replace("    min_score: 3\n", '    min_score: "3"\n')
    )
    response = client.post(url, {"file": SimpleUploadedFile("bad.yaml", bad.encode())})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 problems" in page
    assert "Nothing was loaded" in page
    assert f"Line {_line_of(bad, 'audience: kids')}" in page
    assert not Instrument.objects.filter(code="northwick_children").exists()
    response = client.post(
        url, {"file": SimpleUploadedFile("good.yaml", _local(CHILDREN).encode())}
    )
    assert response.status_code == 302
    assert Instrument.objects.get(code="northwick_children").in_use
