"""Clerical review: claims, decisions as labels, not sure, and two reviewers at once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.utils import timezone

from lantern.core.access import AccessRefused
from lantern.core.models import AuditAction, AuditEvent
from lantern.imports.models import SourceRecord
from lantern.linkage import services
from lantern.linkage.models import (
    CandidatePair,
    Decision,
    LabelSource,
    PairLabel,
    PairStatus,
    PersonMerge,
)
from lantern.people.models import Person
from tests.conftest import Partnership
from tests.linkage.helpers import add_record, extract_for, install_model


def queued_pair(p: Partnership, settings: dict[str, Any]) -> CandidatePair:
    """Two records the model is unsure about, resolved to two people and queued."""
    install_model(settings, upper=0.999999999, lower=0.001)
    police = extract_for(p.police, p.analyst, "police-niche")
    school = extract_for(p.school, p.analyst, "school-sims")
    for i in range(40):  # enough other people for name frequencies to mean something
        add_record(
            police,
            f"BG{i}",
            first_name=f"Alex{i:02d}",
            last_name=f"Other{i:02d}",
            date_of_birth=f"{1 + i % 28:02d}/0{1 + i % 9}/20{10 - i % 5:02d}",
        )
    add_record(
        police,
        "NP1",
        first_name="Jade",
        last_name="Hollis",
        date_of_birth="14/02/2011",
        postcode="NK1 4AB",
    )
    add_record(
        school,
        "S1",
        first_name="Jade",
        last_name="Hollis",
        date_of_birth="2011",
        postcode="NK2 7QT",
    )
    services.run_start(actor=p.analyst, background=False)
    return CandidatePair.objects.get(status=PairStatus.PENDING)


@pytest.mark.django_db
def test_a_match_decision_is_a_label_and_merges_the_two_people(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    pair = queued_pair(partnership, trained_settings)
    before = {pair.record_l.person_id, pair.record_r.person_id}
    assert len(before) == 2
    services.pair_claim(actor=partnership.practitioner, pair=pair)
    label = services.pair_decide(
        actor=partnership.practitioner,
        pair=pair,
        decision=Decision.MATCH,
        note="Same school year and address history",
    )
    assert (label.decision, label.source, label.record_l_id) == (
        Decision.MATCH,
        LabelSource.REVIEW,
        pair.record_l_id,
    )
    assert label.contributions == pair.contributions
    assert label.match_probability == pytest.approx(pair.match_probability)
    pair.refresh_from_db()
    assert pair.status == PairStatus.DECIDED
    assert pair.claimed_by is None
    left = SourceRecord.objects.get(pk=pair.record_l_id)
    right = SourceRecord.objects.get(pk=pair.record_r_id)
    assert left.person_id == right.person_id
    merge = PersonMerge.objects.get()
    assert merge.kind == "review"
    assert merge.pair_id == pair.pk
    # A later run keeps the decision.
    services.run_start(actor=partnership.analyst, background=False)
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.DECIDED


@pytest.mark.django_db
def test_not_a_match_keeps_them_apart_in_later_runs(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    pair = queued_pair(partnership, trained_settings)
    services.pair_decide(actor=partnership.analyst, pair=pair, decision=Decision.NOT_MATCH)
    # Even a model that would link them automatically leaves them apart.
    install_model(trained_settings, upper=0.5, lower=0.01)
    services.run_start(actor=partnership.analyst, background=False)
    left = SourceRecord.objects.get(pk=pair.record_l_id)
    right = SourceRecord.objects.get(pk=pair.record_r_id)
    assert left.person_id != right.person_id
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.DECIDED


@pytest.mark.django_db
def test_unsure_pairs_stay_in_the_queue_with_the_note(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    pair = queued_pair(partnership, trained_settings)
    with pytest.raises(ValidationError) as no_note:
        services.pair_decide(actor=partnership.practitioner, pair=pair, decision=Decision.UNSURE)
    assert "note" in no_note.value.message_dict
    services.pair_claim(actor=partnership.practitioner, pair=pair)
    services.pair_decide(
        actor=partnership.practitioner,
        pair=pair,
        decision=Decision.UNSURE,
        note="Could be a sister: ask the school",
    )
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING
    assert pair.unsure_count == 1
    assert pair.claimed_by is None  # back in the queue for someone else
    assert PairLabel.objects.get().decision == Decision.UNSURE
    services.run_start(actor=partnership.analyst, background=False)
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.PENDING
    # The next reviewer can take it and decide.
    services.pair_claim(actor=partnership.manager, pair=pair)
    services.pair_decide(actor=partnership.manager, pair=pair, decision=Decision.NOT_MATCH)
    assert PairLabel.objects.count() == 2


@pytest.mark.django_db
def test_two_reviewers_cannot_decide_the_same_pair(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    pair = queued_pair(partnership, trained_settings)
    services.pair_claim(actor=partnership.practitioner, pair=pair)
    with pytest.raises(ValidationError) as claimed:
        services.pair_claim(actor=partnership.manager, pair=pair)
    assert claimed.value.code == "claimed"
    with pytest.raises(ValidationError):
        services.pair_decide(actor=partnership.manager, pair=pair, decision=Decision.MATCH)
    assert services.pair_claim_next(actor=partnership.manager) is None
    assert not PairLabel.objects.exists()
    # A claim lapses after the lease: then someone else may take the pair.
    CandidatePair.objects.filter(pk=pair.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    services.pair_claim(actor=partnership.manager, pair=pair)
    with pytest.raises(ValidationError):
        services.pair_decide(actor=partnership.practitioner, pair=pair, decision=Decision.MATCH)
    label = services.pair_decide(actor=partnership.manager, pair=pair, decision=Decision.NOT_MATCH)
    assert label.decided_by == partnership.manager.user
    with pytest.raises(ValidationError) as decided:
        services.pair_decide(actor=partnership.manager, pair=pair, decision=Decision.MATCH)
    assert decided.value.code == "decided"


def _in_memory_sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_the_same_moment_make_one_decision(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    if _in_memory_sqlite():
        pytest.skip(
            "an in-memory SQLite test database locks tables instead of waiting; this race "
            "runs on PostgreSQL (.ci) or with LANTERN_TEST_SQLITE_PATH set to a file"
        )
    pair = queued_pair(partnership, trained_settings)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(actor: Any, decision: str) -> None:
        barrier.wait()
        try:
            services.pair_decide(actor=actor, pair=pair, decision=decision)
            outcomes.append("made the decision")
        except ValidationError as exc:
            outcomes.append(f"refused: {exc.code}")
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=decide, args=(partnership.practitioner, Decision.MATCH)),
        threading.Thread(target=decide, args=(partnership.manager, Decision.NOT_MATCH)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made the decision", "refused: decided"], outcomes
    assert PairLabel.objects.count() == 1


@pytest.mark.django_db
def test_only_the_hub_reviews_and_refusals_are_audited(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    pair = queued_pair(partnership, trained_settings)
    for actor in (
        partnership.school_lead,
        partnership.police_officer,
        partnership.board,
        partnership.admin,
    ):
        before = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
        with pytest.raises(AccessRefused):
            services.pair_decide(actor=actor, pair=pair, decision=Decision.MATCH)
        assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == before + 1
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
