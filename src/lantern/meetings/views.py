from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lantern.actions.forms import ActionForm
from lantern.agencies.models import Agency
from lantern.cases import queries as case_queries
from lantern.core import access
from lantern.core.access import Actor
from lantern.core.errors import DomainError
from lantern.core.forms import apply_service_errors
from lantern.core.views import with_actor
from lantern.meetings import access as meetings_access
from lantern.meetings import plans, queries, services
from lantern.meetings.forms import (
    AgendaForm,
    AttendanceForm,
    IssueForm,
    NoteForm,
    PlanForm,
    ScheduleForm,
)
from lantern.meetings.types import meeting_type, meeting_types

SERVICE_ERRORS = (ValidationError, DomainError)


def _check_run(actor: Actor, pk: Any = "") -> None:
    access.check(
        actor, meetings_access.may_run(actor), "run meetings", object_type="meeting", object_id=pk
    )


@with_actor
def meeting_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    rows = list(queries.meeting_list(actor)[:100])
    types = meeting_types()
    return render(
        request,
        "meetings/list.html",
        {"meetings": rows, "types": types, "may_run": meetings_access.may_run(actor)},
    )


@with_actor
def schedule(request: HttpRequest, actor: Actor) -> HttpResponse:
    _check_run(actor)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = (
                case_queries.case_get(actor, data["case_reference"], purpose="schedule a meeting")
                if data["case_reference"]
                else None
            )
            held_at = timezone.make_aware(datetime.combine(data["held_on"], data["held_time"]))
            meeting = services.meeting_schedule(
                actor=actor,
                meeting_type_code=data["meeting_type"],
                held_at=held_at,
                title=data["title"],
                location=data["location"],
                case=case,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Meeting {meeting.reference} scheduled")
            return redirect("meetings:agenda", pk=meeting.pk)
    return render(request, "meetings/schedule.html", {"form": form, "types": meeting_types()})


@with_actor
def detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    meeting = queries.meeting_get(actor, pk)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "kind": meeting_type(meeting.meeting_type),
            "records": queries.meeting_record(actor, meeting),
            "invitations": list(meeting.invitations.select_related("agency")),
            "minutes": queries.minutes_of(actor, meeting),
            "may_run": meetings_access.may_run(actor),
        },
    )


@with_actor
def agenda(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    _check_run(actor, pk)
    meeting = queries.meeting_get(actor, pk, purpose="set the agenda")
    if meeting.items.exists():
        return redirect("meetings:detail", pk=meeting.pk)
    proposals = queries.agenda_proposal(actor, meeting)
    form = AgendaForm(
        request.POST or None,
        proposals=proposals,
        initial={"chosen": [p.key for p in proposals]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_set(
                actor=actor,
                meeting=meeting,
                chosen=form.cleaned_data["chosen"],
                added=form.cleaned_data["added"].splitlines(),
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Agenda set; the agencies in its cases are invited")
            return redirect("meetings:detail", pk=meeting.pk)
    chosen = set(form["chosen"].value() or [])
    return render(
        request,
        "meetings/agenda.html",
        {"meeting": meeting, "form": form, "proposals": proposals, "chosen": chosen},
    )


@with_actor
def attendance(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    _check_run(actor, pk)
    meeting = queries.meeting_get(actor, pk, purpose="record attendance")
    invitations = list(meeting.invitations.select_related("agency").order_by("agency__name"))
    invited = {i.agency_id for i in invitations}
    others = list(Agency.objects.exclude(pk__in=invited).order_by("name"))
    form = AttendanceForm(request.POST or None, invitations=invitations, others=others)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines = [
            services.AttendanceLine(
                agency_id=i.agency_id,
                attendance=data[f"attendance_{i.agency_id}"],
                attendees=data[f"attendees_{i.agency_id}"],
            )
            for i in invitations
        ]
        if data["invite"]:
            lines.append(services.AttendanceLine(agency_id=data["invite"], attendance="invited"))
        try:
            services.attendance_record(actor=actor, meeting=meeting, lines=lines)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Attendance recorded")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/attendance.html", {"meeting": meeting, "form": form})


@with_actor
def item(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    _check_run(actor, pk)
    agenda_item = queries.item_get(actor, pk)
    meeting = agenda_item.meeting
    agencies = [i.agency for i in meeting.invitations.select_related("agency")]
    which = request.POST.get("form") if request.method == "POST" else None
    note_form = NoteForm(
        request.POST if which == "note" else None,
        agencies=agencies,
        initial={"decisions": agenda_item.decisions},
        prefix="note",
    )
    action_form = ActionForm(
        request.POST if which == "action" else None, agencies=agencies, prefix="action"
    )
    if which == "note" and note_form.is_valid():
        data = note_form.cleaned_data
        try:
            services.item_record(
                actor=actor,
                item=agenda_item,
                decisions=data["decisions"],
                note_text=data["note_text"],
                note_agency_id=data["note_agency"],
                restricted_category=data["restricted_category"],
                handling_code=data["handling_code"],
                conditions=data["conditions"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(note_form, exc)
        else:
            messages.success(request, f"Item {agenda_item.position} recorded")
            return redirect("meetings:item", pk=agenda_item.pk)
    if which == "action" and action_form.is_valid():
        data = action_form.cleaned_data
        try:
            services.item_action_add(
                actor=actor,
                item=agenda_item,
                title=data["title"],
                owner_agency_id=data["owner_agency"],
                due_on=data["due_on"],
                due_working_days=data["due_working_days"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(action_form, exc)
        else:
            messages.success(request, "Action set")
            return redirect("meetings:item", pk=agenda_item.pk)
    record = next(r for r in queries.meeting_record(actor, meeting) if r.item.pk == agenda_item.pk)
    return render(
        request,
        "meetings/item.html",
        {
            "meeting": meeting,
            "record": record,
            "item": agenda_item,
            "note_form": note_form,
            "action_form": action_form,
            "form": note_form if which != "action" else action_form,
        },
    )


@with_actor
def room(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    meeting = queries.meeting_get(actor, pk, purpose="room view")
    view = queries.room_view(actor, meeting)
    return render(
        request,
        "meetings/room.html",
        {"meeting": meeting, "view": view, "kind": meeting_type(meeting.meeting_type)},
    )


@with_actor
def issue(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    _check_run(actor, pk)
    meeting = queries.meeting_get(actor, pk, purpose="issue minutes")
    current = queries.latest_minutes(meeting)["version"]
    form = IssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.minutes_issue(
                actor=actor,
                meeting=meeting,
                correction_reason=form.cleaned_data["correction_reason"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Minutes version {issued[0].version} issued to {len(issued)} "
                f"agenc{'ies' if len(issued) != 1 else 'y'}",
            )
            return redirect("meetings:detail", pk=meeting.pk)
    recipients = list(meeting.invitations.select_related("agency"))
    return render(
        request,
        "meetings/issue.html",
        {"meeting": meeting, "form": form, "current": current, "recipients": recipients},
    )


@with_actor
def minutes_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request, "meetings/minutes_list.html", {"minutes": queries.minutes_issued_to(actor)}
    )


@with_actor
def minutes_html(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    record = queries.minutes_get(actor, pk)
    return HttpResponse(record.html, content_type="text/html; charset=utf-8")


@with_actor
def minutes_pdf(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    record = queries.minutes_get(actor, pk, as_pdf=True)
    response = HttpResponse(bytes(record.pdf), content_type="application/pdf")
    name = f"minutes-{record.meeting.reference}-v{record.version}-{record.recipient.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@with_actor
def plan(request: HttpRequest, actor: Actor, case_pk: int) -> HttpResponse:
    record = plans.plan_for_case(actor, case_pk)
    may_write = meetings_access.may_write_plan(actor)
    action_form = ActionForm(request.POST or None, prefix="action") if may_write else None
    if request.method == "POST":
        access.check(actor, may_write, "add actions to plans", object_type="plan")
        assert action_form is not None  # noqa: S101  # nosec B101 - may_write checked above
        if record.plan is None:
            action_form.add_error(None, "Write the plan before adding actions to it")
        elif action_form.is_valid():
            data = action_form.cleaned_data
            try:
                plans.plan_action_add(
                    actor=actor,
                    plan=record.plan,
                    title=data["title"],
                    owner_agency_id=data["owner_agency"],
                    due_on=data["due_on"],
                    due_working_days=data["due_working_days"],
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(action_form, exc)
            else:
                messages.success(request, "Action added to the plan")
                return redirect("meetings:plan", case_pk=case_pk)
    return render(
        request,
        "meetings/plan.html",
        {
            "record": record,
            "case": record.case,
            "diffs": plans.plan_diffs(record.versions),
            "may_write": may_write,
            "form": action_form,
            "action_form": action_form,
        },
    )


@with_actor
def plan_edit(request: HttpRequest, actor: Actor, case_pk: int) -> HttpResponse:
    access.check(
        actor, meetings_access.may_write_plan(actor), "write or review plans", object_type="plan"
    )
    record = plans.plan_for_case(actor, case_pk)
    current = record.current
    initial = (
        {
            "goals": "\n".join(current.goals),
            "person_words": current.person_words,
            "review_on": "",
        }
        if current
        else {}
    )
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plans.plan_write(
                actor=actor,
                case=record.case,
                goals=form.goal_lines(),
                person_words=form.cleaned_data["person_words"],
                review_on=form.cleaned_data["review_on"],
                review_note=form.cleaned_data["review_note"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Plan reviewed" if current else "Plan written")
            return redirect("meetings:plan", case_pk=case_pk)
    return render(
        request, "meetings/plan_form.html", {"form": form, "case": record.case, "current": current}
    )
