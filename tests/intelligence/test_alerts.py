"""Alerts on the live network: raised when the graph changes, one per situation, dismissed
alerts back only with new evidence, and the same alerts from files as from the database."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from lantern.core.access import AccessRefused
from lantern.core.errors import ConflictError, InvalidError
from lantern.intelligence import alerting, importing, services
from lantern.intelligence.models import Alert, AlertStatus, EntityKind

pytestmark = pytest.mark.django_db(transaction=True)


def _network(intel: Any) -> dict[str, Any]:
    """A person of concern who drives two persons at risk to a flat; a man not known to the
    hub uses the same car and flat."""
    poc = intel.entity(EntityKind.PERSON, "Adam Reeve")
    services.concern_mark(actor=intel.p.analyst, entity=poc)
    v1 = intel.entity(EntityKind.PERSON, "Kayla Moss", at_risk=True)
    v2 = intel.entity(EntityKind.PERSON, "Tia Bright", at_risk=True)
    flat = intel.entity(
        EntityKind.LOCATION, "Flat 3, 12 Mill Street", subtype="flat", postcode="LS1 4AP"
    )
    car = intel.entity(EntityKind.VEHICLE, "AB12 CDE")
    stranger = intel.entity(EntityKind.PERSON, "Lee Carver")
    intel.link(poc, car, "driver_of", grading="1AP")
    intel.link(v1, car, "seen_in", grading="2BP")
    intel.link(poc, flat, "seen_at", grading="2BP")
    intel.link(v1, flat, "taken_to", grading="1BP")
    return {"poc": poc, "v1": v1, "v2": v2, "flat": flat, "car": car, "stranger": stranger}


def _open(rule: str, subject: Any) -> Alert | None:
    return Alert.objects.filter(rule=rule, subject=subject).first()


def test_a_second_person_at_risk_raises_an_alert_at_once_and_only_once(intel: Any) -> None:
    n = _network(intel)
    assert _open("concern_second_victim", n["poc"]) is None
    intel.link(n["v2"], n["car"], "seen_in", grading="2BP")
    alert = _open("concern_second_victim", n["poc"])
    assert alert is not None
    assert alert.status == AlertStatus.OPEN
    assert "Kayla Moss" in alert.explanation
    assert "Tia Bright" in alert.explanation
    intel.link(n["v2"], n["flat"], "taken_to", grading="2BP")
    alerting.run_all()
    assert Alert.objects.filter(rule="concern_second_victim", subject=n["poc"]).count() == 1


def test_a_stranger_sharing_a_car_and_flat_with_a_known_person(intel: Any) -> None:
    n = _network(intel)
    intel.link(n["stranger"], n["car"], "seen_in", grading="2BP")
    intel.link(n["stranger"], n["flat"], "seen_at", grading="2BP")
    alert = _open("shared_entity", n["stranger"])
    assert alert is not None
    assert "AB12 CDE" in alert.explanation
    assert "Flat 3, 12 Mill Street" in alert.explanation
    assert alert.evidence_link_ids


def test_a_busy_public_place_alone_raises_nothing(intel: Any) -> None:
    poc = intel.entity(EntityKind.PERSON, "Adam Reeve")
    services.concern_mark(actor=intel.p.analyst, entity=poc)
    station = intel.entity(EntityKind.LOCATION, "City bus station", subtype="bus_station")
    stranger = intel.entity(EntityKind.PERSON, "Lee Carver")
    intel.link(poc, station, "seen_at")
    intel.link(stranger, station, "seen_at")
    assert _open("shared_entity", stranger) is None


def test_a_dismissed_alert_stays_dismissed_until_new_evidence(intel: Any) -> None:
    n = _network(intel)
    intel.link(n["stranger"], n["car"], "seen_in")
    alert = _open("shared_entity", n["stranger"])
    assert alert is not None
    with pytest.raises(InvalidError):
        services.alert_dismiss(actor=intel.p.analyst, alert=alert, reason="")
    services.alert_dismiss(actor=intel.p.analyst, alert=alert, reason="He is the car's mechanic")
    with pytest.raises(ConflictError):
        services.alert_dismiss(actor=intel.p.analyst, alert=alert, reason="again")
    alerting.run_all()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED
    intel.link(n["stranger"], n["flat"], "seen_at", grading="1AP")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert alert.times_reraised == 1


def test_withdrawing_the_evidence_lapses_the_alert(intel: Any) -> None:
    n = _network(intel)
    link = intel.link(n["stranger"], n["car"], "seen_in")
    assert _open("shared_entity", n["stranger"]) is not None
    services.link_withdraw(actor=intel.p.analyst, link=link, reason="Plate misread")
    alert = _open("shared_entity", n["stranger"])
    assert alert is not None
    assert alert.status == AlertStatus.LAPSED


def test_accepting_starts_a_referral_about_someone_new(intel: Any) -> None:
    n = _network(intel)
    intel.link(n["stranger"], n["car"], "seen_in")
    alert = _open("shared_entity", n["stranger"])
    assert alert is not None
    with pytest.raises(AccessRefused):
        services.alert_accept(actor=intel.police_analyst, alert=alert, start="referral")
    services.alert_accept(actor=intel.p.analyst, alert=alert, start="referral", reason="Check him")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACCEPTED
    assert alert.outcome_referral is not None
    assert "Intelligence alert" in alert.outcome_referral.what_was_seen
    n["stranger"].refresh_from_db()
    assert n["stranger"].person_id == alert.outcome_referral.person_id


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    d = (timezone.localdate() - timedelta(days=10)).isoformat()
    entities = _write(
        tmp_path / "entities.csv",
        ["entity_id", "kind", "label", "subtype", "date_of_birth", "postcode"],
        [
            ["P1", "person", "Adam Reeve", "", "1980-01-01", ""],
            ["V1", "person", "Kayla Moss", "", "2010-05-05", ""],
            ["V2", "person", "Tia Bright", "", "2009-07-07", ""],
            ["S1", "person", "Lee Carver", "", "", ""],
            ["S2", "person", "Nobody Special", "", "", ""],
            ["L1", "location", "Flat 3, 12 Mill Street", "flat", "", "LS1 4AP"],
            ["L2", "location", "City bus station", "bus_station", "", ""],
            ["C1", "vehicle", "AB12 CDE", "", "", ""],
            ["X1", "vehicle", "not a plate", "", "", ""],
        ],
    )
    links = _write(
        tmp_path / "links.csv",
        [
            "link_id",
            "from_id",
            "to_id",
            "link_type",
            "date",
            "source_agency",
            "source_eval",
            "intel_assessment",
            "handling",
        ],
        [
            ["K1", "P1", "C1", "driver_of", d, "police", "1", "A", "P"],
            ["K2", "V1", "C1", "seen_in", d, "police", "2", "B", "P"],
            ["K3", "V2", "L1", "taken_to", d, "police", "2", "B", "P"],
            ["K4", "P1", "L1", "seen_at", d, "police", "2", "B", "P"],
            ["K5", "S1", "C1", "seen_in", d, "police", "2", "B", "P"],
            ["K6", "S1", "L1", "seen_at", d, "police", "2", "C", "P"],
            ["K7", "S2", "L2", "seen_at", d, "police", "2", "B", "P"],
            ["K8", "P1", "L2", "seen_at", d, "police", "2", "B", "P"],
            ["K9", "P1", "L1", "lives_at", d, "police", "9", "B", "P"],
        ],
    )
    known = _write(
        tmp_path / "known.csv",
        ["entity_id", "status"],
        [
            ["P1", "person_of_concern"],
            ["V1", "person_at_risk"],
            ["V2", "person_at_risk"],
        ],
    )
    return entities, links, known


def test_files_and_database_give_the_same_alerts(intel: Any, tmp_path: Path) -> None:
    entities, links, known = _files(tmp_path)
    out = tmp_path / "alerts.csv"
    call_command(
        "alerts",
        "evaluate",
        entities=str(entities),
        links=str(links),
        known=str(known),
        out=str(out),
        today=timezone.localdate().isoformat(),
    )
    with out.open() as f:
        from_files = {(r["rule"], r["subject_entity_id"], r["score"]) for r in csv.DictReader(f)}
    assert from_files, "the files hold a situation every rule set should find"
    summary = importing.intel_import(
        actor=intel.police_analyst,
        entities_path=entities,
        links_path=links,
        known_path=known,
        agency=intel.p.police,
        agreement="Police–hub ISA 2026",
    )
    assert summary.extract.rows_quarantined == 2  # X1 (not a plate) and K9 (source_eval 9)
    alerting.run_all()
    ids = importing.external_ids(intel.p.police)
    from_db = {
        (a.rule, ids[a.subject_id], f"{a.score:.4f}")
        for a in Alert.objects.filter(status=AlertStatus.OPEN)
    }
    assert from_db == from_files


def test_importing_the_same_extract_again_adds_nothing(intel: Any, tmp_path: Path) -> None:
    entities, links, known = _files(tmp_path)
    kwargs = {
        "actor": intel.police_analyst,
        "entities_path": entities,
        "links_path": links,
        "known_path": known,
        "agency": intel.p.police,
        "agreement": "ISA",
    }
    first = importing.intel_import(**kwargs).extract
    again = importing.intel_import(**kwargs).extract
    assert first.entities_added == 8
    assert first.links_added == 8
    assert again.entities_added == 0
    assert again.links_added == 0
    assert again.entities_matched == 8
    assert again.links_already_held == 8


def test_a_contributor_cannot_import_intelligence(intel: Any, tmp_path: Path) -> None:
    entities, links, known = _files(tmp_path)
    with pytest.raises(AccessRefused):
        importing.intel_import(
            actor=intel.p.police_officer,
            entities_path=entities,
            links_path=links,
            known_path=known,
            agency=intel.p.police,
            agreement="ISA",
        )
