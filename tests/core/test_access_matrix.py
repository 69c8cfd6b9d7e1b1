"""The access matrix, built from the URL configuration.

Every named URL must be classified below. A new URL that nobody classified fails
``test_every_url_is_classified``, so no page or endpoint can ship without saying who may
reach it. For every person-data URL: a user of an uninvolved agency, a board member and an
administrator are refused, the refusal is audited, and an involved user succeeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lantern.cases import services as case_services
from lantern.cases.models import Case, ChronologyEntry
from lantern.core.access import Actor
from lantern.core.models import AuditAction, AuditEvent
from lantern.core.normalisers import PartialDate
from lantern.imports import services as import_services
from lantern.imports.models import Extract, MappingProfile, QuarantinedRow, SourceRecord
from lantern.people.models import Person
from lantern.referrals import services as referral_services
from lantern.referrals.models import Referral
from lantern.screening import services as screening_services
from lantern.screening.instruments import Answer
from lantern.screening.jobs import months_before
from lantern.screening.models import Screening, ScreeningStatus
from tests.conftest import Partnership
from tests.factories import open_case
from tests.imports.linker import without_linkage


@dataclass
class World:
    person: Person
    referral: Referral
    case: Case
    entry: ChronologyEntry
    screening: Screening


def _build_world(p: Partnership) -> World:
    case = open_case(
        p,
        given_name="Kayleigh",
        family_name="Matrixtest",
        # 17, turning 18 in three months: on the transitions list once screened.
        date_of_birth=PartialDate.from_date(months_before(timezone.localdate(), 18 * 12 - 3)),
    )
    person = case.person
    entry = case_services.chronology_add(
        actor=p.school_lead,
        case=case,
        occurred_on=timezone.localdate() - timedelta(days=2),
        event_type="school_absence",
        summary="Absent two days.",
    )
    # A second, undecided referral so the decision page can be reached.
    open_referral = referral_services.referral_submit(
        actor=p.school_lead,
        person=person,
        concern_categories=["online"],
        what_was_seen="Messages from an unknown adult.",
        urgency="standard",
    )
    version = screening_services.instrument_for(person, timezone.localdate())
    assert version is not None
    screening = screening_services.screening_record(
        actor=p.practitioner,
        person=person,
        case=case,
        instrument_version=version,
        answers=[Answer(code, "absent") for code in version.spec.indicators],
        level=version.spec.lowest.code,
    )
    # Overdue, so that it is on the work list of screenings due.
    ScreeningStatus.objects.filter(person=person).update(
        next_due_on=timezone.localdate() - timedelta(days=1)
    )
    return World(
        person=person,
        referral=open_referral,
        case=case,
        entry=entry,
        screening=screening,
    )


Kwargs = Callable[[World], dict[str, Any]]

#: Pages and endpoints about one person's data: (kwargs, HTTP method).
OBJECT_ROUTES: dict[str, tuple[Kwargs, str]] = {
    "people:detail": (lambda w: {"pk": w.person.pk}, "get"),
    "referrals:new_for_person": (lambda w: {"person_pk": w.person.pk}, "get"),
    "referrals:detail": (lambda w: {"pk": w.referral.pk}, "get"),
    "referrals:decide": (lambda w: {"pk": w.referral.pk}, "get"),
    "cases:detail": (lambda w: {"pk": w.case.pk}, "get"),
    "cases:edit": (lambda w: {"pk": w.case.pk}, "get"),
    "cases:add_agency": (lambda w: {"pk": w.case.pk}, "get"),
    "cases:entry_new": (lambda w: {"pk": w.case.pk}, "get"),
    "cases:entry": (lambda w: {"pk": w.entry.pk}, "get"),
    "cases:entry_amend": (lambda w: {"pk": w.entry.pk}, "get"),
    "cases:restricted_access": (lambda w: {"person_pk": w.person.pk}, "get"),
    "api-person-detail": (lambda w: {"pk": w.person.pk}, "get"),
    "api-referral-detail": (lambda w: {"pk": w.referral.pk}, "get"),
    "api-referral-decision": (lambda w: {"pk": w.referral.pk}, "post"),
    "api-case-detail": (lambda w: {"pk": w.case.pk}, "get"),
    "api-case-chronology": (lambda w: {"pk": w.case.pk}, "get"),
    "api-chronology-entry": (lambda w: {"pk": w.entry.pk}, "get"),
    "api-chronology-amend": (lambda w: {"pk": w.entry.pk}, "post"),
    "api-linkage-person-records": (lambda w: {"pk": w.person.pk}, "get"),
    "screening:new_for_person": (lambda w: {"pk": w.person.pk}, "get"),
    "screening:person_history": (lambda w: {"pk": w.person.pk}, "get"),
    "screening:detail": (lambda w: {"pk": w.screening.pk}, "get"),
    "api-screening-person": (lambda w: {"pk": w.person.pk}, "get"),
    "api-screening-suggestions": (lambda w: {"pk": w.person.pk}, "get"),
    "api-screening-detail": (lambda w: {"pk": w.screening.pk}, "get"),
}

#: Lists and searches of person data: scoped for agencies, refused to board and admin.
LIST_ROUTES: dict[str, str] = {
    "people:search": "?q=Kayleigh",
    "referrals:list": "",
    "referrals:new": "?q=Kayleigh",
    "referrals:new_with_details": "",
    "cases:list": "?status=",
    "api-person-search": "?q=Kayleigh",
    "api-referral-list": "",
    "api-case-list": "?status=",
}

#: Hub casework only (triage): agencies, board and admin are all refused.
HUB_ROUTES: dict[str, str] = {
    "referrals:triage": "",
    "api-triage": "",
    "screening:due": "?scope=all",
    "screening:transitions": "",
    "api-screening-due": "?scope=all",
    "api-screening-transitions": "",
}

#: Not person data (sign-in, the schema, vocabularies, the home page) or Django's admin.
OPEN_ROUTES = {
    "home",
    "health",
    "accounts:login",
    "accounts:logout",
    "accounts:choose_role",
    "accounts:two_factor",
    "api-schema",
    "api-docs",
    "api-me",
    "api-event-types",
    "api-concern-categories",
    "api-person-duplicates",
    # Screening instruments and their published schema: not person data.
    "screening:instruments",
    "screening:instrument_version",
    "screening:instrument_schema",
    "api-screening-instruments",
    "api-screening-instrument-version",
    "api-import-profile-schema",  # the JSON Schema of mapping profiles
    "learning:pack_schema",  # the JSON Schema of learning packs
    "api-learning-pack-schema",
}
OPEN_PREFIXES = ("admin:",)


def _names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            yield (
                f"{namespace}{entry.name}"
                if entry.name
                else f"{namespace}<unnamed {entry.pattern}>"
            )


def test_every_url_is_classified() -> None:
    classified = (
        set(OBJECT_ROUTES)
        | set(LIST_ROUTES)
        | set(HUB_ROUTES)
        | OPEN_ROUTES
        | set(IMPORT_ROUTES)
        | set(LINKAGE_ROUTES)
        | set(KNOWN_TO_HUB_ROUTES)
        | set(MANAGER_ROUTES)
        | set(INTEL_ROUTES)
        | set(SUPPORT_ROUTES)
        | set(SUPPORT_WORK_ROUTES)
        | set(BOARD_ROUTES)
        | set(MEETING_ROUTES)
        | set(LEARNING_ROUTES)
        | set(ENQUIRY_ROUTES)
    )
    unclassified = sorted(
        name
        for name in set(_names(get_resolver().url_patterns))
        if name not in classified and not name.startswith(OPEN_PREFIXES)
    )
    assert unclassified == [], f"Classify these URLs in the access matrix: {unclassified}"


def _request(client: Any, method: str, url: str) -> Any:
    if method == "post":
        return client.post(url, data={}, content_type="application/json")
    return client.get(url)


def _refusals() -> int:
    return AuditEvent.objects.filter(action=AuditAction.REFUSED).count()


REFUSED_ACTORS = ["housing_officer", "board", "admin"]


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
@pytest.mark.parametrize("who", REFUSED_ACTORS)
def test_object_routes_refuse_the_uninvolved(
    partnership: Partnership, as_user: Any, name: str, who: str
) -> None:
    world = _build_world(partnership)
    kwargs, method = OBJECT_ROUTES[name]
    actor: Actor = getattr(partnership, who)
    client = as_user(actor)
    before = _refusals()
    response = _request(client, method, reverse(name, kwargs=kwargs(world)))
    assert response.status_code in (403, 404), (name, who, response.status_code)
    assert world.person.family_name not in response.content.decode()
    assert _refusals() == before + 1, f"{name}: refusal of {who} was not audited"
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert last.username == actor.username


@pytest.mark.parametrize("name", sorted(k for k, v in OBJECT_ROUTES.items() if v[1] == "get"))
def test_object_routes_admit_the_hub(partnership: Partnership, as_user: Any, name: str) -> None:
    world = _build_world(partnership)
    kwargs, _ = OBJECT_ROUTES[name]
    response = as_user(partnership.practitioner).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200, (name, response.status_code)


@pytest.mark.parametrize(
    "name",
    [
        "people:detail",
        "cases:detail",
        "cases:entry",
        "referrals:detail",
        "api-person-detail",
        "api-case-chronology",
    ],
)
def test_involved_agency_is_admitted_and_the_read_audited(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    world = _build_world(partnership)
    kwargs, _ = OBJECT_ROUTES[name]
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    response = as_user(partnership.school_lead).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200, (name, response.status_code)
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() > before


@pytest.mark.parametrize("name", sorted(LIST_ROUTES))
def test_lists_hide_people_from_uninvolved_agencies(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    world = _build_world(partnership)
    url = reverse(name) + LIST_ROUTES[name]
    uninvolved = as_user(partnership.housing_officer).get(url)
    assert uninvolved.status_code == 200
    assert world.person.family_name not in uninvolved.content.decode()
    involved = as_user(partnership.school_lead).get(url)
    assert involved.status_code == 200
    if name != "referrals:new_with_details":  # an empty form: nothing to list
        assert world.person.family_name in involved.content.decode(), name


@pytest.mark.parametrize("name", sorted(LIST_ROUTES) + sorted(HUB_ROUTES))
@pytest.mark.parametrize("who", ["board", "admin"])
def test_lists_refuse_board_and_admin(
    partnership: Partnership, as_user: Any, name: str, who: str
) -> None:
    _build_world(partnership)
    url = reverse(name) + LIST_ROUTES.get(name, HUB_ROUTES.get(name, ""))
    before = _refusals()
    response = as_user(getattr(partnership, who)).get(url)
    assert response.status_code == 403, (name, who, response.status_code)
    assert _refusals() == before + 1


@pytest.mark.parametrize("name", sorted(HUB_ROUTES))
def test_triage_is_for_hub_caseworkers(partnership: Partnership, as_user: Any, name: str) -> None:
    _build_world(partnership)
    assert as_user(partnership.school_lead).get(reverse(name)).status_code == 403
    assert as_user(partnership.analyst).get(reverse(name)).status_code == 403
    response = as_user(partnership.practitioner).get(reverse(name))
    assert response.status_code == 200
    assert "Matrixtest" in response.content.decode()


# --- agency extracts (imports): the hub only; importing is for analysts and managers ------


@dataclass
class ImportWorld:
    extract: Extract
    row: QuarantinedRow
    record: SourceRecord
    profile: MappingProfile


def _build_import_world(p: Partnership, folder: Path) -> ImportWorld:
    profile = import_services.profile_load(
        actor=p.analyst, text="profile: matrix\ncolumns:\n  record_id: Ref\n"
    ).profile
    path = folder / "police.csv"
    path.write_text(
        "record_id,first_name,last_name,sex\n"
        "NP1,Kayleigh,Importmatrix,F\n"
        "NP2,Kayleigh,Importmatrix,Q\n",
        encoding="utf-8",
    )
    with path.open("rb") as upload:
        extract = import_services.extract_create(
            actor=p.analyst,
            upload=upload,
            file_name=path.name,
            agency=p.police,
            sharing_agreement="Matrix ISA",
        )
    extract = import_services.extract_run(extract_id=extract.pk)
    return ImportWorld(
        extract=extract,
        row=QuarantinedRow.objects.get(extract=extract),
        record=SourceRecord.objects.get(record_id="NP1"),
        profile=profile,
    )


ImportKwargs = Callable[[ImportWorld], dict[str, Any]]
HUB, IMPORTER = "hub", "importer"

#: name: (kwargs, method, who is admitted: any hub role, or hub analysts and managers only).
IMPORT_ROUTES: dict[str, tuple[ImportKwargs, str, str]] = {
    "imports:list": (lambda w: {}, "get", HUB),
    "imports:upload": (lambda w: {}, "get", IMPORTER),
    "imports:detail": (lambda w: {"pk": w.extract.pk}, "get", HUB),
    "imports:progress": (lambda w: {"pk": w.extract.pk}, "get", HUB),
    "imports:quarantine": (lambda w: {"pk": w.extract.pk}, "get", HUB),
    "imports:withdraw": (lambda w: {"pk": w.extract.pk}, "get", IMPORTER),
    "imports:row": (lambda w: {"pk": w.row.pk}, "get", IMPORTER),
    "imports:record": (lambda w: {"pk": w.record.pk}, "get", HUB),
    "imports:profiles": (lambda w: {}, "get", HUB),
    "imports:profile_new": (lambda w: {}, "get", IMPORTER),
    "imports:profile": (lambda w: {"name": w.profile.name}, "get", HUB),
    "api-import-extract-list": (lambda w: {}, "get", HUB),
    "api-import-extract-detail": (lambda w: {"pk": w.extract.pk}, "get", HUB),
    "api-import-extract-withdraw": (lambda w: {"pk": w.extract.pk}, "post", IMPORTER),
    "api-import-quarantine-list": (lambda w: {"pk": w.extract.pk}, "get", HUB),
    "api-import-quarantine-row": (lambda w: {"pk": w.row.pk}, "get", HUB),
    "api-import-quarantine-fix": (lambda w: {"pk": w.row.pk}, "post", IMPORTER),
    "api-import-quarantine-discard": (lambda w: {"pk": w.row.pk}, "post", IMPORTER),
    "api-import-record-detail": (lambda w: {"pk": w.record.pk}, "get", HUB),
    "api-import-profile-list": (lambda w: {}, "get", HUB),
    "api-import-profile-detail": (lambda w: {"name": w.profile.name}, "get", HUB),
}


@pytest.fixture
def import_world(
    partnership: Partnership, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ImportWorld:
    settings.LANTERN_IMPORT_DIR = str(tmp_path / "uploads")
    # Access is what is tested here, not linkage: the import runs without its hooks.
    without_linkage(monkeypatch)
    return _build_import_world(partnership, tmp_path)


@pytest.mark.parametrize("name", sorted(IMPORT_ROUTES))
@pytest.mark.parametrize("who", ["school_lead", "board", "admin"])
def test_import_routes_refuse_agencies_board_and_admin(
    partnership: Partnership, import_world: ImportWorld, as_user: Any, name: str, who: str
) -> None:
    kwargs, method, _ = IMPORT_ROUTES[name]
    actor: Actor = getattr(partnership, who)
    client = as_user(actor)
    before = _refusals()
    response = _request(client, method, reverse(name, kwargs=kwargs(import_world)))
    assert response.status_code == 403, (name, who, response.status_code)
    assert "Importmatrix" not in response.content.decode()
    assert _refusals() == before + 1, f"{name}: refusal of {who} was not audited"
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert last.username == actor.username


@pytest.mark.parametrize("name", sorted(IMPORT_ROUTES))
def test_import_routes_admit_the_hub_roles_they_are_for(
    partnership: Partnership, import_world: ImportWorld, as_user: Any, name: str
) -> None:
    kwargs, method, admitted = IMPORT_ROUTES[name]
    url = reverse(name, kwargs=kwargs(import_world))
    if method == "get":
        assert as_user(partnership.analyst).get(url).status_code == 200, name
    client = as_user(partnership.practitioner)
    before = _refusals()
    practitioner = _request(client, method, url)
    if admitted == HUB:
        assert practitioner.status_code == 200, (name, practitioner.status_code)
    else:
        assert practitioner.status_code == 403, (name, practitioner.status_code)
        assert _refusals() == before + 1


# --- record linkage: the hub only; training and runs for analysts and managers -----------

from tests.linkage.world import LinkageWorld, build_linkage_world  # noqa: E402

LinkageKwargs = Callable[[LinkageWorld], dict[str, Any]]
RUNNER = "runner"

#: name: (kwargs, method, who is admitted: any hub role, or hub analysts and managers only).
LINKAGE_ROUTES: dict[str, tuple[LinkageKwargs, str, str]] = {
    "linkage:overview": (lambda w: {}, "get", HUB),
    "linkage:queue": (lambda w: {}, "get", HUB),
    "linkage:claim_next": (lambda w: {}, "post", HUB),
    "linkage:pair": (lambda w: {"pk": w.pair.pk}, "get", HUB),
    "linkage:claim": (lambda w: {"pk": w.pair.pk}, "post", HUB),
    "linkage:release": (lambda w: {"pk": w.pair.pk}, "post", HUB),
    "linkage:models": (lambda w: {}, "get", HUB),
    "linkage:model": (lambda w: {"pk": w.model.pk}, "get", HUB),
    "linkage:train": (lambda w: {}, "post", RUNNER),
    "linkage:learn": (lambda w: {}, "post", RUNNER),
    "linkage:run_start": (lambda w: {}, "post", RUNNER),
    "linkage:run": (lambda w: {"pk": w.run.pk}, "get", HUB),
    "linkage:matches": (lambda w: {}, "get", HUB),
    "linkage:merge_person": (lambda w: {"pk": w.person.pk}, "get", HUB),
    "linkage:merge": (lambda w: {"pk": w.merge.pk}, "get", HUB),
    "api-linkage-queue": (lambda w: {}, "get", HUB),
    "api-linkage-pair": (lambda w: {"pk": w.pair.pk}, "get", HUB),
    "api-linkage-pair-decision": (lambda w: {"pk": w.pair.pk}, "post", HUB),
    "api-linkage-models": (lambda w: {}, "get", HUB),
    "api-linkage-merge": (lambda w: {}, "post", HUB),
    "api-linkage-merge-detail": (lambda w: {"pk": w.merge.pk}, "get", HUB),
    "api-linkage-merge-undo": (lambda w: {"pk": w.merge.pk}, "post", HUB),
}
#: Anyone with person data may ask; an agency learns only whether the hub knows the person.
KNOWN_TO_HUB_ROUTES = {"api-linkage-candidates": "?first_name=Kayleigh&last_name=Linkmatrix"}

LINKAGE_REFUSED = ["school_lead", "housing_officer", "board", "admin"]


@pytest.mark.parametrize("name", sorted(LINKAGE_ROUTES))
@pytest.mark.parametrize("who", LINKAGE_REFUSED)
def test_linkage_is_refused_outside_the_hub(
    partnership: Partnership, as_user: Any, name: str, who: str
) -> None:
    world = build_linkage_world(partnership)
    kwargs, method, _ = LINKAGE_ROUTES[name]
    before = _refusals()
    response = _request(
        as_user(getattr(partnership, who)), method, reverse(name, kwargs=kwargs(world))
    )
    assert response.status_code == 403, (name, who, response.status_code)
    assert "Linkmatrix" not in response.content.decode()
    assert _refusals() == before + 1, f"{name}: refusal of {who} was not audited"


@pytest.mark.parametrize("name", sorted(LINKAGE_ROUTES))
def test_linkage_admits_the_hub(partnership: Partnership, as_user: Any, name: str) -> None:
    world = build_linkage_world(partnership)
    kwargs, method, admitted = LINKAGE_ROUTES[name]
    url = reverse(name, kwargs=kwargs(world))
    if admitted == RUNNER:
        refused = _request(as_user(partnership.practitioner), method, url)
        assert refused.status_code == 403, name
    actor = partnership.analyst if admitted == RUNNER else partnership.practitioner
    response = _request(as_user(actor), method, url)
    assert response.status_code in (200, 201, 302, 400), (name, response.status_code)


@pytest.mark.parametrize("name", sorted(KNOWN_TO_HUB_ROUTES))
def test_agencies_learn_only_that_the_hub_knows_someone(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    build_linkage_world(partnership)
    url = reverse(name) + KNOWN_TO_HUB_ROUTES[name]
    agency = as_user(partnership.school_lead).get(url)
    assert agency.status_code == 200
    body = agency.json()
    assert body["matches"] is None
    assert body["known_to_hub"] in (True, False)
    assert "Linkmatrix" not in agency.content.decode()
    hub = as_user(partnership.practitioner).get(url)
    assert hub.status_code == 200
    assert hub.json()["known_to_hub"] is None
    for who in ("board", "admin"):
        before = _refusals()
        assert as_user(getattr(partnership, who)).get(url).status_code == 403
        assert _refusals() == before + 1


#: Deciding restricted access and reviewing break glass: the hub's managers only.
MANAGER_ROUTES: dict[str, Callable[[int], dict[str, Any]]] = {
    "cases:access_requests": lambda pk: {},
    "cases:access_decide": lambda pk: {"pk": pk},
}


def _grant(world: World, p: Partnership) -> int:
    from lantern.cases import grants

    grant = grants.grant_request(
        actor=p.school_lead,
        person=world.person,
        category="sexual_health",
        reason="Needed for the strategy discussion on Monday.",
    )
    return grant.pk


@pytest.mark.parametrize("name", sorted(MANAGER_ROUTES))
@pytest.mark.parametrize("who", ["practitioner", "school_lead", "board", "admin"])
def test_restricted_access_decisions_are_for_managers(
    partnership: Partnership, as_user: Any, name: str, who: str
) -> None:
    world = _build_world(partnership)
    url = reverse(name, kwargs=MANAGER_ROUTES[name](_grant(world, partnership)))
    before = _refusals()
    assert as_user(getattr(partnership, who)).get(url).status_code == 403, (name, who)
    assert _refusals() == before + 1
    assert as_user(partnership.manager).get(url).status_code == 200


# --- intelligence: the hub and police analysts; never contributors, board or admin ------

from tests.intelligence.world import IntelWorld, build_intel_world  # noqa: E402

IntelKwargs = Callable[[IntelWorld], dict[str, Any]]

#: name: (kwargs, method). Every one is for hub roles and police analysts and managers only.
INTEL_ROUTES: dict[str, tuple[IntelKwargs, str]] = {
    "intelligence:home": (lambda w: {}, "get"),
    "intelligence:entity_new": (lambda w: {}, "get"),
    "intelligence:entity": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:concern": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:concern_end": (lambda w: {"pk": w.concern.pk}, "post"),
    "intelligence:profile": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:profile_edit": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:earlier_contact_new": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:link_new": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:disruption_new": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:plan_new": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:chart": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:chart_data": (lambda w: {"pk": w.concern.pk}, "get"),
    "intelligence:chart_save": (lambda w: {"pk": w.concern.pk}, "post"),
    "intelligence:export": (lambda w: {"pk": w.concern.pk, "fmt": "graphml"}, "get"),
    "intelligence:link": (lambda w: {"pk": w.link.pk}, "get"),
    "intelligence:plan": (lambda w: {"pk": w.plan.pk}, "get"),
    "intelligence:network": (lambda w: {}, "get"),
    "intelligence:charts": (lambda w: {}, "get"),
    "intelligence:alerts": (lambda w: {}, "get"),
    "intelligence:alert": (lambda w: {"pk": w.alert.pk}, "get"),
    "api-intel-entities": (lambda w: {}, "get"),
    "api-intel-entity": (lambda w: {"pk": w.concern.pk}, "get"),
    "api-intel-network": (lambda w: {"pk": w.concern.pk}, "get"),
    "api-intel-profile": (lambda w: {"pk": w.concern.pk}, "get"),
    "api-intel-links": (lambda w: {}, "post"),
    "api-intel-link": (lambda w: {"pk": w.link.pk}, "get"),
    "api-intel-link-withdraw": (lambda w: {"pk": w.link.pk}, "post"),
    "api-intel-alerts": (lambda w: {}, "get"),
    "api-intel-alert": (lambda w: {"pk": w.alert.pk}, "get"),
    "api-intel-alert-decision": (lambda w: {"pk": w.alert.pk}, "post"),
}

INTEL_REFUSED = ["school_lead", "police_officer", "board", "admin"]


@pytest.mark.parametrize("name", sorted(INTEL_ROUTES))
@pytest.mark.parametrize("who", INTEL_REFUSED)
def test_intelligence_is_refused_to_contributors_board_and_admin(
    partnership: Partnership, as_user: Any, name: str, who: str
) -> None:
    world = build_intel_world(partnership)
    kwargs, method = INTEL_ROUTES[name]
    before = _refusals()
    response = _request(
        as_user(getattr(partnership, who)), method, reverse(name, kwargs=kwargs(world))
    )
    assert response.status_code == 403, (name, who, response.status_code)
    assert "Reevematrix" not in response.content.decode()
    assert _refusals() == before + 1, f"{name}: refusal of {who} was not audited"


@pytest.mark.parametrize("name", sorted(INTEL_ROUTES))
@pytest.mark.parametrize("who", ["practitioner", "police_analyst"])
def test_intelligence_admits_the_hub_and_police_analysts(
    partnership: Partnership, as_user: Any, name: str, who: str
) -> None:
    world = build_intel_world(partnership)
    actor = world.police_analyst if who == "police_analyst" else partnership.practitioner
    kwargs, method = INTEL_ROUTES[name]
    response = _request(as_user(actor), method, reverse(name, kwargs=kwargs(world)))
    if name in ("intelligence:concern", "intelligence:concern_end") and who == "practitioner":
        # Marking persons of concern is for analysts and managers.
        assert response.status_code == 403, (name, response.status_code)
        return
    if name == "api-intel-alert-decision" and who == "police_analyst":
        # Deciding an alert starts hub work: police analysts read alerts only.
        assert response.status_code == 403, (name, response.status_code)
        return
    assert response.status_code in (200, 201, 302, 400), (name, who, response.status_code)


# --- long-term support and closure: the person's need to know; some writes for the hub ------


@dataclass
class SupportWorld:
    person: Person
    open_case: Case
    consent: int
    journey: int
    follow_up: int
    activity: int


def _build_support_world(p: Partnership) -> SupportWorld:
    from lantern.cases.models import ClosedCaseActivity
    from lantern.support import services as support_services

    world = _build_world(p)
    person = world.person
    consent = support_services.consent_record(
        actor=p.practitioner,
        person=person,
        given_on=timezone.localdate(),
        what="Contact details, with the school",
        agency_ids=[p.school.pk],
    )
    journey = support_services.nrm_refer(
        actor=p.practitioner,
        person=person,
        route="referral",
        first_responder_id=p.police.pk,
        referred_on=timezone.localdate(),
        consent_given=False,
    )
    closed = open_case(p, given_name="Kayleigh", family_name="Matrixclosed")
    closure = case_services.case_close(
        actor=p.practitioner, case=closed, reason="risk_reduced", step_down_plan="School."
    )
    case_services.case_activity(
        closed.person, trigger="alert", source_description="Alert", actor=p.analyst
    )
    return SupportWorld(
        person=person,
        open_case=world.case,
        consent=consent.pk,
        journey=journey.pk,
        follow_up=closure.follow_ups.order_by("due_on")[0].pk,
        activity=ClosedCaseActivity.objects.get(case=closed).pk,
    )


SupportKwargs = Callable[[SupportWorld], dict[str, Any]]
INVOLVED_READS, HUB_CASEWORK = "involved", "hub casework"


def _person(w: SupportWorld) -> dict[str, Any]:
    return {"pk": w.person.pk}


#: name: (kwargs, method, what an involved agency's contributor gets on a GET).
SUPPORT_ROUTES: dict[str, tuple[SupportKwargs, str, str]] = {
    "support:person": (_person, "get", INVOLVED_READS),
    "support:outcomes_chart": (_person, "get", INVOLVED_READS),
    "support:contact_new": (_person, "get", INVOLVED_READS),
    "support:voice_new": (_person, "get", INVOLVED_READS),
    "support:outcome_new": (_person, "get", INVOLVED_READS),
    "support:key_worker": (_person, "get", HUB_CASEWORK),
    "support:consent_new": (_person, "get", HUB_CASEWORK),
    "support:nrm_new": (_person, "get", HUB_CASEWORK),
    "support:consent_withdraw": (lambda w: {"pk": w.consent}, "get", HUB_CASEWORK),
    "support:nrm": (lambda w: {"pk": w.journey}, "get", INVOLVED_READS),
    "cases:close": (lambda w: {"pk": w.open_case.pk}, "get", HUB_CASEWORK),
    "cases:follow_up": (lambda w: {"pk": w.follow_up}, "get", INVOLVED_READS),
    "cases:activity_acknowledge": (lambda w: {"pk": w.activity}, "post", HUB_CASEWORK),
    "api-support": (_person, "get", INVOLVED_READS),
    "api-support-contact": (_person, "post", INVOLVED_READS),
    "api-support-key-worker": (_person, "post", HUB_CASEWORK),
    "api-support-voice": (_person, "post", INVOLVED_READS),
    "api-support-consent": (_person, "post", HUB_CASEWORK),
    "api-support-consent-withdraw": (lambda w: {"pk": w.consent}, "post", HUB_CASEWORK),
    "api-support-outcomes": (_person, "post", INVOLVED_READS),
    "api-support-nrm-create": (_person, "post", HUB_CASEWORK),
    "api-support-nrm": (lambda w: {"pk": w.journey}, "get", INVOLVED_READS),
    "api-support-nrm-decision": (lambda w: {"pk": w.journey}, "post", HUB_CASEWORK),
    "api-case-close": (lambda w: {"pk": w.open_case.pk}, "post", HUB_CASEWORK),
    "api-follow-up": (lambda w: {"pk": w.follow_up}, "post", INVOLVED_READS),
}
#: Work lists: everyone with person data sees their own; caseloads are for hub managers.
SUPPORT_WORK_ROUTES = {
    "support:my_work": "any",
    "api-my-work": "any",
    "support:caseloads": "manager",
}


@pytest.mark.parametrize("name", sorted(SUPPORT_ROUTES))
@pytest.mark.parametrize("who", REFUSED_ACTORS)
def test_support_routes_refuse_the_uninvolved(
    partnership: Partnership, as_user: Any, name: str, who: str
) -> None:
    world = _build_support_world(partnership)
    kwargs, method, _ = SUPPORT_ROUTES[name]
    actor: Actor = getattr(partnership, who)
    before = _refusals()
    response = _request(as_user(actor), method, reverse(name, kwargs=kwargs(world)))
    assert response.status_code in (403, 404), (name, who, response.status_code)
    assert "Matrixtest" not in response.content.decode()
    assert "Matrixclosed" not in response.content.decode()
    assert _refusals() == before + 1, f"{name}: refusal of {who} was not audited"


@pytest.mark.parametrize("name", sorted(k for k, v in SUPPORT_ROUTES.items() if v[1] == "get"))
def test_support_routes_follow_the_policy_for_the_hub_and_an_involved_agency(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    world = _build_support_world(partnership)
    kwargs, _, involved = SUPPORT_ROUTES[name]
    url = reverse(name, kwargs=kwargs(world))
    assert as_user(partnership.practitioner).get(url).status_code == 200, name
    before = _refusals()
    school = as_user(partnership.school_lead).get(url)
    if involved == INVOLVED_READS:
        assert school.status_code == 200, (name, school.status_code)
    else:
        assert school.status_code == 403, (name, school.status_code)
        assert _refusals() == before + 1


@pytest.mark.parametrize("name", sorted(SUPPORT_WORK_ROUTES))
def test_work_lists_follow_the_policy(partnership: Partnership, as_user: Any, name: str) -> None:
    _build_support_world(partnership)
    url = reverse(name)
    for who in ("board", "admin"):
        before = _refusals()
        assert as_user(getattr(partnership, who)).get(url).status_code == 403, (name, who)
        assert _refusals() == before + 1
    assert as_user(partnership.manager).get(url).status_code == 200
    expected = 200 if SUPPORT_WORK_ROUTES[name] == "any" else 403
    assert as_user(partnership.school_lead).get(url).status_code == expected, name
    assert as_user(partnership.practitioner).get(url).status_code == expected, name


# --- board reporting: counts only, for board members and managers -------------------------

#: Board reporting (no person data): name -> (args, path suffix). Checked in
#: ``tests/reporting/test_access.py``: board and managers admitted, others refused and audited.
BOARD_ROUTES: dict[str, tuple[list[str], str]] = {
    "reporting:dashboard": ([], ""),
    "reporting:returns": (["sac"], ""),
    "reporting:download": (["dashboard", "csv"], ""),
    "reporting:download_one": (["dashboard", "triage_timeliness", "xlsx"], ""),
    "reporting:reports": ([], ""),
    "reporting:report": (["2026Q3"], ""),
    "reporting:report_document": (["2026Q3", "html"], ""),
    "reporting:recommendations": ([], ""),
    "reporting:recommendation_new": ([], ""),
    "reporting:recommendation_edit": (["1"], ""),
    "reporting:data_quality": ([], ""),
    "api-board-figures": ([], ""),
    "api-board-collection": (["sac"], ""),
    "api-board-report": (["2026Q3"], ""),
    "api-board-recommendations": ([], ""),
}
# --- meetings, minutes, plans and actions (issue 14) -------------------------------------

from lantern.actions.models import Action  # noqa: E402
from lantern.meetings import services as meeting_services  # noqa: E402
from lantern.meetings.models import Minutes  # noqa: E402
from lantern.meetings.plans import plan_write  # noqa: E402
from tests.meetings.world import MeetingWorld  # noqa: E402
from tests.meetings.world import build as build_meeting_world  # noqa: E402

MeetingKwargs = Callable[[MeetingWorld], dict[str, Any]]
PERSON_DATA = (
    "practitioner",
    "manager",
    "analyst",
    "school_lead",
    "police_officer",
    "housing_officer",
)
HUB_ROLES = ("practitioner", "manager", "analyst")
CASEWORK = ("practitioner", "manager")
SCHOOL_MINUTES = ("practitioner", "manager", "analyst", "school_lead")
SCHOOL_ACTION = ("practitioner", "manager", "analyst", "school_lead")
CASE_MEMBERS = ("practitioner", "manager", "analyst", "school_lead", "police_officer")
MANAGER = ("manager",)
EVERYONE = (*PERSON_DATA, "board", "admin")


def _school_minutes(w: MeetingWorld) -> int:
    return int(Minutes.objects.get(meeting=w.meeting, recipient=w.p.school).pk)


def _school_action(w: MeetingWorld) -> int:
    return int(Action.objects.get(title="Arrange a return home interview").pk)


#: name: (kwargs, method, the actors admitted; every other actor in EVERYONE is refused).
MEETING_ROUTES: dict[str, tuple[MeetingKwargs, str, tuple[str, ...]]] = {
    "actions:list": (lambda w: {}, "get", PERSON_DATA),
    "actions:detail": (lambda w: {"pk": _school_action(w)}, "get", SCHOOL_ACTION),
    "actions:overdue": (lambda w: {}, "get", MANAGER),
    "actions:chase": (lambda w: {"agency_pk": w.p.school.pk}, "get", MANAGER),
    "meetings:list": (lambda w: {}, "get", HUB_ROLES),
    "meetings:new": (lambda w: {}, "get", CASEWORK),
    "meetings:detail": (lambda w: {"pk": w.meeting.pk}, "get", HUB_ROLES),
    "meetings:agenda": (lambda w: {"pk": w.meeting.pk}, "get", CASEWORK),
    "meetings:attendance": (lambda w: {"pk": w.meeting.pk}, "get", CASEWORK),
    "meetings:room": (lambda w: {"pk": w.meeting.pk}, "get", HUB_ROLES),
    "meetings:issue": (lambda w: {"pk": w.meeting.pk}, "get", CASEWORK),
    "meetings:item": (lambda w: {"pk": w.school_item.pk}, "get", CASEWORK),
    "meetings:minutes_list": (lambda w: {}, "get", PERSON_DATA),
    "meetings:minutes": (lambda w: {"pk": _school_minutes(w)}, "get", SCHOOL_MINUTES),
    "meetings:minutes_pdf": (lambda w: {"pk": _school_minutes(w)}, "get", SCHOOL_MINUTES),
    "meetings:plan": (lambda w: {"case_pk": w.school_case.pk}, "get", CASE_MEMBERS),
    "meetings:plan_edit": (lambda w: {"case_pk": w.school_case.pk}, "get", CASEWORK),
    "api-action-list": (lambda w: {}, "get", PERSON_DATA),
    "api-action-detail": (lambda w: {"pk": _school_action(w)}, "get", SCHOOL_ACTION),
    "api-actions-overdue": (lambda w: {}, "get", MANAGER),
    "api-actions-chase": (lambda w: {}, "post", MANAGER),
    "api-meeting-list": (lambda w: {}, "get", HUB_ROLES),
    "api-meeting-detail": (lambda w: {"pk": w.meeting.pk}, "get", HUB_ROLES),
    "api-meeting-agenda": (lambda w: {"pk": w.meeting.pk}, "get", CASEWORK),
    "api-meeting-attendance": (lambda w: {"pk": w.meeting.pk}, "post", CASEWORK),
    "api-meeting-room": (lambda w: {"pk": w.meeting.pk}, "get", HUB_ROLES),
    "api-meeting-minutes": (lambda w: {"pk": w.meeting.pk}, "get", HUB_ROLES),
    "api-meeting-item": (lambda w: {"pk": w.school_item.pk}, "post", CASEWORK),
    "api-meeting-item-actions": (lambda w: {"pk": w.school_item.pk}, "post", CASEWORK),
    "api-minutes-issued": (lambda w: {}, "get", PERSON_DATA),
    "api-minutes-detail": (lambda w: {"pk": _school_minutes(w)}, "get", SCHOOL_MINUTES),
    "api-minutes-pdf": (lambda w: {"pk": _school_minutes(w)}, "get", SCHOOL_MINUTES),
    "api-case-plan": (lambda w: {"pk": w.school_case.pk}, "get", CASE_MEMBERS),
    "api-case-plan-actions": (lambda w: {"pk": w.school_case.pk}, "post", CASEWORK),
}


def _meeting_world(p: Partnership) -> MeetingWorld:
    world = build_meeting_world(p)
    meeting_services.minutes_issue(actor=p.practitioner, meeting=world.meeting)
    plan_write(
        actor=p.practitioner,
        case=world.school_case,
        goals=["Jade is home by 9pm"],
        person_words="I want to stay at my school.",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    return world


@pytest.mark.parametrize("name", sorted(MEETING_ROUTES))
def test_meeting_routes_admit_and_refuse_as_the_policy_says(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    world = _meeting_world(partnership)
    kwargs, method, admitted = MEETING_ROUTES[name]
    url = reverse(name, kwargs=kwargs(world))
    for who in EVERYONE:
        actor: Actor = getattr(partnership, who)
        before = _refusals()
        response = _request(as_user(actor), method, url)
        if who in admitted:
            assert response.status_code in (200, 201, 302, 400, 409, 422), (
                name,
                who,
                response.status_code,
            )
            continue
        assert response.status_code in (403, 404), (name, who, response.status_code)
        assert b"Panelcase" not in response.content, (name, who)
        assert _refusals() == before + 1, f"{name}: refusal of {who} was not audited"


# --- learning (issue 15): anonymised, suppressed; case studies inside the hub until approved --

from tests.learning.world import LearningWorld  # noqa: E402
from tests.learning.world import build as build_learning_world  # noqa: E402

LearningKwargs = Callable[[LearningWorld], dict[str, Any]]
LEARNING_READERS = ("board", "manager")
CASE_STUDY_WRITERS = ("practitioner", "analyst", "manager")

#: name: (kwargs, method, the actors admitted; every other actor in EVERYONE is refused).
#: None of these is person-level: a board member reaches only the anonymised ones.
LEARNING_ROUTES: dict[str, tuple[LearningKwargs, str, tuple[str, ...]]] = {
    "learning:home": (lambda w: {}, "get", LEARNING_READERS),
    "learning:learning_set_csv": (lambda w: {}, "get", LEARNING_READERS),
    "learning:pack": (lambda w: {}, "get", LEARNING_READERS),
    "learning:packs": (lambda w: {}, "get", LEARNING_READERS),
    "learning:compare": (lambda w: {"pk": w.imported.pk}, "get", LEARNING_READERS),
    "learning:case_studies": (lambda w: {}, "get", CASE_STUDY_WRITERS),
    "learning:case_study_new": (lambda w: {}, "get", CASE_STUDY_WRITERS),
    "learning:case_study": (lambda w: {"pk": w.study.pk}, "get", CASE_STUDY_WRITERS),
    "learning:case_study_edit": (lambda w: {"pk": w.study.pk}, "get", CASE_STUDY_WRITERS),
    "learning:case_study_approve": (lambda w: {"pk": w.study.pk}, "post", ("manager",)),
    "api-learning-figures": (lambda w: {}, "get", LEARNING_READERS),
    "api-learning-set": (lambda w: {}, "get", LEARNING_READERS),
    "api-learning-pack": (lambda w: {}, "get", LEARNING_READERS),
    "api-learning-packs": (lambda w: {}, "get", LEARNING_READERS),
    "api-learning-pack-compare": (lambda w: {"pk": w.imported.pk}, "get", LEARNING_READERS),
    # Removing another area's pack: the confirmation page (the API's DELETE on the compare
    # URL and the POST are checked in tests/learning/test_pack_remove.py).
    "learning:pack_remove": (lambda w: {"pk": w.imported.pk}, "get", MANAGER),
}


@pytest.mark.parametrize("name", sorted(LEARNING_ROUTES))
def test_learning_routes_admit_and_refuse_as_the_policy_says(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    world = build_learning_world(partnership)
    kwargs, method, admitted = LEARNING_ROUTES[name]
    url = reverse(name, kwargs=kwargs(world))
    for who in EVERYONE:
        actor: Actor = getattr(partnership, who)
        before = _refusals()
        response = _request(as_user(actor), method, url)
        if who in admitted:
            assert response.status_code in (200, 302), (name, who, response.status_code)
            continue
        assert response.status_code in (403, 404), (name, who, response.status_code)
        assert b"Karl" not in response.content, (name, who)
        assert _refusals() == before + 1, f"{name}: refusal of {who} was not audited"


# --- adult safeguarding enquiries: how they concluded (issue 15, the SAC return) -----------

from tests.factories import open_enquiry  # noqa: E402

#: name: (method, the actors admitted; every other actor in EVERYONE is refused). The
#: referring agency (police) reads the referral, yet may not record how the enquiry ended.
ENQUIRY_ROUTES: dict[str, tuple[str, tuple[str, ...]]] = {
    "referrals:conclude": ("get", CASEWORK),
    "api-referral-conclusion": ("post", CASEWORK),
}


@pytest.mark.parametrize("name", sorted(ENQUIRY_ROUTES))
def test_enquiry_conclusions_are_for_hub_caseworkers(
    partnership: Partnership, as_user: Any, name: str
) -> None:
    referral = open_enquiry(partnership, family_name="Concludematrix")
    method, admitted = ENQUIRY_ROUTES[name]
    url = reverse(name, kwargs={"pk": referral.pk})
    for who in EVERYONE:
        actor: Actor = getattr(partnership, who)
        before = _refusals()
        response = _request(as_user(actor), method, url)
        if who in admitted:
            # The page opens; the API answers the empty body with a 400 problem.
            assert response.status_code in (200, 400), (name, who, response.status_code)
            continue
        assert response.status_code == 403, (name, who, response.status_code)
        assert b"Concludematrix" not in response.content, (name, who)
        assert _refusals() == before + 1, f"{name}: refusal of {who} was not audited"
