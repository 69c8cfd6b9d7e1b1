"""Intelligence on a meeting's agenda: accepted alerts and persons of concern with new links
are proposed; the minutes for an agency that may not receive intelligence, and a mixed
room, carry a notice instead; handling-code-C items reach the hub only (HTML and PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.intelligence import graphstore
from lantern.intelligence import services as intel_services
from lantern.intelligence.models import Alert, AlertStatus, Entity, EntityKind, Link
from lantern.meetings import services
from lantern.meetings.agenda import ProposedItem
from lantern.meetings.models import AgendaItem, Attendance, Minutes
from lantern.meetings.queries import agenda_proposal
from lantern.meetings.services import AttendanceLine
from tests.conftest import Partnership

from .test_minutes_redaction import pdf_text
from .world import MeetingWorld, build

P_ALERT_PLACE = "Harbour View Hotel"
C_ALERT_PLACE = "Kestrel Flats"
P_CONCERN = "Rocco Vantablack"
C_CONCERN = "Silas Crowthorne"
C_LINKED_PLACE = "Anchor Lane Takeaway"
OLD_CONCERN = "Mervyn Oldlinks"
INTEL = (P_ALERT_PLACE, C_ALERT_PLACE, P_CONCERN, C_CONCERN, C_LINKED_PLACE)


@dataclass
class IntelMeeting:
    world: MeetingWorld
    proposed: list[ProposedItem]


def _entity(p: Partnership, kind: str, label: str, **kw: Any) -> Entity:
    return intel_services.entity_create(
        actor=p.manager,
        details=intel_services.EntityDetails(kind=kind, label=label, **kw),
        confirm_new=True,
    )


def _link(p: Partnership, a: Entity, b: Entity, kind: str, handling: str = "P") -> Link:
    return intel_services.link_add(
        actor=p.manager,  # holds handling code C
        details=intel_services.LinkDetails(
            from_entity=a,
            to_entity=b,
            link_type=kind,
            source_eval="2",
            intel_assessment="B",
            handling=handling,
            date_from=timezone.localdate(),
            source_reference="IR/42",
        ),
    )


def _alert(subject: Entity, key: str, status: str, *, days_ago: int, c: bool = False) -> None:
    Alert.objects.create(
        key=key,
        rule="place_hotspot",
        subject=subject,
        score=0.9,
        explanation=f"{subject.label} is linked to three persons at risk.",
        status=status,
        decided_at=timezone.now() - timedelta(days=days_ago),
        involves_handling_c=c,
    )


def build_intel(p: Partnership) -> IntelMeeting:
    graphstore.reset()
    world = build(p, record=False)
    hotel = _entity(p, EntityKind.LOCATION, P_ALERT_PLACE, subtype="hotel", postcode="NE1 4XF")
    flats = _entity(p, EntityKind.LOCATION, C_ALERT_PLACE, subtype="flat", postcode="NE6 2AB")
    takeaway = _entity(p, EntityKind.LOCATION, C_LINKED_PLACE, subtype="takeaway")
    _alert(hotel, "p-accepted", AlertStatus.ACCEPTED, days_ago=2)
    _alert(flats, "c-accepted", AlertStatus.ACCEPTED, days_ago=10, c=True)
    _alert(takeaway, "old-accepted", AlertStatus.ACCEPTED, days_ago=60)
    _alert(takeaway, "dismissed", AlertStatus.DISMISSED, days_ago=1)
    rocco = _entity(p, EntityKind.PERSON, P_CONCERN)
    silas = _entity(p, EntityKind.PERSON, C_CONCERN)
    mervyn = _entity(p, EntityKind.PERSON, OLD_CONCERN)
    for concern in (rocco, silas, mervyn):
        intel_services.concern_mark(actor=p.manager, entity=concern)
    _link(p, rocco, hotel, "seen_at")
    _link(p, silas, takeaway, "works_at", handling="C")
    _link(p, silas, hotel, "seen_at")
    old = _link(p, mervyn, hotel, "seen_at")
    Link.objects.filter(pk=old.pk).update(recorded_at=timezone.now() - timedelta(days=90))
    withdrawn = _link(p, mervyn, takeaway, "seen_at")
    intel_services.link_withdraw(actor=p.manager, link=withdrawn, reason="Entered in error")
    proposed = agenda_proposal(p.practitioner, world.meeting)
    return IntelMeeting(world=world, proposed=proposed)


@pytest.fixture
def intel(partnership: Partnership) -> IntelMeeting:
    return build_intel(partnership)


def _by_title(proposed: list[ProposedItem]) -> dict[str, ProposedItem]:
    return {item.title: item for item in proposed}


def test_accepted_alerts_since_the_last_meeting_are_proposed(intel: IntelMeeting) -> None:
    items = _by_title(intel.proposed)
    hotel = items[f"{P_ALERT_PLACE} (place)"]
    assert hotel.sources == ["accepted_alerts"]
    assert "Alert accepted on" in hotel.reason
    assert "A place linked to several persons at risk" in hotel.reason
    assert hotel.restricted_category == ""
    assert items[f"{C_ALERT_PLACE} (place)"].restricted_category == "handling_c"
    # Accepted 60 days ago (before the 28-day window) and dismissed: not proposed.
    assert f"{C_LINKED_PLACE} (place)" not in items


def test_window_is_since_the_last_meeting_of_the_type(
    intel: IntelMeeting, partnership: Partnership
) -> None:
    """A meeting of the same type held five days ago: only what came after it is new."""
    from lantern.meetings.models import Meeting

    earlier = services.meeting_schedule(
        actor=partnership.practitioner,
        meeting_type_code="mace",
        held_at=timezone.now() + timedelta(days=1),
        title="Last month's panel",
    )
    Meeting.objects.filter(pk=earlier.pk).update(held_at=timezone.now() - timedelta(days=5))
    items = _by_title(agenda_proposal(partnership.practitioner, intel.world.meeting))
    assert f"{P_ALERT_PLACE} (place)" in items  # accepted two days ago
    assert f"{C_ALERT_PLACE} (place)" not in items  # accepted ten days ago


def test_persons_of_concern_with_new_links_are_proposed(intel: IntelMeeting) -> None:
    items = _by_title(intel.proposed)
    rocco = items[f"{P_CONCERN} (person of concern)"]
    assert rocco.sources == ["concerns_new_links"]
    assert rocco.reason.startswith("1 new link since")
    assert rocco.restricted_category == ""
    silas = items[f"{C_CONCERN} (person of concern)"]
    assert silas.reason.startswith("2 new links since")
    assert "2 places" in silas.reason
    assert silas.restricted_category == "handling_c"
    # The words carry no link detail: not the places on the links.
    assert C_LINKED_PLACE not in silas.reason
    assert P_ALERT_PLACE not in silas.reason
    # An old link and a withdrawn one are not new.
    assert f"{OLD_CONCERN} (person of concern)" not in items


def _issue(intel: IntelMeeting) -> dict[str, Minutes]:
    world = intel.world
    p = world.p
    items = services.agenda_set(
        actor=p.practitioner, meeting=world.meeting, chosen=[i.key for i in intel.proposed]
    )
    marked = AgendaItem.objects.filter(meeting=world.meeting, restricted_category="handling_c")
    assert marked.count() == 2
    services.attendance_record(
        actor=p.practitioner,
        meeting=world.meeting,
        lines=[
            AttendanceLine(p.hub.pk, Attendance.ATTENDED, "Chair"),
            AttendanceLine(p.school.pk, Attendance.ATTENDED, "Safeguarding lead"),
            AttendanceLine(p.police.pk, Attendance.ATTENDED, "Detective sergeant"),
        ],
    )
    services.item_record(actor=p.practitioner, item=items[0], decisions="Discussed and noted.")
    issued = services.minutes_issue(actor=p.practitioner, meeting=world.meeting)
    return {m.recipient.code: m for m in issued}


#: recipient: (must appear, must not appear)
EXPECTED = {
    "hub": (list(INTEL[:4]), []),
    "police": ([P_ALERT_PLACE, P_CONCERN], [C_ALERT_PLACE, C_CONCERN, C_LINKED_PLACE]),
    "school": ([], list(INTEL)),
    "clinic": ([], list(INTEL)),
}


def test_minutes_withhold_intelligence_from_agencies_not_entitled(intel: IntelMeeting) -> None:
    issued = _issue(intel)
    assert set(issued) == set(EXPECTED)
    for recipient, (shown, withheld) in EXPECTED.items():
        record = issued[recipient]
        for kind, text in {"html": record.html, "pdf": pdf_text(record)}.items():
            for phrase in shown:
                assert phrase in text, (recipient, kind, phrase)
            for phrase in withheld:
                assert phrase not in text, (recipient, kind, phrase)
    school = pdf_text(issued["school"])
    assert "this item is intelligence (accepted alerts)" in school
    assert "persons of concern with new links" in school
    police = pdf_text(issued["police"])
    assert "intelligence with handling code C" in police


def test_room_view_shows_no_intelligence_to_a_mixed_room(intel: IntelMeeting, as_user: Any) -> None:
    _issue(intel)
    room = (
        as_user(intel.world.p.practitioner)
        .get(reverse("meetings:room", kwargs={"pk": intel.world.meeting.pk}))
        .content.decode()
    )
    for phrase in INTEL:
        assert phrase not in room, phrase
    assert "Redacted: this item is intelligence" in room


def test_agenda_page_marks_handling_c_items(intel: IntelMeeting, as_user: Any) -> None:
    page = as_user(intel.world.p.practitioner).get(
        reverse("meetings:agenda", kwargs={"pk": intel.world.meeting.pk})
    )
    text = page.content.decode()
    assert P_CONCERN in text
    assert C_CONCERN in text
    assert text.count("Handling code C: only the hub") == 2
