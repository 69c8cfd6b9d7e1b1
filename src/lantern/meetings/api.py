"""Meetings, minutes and plans in the API: the same queries, services, access policy and
audit as the pages. Issued minutes come as the stored HTML, or as the stored PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.actions.api import ActionSerializer
from lantern.actions.queries import decorate
from lantern.cases import queries as case_queries
from lantern.core import access
from lantern.core.api import ActorAPIView, AgencyRefSerializer, UserNameField, problems
from lantern.meetings import access as meetings_access
from lantern.meetings import plans, queries, services
from lantern.meetings.models import Attendance, HandlingCode, Meeting

TAGS = ["meetings"]
PLAN_TAGS = ["plans"]


def _check_run(actor: Any, pk: Any = "") -> None:
    access.check(
        actor, meetings_access.may_run(actor), "run meetings", object_type="meeting", object_id=pk
    )


# --- output ------------------------------------------------------------------------------


class MeetingSerializer(serializers.Serializer[Meeting]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    meeting_type = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    held_at = serializers.DateTimeField(read_only=True)
    location = serializers.CharField(read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    chair = UserNameField()
    status = serializers.CharField(read_only=True)


class InvitationSerializer(serializers.Serializer[Any]):
    agency = AgencyRefSerializer(read_only=True)
    attendance = serializers.CharField(read_only=True)
    attendees = serializers.CharField(read_only=True)


class NoteSerializer(serializers.Serializer[Any]):
    agency = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True, help_text="Empty when withheld from you")
    restricted_category = serializers.CharField(read_only=True)
    handling_code = serializers.CharField(read_only=True)
    conditions = serializers.CharField(read_only=True)
    withheld = serializers.BooleanField(read_only=True)


class ItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]  # DRF's name
    case = serializers.IntegerField(read_only=True, allow_null=True)
    person = serializers.IntegerField(read_only=True, allow_null=True)
    decisions = serializers.CharField(read_only=True)
    notes = NoteSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)


class MinutesSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    version = serializers.IntegerField(read_only=True)
    recipient = AgencyRefSerializer(read_only=True)
    redactions = serializers.IntegerField(read_only=True)
    correction_reason = serializers.CharField(read_only=True)
    issued_at = serializers.DateTimeField(read_only=True)
    sha256 = serializers.CharField(read_only=True)


class MinutesDocumentSerializer(MinutesSerializer):
    html = serializers.CharField(read_only=True, help_text="The minutes as issued (HTML)")


class MeetingRecordSerializer(MeetingSerializer):
    invitations = InvitationSerializer(many=True, read_only=True)
    items = ItemSerializer(many=True, read_only=True)
    minutes = MinutesSerializer(many=True, read_only=True)


class ProposalSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(read_only=True, help_text="Send back in `chosen` to keep it")
    title = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    sources = serializers.ListField(child=serializers.CharField(), read_only=True)
    case_id = serializers.IntegerField(read_only=True, allow_null=True)


class RoomItemSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    notice = serializers.CharField(read_only=True, help_text="Why the item is withheld")
    decisions = serializers.CharField(read_only=True)


class RoomSerializer(serializers.Serializer[Any]):
    withheld = serializers.IntegerField(source="redactions", read_only=True)
    items = RoomItemSerializer(many=True, read_only=True)


def _record(actor: Any, meeting: Meeting) -> dict[str, Any]:
    items = []
    for r in queries.meeting_record(actor, meeting):
        items.append(
            {
                "id": r.item.pk,
                "position": r.item.position,
                "title": r.item.title,
                "reason": r.item.reason,
                "source": r.item.source,
                "case": r.item.case_id,
                "person": r.item.person_id,
                "decisions": r.item.decisions,
                "notes": [
                    {
                        "agency": n.note.agency.name,
                        "text": n.note.text if n.readable else "",
                        "restricted_category": n.note.restricted_category,
                        "handling_code": n.note.handling_code,
                        "conditions": n.note.conditions if n.readable else "",
                        "withheld": not n.readable,
                    }
                    for n in r.notes
                ],
                "actions": decorate(r.actions),
            }
        )
    data = dict(MeetingSerializer(meeting).data)
    data["invitations"] = InvitationSerializer(
        meeting.invitations.select_related("agency"), many=True
    ).data
    data["items"] = ItemSerializer(items, many=True).data
    data["minutes"] = MinutesSerializer(queries.minutes_of(actor, meeting), many=True).data
    return data


# --- input ---------------------------------------------------------------------------------


class ScheduleSerializer(serializers.Serializer[dict[str, Any]]):
    meeting_type = serializers.CharField(
        max_length=40, help_text="A code from meeting_types.yaml: mace, mase, strategy_child…"
    )
    held_at = serializers.DateTimeField()
    title = serializers.CharField(max_length=200, required=False, default="")
    location = serializers.CharField(max_length=200, required=False, default="")
    case = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class AgendaSetSerializer(serializers.Serializer[dict[str, Any]]):
    chosen = serializers.ListField(child=serializers.CharField(max_length=60), default=list)
    added = serializers.ListField(child=serializers.CharField(max_length=300), default=list)


class AttendanceLineSerializer(serializers.Serializer[dict[str, Any]]):
    agency = serializers.IntegerField(min_value=1)
    attendance = serializers.ChoiceField(choices=Attendance.choices)
    attendees = serializers.CharField(max_length=300, required=False, default="")


class AttendanceSerializer(serializers.Serializer[dict[str, Any]]):
    lines = AttendanceLineSerializer(many=True)


class ItemRecordSerializer(serializers.Serializer[dict[str, Any]]):
    decisions = serializers.CharField(required=False, allow_null=True, default=None)
    note_text = serializers.CharField(required=False, allow_blank=True, default="")
    note_agency = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    restricted_category = serializers.CharField(required=False, allow_blank=True, default="")
    handling_code = serializers.ChoiceField(
        choices=HandlingCode.choices, required=False, allow_blank=True, default=""
    )
    conditions = serializers.CharField(required=False, allow_blank=True, default="")


class NewActionSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=300)
    owner_agency = serializers.IntegerField(min_value=1)
    owner_user = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    due_working_days = serializers.IntegerField(
        min_value=1, max_value=260, required=False, allow_null=True
    )


class IssueSerializer(serializers.Serializer[dict[str, Any]]):
    correction_reason = serializers.CharField(required=False, allow_blank=True, default="")


class PlanWriteSerializer(serializers.Serializer[dict[str, Any]]):
    goals = serializers.ListField(child=serializers.CharField(max_length=500))
    person_words = serializers.CharField()
    review_on = serializers.DateField()
    review_note = serializers.CharField(required=False, allow_blank=True, default="")


class PlanVersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(read_only=True)
    goals = serializers.ListField(child=serializers.CharField(), read_only=True)
    person_words = serializers.CharField(read_only=True)
    review_on = serializers.DateField(read_only=True)
    review_note = serializers.CharField(read_only=True)
    written_by = UserNameField()
    written_at = serializers.DateTimeField(read_only=True)


class WordsSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(read_only=True, help_text="same, added or removed")
    text = serializers.CharField(read_only=True)


class PlanDiffSerializer(serializers.Serializer[Any]):
    older = serializers.IntegerField(source="older.version", read_only=True)
    newer = serializers.IntegerField(source="newer.version", read_only=True)
    goals_added = serializers.ListField(child=serializers.CharField(), read_only=True)
    goals_removed = serializers.ListField(child=serializers.CharField(), read_only=True)
    goals_kept = serializers.ListField(child=serializers.CharField(), read_only=True)
    words = WordsSerializer(many=True, read_only=True)
    review_moved = serializers.ListField(
        child=serializers.DateField(), read_only=True, allow_null=True
    )


class PlanSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField(read_only=True)
    versions = PlanVersionSerializer(many=True, read_only=True)
    changes = PlanDiffSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)


# --- views ---------------------------------------------------------------------------------


class MeetingListView(ActorAPIView):
    """Meetings (the hub). POST schedules one (the hub's caseworkers)."""

    @extend_schema(
        operation_id="meetings_list",
        responses={200: MeetingSerializer(many=True), **problems(401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        meetings = queries.meeting_list(self.actor)[:200]
        return Response(MeetingSerializer(meetings, many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="meetings_schedule",
        request=ScheduleSerializer,
        responses={201: MeetingSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        _check_run(self.actor)
        body = ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = (
            case_queries.case_get(self.actor, data["case"], purpose="schedule a meeting")
            if data.get("case")
            else None
        )
        meeting = services.meeting_schedule(
            actor=self.actor,
            meeting_type_code=data["meeting_type"],
            held_at=data["held_at"],
            title=data["title"],
            location=data["location"],
            case=case,
        )
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingDetailView(ActorAPIView):
    """A meeting's record: invitations and attendance, items with information shared
    (restricted notes withheld unless you hold the category), decisions, actions, minutes."""

    @extend_schema(
        operation_id="meetings_retrieve",
        responses={200: MeetingRecordSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        meeting = queries.meeting_get(self.actor, pk)
        return Response(_record(self.actor, meeting))


class AgendaView(ActorAPIView):
    """GET: what Lantern proposes for the agenda. POST: set it from the proposal."""

    @extend_schema(
        operation_id="meetings_agenda_proposal",
        responses={200: ProposalSerializer(many=True), **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        _check_run(self.actor, pk)
        meeting = queries.meeting_get(self.actor, pk, purpose="set the agenda")
        return Response(
            ProposalSerializer(queries.agenda_proposal(self.actor, meeting), many=True).data
        )

    @extend_schema(
        operation_id="meetings_agenda_set",
        request=AgendaSetSerializer,
        responses={200: MeetingRecordSerializer, **problems(400, 401, 403, 404, 409)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        _check_run(self.actor, pk)
        meeting = queries.meeting_get(self.actor, pk, purpose="set the agenda")
        body = AgendaSetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.agenda_set(actor=self.actor, meeting=meeting, **body.validated_data)
        return Response(_record(self.actor, meeting))


class AttendanceView(ActorAPIView):
    """Record attendance and apologies, agency by agency."""

    @extend_schema(
        operation_id="meetings_attendance",
        request=AttendanceSerializer,
        responses={200: MeetingRecordSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        _check_run(self.actor, pk)
        meeting = queries.meeting_get(self.actor, pk, purpose="record attendance")
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lines = [
            services.AttendanceLine(
                agency_id=ln["agency"], attendance=ln["attendance"], attendees=ln["attendees"]
            )
            for ln in body.validated_data["lines"]
        ]
        services.attendance_record(actor=self.actor, meeting=meeting, lines=lines)
        return Response(_record(self.actor, meeting))


class ItemView(ActorAPIView):
    """Record information an agency shared on an item, and the decisions."""

    @extend_schema(
        operation_id="meetings_item_record",
        request=ItemRecordSerializer,
        responses={200: MeetingRecordSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        _check_run(self.actor, pk)
        item = queries.item_get(self.actor, pk)
        body = ItemRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.item_record(
            actor=self.actor,
            item=item,
            decisions=data["decisions"],
            note_text=data["note_text"],
            note_agency_id=data.get("note_agency"),
            restricted_category=data["restricted_category"],
            handling_code=data["handling_code"],
            conditions=data["conditions"],
        )
        return Response(_record(self.actor, item.meeting))


class ItemActionView(ActorAPIView):
    """Set an action agreed on an item (through the actions app)."""

    @extend_schema(
        operation_id="meetings_item_action",
        request=NewActionSerializer,
        responses={201: ActionSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        _check_run(self.actor, pk)
        item = queries.item_get(self.actor, pk)
        body = NewActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        action = services.item_action_add(
            actor=self.actor,
            item=item,
            title=data["title"],
            owner_agency_id=data["owner_agency"],
            owner_user_id=data.get("owner_user"),
            due_on=data.get("due_on"),
            due_working_days=data.get("due_working_days"),
        )
        return Response(
            ActionSerializer(decorate([action])[0]).data, status=status.HTTP_201_CREATED
        )


class RoomView(ActorAPIView):
    """The record for a shared screen, without restricted material."""

    @extend_schema(
        operation_id="meetings_room",
        responses={200: RoomSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        meeting = queries.meeting_get(self.actor, pk, purpose="room view")
        return Response(RoomSerializer(queries.room_view(self.actor, meeting)).data)


class MeetingMinutesView(ActorAPIView):
    """GET: every issued version. POST: issue the minutes (again: a correction, with its
    reason), one redacted version per invited agency."""

    @extend_schema(
        operation_id="meetings_minutes_list",
        responses={200: MinutesSerializer(many=True), **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        meeting = queries.meeting_get(self.actor, pk)
        return Response(MinutesSerializer(queries.minutes_of(self.actor, meeting), many=True).data)

    @extend_schema(
        operation_id="meetings_minutes_issue",
        request=IssueSerializer,
        responses={201: MinutesSerializer(many=True), **problems(400, 401, 403, 404, 409)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        _check_run(self.actor, pk)
        meeting = queries.meeting_get(self.actor, pk, purpose="issue minutes")
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        issued = services.minutes_issue(actor=self.actor, meeting=meeting, **body.validated_data)
        return Response(MinutesSerializer(issued, many=True).data, status=status.HTTP_201_CREATED)


class MinutesIssuedView(ActorAPIView):
    """Minutes issued to your agency."""

    @extend_schema(
        operation_id="minutes_issued_to_me",
        responses={200: MinutesSerializer(many=True), **problems(401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(MinutesSerializer(queries.minutes_issued_to(self.actor), many=True).data)


class MinutesDetailView(ActorAPIView):
    """Issued minutes as stored (the hub, or the agency they were issued to)."""

    @extend_schema(
        operation_id="minutes_retrieve",
        responses={200: MinutesDocumentSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(MinutesDocumentSerializer(queries.minutes_get(self.actor, pk)).data)


class MinutesPdfView(ActorAPIView):
    """Issued minutes as the stored PDF."""

    @extend_schema(
        operation_id="minutes_pdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY),
            **problems(401, 403, 404),
        },
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        record = queries.minutes_get(self.actor, pk, as_pdf=True)
        response = HttpResponse(bytes(record.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="minutes-{record.meeting_id}-v{record.version}.pdf"'
        )
        return response


def _plan_data(record: plans.PlanRecord) -> dict[str, Any]:
    return dict(
        PlanSerializer(
            {
                "case": record.case.pk,
                "versions": record.versions,
                "changes": plans.plan_diffs(record.versions),
                "actions": decorate(record.actions),
            }
        ).data
    )


class CasePlanView(ActorAPIView):
    """A case's multi-agency plan with every version and what changed at each review.
    POST writes it, or reviews it (a new version; say what the review found)."""

    @extend_schema(
        operation_id="plans_retrieve",
        responses={200: PlanSerializer, **problems(401, 403, 404)},
        tags=PLAN_TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_plan_data(plans.plan_for_case(self.actor, pk)))

    @extend_schema(
        operation_id="plans_write",
        request=PlanWriteSerializer,
        responses={201: PlanSerializer, **problems(400, 401, 403, 404)},
        tags=PLAN_TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        access.check(
            self.actor,
            meetings_access.may_write_plan(self.actor),
            "write or review plans",
            object_type="plan",
            object_id=pk,
        )
        case = case_queries.case_get(self.actor, pk, purpose="write the plan")
        body = PlanWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plans.plan_write(actor=self.actor, case=case, **body.validated_data)
        return Response(
            _plan_data(plans.plan_for_case(self.actor, pk)), status=status.HTTP_201_CREATED
        )


class PlanActionView(ActorAPIView):
    """Add an action to a case's plan."""

    @extend_schema(
        operation_id="plans_action",
        request=NewActionSerializer,
        responses={201: ActionSerializer, **problems(400, 401, 403, 404, 422)},
        tags=PLAN_TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        access.check(
            self.actor,
            meetings_access.may_write_plan(self.actor),
            "add actions to plans",
            object_type="plan",
            object_id=pk,
        )
        record = plans.plan_for_case(self.actor, pk)
        if record.plan is None:
            from lantern.core.errors import DomainError

            raise DomainError("Write the plan before adding actions to it")
        body = NewActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        action = plans.plan_action_add(
            actor=self.actor,
            plan=record.plan,
            title=data["title"],
            owner_agency_id=data["owner_agency"],
            owner_user_id=data.get("owner_user"),
            due_on=data.get("due_on"),
            due_working_days=data.get("due_working_days"),
        )
        return Response(
            ActionSerializer(decorate([action])[0]).data, status=status.HTTP_201_CREATED
        )
