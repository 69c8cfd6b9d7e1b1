"""Every write to meetings, their record and their minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lantern.actions.models import Action
from lantern.actions.services import action_create
from lantern.agencies.models import Agency
from lantern.cases.models import Case, CaseAgency, CaseStatus
from lantern.core import access, audit
from lantern.core.access import Actor, RestrictedCategory
from lantern.core.errors import ConflictError, InvalidError
from lantern.core.events import Event
from lantern.core.limits import MAX_TEXT
from lantern.meetings import access as meetings_access
from lantern.meetings import agenda, minutes, redaction
from lantern.meetings.models import (
    AgendaItem,
    Attendance,
    HandlingCode,
    Invitation,
    ItemNote,
    Meeting,
    MeetingStatus,
    Minutes,
)
from lantern.meetings.types import meeting_type

MAX_TITLE = 200
ADDED = "added"


def _check_run(actor: Actor, meeting: Meeting | None = None) -> None:
    access.check(
        actor,
        meetings_access.may_run(actor),
        "run meetings",
        object_type="meeting",
        object_id=meeting.pk if meeting else "",
    )


def meeting_schedule(
    *,
    actor: Actor,
    meeting_type_code: str,
    held_at: datetime | None,
    title: str = "",
    location: str = "",
    case: Case | None = None,
) -> Meeting:
    """Schedule a meeting of a type from the data file; a meeting about one case names it."""
    _check_run(actor)
    errors: dict[str, str] = {}
    kind = meeting_type(meeting_type_code)
    if kind is None:
        errors["meeting_type"] = "Select the type of meeting"
    elif kind.is_about_one_case and case is None:
        errors["case"] = f"A {kind.label.lower()} is about one case: give its reference"
    if case is not None and case.status != CaseStatus.OPEN:
        errors["case"] = "That case is not open"
    if held_at is None:
        errors["held_at"] = "Give the date and time of the meeting"
    if len(title) > MAX_TITLE or len(location) > MAX_TITLE:
        errors["title"] = f"Write no more than {MAX_TITLE} characters"
    if errors:
        raise InvalidError(errors)
    assert kind is not None  # noqa: S101  # nosec B101 - checked above
    assert held_at is not None  # noqa: S101  # nosec B101 - checked above
    with transaction.atomic():
        meeting = Meeting.objects.create(
            meeting_type=kind.code,
            title=title.strip() or kind.label,
            held_at=held_at,
            location=location.strip(),
            case=case if kind.is_about_one_case else None,
            chair=actor.user,
            created_by=actor.user,
        )
        Invitation.objects.create(meeting=meeting, agency=actor.agency)
        audit.record(
            actor,
            Event.MEETING_SCHEDULED,
            object_id=meeting.pk,
            person_id=case.person_id if case is not None else None,
            detail={"type": kind.code, "held_at": held_at.isoformat()},
        )
    return meeting


def _invite(meeting: Meeting, agency_ids: set[int]) -> None:
    already = set(meeting.invitations.values_list("agency_id", flat=True))
    Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, agency_id=a) for a in sorted(agency_ids - already)]
    )


def agenda_set(
    *, actor: Actor, meeting: Meeting, chosen: list[str], added: list[str] | None = None
) -> list[AgendaItem]:
    """Set the agenda from Lantern's proposal (``chosen``: the keys of proposed items kept)
    and any items the chair adds; invite every agency in the cases on it."""
    _check_run(actor, meeting)
    kind = meeting_type(meeting.meeting_type)
    if kind is None:
        raise InvalidError({"meeting_type": "This meeting's type is no longer in the data file"})
    if meeting.items.exists():
        raise ConflictError("This meeting's agenda is already set")
    extra = [t.strip() for t in (added or []) if t.strip()]
    if any(len(t) > 300 for t in extra):
        raise InvalidError({"added": "Write each added item in no more than 300 characters"})
    proposed = {p.key: p for p in agenda.propose(agenda.context_for(meeting, kind))}
    unknown = [k for k in chosen if k not in proposed]
    if unknown:
        raise ConflictError("The proposed agenda has changed since you saw it; look at it again")
    if not chosen and not extra:
        raise InvalidError({"chosen": "Choose at least one item, or add one"})
    with transaction.atomic():
        items: list[AgendaItem] = []
        position = 0
        for key in [k for k in proposed if k in set(chosen)]:
            position += 1
            p = proposed[key]
            items.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    source=",".join(p.sources),
                    title=p.title,
                    reason=p.reason[:500],
                    person_id=p.person_id,
                    case_id=p.case_id,
                    restricted_category=p.restricted_category,
                )
            )
        for title in extra:
            position += 1
            items.append(AgendaItem(meeting=meeting, position=position, source=ADDED, title=title))
        AgendaItem.objects.bulk_create(items)
        case_ids = {i.case_id for i in items if i.case_id}
        if meeting.case_id:
            case_ids.add(meeting.case_id)
        agencies = set(
            CaseAgency.objects.filter(case_id__in=case_ids, left_at__isnull=True).values_list(
                "agency_id", flat=True
            )
        )
        _invite(meeting, agencies | {actor.agency.pk})
        meeting.status = MeetingStatus.AGENDA_SET
        meeting.save(update_fields=["status", "updated_at"])
        audit.record(
            actor,
            Event.MEETING_AGENDA_SET,
            object_id=meeting.pk,
            detail={"items": len(items), "cases": sorted(case_ids), "invited": sorted(agencies)},
        )
    return list(meeting.items.order_by("position"))


@dataclass(frozen=True)
class AttendanceLine:
    agency_id: int
    attendance: str
    attendees: str = ""


def attendance_record(*, actor: Actor, meeting: Meeting, lines: list[AttendanceLine]) -> None:
    """Record, agency by agency, who attended and who sent apologies. An agency not yet
    invited is invited."""
    _check_run(actor, meeting)
    errors: dict[str, str] = {}
    for line in lines:
        if line.attendance not in Attendance.values:
            errors["attendance"] = "Select attended, sent apologies or did not attend"
        if len(line.attendees) > 300:
            errors["attendees"] = "Write no more than 300 characters"
    known = set(
        Agency.objects.filter(pk__in=[ln.agency_id for ln in lines]).values_list("pk", flat=True)
    )
    if len(known) != len({ln.agency_id for ln in lines}):
        errors["agency"] = "Select an agency from the list"
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        _invite(meeting, known)
        for line in lines:
            Invitation.objects.filter(meeting=meeting, agency_id=line.agency_id).update(
                attendance=line.attendance, attendees=line.attendees.strip()
            )
        audit.record(
            actor,
            Event.MEETING_ATTENDANCE_RECORDED,
            object_id=meeting.pk,
            detail={str(ln.agency_id): ln.attendance for ln in lines},
        )


def item_record(
    *,
    actor: Actor,
    item: AgendaItem,
    decisions: str | None = None,
    note_text: str = "",
    note_agency_id: int | None = None,
    restricted_category: str = "",
    handling_code: str = "",
    conditions: str = "",
) -> AgendaItem:
    """Record what an agency shared on an item (kept with its agency, restricted category
    and handling code, which decide who reads it) and the meeting's decisions."""
    _check_run(actor, item.meeting)
    errors: dict[str, str] = {}
    if decisions is not None and len(decisions) > MAX_TEXT:
        errors["decisions"] = f"Write no more than {MAX_TEXT:,} characters"
    if note_text.strip():
        if len(note_text) > MAX_TEXT:
            errors["note_text"] = f"Write no more than {MAX_TEXT:,} characters"
        if not note_agency_id or not Agency.objects.filter(pk=note_agency_id).exists():
            errors["note_agency"] = "Say which agency shared it"
        if restricted_category and restricted_category not in RestrictedCategory.values:
            errors["restricted_category"] = "Select a restricted category from the list"
        if handling_code not in HandlingCode.values:
            errors["handling_code"] = "Select a handling code"
        if handling_code == HandlingCode.C and not conditions.strip():
            errors["conditions"] = "Record the conditions that come with handling code C"
    elif decisions is None:
        errors["note_text"] = "Record what was shared, or the decisions"
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        if note_text.strip():
            assert note_agency_id is not None  # noqa: S101  # nosec B101 - checked above
            ItemNote.objects.create(
                item=item,
                agency_id=note_agency_id,
                text=note_text.strip(),
                restricted_category=restricted_category,
                handling_code=handling_code,
                conditions=conditions.strip()[:300],
                recorded_by=actor.user,
            )
        if decisions is not None:
            item.decisions = decisions.strip()
            item.save(update_fields=["decisions"])
        audit.record(
            actor,
            Event.AGENDA_ITEM_RECORDED,
            object_id=item.pk,
            person_id=item.person_id,
            detail={
                "meeting": item.meeting_id,
                "note": bool(note_text.strip()),
                "restricted_category": restricted_category,
                "handling_code": handling_code,
            },
        )
    return item


def item_action_add(
    *,
    actor: Actor,
    item: AgendaItem,
    title: str,
    owner_agency_id: int | None,
    owner_user_id: int | None = None,
    due_on: date | None = None,
    due_working_days: int | None = None,
) -> Action:
    """An action agreed at the meeting, through the actions app."""
    _check_run(actor, item.meeting)
    return action_create(
        actor=actor,
        title=title,
        owner_agency_id=owner_agency_id,
        owner_user_id=owner_user_id,
        due_on=due_on,
        due_working_days=due_working_days,
        source_kind="meeting_item",
        source_id=item.pk,
        source_label=f"{item.meeting.reference} item {item.position}: {item.meeting.title}",
        person=item.person,
        case=item.case,
    )


def minutes_issue(*, actor: Actor, meeting: Meeting, correction_reason: str = "") -> list[Minutes]:
    """Issue the minutes: one document per invited agency, with what that agency may not
    see redacted, stored as issued (HTML and PDF). Issuing again is a correction: a new
    version, with its reason; earlier versions are kept unchanged."""
    _check_run(actor, meeting)
    if not meeting.items.exists():
        raise ConflictError("Set the agenda before issuing minutes")
    current = meeting.minutes.aggregate(v=Max("version"))["v"] or 0
    if current and not correction_reason.strip():
        raise InvalidError({"correction_reason": "Say what this correction changes, and why"})
    if len(correction_reason) > MAX_TEXT:
        raise InvalidError({"correction_reason": f"Write no more than {MAX_TEXT:,} characters"})
    version = current + 1
    now = timezone.now()
    issued_by = actor.user.get_full_name() or actor.username
    recipients = [i.agency for i in meeting.invitations.select_related("agency")]
    issued: list[Minutes] = []
    documents = []
    for agency in recipients:
        view = redaction.for_recipient(meeting, agency)
        html = minutes.render_html(
            view,
            recipient=agency,
            version=version,
            issued_at=now,
            issued_by=issued_by,
            correction_reason=correction_reason.strip(),
        )
        documents.append((agency, view.redactions, html, minutes.render_pdf(html)))
    with transaction.atomic():
        for agency, redactions, html, pdf in documents:
            record = Minutes.objects.create(
                meeting=meeting,
                version=version,
                recipient=agency,
                html=html,
                pdf=pdf,
                sha256=minutes.digest(html, pdf),
                redactions=redactions,
                correction_reason=correction_reason.strip(),
                issued_at=now,
                issued_by=actor.user,
            )
            issued.append(record)
            audit.record(
                actor,
                Event.MINUTES_ISSUED,
                object_id=record.pk,
                detail={
                    "meeting": meeting.pk,
                    "version": version,
                    "recipient": agency.pk,
                    "redactions": redactions,
                },
            )
        meeting.status = MeetingStatus.MINUTES_ISSUED
        meeting.save(update_fields=["status", "updated_at"])
    return issued
