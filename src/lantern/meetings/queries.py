"""Reads of meetings and minutes, scoped by the access policy and audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from lantern.actions.models import Action
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.meetings import access as meetings_access
from lantern.meetings import agenda, redaction
from lantern.meetings.models import AgendaItem, ItemNote, Meeting, Minutes
from lantern.meetings.types import meeting_type


def _require_hub(actor: Actor, what: str) -> None:
    if not meetings_access.may_read_meetings(actor):
        raise access.refuse(
            actor,
            access.hub_only_refusal(
                actor,
                what,
                "Meetings are run by the hub. Your agency receives the minutes of meetings "
                "it is invited to.",
            ),
            object_type="meeting",
        )


def meeting_list(actor: Actor) -> QuerySet[Meeting]:
    _require_hub(actor, "meetings")
    audit.record(actor, Event.MEETING_LISTED)
    return meetings_access.visible_meetings(actor).select_related("chair").order_by("-held_at")


def meeting_get(actor: Actor, pk: int, *, purpose: str = "") -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("chair", "case"), pk=pk)
    access.require(actor, meeting)
    audit.record(actor, Event.MEETING_VIEWED, object_id=meeting.pk, purpose=purpose)
    return meeting


def agenda_proposal(actor: Actor, meeting: Meeting) -> list[agenda.ProposedItem]:
    """What Lantern proposes for the agenda: a hub read across cases, audited."""
    kind = meeting_type(meeting.meeting_type)
    if kind is None:
        return []
    proposed = agenda.propose(agenda.context_for(meeting, kind))
    audit.record(
        actor,
        Event.MEETING_AGENDA_PROPOSED,
        object_id=meeting.pk,
        detail={"proposed": len(proposed)},
    )
    return proposed


@dataclass
class NoteLine:
    note: ItemNote
    readable: bool


@dataclass
class ItemRecord:
    item: AgendaItem
    notes: list[NoteLine]
    actions: list[Action]


def meeting_record(actor: Actor, meeting: Meeting) -> list[ItemRecord]:
    """The items of a meeting already read through :func:`meeting_get`, with their notes
    (a restricted note in full only to a membership holding its category or whoever
    recorded it) and actions."""
    items = list(meeting.items.order_by("position").prefetch_related("notes__agency"))
    actions: dict[int, list[Action]] = defaultdict(list)
    for action in Action.objects.filter(
        source_kind="meeting_item", source_id__in=[i.pk for i in items]
    ).select_related("owner_agency", "owner_user"):
        actions[int(action.source_id or 0)].append(action)
    records = []
    for item in items:
        lines = [
            NoteLine(
                note=n,
                readable=not n.restricted_category
                or n.restricted_category in actor.restricted_categories
                or n.recorded_by_id == actor.user.pk,
            )
            for n in item.notes.all()
        ]
        records.append(ItemRecord(item=item, notes=lines, actions=actions[item.pk]))
    return records


def item_get(actor: Actor, pk: int) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "person", "case"), pk=pk)
    access.require(actor, item.meeting)
    audit.record(
        actor,
        Event.MEETING_VIEWED,
        object_id=item.meeting_id,
        person_id=item.person_id,
        detail={"item": item.pk},
    )
    return item


def room_view(actor: Actor, meeting: Meeting) -> redaction.MeetingView:
    """The record for a shared screen (hub only); audited."""
    access.require(actor, meeting)
    view = redaction.for_room(meeting)
    audit.record(
        actor,
        Event.MEETING_ROOM_VIEWED,
        object_id=meeting.pk,
        detail={"withheld": view.redactions},
    )
    return view


def minutes_of(actor: Actor, meeting: Meeting) -> list[Minutes]:
    """Every issued version of a meeting's minutes that this actor may read."""
    return list(
        meetings_access.visible_minutes(actor)
        .filter(meeting=meeting)
        .select_related("recipient", "issued_by")
        .defer("html", "pdf")
        .order_by("-version", "recipient__name")
    )


def minutes_issued_to(actor: Actor) -> list[Minutes]:
    """Minutes issued to the actor's agency (the hub: every one), newest first."""
    access.check(actor, actor.may_read_person_data, "read minutes")
    rows = list(
        meetings_access.visible_minutes(actor)
        .filter(recipient_id=actor.agency.pk)
        .select_related("meeting", "recipient")
        .defer("html", "pdf")
        .order_by("-issued_at", "-version")
    )
    audit.record(actor, Event.MEETING_LISTED, detail={"minutes": len(rows)})
    return rows


def minutes_get(actor: Actor, pk: int, *, as_pdf: bool = False) -> Minutes:
    record = get_object_or_404(Minutes.objects.select_related("meeting", "recipient"), pk=pk)
    access.require(actor, record)
    audit.record(
        actor,
        Event.MINUTES_DOWNLOADED if as_pdf else Event.MINUTES_VIEWED,
        object_id=record.pk,
        detail={"meeting": record.meeting_id, "version": record.version},
    )
    return record


def latest_minutes(meeting: Meeting) -> dict[str, Any]:
    """Highest version number issued so far (0 when none)."""
    versions = list(meeting.minutes.values_list("version", flat=True).order_by("-version")[:1])
    return {"version": versions[0] if versions else 0}
