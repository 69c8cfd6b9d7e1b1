"""The audit log: append-only, chained by hash, verified end to end."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lantern.core import audit
from lantern.core.models import AuditAction, AuditEvent
from lantern.people import queries
from tests.conftest import Partnership


def _some_events(p: Partnership) -> None:
    for text in ("jade", "hollis", "999 000 0018"):
        queries.person_search(p.practitioner, text)


def test_every_search_is_audited_with_who_and_what(partnership: Partnership) -> None:
    queries.person_search(partnership.school_lead, "Hollis 14/02/2011", purpose="referral")
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    assert (event.action, event.username, event.agency_code, event.role) == (
        AuditAction.SEARCH,
        "school",
        "school",
        "contributor",
    )
    assert event.detail["query"] == "Hollis 14/02/2011"
    assert event.purpose == "referral"


def test_chain_verifies_and_the_command_says_so(partnership: Partnership) -> None:
    _some_events(partnership)
    report = audit.verify_chain()
    assert report.ok
    assert report.checked == AuditEvent.objects.count()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_rows_cannot_be_changed_or_deleted_through_the_orm(partnership: Partnership) -> None:
    _some_events(partnership)
    event = AuditEvent.objects.first()
    assert event is not None
    event.purpose = "edited"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="edited")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_tampering_in_the_database_is_detected(partnership: Partnership) -> None:
    _some_events(partnership)
    victim = AuditEvent.objects.order_by("sequence")[1]
    _raw("UPDATE core_auditevent SET purpose = %s WHERE id = %s", ["nothing to see", victim.pk])
    report = audit.verify_chain()
    assert not report.ok
    assert report.first_bad_sequence == victim.sequence
    with pytest.raises(CommandError, match=f"BROKEN at entry {victim.sequence}"):
        call_command("audit", "verify", stdout=StringIO())


def test_a_deleted_entry_is_detected(partnership: Partnership) -> None:
    _some_events(partnership)
    middle = AuditEvent.objects.order_by("sequence")[1]
    _raw("DELETE FROM core_auditevent WHERE id = %s", [middle.pk])
    report = audit.verify_chain()
    assert not report.ok
    assert report.first_bad_sequence == middle.sequence
