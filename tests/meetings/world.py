"""A small world for meeting tests: two children's cases, one the school is involved with
and one it is not, a sexual health service, and a panel with its agenda set and recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from lantern.agencies.models import Agency, AgencyKind
from lantern.cases import services as case_services
from lantern.cases.models import Case
from lantern.core.access import Actor, Role
from lantern.core.normalisers import PartialDate
from lantern.meetings import services
from lantern.meetings.models import AgendaItem, Attendance, Meeting
from lantern.meetings.services import AttendanceLine
from lantern.screening import services as screening_services
from lantern.screening.instruments import Answer
from tests.conftest import Partnership
from tests.factories import AgencyFactory, make_actor, open_case

#: Text that only some recipients may read; tests look for it in every document.
SEXUAL_HEALTH_TEXT = "Attended the clinic four times with injuries"
CONDITIONS_TEXT = "Vehicle AB12 CDE seen collecting her from the hotel"
PLAIN_TEXT = "School attendance fell to sixty per cent this term"
OTHER_CHILD_TEXT = "Police found him in a flat above the takeaway"


@dataclass
class MeetingWorld:
    p: Partnership
    clinic: Agency
    clinic_nurse: Actor
    school_case: Case  # the school and the police are involved
    police_case: Case  # only the police are involved
    meeting: Meeting
    school_item: AgendaItem
    police_item: AgendaItem


def child_born(years: int) -> PartialDate:
    today = timezone.localdate()
    return PartialDate.from_date(today.replace(year=today.year - years, day=1))


def screen(p: Partnership, case: Case, level: str) -> None:
    version = screening_services.instrument_for(case.person, timezone.localdate())
    assert version is not None
    screening_services.screening_record(
        actor=p.practitioner,
        person=case.person,
        case=case,
        instrument_version=version,
        answers=[Answer(code, "absent") for code in version.spec.indicators],
        level=level,
        judgement_reason="Professional judgement at the panel's request.",
        person_words="I just want things to calm down.",
        desired_outcomes="To feel safe going home.",
    )


def build(p: Partnership, *, record: bool = True) -> MeetingWorld:
    clinic = AgencyFactory(code="clinic", name="Test Clinic", kind=AgencyKind.SEXUAL_HEALTH)
    clinic_nurse = make_actor(clinic, Role.CONTRIBUTOR, user__username="clinic")
    school_case = open_case(
        p, given_name="Jade", family_name="Panelcase", date_of_birth=child_born(14)
    )
    case_services.case_add_agency(actor=p.practitioner, case=school_case, agency_id=p.police.pk)
    case_services.case_add_agency(actor=p.practitioner, case=school_case, agency_id=clinic.pk)
    police_case = open_case(
        p,
        referrer=p.police_officer,
        given_name="Tyler",
        family_name="Otherchild",
        date_of_birth=child_born(15),
    )
    screen(p, school_case, "significant")
    screen(p, police_case, "serious")
    meeting = services.meeting_schedule(
        actor=p.practitioner,
        meeting_type_code="mace",
        held_at=timezone.now() + timedelta(days=1),
        title="Children's panel",
        location="Hub meeting room",
    )
    if not record:
        return MeetingWorld(
            p, clinic, clinic_nurse, school_case, police_case, meeting, *([None] * 2)
        )  # type: ignore[arg-type]
    from lantern.meetings.queries import agenda_proposal

    keys = [item.key for item in agenda_proposal(p.practitioner, meeting)]
    items = services.agenda_set(actor=p.practitioner, meeting=meeting, chosen=keys)
    school_item = next(i for i in items if i.case_id == school_case.pk)
    police_item = next(i for i in items if i.case_id == police_case.pk)
    services.attendance_record(
        actor=p.practitioner,
        meeting=meeting,
        lines=[
            AttendanceLine(p.hub.pk, Attendance.ATTENDED, "Hub practitioner (chair)"),
            AttendanceLine(p.school.pk, Attendance.ATTENDED, "Designated safeguarding lead"),
            AttendanceLine(p.police.pk, Attendance.APOLOGIES),
            AttendanceLine(clinic.pk, Attendance.ATTENDED, "Clinic nurse"),
        ],
    )
    services.item_record(
        actor=p.practitioner, item=school_item, note_text=PLAIN_TEXT, note_agency_id=p.school.pk
    )
    services.item_record(
        actor=p.practitioner,
        item=school_item,
        note_text=SEXUAL_HEALTH_TEXT,
        note_agency_id=clinic.pk,
        restricted_category="sexual_health",
    )
    services.item_record(
        actor=p.practitioner,
        item=school_item,
        note_text=CONDITIONS_TEXT,
        note_agency_id=p.police.pk,
        handling_code="C",
        conditions="Not to be shared outside the panel",
        decisions="Strategy discussion tomorrow.",
    )
    services.item_record(
        actor=p.practitioner,
        item=police_item,
        note_text=OTHER_CHILD_TEXT,
        note_agency_id=p.police.pk,
        decisions="Police to visit the flat.",
    )
    services.item_action_add(
        actor=p.practitioner,
        item=school_item,
        title="Arrange a return home interview",
        owner_agency_id=p.school.pk,
        due_working_days=5,
    )
    services.item_action_add(
        actor=p.practitioner,
        item=police_item,
        title="Visit the flat above the takeaway",
        owner_agency_id=p.police.pk,
        due_working_days=2,
    )
    return MeetingWorld(
        p, clinic, clinic_nurse, school_case, police_case, meeting, school_item, police_item
    )
