"""From agency records to people: linking, review, facts with provenance, withdrawal."""

from __future__ import annotations

from typing import Any

import pytest

from lantern.imports.models import SourceRecord
from lantern.linkage import hooks, services
from lantern.linkage.models import CandidatePair, LinkageRun, PairStatus, RecordFeatures, RunStatus
from lantern.people.models import Identifier, Involvement, InvolvementBasis, Person, PersonName
from tests.conftest import Partnership
from tests.linkage.helpers import add_record, extract_for, install_model

pytestmark = pytest.mark.django_db

TAMSIN = {
    "first_name": "Tamsin",
    "middle_names": "Jo",
    "last_name": "Rowe",
    "date_of_birth": "09/03/2011",
    "sex": "F",
    "nhs_number": "9434765919",
    "postcode": "NK1 4AB",
    "address": "12 Mill Lane",
    "phone": "07700 900123",
}


@pytest.fixture(autouse=True)
def population(partnership: Partnership, tmp_path: Any) -> None:
    """A few hundred other people's records, so that how common a name is means something."""
    from tests.linkage.helpers import load_synthetic

    load_synthetic(tmp_path / "background", partnership.analyst, people=120, seed=99)


def _world(p: Partnership) -> dict[str, Any]:
    police = extract_for(p.police, p.analyst, "police-niche")
    school = extract_for(p.school, p.analyst, "school-sims")
    housing = extract_for(p.housing, p.analyst, "housing-orchard")
    return {"police": police, "school": school, "housing": housing}


def test_records_at_different_agencies_become_one_person_with_every_record_kept(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    install_model(trained_settings)
    x = _world(partnership)
    a = add_record(x["police"], "NP1", **TAMSIN)
    b = add_record(x["school"], "S1", **{**TAMSIN, "first_name": "Tammy", "nhs_number": ""})
    c = add_record(x["housing"], "H1", **{**TAMSIN, "date_of_birth": "2011", "phone": ""})
    other = add_record(
        x["police"],
        "NP2",
        first_name="Kyle",
        last_name="Dent",
        date_of_birth="02/02/2008",
        postcode="NK9 9ZZ",
    )
    run = services.run_start(actor=partnership.analyst, background=False)
    assert run.status == RunStatus.DONE
    records = {r.pk: r for r in SourceRecord.objects.all()}
    person = records[a.pk].person
    assert person is not None
    assert records[b.pk].person_id == person.pk == records[c.pk].person_id
    assert records[other.pk].person_id not in (None, person.pk)
    # Every agency holding a record is involved, on that basis, with the extract's lawful basis.
    involved = Involvement.objects.filter(person=person, basis=InvolvementBasis.RECORD)
    assert {i.agency_id for i in involved} == {
        p.pk for p in (partnership.police, partnership.school, partnership.housing)
    }
    assert all("DPA 2018" in i.lawful_basis for i in involved)
    # Which agency's record says what: names said by the school and the police.
    said = {(n.source_agency_id, n.given_name) for n in PersonName.objects.filter(person=person)}
    assert (partnership.school.pk, "Tammy") in said  # as the school wrote it, not folded
    primary = PersonName.objects.get(person=person, is_primary=True)
    assert (primary.given_name, primary.family_name) == ("Tamsin", "Rowe")
    assert Identifier.objects.filter(person=person, source_agency=partnership.police).exists()
    assert RecordFeatures.objects.filter(record__in=[a, b, c, other]).count() == 4
    assert sum(rule["pairs"] for rule in run.rule_counts) == run.pairs_scored > 0


def test_a_second_run_changes_nothing(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    install_model(trained_settings)
    x = _world(partnership)
    add_record(x["police"], "NP1", **TAMSIN)
    add_record(x["school"], "S1", **TAMSIN)
    services.run_start(actor=partnership.analyst, background=False)
    before = (Person.objects.count(), PersonName.objects.count(), Involvement.objects.count())
    run = services.run_start(actor=partnership.analyst, background=False)
    assert (
        Person.objects.count(),
        PersonName.objects.count(),
        Involvement.objects.count(),
    ) == before
    assert run.people_created == 0


def test_uncertain_pairs_go_to_review_not_to_a_merge(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    install_model(trained_settings, upper=0.999999, lower=0.01)
    x = _world(partnership)
    a = add_record(
        x["police"], "NP1", first_name="Jade", last_name="Hollis", date_of_birth="14/02/2011"
    )
    b = add_record(x["school"], "S1", first_name="Jade", last_name="Hollis", date_of_birth="2011")
    run = services.run_start(actor=partnership.analyst, background=False)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.person_id != b.person_id
    pair = CandidatePair.objects.get(record_l=a)
    assert (pair.record_l_id, pair.record_r_id, pair.status) == (a.pk, b.pk, PairStatus.PENDING)
    assert {c["comparison"] for c in pair.contributions} >= {"first_name", "date_of_birth"}
    assert run.pairs_for_review >= 1


def test_imported_records_are_linked_by_a_background_task(
    partnership: Partnership,
    trained_settings: dict[str, Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    install_model(trained_settings)
    x = _world(partnership)
    a = add_record(x["police"], "NP1", **TAMSIN)
    with django_capture_on_commit_callbacks(execute=True):
        hooks.records_imported(extract_id=x["police"].pk, record_ids=[a.pk])
    b = add_record(x["school"], "S1", **TAMSIN)
    with django_capture_on_commit_callbacks(execute=True):
        hooks.records_imported(extract_id=x["school"].pk, record_ids=[b.pk])
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.person_id is not None
    assert a.person_id == b.person_id
    runs = list(LinkageRun.objects.order_by("pk"))
    assert [r.scope for r in runs] == ["incremental", "incremental"]
    assert all(r.status == RunStatus.DONE for r in runs)


def test_withdrawn_records_are_detached_and_a_person_with_nothing_else_drops_back(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    install_model(trained_settings)
    x = _world(partnership)
    a = add_record(x["police"], "NP1", **TAMSIN)
    b = add_record(x["school"], "S1", **TAMSIN)
    lone = add_record(x["housing"], "H9", first_name="Kyle", last_name="Dent", date_of_birth="2008")
    services.run_start(actor=partnership.analyst, background=False)
    a.refresh_from_db()
    lone.refresh_from_db()
    person, lone_person = a.person_id, lone.person_id
    SourceRecord.objects.filter(pk__in=[b.pk, lone.pk]).update(withdrawn_at="2026-03-01T10:00Z")
    hooks.records_withdrawn(record_ids=[b.pk, lone.pk])
    assert not Person.objects.filter(pk=lone_person).exists()
    assert Person.objects.filter(pk=person).exists()
    school = Involvement.objects.get(person_id=person, agency=partnership.school)
    assert school.ended_at is not None
    assert not PersonName.objects.filter(
        person_id=person, source_agency=partnership.school
    ).exists()
    assert not RecordFeatures.objects.filter(record_id__in=[b.pk, lone.pk]).exists()


def test_a_model_trains_on_the_database_and_is_saved_as_a_versioned_file(
    partnership: Partnership, tmp_path: Any, settings: Any
) -> None:

    settings.VAR_DIR = tmp_path / "var"
    model = services.model_train(actor=partnership.analyst)
    assert model.version == 1
    assert model.is_active
    assert model.file_path.endswith("model-v0001.json")
    saved = (tmp_path / "var" / "linkage" / "models" / "model-v0001.json").read_text()
    assert '"format": "lantern-linkage-model"' in saved
    assert model.summary["em_sessions"]
    assert model.summary["parameters"]
    again = services.model_train(actor=partnership.analyst)
    assert again.version == 2
    assert again.is_active
    model.refresh_from_db()
    assert not model.is_active


def test_only_hub_analysts_and_managers_train_and_run(partnership: Partnership) -> None:
    from lantern.core.access import AccessRefused

    for actor in (partnership.practitioner, partnership.school_lead, partnership.board):
        with pytest.raises(AccessRefused):
            services.run_start(actor=actor)
        with pytest.raises(AccessRefused):
            services.model_train(actor=actor)
