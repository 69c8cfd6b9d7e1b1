"""Actions in the API: reads through :mod:`lantern.actions.queries`, writes through
:mod:`lantern.actions.services`, under the same access policy and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.actions import access as actions_access
from lantern.actions import queries, services
from lantern.actions.models import Action, ActionStatus
from lantern.core import access
from lantern.core.api import (
    ActorAPIView,
    ActorListAPIView,
    AgencyRefSerializer,
    UserNameField,
    problems,
    query_text,
)

TAGS = ["actions"]


class ActionSerializer(serializers.Serializer[Action]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    owner_agency = AgencyRefSerializer(read_only=True)
    owner_user = UserNameField()
    due_on = serializers.DateField(read_only=True)
    status = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    source_kind = serializers.CharField(read_only=True)
    source_id = serializers.IntegerField(read_only=True, allow_null=True)
    source_label = serializers.CharField(read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True, allow_null=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    overdue = serializers.BooleanField(read_only=True, default=False)
    days_overdue = serializers.IntegerField(
        read_only=True, default=0, help_text="Working days since it fell due"
    )


class ActionCreateSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=300)
    owner_agency = serializers.IntegerField(min_value=1)
    owner_user = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True, help_text="Or due_working_days")
    due_working_days = serializers.IntegerField(
        min_value=1, max_value=260, required=False, allow_null=True
    )
    case = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class ActionUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    outcome = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed to close an action"
    )


class ChaseSerializer(serializers.Serializer[dict[str, Any]]):
    agency = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ChasedSerializer(serializers.Serializer[Any]):
    chased = serializers.IntegerField(read_only=True, help_text="How many actions were chased")


class AgencyOverdueSerializer(serializers.Serializer[Any]):
    agency = AgencyRefSerializer(read_only=True)
    count = serializers.IntegerField(read_only=True)
    actions = ActionSerializer(many=True, read_only=True)


@extend_schema_view(
    get=extend_schema(
        operation_id="actions_list",
        parameters=[
            OpenApiParameter("scope", enum=list(queries.SCOPES), description="mine (default)"),
            OpenApiParameter("state", enum=["live", "closed", "all"]),
        ],
        responses={200: ActionSerializer(many=True), **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
)
class ActionListView(ActorListAPIView):
    """Your actions, your agency's, or (the hub) every agency's; POST sets one (the hub)."""

    serializer_class = ActionSerializer

    def query(self) -> QuerySet[Any]:
        scope = query_text(self.request, "scope", max_length=10) or "mine"
        state = query_text(self.request, "state", max_length=10) or "live"
        if scope not in queries.SCOPES:
            raise exceptions.ValidationError({"scope": ["Use mine, agency or all"]})
        if state not in ("live", "closed", "all"):
            raise exceptions.ValidationError({"state": ["Use live, closed or all"]})
        return queries.action_list(self.actor, scope=scope, state=state)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = queries.decorate(list(page or []))
        return self.get_paginated_response(ActionSerializer(rows, many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="actions_create",
        request=ActionCreateSerializer,
        responses={201: ActionSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        from lantern.cases import queries as case_queries

        access.check(
            self.actor, actions_access.may_create(self.actor), "set actions", object_type="action"
        )
        body = ActionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = (
            case_queries.case_get(self.actor, data["case"], purpose="set an action")
            if data.get("case")
            else None
        )
        action = services.action_create(
            actor=self.actor,
            title=data["title"],
            owner_agency_id=data["owner_agency"],
            owner_user_id=data.get("owner_user"),
            due_on=data.get("due_on"),
            due_working_days=data.get("due_working_days"),
            case=case,
        )
        return Response(
            ActionSerializer(queries.decorate([action])[0]).data, status=status.HTTP_201_CREATED
        )


class ActionDetailView(ActorAPIView):
    """One action; POST moves it on (an action is closed only with an outcome)."""

    @extend_schema(
        operation_id="actions_retrieve",
        responses={200: ActionSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        action = queries.action_get(self.actor, pk)
        return Response(ActionSerializer(queries.decorate([action])[0]).data)

    @extend_schema(
        operation_id="actions_update",
        request=ActionUpdateSerializer,
        responses={200: ActionSerializer, **problems(400, 401, 403, 404, 409)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        action = queries.action_get(self.actor, pk)
        body = ActionUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        updated = services.action_update(actor=self.actor, action=action, **body.validated_data)
        return Response(ActionSerializer(queries.decorate([updated])[0]).data)


class OverdueView(ActorAPIView):
    """Overdue actions (in working days) by owning agency: the hub's managers."""

    @extend_schema(
        operation_id="actions_overdue",
        responses={200: AgencyOverdueSerializer(many=True), **problems(401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        groups = queries.overdue_by_agency(self.actor)
        return Response(AgencyOverdueSerializer(groups, many=True).data)


class ChaseView(ActorAPIView):
    """Chase an agency about every overdue action it owns (recorded and audited)."""

    @extend_schema(
        operation_id="actions_chase",
        request=ChaseSerializer,
        responses={200: ChasedSerializer, **problems(400, 401, 403, 409)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        access.check(
            self.actor,
            actions_access.may_oversee(self.actor),
            "chase agencies about actions",
            object_type="action",
        )
        body = ChaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = services.action_chase_agency(
            actor=self.actor,
            agency_id=body.validated_data["agency"],
            note=body.validated_data["note"],
        )
        return Response({"chased": count})
