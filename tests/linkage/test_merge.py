"""Merging two people by hand and undoing it exactly."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.cases.models import Case, ChronologyEntry
from lantern.core.access import AccessRefused, RestrictedCategory
from lantern.core.events import Event
from lantern.core.models import AuditEvent
from lantern.imports.models import SourceRecord
from lantern.linkage import services
from lantern.linkage.models import PersonMerge
from lantern.people import merging
from lantern.people.models import (
    Address,
    CareNeed,
    ContactDetail,
    Identifier,
    Involvement,
    Person,
    PersonName,
    StatusFlag,
)
from lantern.referrals.models import Referral
from tests.conftest import Partnership
from tests.linkage.helpers import add_record, extract_for

pytestmark = pytest.mark.django_db

NHS_POOL = ["9434765919", "9999999999", "9434765870", "4010232137"]
_serial = itertools.count(1)


def dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table that points at a person, and the people themselves."""
    tables = {"people.Person": list(Person.objects.order_by("pk").values())}
    for relation in merging.person_relations():
        tables[relation.key] = list(relation.model._default_manager.order_by("pk").values())
    return tables


#: What :func:`make_person` makes, each as many times as its count says.
KINDS = (
    "names",
    "identifiers",
    "addresses",
    "contacts",
    "needs",
    "involvements",
    "referrals",
    "cases",
    "entries",
    "records",
)


def make_person(p: Partnership, seed: int, counts: dict[str, int]) -> Person:
    """A person with some of everything, made straight in the tables."""
    agencies = [p.police, p.school, p.housing, p.hub]
    person = Person.objects.create(
        given_name=f"Given{seed}",
        family_name=f"Family{seed}",
        date_of_birth=date(2010, 1, 1) + timedelta(days=seed),
        created_by_agency=p.school,
    )
    said = {"recorded_by": p.practitioner.user, "source": "test"}
    for i in range(counts["names"]):
        PersonName.objects.create(
            person=person,
            is_primary=i == 0,
            given_name=f"G{seed}{i}",
            family_name=f"F{seed}",
            source_agency=agencies[i % 4],
            **said,
        )
    for i in range(counts["identifiers"]):
        Identifier.objects.create(
            person=person,
            scheme="nhs",
            value=NHS_POOL[(seed + i) % len(NHS_POOL)],
            source_agency=agencies[i % 4],
            **said,
        )
    for i in range(counts["addresses"]):
        Address.objects.create(
            person=person, postcode=f"NK{i + 1} 4AB", source_agency=p.housing, **said
        )
    for i in range(counts["contacts"]):
        ContactDetail.objects.create(
            person=person,
            kind="phone",
            value=f"+4477009001{seed % 10}{i}",
            source_agency=p.police,
            **said,
        )
    if counts["needs"]:
        CareNeed.objects.create(
            person=person, code="learning_disability", source_agency=p.hub, **said
        )
        StatusFlag.objects.create(person=person, code="looked_after", source_agency=p.hub, **said)
    for i in range(counts["involvements"]):
        Involvement.objects.create(
            person=person, agency=agencies[i % 4], basis="share", reference=f"S{i}"
        )
    now = timezone.now()
    for i in range(counts["referrals"]):
        Referral.objects.create(
            person=person,
            referring_agency=p.school,
            referrer=p.school_lead.user,
            concern_categories=["online"],
            what_was_seen=f"Seen {seed}/{i}",
            urgency="standard",
            due_by=now + timedelta(days=1),
        )
    for i in range(counts["cases"]):
        case = Case.objects.create(
            person=person, lead_professional=p.practitioner.user, summary=f"Case {i}"
        )
        for j in range(counts["entries"]):
            ChronologyEntry.objects.create(
                person=person,
                case=case if j % 2 == 0 else None,
                occurred_on=date(2026, 1, 1 + j),
                event_type="missing_episode",
                significance="high",
                summary=f"Entry {j}",
                source_agency=p.police,
                author=p.police_officer.user,
                restricted_category=RestrictedCategory.SEXUAL_HEALTH if j == 2 else "",
            )
    extract = extract_for(p.police, p.analyst, f"police-{next(_serial)}")
    for i in range(counts["records"]):
        record = add_record(
            extract, f"R{seed}-{i}", first_name=f"Given{seed}", last_name=f"Family{seed}"
        )
        SourceRecord.objects.filter(pk=record.pk).update(person=person)
    return person


counts_strategy = st.fixed_dictionaries(
    {name: st.integers(min_value=0, max_value=3) for name in KINDS}
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(left=counts_strategy, right=counts_strategy, seed=st.integers(0, 10_000))
def test_merge_then_unmerge_is_identity_on_the_data(
    partnership: Partnership, left: dict[str, int], right: dict[str, int], seed: int
) -> None:
    survivor = make_person(partnership, seed, left)
    absorbed = make_person(partnership, seed + 1, right)
    before = dump()
    merge = services.people_merge(
        actor=partnership.practitioner,
        survivor=survivor,
        absorbed=absorbed,
        reason="Same NHS number and school",
    )
    after_merge = dump()
    assert after_merge != before or not any(right.values())
    absorbed.refresh_from_db()
    assert absorbed.merged_into_id == survivor.pk
    services.merge_undo(actor=partnership.practitioner, merge=merge, reason="They are sisters")
    assert dump() == before


def test_a_merge_moves_everything_and_keeps_the_survivors_primary_name(
    partnership: Partnership,
) -> None:
    full = dict.fromkeys(KINDS, 2)
    survivor = make_person(partnership, 1, full)
    absorbed = make_person(partnership, 3, full)
    merge = services.people_merge(
        actor=partnership.practitioner, survivor=survivor, absorbed=absorbed, reason="Same person"
    )
    assert PersonName.objects.filter(person=survivor, is_primary=True).count() == 1
    for model in (Referral, Case, ChronologyEntry, SourceRecord, Address, Involvement):
        assert not model.objects.filter(person=absorbed).exists(), model  # type: ignore[attr-defined]
    # The same NHS number from both records is not duplicated on the survivor: it stays behind.
    kept = merge.snapshot["tables"]["people.Identifier:person"]["kept"]
    assert Identifier.objects.filter(pk__in=kept, person=absorbed).count() == len(kept)
    events = AuditEvent.objects.filter(event=Event.PEOPLE_MERGED, object_type="person")
    assert {e.person_id for e in events} == {survivor.pk, absorbed.pk}
    with pytest.raises(Exception, match="already been merged"):
        services.people_merge(
            actor=partnership.practitioner, survivor=absorbed, absorbed=survivor, reason="again"
        )


def test_unmerge_puts_back_what_was_added_since_where_it_belongs(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    counts = dict.fromkeys(KINDS, 1)
    survivor = make_person(partnership, 10, counts)
    absorbed = make_person(partnership, 20, counts)
    absorbed_case = Case.objects.get(person=absorbed)
    merge = services.people_merge(
        actor=partnership.practitioner, survivor=survivor, absorbed=absorbed, reason="Same person"
    )
    # Since the merge: an entry in the absorbed person's (moved) case, and a new referral.
    entry = ChronologyEntry.objects.create(
        person=survivor,
        case=absorbed_case,
        occurred_on=date(2026, 2, 1),
        event_type="missing_episode",
        significance="high",
        summary="Missing overnight",
        source_agency=partnership.police,
        author=partnership.police_officer.user,
    )
    referral = Referral.objects.create(
        person=survivor,
        referring_agency=partnership.school,
        referrer=partnership.school_lead.user,
        concern_categories=["online"],
        what_was_seen="New worry",
        urgency="high",
        due_by=timezone.now() + timedelta(days=1),
    )
    placements = {p.item.key: p for p in services.undo_placements(merge)}
    entry_key = f"cases.ChronologyEntry:person:{entry.pk}"
    referral_key = f"referrals.Referral:person:{referral.pk}"
    assert placements[entry_key].automatic
    assert placements[entry_key].default == "absorbed"
    assert not placements[referral_key].automatic
    services.merge_undo(
        actor=partnership.manager,
        merge=merge,
        reason="Different people",
        choices={referral_key: "absorbed"},
    )
    entry.refresh_from_db()
    referral.refresh_from_db()
    assert entry.person_id == absorbed.pk
    assert referral.person_id == absorbed.pk
    merge.refresh_from_db()
    assert merge.is_undone
    assert merge.undo_snapshot["placed"][referral_key] == "absorbed"
    with pytest.raises(Exception, match="already been undone"):
        services.merge_undo(actor=partnership.manager, merge=merge, reason="again")


def test_an_undone_merge_keeps_the_two_apart_from_automatic_linkage(
    partnership: Partnership, trained_settings: dict[str, Any]
) -> None:
    from tests.linkage.helpers import install_model

    install_model(trained_settings)
    police = extract_for(partnership.police, partnership.analyst, "police-niche")
    school = extract_for(partnership.school, partnership.analyst, "school-sims")
    same = {
        "first_name": "Tamsin",
        "last_name": "Rowe",
        "date_of_birth": "09/03/2011",
        "postcode": "NK1 4AB",
        "phone": "07700 900123",
    }
    a = add_record(police, "NP1", **same)
    b = add_record(school, "S1", **same)
    services.run_start(actor=partnership.analyst, background=False)
    a.refresh_from_db()
    merge = PersonMerge.objects.filter(undone_at__isnull=True).first()
    if merge is None:  # one person made at once from both records: split by hand
        person = Person.objects.get(pk=a.person_id)
        other = Person.objects.create(
            given_name="Tamsin", family_name="Rowe", created_by_agency=partnership.school
        )
        SourceRecord.objects.filter(pk=b.pk).update(person=other)
        merge = services.people_merge(
            actor=partnership.practitioner, survivor=person, absorbed=other, reason="x"
        )
    services.merge_undo(
        actor=partnership.practitioner, merge=merge, reason="Twins, says the school"
    )
    services.run_start(actor=partnership.analyst, background=False)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.person_id != b.person_id


def test_only_the_hub_merges(partnership: Partnership) -> None:
    counts = dict.fromkeys(KINDS, 0)
    one, two = make_person(partnership, 1, counts), make_person(partnership, 2, counts)
    for actor in (partnership.school_lead, partnership.board, partnership.admin):
        with pytest.raises(AccessRefused):
            services.people_merge(actor=actor, survivor=one, absorbed=two, reason="x")
    with pytest.raises(Exception, match="Say why"):
        services.people_merge(
            actor=partnership.practitioner, survivor=one, absorbed=two, reason=" "
        )
