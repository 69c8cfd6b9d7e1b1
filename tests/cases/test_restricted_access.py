"""Restricted access: request, a manager's decision, time-limited grants, and break glass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.cases import access as cases_access
from lantern.cases import grants
from lantern.cases import services as case_services
from lantern.cases.models import ChronologyEntry, RestrictedAccessGrant
from lantern.core.access import AccessRefused, Role
from lantern.core.errors import ConflictError, DomainError
from lantern.core.models import AuditAction, AuditEvent
from tests.conftest import Partnership
from tests.factories import make_actor, open_case

pytestmark = pytest.mark.django_db

REASON = "She disclosed being taken to a flat; the strategy meeting needs the clinic's record."


@dataclass
class Setting:
    entry: ChronologyEntry
    person: Any


@pytest.fixture
def setting(partnership: Partnership) -> Setting:
    p = partnership
    case = open_case(p, given_name="Ruby", family_name="Grantstest")
    entry = case_services.chronology_add(
        actor=p.nurse,
        case=case,
        occurred_on=timezone.localdate() - timedelta(days=3),
        event_type="sexual_health_attendance",
        summary="Attended the clinic with an older man.",
        restricted_category="sexual_health",
    )
    return Setting(entry=entry, person=case.person)


def _events(event: str) -> int:
    return AuditEvent.objects.filter(event=event).count()


def test_a_request_approved_by_a_manager_opens_the_category_for_a_time(
    partnership: Partnership, setting: Setting, settings: Any
) -> None:
    p = partnership
    assert not cases_access.can_read_entry(p.school_lead, setting.entry)
    grant = grants.grant_request(
        actor=p.school_lead, person=setting.person, category="sexual_health", reason=REASON
    )
    assert grant.status == "requested"
    assert not cases_access.can_read_entry(p.school_lead, setting.entry)
    assert list(grants.for_decision(p.manager)) == [grant]

    grants.grant_decide(actor=p.manager, grant=grant, approve=True, note="Agreed for the meeting.")

    assert cases_access.can_read_entry(p.school_lead, setting.entry)
    grant.refresh_from_db()
    assert grant.expires_at is not None
    assert grant.expires_at - grant.approved_at == timedelta(days=30)
    assert _events("restricted_access.requested") == 1
    assert _events("restricted_access.approved") == 1
    # Time-limited: once it expires, the entry is masked again.
    RestrictedAccessGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert not cases_access.can_read_entry(p.school_lead, setting.entry)


def test_a_refusal_needs_a_reason_and_keeps_the_entry_masked(
    partnership: Partnership, setting: Setting
) -> None:
    p = partnership
    grant = grants.grant_request(
        actor=p.school_lead, person=setting.person, category="sexual_health", reason=REASON
    )
    with pytest.raises(DomainError, match="why you are refusing"):
        grants.grant_decide(actor=p.manager, grant=grant, approve=False, note="")
    grants.grant_decide(
        actor=p.manager, grant=grant, approve=False, note="The hub nurse will brief the meeting."
    )
    assert not cases_access.can_read_entry(p.school_lead, setting.entry)
    with pytest.raises(ConflictError, match="already been decided"):
        grants.grant_decide(actor=p.manager, grant=grant, approve=True, note="")
    assert _events("restricted_access.refused") == 1


def test_asking_twice_or_without_a_reason_is_a_clear_error(
    partnership: Partnership, setting: Setting
) -> None:
    p = partnership
    with pytest.raises(DomainError, match="Say why"):
        grants.grant_request(
            actor=p.school_lead, person=setting.person, category="sexual_health", reason="need"
        )
    grants.grant_request(
        actor=p.school_lead, person=setting.person, category="sexual_health", reason=REASON
    )
    with pytest.raises(ConflictError, match="already asked"):
        grants.grant_request(
            actor=p.school_lead, person=setting.person, category="sexual_health", reason=REASON
        )
    with pytest.raises(ConflictError, match="already reads"):
        grants.grant_request(
            actor=p.nurse, person=setting.person, category="sexual_health", reason=REASON
        )


def test_break_glass_opens_at_once_is_audited_when_used_and_lands_on_the_review_list(
    partnership: Partnership, setting: Setting
) -> None:
    p = partnership
    grant = grants.break_glass(
        actor=p.practitioner, person=setting.person, category="sexual_health", reason=REASON
    )
    assert cases_access.can_read_entry(p.practitioner, setting.entry)
    assert grant.expires_at is not None
    assert grant.expires_at - grant.approved_at == timedelta(hours=24)
    assert list(grants.for_review(p.manager)) == [grant]
    assert _events("break_glass.used") == 1

    case = setting.entry.case
    assert case is not None
    from lantern.cases import queries

    page = queries.chronology_page(p.practitioner, case, queries.ChronologyFilter())
    assert any(e.pk == setting.entry.pk and e.readable for e in page.object_list)
    used = AuditEvent.objects.filter(event="restricted_access.used").get()
    assert used.detail["entries"] == [setting.entry.pk]
    assert used.username == p.practitioner.username

    grants.break_glass_review(
        actor=p.manager, grant=grant, note="Checked with the lead: justified."
    )
    assert list(grants.for_review(p.manager)) == []


def test_others_are_refused_and_each_refusal_is_audited(
    partnership: Partnership, setting: Setting
) -> None:
    p = partnership
    refusals = AuditEvent.objects.filter(action=AuditAction.REFUSED)
    before = refusals.count()
    # Another agency, not involved with the person, cannot even ask.
    with pytest.raises(AccessRefused):
        grants.grant_request(
            actor=p.police_officer, person=setting.person, category="informant", reason=REASON
        )
    with pytest.raises(AccessRefused):
        grants.break_glass(
            actor=p.board, person=setting.person, category="informant", reason=REASON
        )
    grant = grants.grant_request(
        actor=p.school_lead, person=setting.person, category="sexual_health", reason=REASON
    )
    # A practitioner is not a manager; a manager does not decide their own request.
    with pytest.raises(AccessRefused):
        grants.grant_decide(actor=p.practitioner, grant=grant, approve=True)
    with pytest.raises(AccessRefused):
        grants.for_decision(p.school_lead)
    second = make_actor(p.hub, Role.MANAGER, user__username="manager2")
    own = grants.grant_request(
        actor=second, person=setting.person, category="sexual_health", reason=REASON
    )
    with pytest.raises(AccessRefused, match="another manager"):
        grants.grant_decide(actor=second, grant=own, approve=True)
    assert refusals.count() == before + 5


def test_the_pages_keep_what_was_typed_and_take_a_request_to_a_decision(
    partnership: Partnership, setting: Setting, as_user: Any
) -> None:
    p = partnership
    url = reverse("cases:restricted_access", args=[setting.person.pk])
    school = as_user(p.school_lead)
    shown = school.get(url + "?category=sexual_health")
    assert shown.status_code == 200
    bad = school.post(url, {"category": "sexual_health", "reason": "need", "action": "request"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "Say why you need it" in body
    assert 'value="sexual_health" checked' in body
    sent = school.post(url, {"category": "sexual_health", "reason": REASON, "action": "request"})
    assert sent.status_code == 302
    grant = RestrictedAccessGrant.objects.get()

    manager = as_user(p.manager)
    listed = manager.get(reverse("cases:access_requests"))
    assert "Ruby Grantstest" in listed.content.decode()
    decided = manager.post(
        reverse("cases:access_decide", args=[grant.pk]), {"decision": "approve", "note": ""}
    )
    assert decided.status_code == 302
    grant.refresh_from_db()
    assert grant.status == "active"
    # Opening a request is a read of the person's record, and audited as one.
    assert _events("restricted_access.viewed") == 1
    assert manager.get(reverse("cases:access_decide", args=[grant.pk + 999])).status_code == 404
    # The school is refused the manager's list.
    assert as_user(p.school_lead).get(reverse("cases:access_requests")).status_code == 403
