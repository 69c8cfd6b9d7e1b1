"""What each audience of a meeting may see: an agency receiving minutes, or the room.

Redaction happens here, when the document is built, never in a stylesheet: a redacted
passage is replaced by a notice and its text is not in the HTML or the PDF at all.

- **A person the audience is not involved with**: the whole item (its title, reasons,
  information, decisions and actions) is replaced by a notice. The hub sees every person;
  another agency sees a person while it has an active involvement (``people.access``).
- **Restricted categories** (sexual health, unproven allegations, informant intelligence):
  only the agency that shared the note reads it (``cases.access.restricted_read``: the
  author's side); others learn that restricted information was shared, and its category.
- **Intelligence with handling code C** (shared only with conditions): the agency that
  shared it and the hub read it; others see a notice.
- **Items from an agenda source that limits its audience** (intelligence's accepted alerts
  and persons of concern with new links: the hub and police agencies only, as
  ``intelligence.access`` decides) are replaced whole by a notice for any other agency; an
  item whose own content is handling-code-C intelligence (``AgendaItem.restricted_category``)
  is shown to the hub only.
- **The room view** shows what every attending agency may see: items about people any
  attending agency is not involved with are withheld, and no restricted or code-C note is
  shown at all (the room is mixed); nor is any item an attending agency may not receive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lantern.actions.models import Action
from lantern.core.access import RestrictedCategory
from lantern.meetings import agenda
from lantern.meetings.models import AgendaItem, Attendance, HandlingCode, ItemNote, Meeting
from lantern.people.models import Involvement

PERSON_NOTICE = (
    "Redacted: this item is about a person {audience} is not involved with, so it is not "
    "shared with {audience}."
)
RESTRICTED_NOTICE = (
    "Redacted: {agency} shared information in a restricted category ({category}), which is "
    "not shared with {audience}."
)
SOURCE_NOTICE = (
    "Redacted: this item is intelligence ({source}), which is not shared with {audience}."
)
ITEM_CONDITIONS_NOTICE = (
    "Redacted: this item is intelligence with handling code C (shared only with conditions), "
    "which is not shared with {audience}."
)
CONDITIONS_NOTICE = (
    "Redacted: {agency} shared intelligence with handling code C (shared only with "
    "conditions), which is not shared with {audience}."
)


@dataclass
class NoteView:
    agency: str
    text: str = ""
    notice: str = ""
    restricted_category: str = ""
    handling_code: str = ""
    conditions: str = ""

    @property
    def redacted(self) -> bool:
        return bool(self.notice)


@dataclass
class ActionView:
    reference: str
    title: str
    owner: str
    due_on: Any
    status: str


@dataclass
class ItemView:
    position: int
    title: str = ""
    reason: str = ""
    notice: str = ""
    notes: list[NoteView] = field(default_factory=list)
    decisions: str = ""
    actions: list[ActionView] = field(default_factory=list)
    case_id: int | None = None
    person_id: int | None = None

    @property
    def redacted(self) -> bool:
        return bool(self.notice)


@dataclass
class AttendanceView:
    agency: str
    attendance: str
    attendees: str


@dataclass
class MeetingView:
    """A meeting as one audience may see it."""

    meeting: Meeting
    audience: str
    items: list[ItemView]
    attendance: list[AttendanceView]
    redactions: int


def involved_people(agency_ids: Iterable[int], person_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each agency, which of these people it is involved with now (one query)."""
    found: dict[int, set[int]] = defaultdict(set)
    for agency_id, person_id in Involvement.objects.filter(
        agency_id__in=list(agency_ids), person_id__in=list(person_ids), ended_at__isnull=True
    ).values_list("agency_id", "person_id"):
        found[agency_id].add(person_id)
    return found


def _category_label(code: str) -> str:
    try:
        return str(RestrictedCategory(code).label).lower()
    except ValueError:
        return code


PersonCheck = Callable[[int], bool]
NoteCheck = Callable[[ItemNote], str]  # "" to show, else a notice
ItemCheck = Callable[[AgendaItem], str]  # "" to show, else a notice


def _source_labels(codes: str) -> str:
    return ", ".join(agenda.source_label(c).lower() for c in codes.split(",") if c)


def item_notice_for(agencies: list[Any], audience: str, *, hub_only_c: bool) -> ItemCheck:
    """A check that withholds an item any of ``agencies`` may not see by its source, or (for
    an audience that is not the hub alone) whose own content is restricted."""

    def check(item: AgendaItem) -> str:
        if any(not agenda.source_shown_to(item.source, a) for a in agencies):
            return SOURCE_NOTICE.format(source=_source_labels(item.source), audience=audience)
        if item.restricted_category and hub_only_c:
            if item.restricted_category == RestrictedCategory.HANDLING_C:
                return ITEM_CONDITIONS_NOTICE.format(audience=audience)
            return RESTRICTED_ITEM_NOTICE.format(
                category=_category_label(item.restricted_category), audience=audience
            )
        return ""

    return check


RESTRICTED_ITEM_NOTICE = (
    "Redacted: this item is in a restricted category ({category}), which is not shared with "
    "{audience}."
)


def _build(
    meeting: Meeting,
    audience: str,
    may_see_person: PersonCheck,
    note_notice: NoteCheck,
    item_notice: ItemCheck | None = None,
) -> MeetingView:
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("position")
        .prefetch_related("notes__agency")
    )
    actions_by_item: dict[int, list[Action]] = defaultdict(list)
    for action in (
        Action.objects.filter(source_kind="meeting_item", source_id__in=[i.pk for i in items])
        .select_related("owner_agency")
        .order_by("due_on", "pk")
    ):
        actions_by_item[int(action.source_id or 0)].append(action)
    views: list[ItemView] = []
    redactions = 0
    for item in items:
        if item.person_id is not None and not may_see_person(item.person_id):
            redactions += 1
            views.append(
                ItemView(position=item.position, notice=PERSON_NOTICE.format(audience=audience))
            )
            continue
        withheld = item_notice(item) if item_notice is not None else ""
        if withheld:
            redactions += 1
            views.append(ItemView(position=item.position, notice=withheld))
            continue
        notes = []
        for note in item.notes.all():
            notice = note_notice(note)
            if notice:
                redactions += 1
                notes.append(NoteView(agency=note.agency.name, notice=notice))
            else:
                notes.append(
                    NoteView(
                        agency=note.agency.name,
                        text=note.text,
                        restricted_category=note.restricted_category,
                        handling_code=note.handling_code,
                        conditions=note.conditions,
                    )
                )
        views.append(
            ItemView(
                position=item.position,
                title=item.title,
                reason=item.reason,
                notes=notes,
                decisions=item.decisions,
                case_id=item.case_id,
                person_id=item.person_id,
                actions=[
                    ActionView(
                        reference=a.reference,
                        title=a.title,
                        owner=a.owner_agency.name,
                        due_on=a.due_on,
                        status=a.get_status_display(),
                    )
                    for a in actions_by_item[item.pk]
                ],
            )
        )
    attendance = [
        AttendanceView(
            agency=i.agency.name, attendance=i.get_attendance_display(), attendees=i.attendees
        )
        for i in meeting.invitations.select_related("agency").order_by("agency__name")
    ]
    return MeetingView(
        meeting=meeting,
        audience=audience,
        items=views,
        attendance=attendance,
        redactions=redactions,
    )


def for_recipient(meeting: Meeting, agency: Any) -> MeetingView:
    """The minutes as ``agency`` may receive them."""
    name = agency.name
    if agency.is_hub:

        def may_see_person(person_id: int) -> bool:
            return True

    else:
        person_ids = AgendaItem.objects.filter(meeting=meeting, person__isnull=False).values_list(
            "person_id", flat=True
        )
        involved = involved_people([agency.pk], person_ids)[agency.pk]

        def may_see_person(person_id: int) -> bool:
            return person_id in involved

    def note_notice(note: ItemNote) -> str:
        if note.agency_id == agency.pk:
            return ""
        if note.restricted_category:
            return RESTRICTED_NOTICE.format(
                agency=note.agency.name,
                category=_category_label(note.restricted_category),
                audience=name,
            )
        if note.handling_code == HandlingCode.C and not agency.is_hub:
            return CONDITIONS_NOTICE.format(agency=note.agency.name, audience=name)
        return ""

    items = item_notice_for([agency], name, hub_only_c=not agency.is_hub)
    return _build(meeting, name, may_see_person, note_notice, items)


def attending_agencies(meeting: Meeting) -> list[Any]:
    return [
        i.agency
        for i in meeting.invitations.select_related("agency").filter(attendance=Attendance.ATTENDED)
    ]


def for_room(meeting: Meeting) -> MeetingView:
    """The record for a shared screen: only what every attending agency may see."""
    others = [a for a in attending_agencies(meeting) if not a.is_hub]
    person_ids = list(
        AgendaItem.objects.filter(meeting=meeting, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    involved = involved_people([a.pk for a in others], person_ids)
    audience = "everyone in the room"

    def may_see_person(person_id: int) -> bool:
        return all(person_id in involved[a.pk] for a in others)

    def note_notice(note: ItemNote) -> str:
        if note.restricted_category:
            return RESTRICTED_NOTICE.format(
                agency=note.agency.name,
                category=_category_label(note.restricted_category),
                audience=audience,
            )
        if note.handling_code == HandlingCode.C:
            return CONDITIONS_NOTICE.format(agency=note.agency.name, audience=audience)
        return ""

    everyone = attending_agencies(meeting)
    items = item_notice_for(everyone, audience, hub_only_c=True)
    return _build(meeting, audience, may_see_person, note_notice, items)
