"""Named audit events, service actors, and what the admin records."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

import lantern
from lantern.accounts.models import ApiToken
from lantern.agencies.models import Agency, Membership
from lantern.core import access, audit, system
from lantern.core.access import RestrictedCategory, Role
from lantern.core.audit import GENESIS_HASH
from lantern.core.events import Event, ObjectType, label_of
from lantern.core.models import AuditAction, AuditChainHead, AuditEvent
from lantern.linkage.services import LINKAGE_SERVICE, system_actor
from lantern.people import queries
from lantern.screening.jobs import SCREENING_SERVICE, nightly
from lantern.synth.generator import SYNTH_SERVICE
from tests.conftest import Partnership, signed_in

SRC = Path(lantern.__file__).parent

# --- the vocabulary ---------------------------------------------------------------------


def test_every_event_is_object_dot_verb_and_carries_its_action_type_and_label() -> None:
    values = [event.value for event in Event]
    assert len(values) == len(set(values))
    for event in Event:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", event.value), event
        assert isinstance(event.action, AuditAction)
        assert event.object_type is None or isinstance(event.object_type, ObjectType)
        assert event.label[:1].isupper(), event
        assert len(event.value) <= AuditEvent._meta.get_field("event").max_length  # type: ignore[operator]
    assert [e for e in Event if e.object_type is None] == [Event.ACCESS_REFUSED]


def test_record_takes_the_action_and_object_type_from_the_event(partnership: Partnership) -> None:
    entry = audit.record(partnership.practitioner, Event.TRIAGE_DECIDED, object_id=7)
    assert (entry.event, entry.action, entry.object_type, entry.object_id) == (
        "triage.decided",
        AuditAction.CHANGE,
        "referral",
        "7",
    )
    assert entry.label == "Decided a referral at triage"
    with pytest.raises(ValueError, match="about referral"):
        audit.record(partnership.practitioner, Event.TRIAGE_DECIDED, object_type=ObjectType.CASE)
    with pytest.raises(TypeError):
        audit.record(partnership.practitioner, "view")  # type: ignore[arg-type]


def test_a_refusal_names_the_type_of_what_was_refused(partnership: Partnership) -> None:
    with pytest.raises(access.AccessRefused):
        access.check(partnership.board, False, "see this", object_type="person", object_id=3)
    entry = AuditEvent.objects.latest("sequence")
    assert (entry.event, entry.action, entry.object_type) == (
        Event.ACCESS_REFUSED,
        AuditAction.REFUSED,
        "person",
    )


def _literal_object_types() -> set[str]:
    """Every ``object_type="…"`` and registered ``kind="…"`` written in the source."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            is_register = isinstance(node.func, ast.Attribute) and node.func.attr == (
                "register_object"
            )
            for keyword in node.keywords:
                wanted = keyword.arg == "object_type" or (is_register and keyword.arg == "kind")
                if wanted and isinstance(keyword.value, ast.Constant):
                    found.add(str(keyword.value.value))
    return found


def test_object_type_is_the_one_registry_of_object_types() -> None:
    used = _literal_object_types()
    assert "person" in used
    assert used - {""} <= set(ObjectType.values)


def test_no_call_site_passes_a_free_text_event_any_more() -> None:
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert '"event": "' not in text, path
        assert "AuditAction." not in text or path.parent.name == "core", path


def test_labels_of_unknown_and_old_entries() -> None:
    assert label_of("person.viewed") == "Viewed the record"
    assert label_of("") == ""
    assert label_of("something.else") == "something.else"


# --- the chain across the change ------------------------------------------------------


def _old_hash(previous: str, entry: AuditEvent) -> str:
    """The hash as written before events were named (no ``event`` in the content)."""
    content = {
        "sequence": entry.sequence,
        "at": entry.at.astimezone(UTC).isoformat(),
        "user": entry.user_id,
        "username": entry.username,
        "agency": entry.agency_code,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "person_id": entry.person_id,
        "purpose": entry.purpose,
        "ip": entry.ip_address,
        "request_id": entry.request_id,
        "channel": entry.channel,
        "detail": entry.detail,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


def _write_old_style_entry(**fields: Any) -> AuditEvent:
    head, _ = AuditChainHead.objects.get_or_create(pk=1)
    entry = AuditEvent(
        sequence=head.sequence + 1, at=timezone.now(), previous_hash=head.entry_hash, **fields
    )
    entry.entry_hash = _old_hash(head.entry_hash, entry)
    entry.save(force_insert=True)
    head.sequence, head.entry_hash = entry.sequence, entry.entry_hash
    head.save()
    return entry


def test_entries_written_before_events_were_named_verify_with_new_ones(
    partnership: Partnership,
) -> None:
    old = _write_old_style_entry(
        username="practitioner",
        action=AuditAction.VIEW,
        object_type="person",
        object_id="1",
        person_id=1,
        channel="web",
        detail={"event": "viewed"},
    )
    assert old.event == ""
    assert audit.compute_hash(old.previous_hash, old) == old.entry_hash  # old hash unchanged
    assert old.label == "Viewed"
    new = audit.record(partnership.practitioner, Event.PERSON_VIEWED, object_id=1, person_id=1)
    assert new.previous_hash == old.entry_hash
    assert new.entry_hash != _old_hash(new.previous_hash, new)  # the event is hashed
    report = audit.verify_chain()
    assert (report.ok, report.checked) == (True, AuditEvent.objects.count())
    assert AuditEvent.objects.order_by("sequence").first().previous_hash == GENESIS_HASH  # type: ignore[union-attr]


def test_changing_an_entrys_event_breaks_the_chain(partnership: Partnership) -> None:
    from django.db import connection

    entry = audit.record(partnership.practitioner, Event.PERSON_VIEWED, object_id=1)
    audit.record(partnership.practitioner, Event.PERSON_SEARCHED)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET event = %s WHERE id = %s", ["person.searched", entry.pk]
        )
    report = audit.verify_chain()
    assert (report.ok, report.first_bad_sequence) == (False, entry.sequence)


def test_the_person_page_says_in_plain_words_who_looked(
    partnership: Partnership, client: Client
) -> None:
    from lantern.people.services import person_create
    from tests.factories import new_person

    person = person_create(actor=partnership.practitioner, details=new_person())
    queries.person_get(partnership.practitioner, person.pk, purpose="triage")
    response = signed_in(client, partnership.manager).get(f"/people/{person.pk}/")
    assert response.status_code == 200
    assert "Viewed the record – triage" in response.content.decode()


# --- service actors ------------------------------------------------------------------------


def test_a_service_acts_for_the_hub_in_its_role_and_cannot_sign_in(
    partnership: Partnership,
) -> None:
    actor = system.service_actor(SCREENING_SERVICE)
    assert (actor.username, actor.agency, actor.role, actor.channel) == (
        "lantern-screening",
        partnership.hub,
        Role.PRACTITIONER,
        "task",
    )
    assert actor.is_hub
    assert not actor.restricted_categories
    assert not actor.user.is_active
    assert not actor.user.has_usable_password()
    assert not Membership.objects.filter(user=actor.user).exists()
    assert system.service_actor(SCREENING_SERVICE).user.pk == actor.user.pk  # created once
    linkage = system_actor()
    assert (linkage.username, linkage.role) == (LINKAGE_SERVICE.username, Role.ANALYST)
    assert {s.username for s in system.services()} >= {
        "lantern-screening",
        "lantern-linkage",
        "lantern-imports",
        SYNTH_SERVICE.username,
    }


def test_without_a_hub_a_service_has_nobody_to_act_for(db: Any) -> None:
    with pytest.raises(ValidationError):
        system.service_actor(SCREENING_SERVICE)


def test_a_service_is_declared_with_one_role() -> None:
    with pytest.raises(ValueError, match="Two services"):
        system.declare(
            system.Service(username="lantern-screening", title="x", role=Role.MANAGER, purpose="x")
        )


def test_the_nightly_job_is_audited_as_its_service(partnership: Partnership) -> None:
    nightly()
    entry = AuditEvent.objects.latest("sequence")
    assert (entry.event, entry.username, entry.agency_code, entry.role, entry.channel) == (
        Event.SCREENING_NIGHTLY_FINISHED,
        "lantern-screening",
        "hub",
        Role.PRACTITIONER,
        "task",
    )
    assert entry.user_id is not None
    assert entry.purpose == SCREENING_SERVICE.purpose


def test_the_nightly_job_is_checked_by_the_policy_like_anyone(partnership: Partnership) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(access.AccessRefused):
        nightly(actor=partnership.school_lead)
    refused = AuditEvent.objects.latest("sequence")
    assert (refused.event, refused.username) == (Event.ACCESS_REFUSED, "school")
    assert AuditEvent.objects.count() == before + 1


# --- what the admin records ------------------------------------------------------------


@pytest.fixture
def admin_client(partnership: Partnership, client: Client) -> Client:
    user = partnership.admin.user
    user.is_staff = user.is_superuser = True
    user.save()
    return signed_in(client, partnership.admin)


def _latest(event: Event) -> AuditEvent:
    return AuditEvent.objects.filter(event=event).latest("sequence")


def test_issuing_and_revoking_a_token_in_the_admin_is_audited(
    partnership: Partnership, admin_client: Client
) -> None:
    membership = Membership.objects.get(pk=partnership.school_lead.membership_id)
    response = admin_client.post(
        "/admin/accounts/apitoken/add/",
        {"membership": membership.pk, "name": "school MIS sync", "expires_at": ""},
    )
    assert response.status_code == 302
    token = ApiToken.objects.get(name="school MIS sync")
    issued = _latest(Event.TOKEN_ISSUED)
    assert (issued.object_type, issued.object_id, issued.username, issued.channel) == (
        "api_token",
        str(token.pk),
        "admin",
        "admin",
    )
    assert issued.detail["prefix"] == token.prefix
    assert (issued.detail["user"], issued.detail["agency"]) == ("school", "school")
    assert token.key_hash not in json.dumps(issued.detail)
    response = admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    revoked = _latest(Event.TOKEN_REVOKED)
    assert (revoked.object_id, revoked.action) == (str(token.pk), AuditAction.CHANGE)
    assert audit.verify_chain().ok


def test_deleting_a_token_in_the_admin_is_audited_as_revoked(
    partnership: Partnership, admin_client: Client
) -> None:
    membership = Membership.objects.get(pk=partnership.school_lead.membership_id)
    token, _ = ApiToken.issue(membership, "old sync")
    response = admin_client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    revoked = _latest(Event.TOKEN_REVOKED)
    assert (revoked.object_id, revoked.detail["deleted"]) == (str(token.pk), True)


def test_membership_changes_in_the_admin_are_audited_with_what_changed(
    partnership: Partnership, admin_client: Client
) -> None:
    from tests.factories import UserFactory

    newcomer = UserFactory(username="newcomer")
    hub = Agency.objects.get(code="hub")
    form = {
        "user": newcomer.pk,
        "agency": hub.pk,
        "role": Role.PRACTITIONER,
        "restricted_categories": "[]",
        "job_title": "Social worker",
        "is_active": "on",
    }
    response = admin_client.post("/admin/agencies/membership/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=newcomer)
    created = _latest(Event.MEMBERSHIP_CREATED)
    assert (created.object_id, created.detail["role"], created.detail["user"]) == (
        str(membership.pk),
        "practitioner",
        "newcomer",
    )
    form["restricted_categories"] = json.dumps([RestrictedCategory.SEXUAL_HEALTH.value])
    form["job_title"] = "Sexual health adviser"
    response = admin_client.post(f"/admin/agencies/membership/{membership.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    categories = _latest(Event.RESTRICTED_CATEGORIES_CHANGED)
    assert categories.detail["restricted_categories"] == {
        "before": [],
        "after": ["sexual_health"],
    }
    changed = _latest(Event.MEMBERSHIP_CHANGED)
    assert changed.detail["changed"] == {
        "job_title": {"before": "Social worker", "after": "Sexual health adviser"}
    }
    response = admin_client.post(
        f"/admin/agencies/membership/{membership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    removed = _latest(Event.MEMBERSHIP_REMOVED)
    assert (removed.object_id, removed.detail["user"]) == (str(membership.pk), "newcomer")
    assert audit.verify_chain().ok


# --- writing without a global lock: pending entries, sealed in order ------------------------


def _pending(**fields: Any) -> AuditEvent:
    """An entry as a writer leaves it when another transaction is sealing."""
    entry = AuditEvent(
        sequence=None,
        at=timezone.now(),
        action=AuditAction.VIEW,
        event=Event.PERSON_VIEWED.value,
        object_type="person",
        username="elsewhere",
        entry_hash=None,
        **fields,
    )
    entry.save(force_insert=True)
    return entry


def test_the_next_writer_seals_what_others_left_pending_in_order(
    partnership: Partnership,
) -> None:
    first = audit.record(partnership.practitioner, Event.PERSON_SEARCHED)
    waiting = [_pending(object_id=str(n)) for n in range(3)]
    assert AuditEvent.objects.filter(sequence__isnull=True).count() == 3
    mine = audit.record(partnership.practitioner, Event.PERSON_VIEWED, object_id=9)
    assert first.sequence is not None
    assert mine.sequence == first.sequence + 4
    sealed = AuditEvent.objects.filter(pk__in=[e.pk for e in waiting]).order_by("sequence")
    assert [e.object_id for e in sealed] == ["0", "1", "2"]
    assert [e.sequence for e in sealed] == [
        first.sequence + 1,
        first.sequence + 2,
        first.sequence + 3,
    ]
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()
    assert audit.verify_chain().ok


def test_verify_seals_what_is_pending_before_it_checks(partnership: Partnership) -> None:
    audit.record(partnership.practitioner, Event.PERSON_SEARCHED)
    _pending(object_id="1")
    report = audit.verify_chain()
    assert (report.ok, report.checked, report.pending) == (True, AuditEvent.objects.count(), 0)
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()


def test_a_rolled_back_entry_leaves_no_gap(partnership: Partnership) -> None:
    from django.db import transaction

    def change_that_fails() -> None:
        with transaction.atomic():
            audit.record(partnership.practitioner, Event.PERSON_CREATED, object_id=1)
            raise RuntimeError

    before = audit.record(partnership.practitioner, Event.PERSON_SEARCHED)
    with pytest.raises(RuntimeError):
        change_that_fails()
    after = audit.record(partnership.practitioner, Event.PERSON_SEARCHED)
    assert before.sequence is not None
    assert after.sequence == before.sequence + 1
    assert audit.verify_chain().ok


def test_a_sealed_entry_cannot_be_sealed_again_or_changed_through_the_orm(
    partnership: Partnership,
) -> None:
    entry = audit.record(partnership.practitioner, Event.PERSON_SEARCHED)
    assert audit.seal() == {}
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=entry.pk).update(sequence=None)


def test_the_seal_command_chains_what_is_pending(partnership: Partnership) -> None:
    from io import StringIO

    from django.core.management import call_command

    _pending(object_id="1")
    out = StringIO()
    call_command("audit", "seal", stdout=out)
    assert "Sealed 1 pending" in out.getvalue()
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_readers_do_not_wait_for_a_long_transaction(
    partnership: Partnership,
) -> None:
    """A transaction holding the chain head does not hold up other writers; nothing is lost."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (PostgreSQL)")
    holding, readers_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def long_writer() -> None:
        try:
            with transaction.atomic():
                audit.record(partnership.analyst, Event.LINKAGE_RECORDS_ATTACHED, object_id=1)
                holding.set()
                # Holds the head until the readers are done (or gives up after 20 s).
                readers_done.wait(timeout=20)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def reader(n: int) -> None:
        try:
            for i in range(25):
                audit.record(partnership.practitioner, Event.PERSON_VIEWED, object_id=n * 100 + i)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=long_writer)
    writer.start()
    assert holding.wait(timeout=10)
    readers = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join(timeout=15)
    finished_while_held = not any(thread.is_alive() for thread in readers) and writer.is_alive()
    readers_done.set()
    writer.join(timeout=30)
    assert errors == []
    assert finished_while_held, "readers waited for the long transaction"
    report = audit.verify_chain()
    assert report.ok
    assert AuditEvent.objects.filter(event=Event.PERSON_VIEWED).count() == 100
    assert AuditEvent.objects.filter(event=Event.LINKAGE_RECORDS_ATTACHED).count() == 1


def test_a_linkage_run_is_checked_by_the_policy_before_it_starts(
    partnership: Partnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lantern.linkage import services as linkage_services
    from lantern.linkage.models import LinkageRun, RunScope, RunStatus
    from lantern.linkage.services import runs

    run = LinkageRun.objects.create(
        model=linkage_services._placeholder_model(), scope=RunScope.INCREMENTAL
    )
    monkeypatch.setattr(runs, "system_actor", lambda: partnership.practitioner)
    with pytest.raises(access.AccessRefused):
        linkage_services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    refused = _latest(Event.ACCESS_REFUSED)
    assert (refused.object_type, refused.object_id) == ("linkage_run", str(run.pk))


def test_docs_audit_events_md_is_the_generated_vocabulary() -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("audit", "events", stdout=out)
    docs = Path(__file__).resolve().parents[2] / "docs" / "audit-events.md"
    assert docs.read_text(encoding="utf-8") == out.getvalue(), (
        "docs/audit-events.md is out of date: run lantern audit events --out docs/audit-events.md"
    )
