"""Long-term support: key worker continuity, contacts, the person's words, consent kept
through withdrawal, outcomes as a chart with a table, the NRM journey and its reminders,
and the work lists."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.core.access import AccessRefused
from lantern.core.errors import ConflictError, DomainError, InvalidError
from lantern.core.models import AuditEvent
from lantern.screening.models import ScreeningStatus
from lantern.support import services, worklist
from lantern.support.models import ConsentRecord, KeyWorkerAssignment, NrmJourney
from lantern.support.rules import milestones, nrm_rules
from tests.conftest import Partnership
from tests.factories import open_case

TODAY = timezone.localdate


def _contact(p: Partnership, person: Any, actor: Any = None, **kw: Any) -> Any:
    values: dict[str, Any] = {
        "occurred_on": TODAY(),
        "contact_type": "face_to_face",
        "planned": True,
        "initiated_by": "worker",
        "attendance": "attended",
        "note": "Talked about college and keeping safe at night.",
    }
    values.update(kw)
    return services.contact_record(actor=actor or p.practitioner, person=person, **values)


@pytest.fixture
def person(partnership: Partnership) -> Any:
    return open_case(partnership, given_name="Mia", family_name="Supporttest").person


@pytest.fixture
def adult(partnership: Partnership) -> Any:
    from lantern.core.normalisers import parse_date_of_birth

    return open_case(
        partnership,
        given_name="Lena",
        family_name="Adulttest",
        date_of_birth=parse_date_of_birth("03/05/1999"),
    ).person


# --- key worker -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_key_worker_changes_are_kept_and_counted(
    partnership: Partnership, person: Any, as_user: Any
) -> None:
    p = partnership
    services.key_worker_assign(
        actor=p.practitioner, person=person, worker_id=p.nurse.user.pk, reason="Health lead."
    )
    services.key_worker_assign(
        actor=p.practitioner, person=person, worker_id=p.manager.user.pk, reason="Nurse on leave."
    )
    services.key_worker_assign(
        actor=p.practitioner, person=person, worker_id=p.nurse.user.pk, reason="Back from leave."
    )
    rows = KeyWorkerAssignment.objects.filter(person=person)
    assert rows.count() == 3
    assert rows.filter(ended_at__isnull=True).get().worker_id == p.nurse.user.pk
    page = as_user(p.practitioner).get(reverse("support:person", args=[person.pk]))
    html = page.content.decode()
    assert '<dd class="govuk-summary-list__value" id="key-worker-count">2</dd>' in html
    assert "Nurse on leave." in html
    # The person's own page shows continuity too.
    record = as_user(p.practitioner).get(reverse("people:detail", args=[person.pk])).content
    assert b"Key workers so far" in record


@pytest.mark.django_db
def test_key_worker_change_needs_a_reason_and_a_caseworker(
    partnership: Partnership, person: Any
) -> None:
    p = partnership
    with pytest.raises(InvalidError) as caught:
        services.key_worker_assign(
            actor=p.practitioner, person=person, worker_id=p.nurse.user.pk, reason=" "
        )
    assert "reason" in caught.value.message_dict
    with pytest.raises(AccessRefused):
        services.key_worker_assign(
            actor=p.school_lead, person=person, worker_id=p.nurse.user.pk, reason="Me."
        )
    services.key_worker_assign(
        actor=p.practitioner, person=person, worker_id=p.nurse.user.pk, reason="Health lead."
    )
    with pytest.raises(ConflictError):
        services.key_worker_assign(
            actor=p.practitioner, person=person, worker_id=p.nurse.user.pk, reason="Again."
        )


# --- contacts -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_involved_agency_records_a_contact_and_sees_it(
    partnership: Partnership, person: Any, as_user: Any
) -> None:
    p = partnership
    client = as_user(p.school_lead)
    url = reverse("support:contact_new", args=[person.pk])
    response = client.post(
        url,
        {
            "occurred_on": TODAY().strftime("%d/%m/%Y"),
            "contact_type": "phone",
            "planned": "no",
            "initiated_by": "person",
            "attendance": "attended",
            "note": "Rang to say she is safe at her aunt's.",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("support:person", args=[person.pk])).content.decode()
    assert "Rang to say she is safe at her aunt&#x27;s." in page
    assert "Phone call" in page
    assert AuditEvent.objects.filter(event="support_contact.recorded").count() == 1


@pytest.mark.django_db
def test_a_contact_form_keeps_what_was_typed(
    partnership: Partnership, person: Any, as_user: Any
) -> None:
    response = as_user(partnership.practitioner).post(
        reverse("support:contact_new", args=[person.pk]),
        {"occurred_on": "", "contact_type": "phone", "note": "Left a message."},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Left a message." in html
    assert "Select whether the contact was planned" in html


@pytest.mark.django_db
def test_an_involved_contributor_may_not_record_consent_or_nrm(
    partnership: Partnership, person: Any, as_user: Any
) -> None:
    client = as_user(partnership.school_lead)
    assert client.get(reverse("support:person", args=[person.pk])).status_code == 200
    for name in ("support:consent_new", "support:nrm_new", "support:key_worker"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 403, name
    for name in ("support:contact_new", "support:voice_new", "support:outcome_new"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 200, name


# --- consent --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_consent_withdrawal_is_kept(partnership: Partnership, person: Any, as_user: Any) -> None:
    p = partnership
    consent = services.consent_record(
        actor=p.practitioner,
        person=person,
        given_on=TODAY() - timedelta(days=30),
        what="Her health records, with the school nurse",
        agency_ids=[p.school.pk, p.hub.pk],
    )
    services.consent_withdraw(
        actor=p.practitioner,
        consent=consent,
        withdrawn_on=TODAY(),
        reason="She no longer wants the school told about clinic visits.",
    )
    kept = ConsentRecord.objects.get(pk=consent.pk)
    assert kept.withdrawn_on == TODAY()
    assert sorted(kept.agencies.values_list("code", flat=True)) == ["hub", "school"]
    with pytest.raises(ConflictError):
        services.consent_withdraw(
            actor=p.practitioner, consent=kept, withdrawn_on=TODAY(), reason="Again."
        )
    html = as_user(p.school_lead).get(reverse("support:person", args=[person.pk])).content
    assert b"Withdrawn" in html
    assert b"Her health records, with the school nurse" in html
    assert AuditEvent.objects.filter(event="consent.withdrawn").count() == 1


# --- the person's voice and outcomes ----------------------------------------------------------


@pytest.mark.django_db
def test_voice_is_kept_in_their_words(partnership: Partnership, person: Any, as_user: Any) -> None:
    services.voice_record(
        actor=partnership.school_lead,
        person=person,
        said_on=TODAY(),
        kind="wish",
        words="I want to go back to college in September.",
    )
    html = as_user(partnership.practitioner).get(reverse("support:person", args=[person.pk]))
    assert "I want to go back to college in September." in html.content.decode()


@pytest.mark.django_db
def test_outcome_chart_has_a_data_table(
    partnership: Partnership, person: Any, as_user: Any
) -> None:
    p = partnership
    services.outcomes_record(
        actor=p.practitioner,
        person=person,
        measured_on=TODAY() - timedelta(days=60),
        scores={"safety": 3, "housing": 2},
    )
    services.outcomes_record(
        actor=p.practitioner, person=person, measured_on=TODAY(), scores={"safety": 7}
    )
    with pytest.raises(InvalidError):
        services.outcomes_record(
            actor=p.practitioner, person=person, measured_on=TODAY(), scores={"safety": 11}
        )
    client = as_user(p.practitioner)
    html = client.get(reverse("support:person", args=[person.pk])).content.decode()
    chart_url = reverse("support:outcomes_chart", args=[person.pk])
    assert f'src="{chart_url}"' in html
    table = html[html.index('id="outcome-table"') :]
    table = table[: table.index("</table>")]
    assert "Feeling safe" in table
    assert ">7<" in table
    assert ">3<" in table
    assert ">2<" in table
    chart = client.get(chart_url)
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"Feeling safe" in chart.content
    assert "'unsafe-inline'" in chart["Content-Security-Policy"]
    assert "script-src 'none'" in chart["Content-Security-Policy"]
    assert as_user(p.housing_officer).get(chart_url).status_code == 403


# --- NRM ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_adult_must_consent_to_an_nrm_referral(partnership: Partnership, adult: Any) -> None:
    p = partnership
    with pytest.raises(InvalidError) as caught:
        services.nrm_refer(
            actor=p.practitioner,
            person=adult,
            route="referral",
            first_responder_id=p.police.pk,
            referred_on=TODAY(),
            consent_given=False,
        )
    assert "consent_given" in caught.value.message_dict
    notified = services.nrm_refer(
        actor=p.practitioner,
        person=adult,
        route="duty_to_notify",
        first_responder_id=p.police.pk,
        referred_on=TODAY(),
        consent_given=False,
    )
    assert milestones(notified) == []
    with pytest.raises(DomainError):
        services.nrm_decide(
            actor=p.practitioner,
            journey=notified,
            stage="reasonable_grounds",
            decision="positive",
            decided_on=TODAY(),
        )


@pytest.mark.django_db
def test_a_child_needs_no_consent_and_the_school_is_not_a_first_responder(
    partnership: Partnership, person: Any
) -> None:
    p = partnership
    with pytest.raises(InvalidError) as caught:
        services.nrm_refer(
            actor=p.practitioner,
            person=person,
            route="referral",
            first_responder_id=p.school.pk,
            referred_on=TODAY(),
            consent_given=False,
        )
    assert "first_responder" in caught.value.message_dict
    journey = services.nrm_refer(
        actor=p.practitioner,
        person=person,
        route="referral",
        first_responder_id=p.police.pk,
        referred_on=TODAY(),
        consent_given=False,
    )
    assert journey.child_at_referral


@pytest.mark.django_db
def test_nrm_reminders_come_before_each_milestone(partnership: Partnership, person: Any) -> None:
    p = partnership
    rules = nrm_rules()
    referred = date(2026, 3, 2)  # a Monday
    journey = services.nrm_refer(
        actor=p.practitioner,
        person=person,
        route="referral",
        first_responder_id=p.police.pk,
        referred_on=referred,
        consent_given=False,
    )
    services.key_worker_assign(
        actor=p.practitioner, person=person, worker_id=p.nurse.user.pk, reason="Health lead."
    )

    def titles(day: date) -> list[str]:
        return [i.title for i in worklist.nrm_reminders(p.nurse, today=day)]

    # Reasonable grounds due five working days on (Monday 9 March), reminded two days before.
    rg_due = rules.reasonable_grounds_due(referred)
    assert rg_due == date(2026, 3, 9)
    remind = rg_due - timedelta(days=rules.reminders["reasonable_grounds"])
    assert titles(remind - timedelta(days=1)) == []
    assert any("Reasonable-grounds decision expected" in t for t in titles(remind))

    services.nrm_decide(
        actor=p.practitioner,
        journey=journey,
        stage="reasonable_grounds",
        decision="positive",
        decided_on=date(2026, 3, 6),
    )
    end = date(2026, 3, 6) + timedelta(days=rules.recovery_period_days)
    NrmJourney.objects.get(pk=journey.pk)
    before_end = end - timedelta(days=rules.reminders["recovery_period_end"])
    assert titles(before_end - timedelta(days=1)) == []
    assert [t.split(":")[0] for t in titles(before_end)] == ["Recovery period ends"]
    chase = end + timedelta(days=rules.conclusive_grounds_chase_days)
    before_chase = chase - timedelta(days=rules.reminders["conclusive_grounds"])
    assert "Conclusive-grounds decision" not in " ".join(titles(before_chase - timedelta(days=1)))
    assert any("Conclusive-grounds decision" in t for t in titles(before_chase))

    services.nrm_decide(
        actor=p.practitioner,
        journey=NrmJourney.objects.get(pk=journey.pk),
        stage="conclusive_grounds",
        decision="positive",
        decided_on=chase,
    )
    assert titles(chase) == []


# --- work lists -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_work_lists_contacts_follow_ups_milestones_and_screenings(
    partnership: Partnership, as_user: Any
) -> None:
    from lantern.cases import services as case_services

    p = partnership
    mine = open_case(p, given_name="Ava", family_name="Worklist").person
    theirs = open_case(p, given_name="Zoe", family_name="Otherworker").person
    for who, worker in ((mine, p.practitioner), (theirs, p.nurse)):
        services.key_worker_assign(
            actor=p.practitioner, person=who, worker_id=worker.user.pk, reason="Allocated."
        )
        _contact(p, who, next_contact_on=TODAY() + timedelta(days=2))
    closed = open_case(p, given_name="Ella", family_name="Closedwork")
    case_services.case_close(
        actor=p.practitioner,
        case=closed,
        reason="risk_reduced",
        step_down_plan="School keeps in touch weekly.",
    )
    # The follow-ups are months ahead; bring the first one within the fortnight.
    closed.follow_ups.filter(pk=closed.follow_ups.order_by("due_on")[0].pk).update(
        due_on=TODAY() + timedelta(days=3)
    )
    services.nrm_refer(
        actor=p.practitioner,
        person=mine,
        route="referral",
        first_responder_id=p.police.pk,
        referred_on=TODAY() - timedelta(days=10),
        consent_given=False,
    )
    ScreeningStatus.objects.create(
        person=mine, next_due_on=TODAY() - timedelta(days=1), due_reason="first"
    )
    html = as_user(p.practitioner).get(reverse("support:my_work")).content.decode()
    assert "Planned contact with Ava Worklist" in html
    assert "Otherworker" not in html, "another key worker's contact is not on my list"
    assert "Ella Closedwork" in html
    assert "First check-in" in html
    assert "Reasonable-grounds decision expected: Ava Worklist" in html
    assert "Screening of Ava Worklist" in html
    assert "Overdue" in html
    nurse = as_user(p.nurse).get(reverse("support:my_work")).content.decode()
    assert "Planned contact with Zoe Otherworker" in nurse
    assert "Ava Worklist" not in nurse
    assert AuditEvent.objects.filter(event="work.listed").count() == 2


@pytest.mark.django_db
def test_board_and_admin_have_no_work_list(partnership: Partnership, as_user: Any) -> None:
    for who in (partnership.board, partnership.admin):
        assert as_user(who).get(reverse("support:my_work")).status_code == 403


@pytest.mark.django_db
def test_a_manager_sees_caseloads_overdue_and_longest_without(
    partnership: Partnership, as_user: Any
) -> None:
    p = partnership
    from lantern.core.normalisers import parse_date_of_birth

    people = [
        open_case(
            p, given_name=given, family_name=family, date_of_birth=parse_date_of_birth(dob)
        ).person
        for given, family, dob in (
            ("Kim", "Ashdown", "01/02/2010"),
            ("Ruby", "Brookes", "11/09/2009"),
            ("Tia", "Carver", "23/06/2011"),
        )
    ]
    for who in people:
        services.key_worker_assign(
            actor=p.practitioner, person=who, worker_id=p.nurse.user.pk, reason="Allocated."
        )
    _contact(p, people[0], occurred_on=TODAY() - timedelta(days=40))
    services.contact_record(
        actor=p.practitioner,
        person=people[1],
        occurred_on=TODAY() - timedelta(days=5),
        contact_type="phone",
        planned=True,
        initiated_by="worker",
        attendance="attended",
        next_contact_on=TODAY(),
    )
    from lantern.support.models import Contact

    Contact.objects.filter(person=people[1]).update(next_contact_on=TODAY() - timedelta(days=3))
    response = as_user(p.manager).get(reverse("support:caseloads"))
    html = response.content.decode()
    assert response.status_code == 200
    caseloads = html[html.index('id="caseloads"') :]
    assert ">3<" in caseloads[: caseloads.index("</table>")]
    overdue = html[html.index('id="contacts-overdue"') :]
    overdue = overdue[: overdue.index("</table>")]
    assert "Ruby Brookes" in overdue
    assert "Kim Ashdown" not in overdue
    longest = html[html.index('id="longest-without"') :]
    order = [longest.index(name) for name in ("Tia Carver", "Kim Ashdown", "Ruby Brookes")]
    assert order == sorted(order), "never seen first, then the longest ago"
    for who in (p.practitioner, p.school_lead, p.board):
        assert as_user(who).get(reverse("support:caseloads")).status_code == 403
