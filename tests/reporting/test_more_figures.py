"""The board's figures from intelligence, support and actions: right counts on a small built
world, on the dashboard, in the quarterly report and in ``board export``, through suppression,
and never a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lantern.actions import services as action_services
from lantern.actions.models import Action
from lantern.core.figures import Figure, Period
from lantern.core.normalisers import parse_date_of_birth
from lantern.intelligence import graphstore
from lantern.intelligence import services as intel_services
from lantern.intelligence.models import Alert, AlertStatus, Entity, EntityKind
from lantern.reporting import publishing, services
from lantern.reporting.periods import quarter_of
from lantern.reporting.suppression import PublishedTable, publish
from lantern.support import services as support_services
from tests.conftest import Partnership
from tests.factories import open_case

NEW_KEYS = {
    "alerts_by_rule",
    "disruption_activity",
    "disruption_followed_by_links",
    "key_worker_continuity",
    "outcome_measures",
    "nrm_referrals",
    "nrm_decisions",
    "actions_by_agency_kind",
}
NAMES = ("Amelia Quarrington", "Bethany Ulverscroft", "Rocco Vantablack", "Harbour View Hotel")


@dataclass
class World:
    p: Partnership
    period: Period


def _values(figure: Figure) -> dict[tuple[str, str], int]:
    return {
        (row, col): figure.counts[i][j]
        for i, row in enumerate(figure.row_labels)
        for j, col in enumerate(figure.col_labels)
    }


def _entity(p: Partnership, kind: str, label: str, **kw: Any) -> Entity:
    return intel_services.entity_create(
        actor=p.analyst,
        details=intel_services.EntityDetails(kind=kind, label=label, **kw),
        confirm_new=True,
    )


def _link(p: Partnership, a: Entity, b: Entity, kind: str, on: date) -> None:
    intel_services.link_add(
        actor=p.analyst,
        details=intel_services.LinkDetails(
            from_entity=a,
            to_entity=b,
            link_type=kind,
            source_eval="1",
            intel_assessment="A",
            date_from=on,
            source_reference="IR/7",
        ),
    )


def _alert(subject: Entity, key: str, rule: str, status: str, *, decided: bool) -> None:
    now = timezone.now()
    Alert.objects.create(
        key=key,
        rule=rule,
        subject=subject,
        score=1.0,
        explanation="Planted for the figures test.",
        status=status,
        decided_at=now if decided else None,
    )


def build(p: Partnership) -> World:
    graphstore.reset()
    today = timezone.localdate()
    period = quarter_of(today)
    first_day = period.start
    # --- intelligence: alerts and disruption ---------------------------------------------
    concern = _entity(p, EntityKind.PERSON, "Rocco Vantablack")
    intel_services.concern_mark(actor=p.analyst, entity=concern)
    other = _entity(p, EntityKind.PERSON, "Dorian Pellwether")
    intel_services.concern_mark(actor=p.analyst, entity=other)
    hotel = _entity(p, EntityKind.LOCATION, "Harbour View Hotel", subtype="hotel")
    _alert(concern, "a1", "concern_second_victim", AlertStatus.OPEN, decided=False)
    _alert(concern, "a2", "concern_second_victim", AlertStatus.ACCEPTED, decided=True)
    _alert(hotel, "a3", "place_hotspot", AlertStatus.DISMISSED, decided=True)
    # An alert raised before the period and accepted in it: accepted counts, raised not.
    _alert(other, "a4", "place_hotspot", AlertStatus.ACCEPTED, decided=True)
    Alert.objects.filter(key="a4").update(raised_at=timezone.now() - timedelta(days=400))
    # Two arrests (one with an outcome) and a CAWN; after one arrest the subject gains a
    # new link, the other's subject gains none after the day of its disruption.
    intel_services.disruption_record(
        actor=p.analyst,
        subject=concern,
        activity="arrest",
        occurred_on=first_day,
        outcome="Charged; remanded.",
    )
    intel_services.disruption_record(
        actor=p.analyst, subject=other, activity="arrest", occurred_on=today
    )
    intel_services.disruption_record(
        actor=p.analyst,
        subject=other,
        activity="cawn",
        occurred_on=today,
        outcome="Served in person.",
    )
    _link(p, concern, hotel, "seen_at", today if today > first_day else first_day)
    _link(p, other, hotel, "seen_at", first_day - timedelta(days=30))
    # --- support: key workers, outcomes, NRM ---------------------------------------------
    child = open_case(
        p,
        given_name="Amelia",
        family_name="Quarrington",
        date_of_birth=parse_date_of_birth("01/02/2011"),
    ).person
    adult = open_case(
        p,
        given_name="Bethany",
        family_name="Ulverscroft",
        date_of_birth=parse_date_of_birth("03/04/1999"),
    ).person
    workers = [p.practitioner, p.manager, p.analyst]
    support_services.key_worker_assign(
        actor=p.practitioner, person=child, worker_id=workers[0].user.pk, reason="Allocated"
    )
    for worker in workers:
        support_services.key_worker_assign(
            actor=p.practitioner, person=adult, worker_id=worker.user.pk, reason="Changed"
        )
    record = support_services.outcomes_record
    record(actor=p.practitioner, person=child, measured_on=first_day, scores={"safety": 3})
    record(actor=p.practitioner, person=child, measured_on=today, scores={"safety": 6})
    record(
        actor=p.practitioner,
        person=adult,
        measured_on=first_day,
        scores={"safety": 5, "housing": 6, "health": 4},
    )
    record(
        actor=p.practitioner, person=adult, measured_on=today, scores={"safety": 5, "housing": 2}
    )
    journey = support_services.nrm_refer(
        actor=p.practitioner,
        person=child,
        route="referral",
        first_responder_id=p.hub.pk,
        referred_on=first_day,
        consent_given=False,
    )
    support_services.nrm_decide(
        actor=p.practitioner,
        journey=journey,
        stage="reasonable_grounds",
        decision="positive",
        decided_on=today,
    )
    support_services.nrm_refer(
        actor=p.practitioner,
        person=adult,
        route="duty_to_notify",
        first_responder_id=p.hub.pk,
        referred_on=today,
        consent_given=False,
    )
    # --- actions: the school owns two, the police one (done) -----------------------------
    tomorrow = today + timedelta(days=1)
    make = action_services.action_create
    make(
        actor=p.practitioner,
        title="Check attendance",
        owner_agency_id=p.school.pk,
        due_on=tomorrow,
        person=child,
    )
    late = make(
        actor=p.practitioner,
        title="Return home interview",
        owner_agency_id=p.school.pk,
        due_on=tomorrow,
        person=child,
    )
    Action.objects.filter(pk=late.pk).update(due_on=first_day - timedelta(days=20))
    done = make(
        actor=p.practitioner, title="Vehicle check", owner_agency_id=p.police.pk, due_on=tomorrow
    )
    action_services.action_update(
        actor=p.practitioner, action=done, status="done", outcome="Vehicle stopped and searched."
    )
    return World(p=p, period=period)


@pytest.fixture
def world(partnership: Partnership) -> World:
    return build(partnership)


def _figures(world: World) -> dict[str, Figure]:
    return {f.key: f for f in services.figures_for(world.period)}


def test_alert_counts_by_rule(world: World) -> None:
    values = _values(_figures(world)["alerts_by_rule"])
    second = "A person of concern linked to a second person at risk"
    hotspot = "A place linked to several persons at risk in a short time"
    assert values[(second, "Raised")] == 2
    assert values[(second, "Accepted")] == 1
    assert values[(second, "Dismissed")] == 0
    assert values[(hotspot, "Raised")] == 1  # the one raised 400 days ago is not counted
    assert values[(hotspot, "Accepted")] == 1
    assert values[(hotspot, "Dismissed")] == 1


def test_disruption_counts_by_activity(world: World) -> None:
    figures = _figures(world)
    activity = _values(figures["disruption_activity"])
    assert activity[("Arrest", "Outcome recorded")] == 1
    assert activity[("Arrest", "No outcome recorded yet")] == 1
    assert activity[("Child abduction warning notice", "Outcome recorded")] == 1
    followed = _values(figures["disruption_followed_by_links"])
    today = timezone.localdate()
    if today > world.period.start:  # a link dated after the first arrest
        assert followed[("Arrest", "New links to the subject since")] == 1
        assert followed[("Arrest", "No new links since")] == 1
    assert followed[("Child abduction warning notice", "No new links since")] == 1


def test_key_worker_continuity(world: World) -> None:
    values = _values(_figures(world)["key_worker_continuity"])
    assert values[("1 key worker", "Children (under 18)")] == 1
    assert values[("3 key workers", "Adults (18 and over)")] == 1
    assert sum(values.values()) == 2


def test_outcome_measures_compare_latest_with_first(world: World) -> None:
    values = _values(_figures(world)["outcome_measures"])
    assert values[("Feeling safe", "Better than their first score")] == 1
    assert values[("Feeling safe", "The same")] == 1
    assert values[("Housing", "Worse than their first")] == 1
    # Health was scored once only: no change to count.
    assert sum(v for (row, _), v in values.items() if row == "Health and wellbeing") == 0


def test_nrm_by_age_group(world: World) -> None:
    figures = _figures(world)
    referred = _values(figures["nrm_referrals"])
    assert referred[("Child at referral", "Referral to the NRM")] == 1
    assert referred[("Adult at referral", "Duty to notify (anonymous)")] == 1
    assert referred[("Adult at referral", "Referral to the NRM")] == 0
    decided = _values(figures["nrm_decisions"])
    assert decided[("Child at referral", "Reasonable grounds: positive")] == 1
    assert sum(decided.values()) == 1


def test_actions_by_agency_kind(world: World) -> None:
    figure = _figures(world)["actions_by_agency_kind"]
    values = _values(figure)
    assert values[("Education", "Opened")] == 2
    assert values[("Education", "Overdue at the end of the period")] == 1
    assert values[("Police", "Opened")] == 1
    assert values[("Police", "Done")] == 1
    assert values[("Police", "Overdue at the end of the period")] == 0
    # Kinds of agency, never an agency's name.
    assert "Test Academy" not in figure.row_labels


def test_labels_identify_no_one(world: World) -> None:
    for figure in _figures(world).values():
        text = " ".join([figure.title, *figure.row_labels, *figure.col_labels])
        for name in (*NAMES, "Dorian", "Test Academy", "Test Police"):
            if figure.key in NEW_KEYS:
                assert name not in text, (figure.key, name)


def test_new_figures_on_dashboard_report_and_export_suppressed(
    world: World, as_user: Any, tmp_path: Path
) -> None:
    services.snapshot_refresh(actor=world.p.analyst)
    client = as_user(world.p.board)
    key = world.period.key
    dashboard = client.get(reverse("reporting:dashboard") + f"?period={key}").content.decode()
    report = client.get(reverse("reporting:report_document", args=[key, "html"])).content.decode()
    api = client.get(reverse("api-board-figures") + f"?period={key}").json()
    call_command("board", "export", "--period", key, "--out", str(tmp_path))
    exported = {p.name.split("-", 1)[1].removesuffix(".csv"): p for p in tmp_path.glob("*.csv")}
    tables = {t["key"]: t for t in api["tables"]}
    for figure_key in NEW_KEYS:
        title = tables[figure_key]["title"]
        assert title in dashboard, figure_key
        assert title.replace("'", "&#x27;") in report or title in report, figure_key
        assert figure_key in exported, figure_key
    # Every count here is under 5: health-style suppression shows each as "*".
    police = tables["actions_by_agency_kind"]["row_labels"].index("Police")
    assert tables["actions_by_agency_kind"]["cells"][police][:2] == ["*", "*"]
    text = exported["actions_by_agency_kind"].read_text(encoding="utf-8")
    police_row = next(line for line in text.splitlines() if line.startswith("Police"))
    assert "1" not in police_row.removeprefix("Police")
    for output in (dashboard, report, text):
        for name in NAMES:
            assert name not in output


def test_new_figures_go_through_the_one_suppression_module(
    partnership: Partnership, as_user: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def marked(tables: Any, policy: Any) -> list[PublishedTable]:
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
            for t in publish(tables, policy)
        ]

    monkeypatch.setattr(publishing, "publish", marked)
    world = build(partnership)
    services.snapshot_refresh(actor=partnership.analyst)
    key = world.period.key
    api = as_user(partnership.board).get(reverse("api-board-figures") + f"?period={key}").json()
    call_command("board", "export", "--period", key, "--out", str(tmp_path))
    for table in api["tables"]:
        if table["key"] in NEW_KEYS and table["row_labels"]:
            assert all(cell == "MARKED" for row in table["cells"] for cell in row), table["key"]
    for path in tmp_path.glob("*.csv"):
        if any(path.name.endswith(f"-{k}.csv") for k in NEW_KEYS):
            body = path.read_text(encoding="utf-8").splitlines()[1:-1]
            assert body, path.name
            assert all("MARKED" in line for line in body), path.name


def test_board_member_still_reaches_no_person(world: World, as_user: Any) -> None:
    client = as_user(world.p.board)
    person = open_case(world.p, given_name="Cara", family_name="Westerhope").person
    for url in (
        reverse("people:detail", args=[person.pk]),
        reverse("support:person", args=[person.pk]),
        reverse("support:my_work"),
        reverse("actions:list"),
        reverse("intelligence:alerts"),
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "Westerhope" not in response.content.decode()


def test_report_document_is_styled_by_a_stylesheet_not_inline(
    world: World, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CSP forbids inline style: the report links its stylesheet, and the PDF is printed
    with the same stylesheet (served to WeasyPrint, which fetches nothing else)."""
    from lantern.reporting import exports

    services.snapshot_refresh(actor=world.p.analyst)
    client = as_user(world.p.board)
    key = world.period.key
    html = client.get(reverse("reporting:report_document", args=[key, "html"])).content.decode()
    assert "<style" not in html
    assert 'rel="stylesheet" href="/static/lantern/css/board-report.css"' in html
    assert client.get("/static/lantern/css/board-report.css").status_code == 200
    fetched: list[str] = []
    real = exports._report_fetcher

    def spy() -> Any:
        fetcher = real()
        original = fetcher.fetch

        def fetch(url: str, headers: Any = None) -> Any:
            fetched.append(url)
            return original(url, headers)

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(exports, "_report_fetcher", spy)
    pdf = client.get(reverse("reporting:report_document", args=[key, "pdf"]))
    assert pdf.status_code == 200
    assert any(url.endswith("/static/lantern/css/board-report.css") for url in fetched)
    with pytest.raises(ValueError, match="fetches nothing else"):
        real().fetch("https://example.org/x.css")
