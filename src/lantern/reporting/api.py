"""The board's figures, reports and recommendations over the API: the same queries, the
same suppression (only published text is served), every download audited."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.core.api import ActorAPIView, problems, query_text
from lantern.reporting import queries
from lantern.reporting.models import Recommendation

TAGS = ["board reporting"]
PERIOD = OpenApiParameter("period", OpenApiTypes.STR, description="A quarter, e.g. 2026Q3")


class PublishedTableSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    policy = serializers.CharField()
    row_labels = serializers.ListField(child=serializers.CharField())
    col_labels = serializers.ListField(child=serializers.CharField())
    cells = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    row_totals = serializers.ListField(child=serializers.CharField())
    col_totals = serializers.ListField(child=serializers.CharField())
    total = serializers.CharField()


class FiguresSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    collection = serializers.CharField()
    refreshed_at = serializers.DateTimeField(allow_null=True)
    tables = PublishedTableSerializer(many=True)


class FiguresView(ActorAPIView):
    """The board's figures (or a national return) for one quarter, suppressed."""

    @extend_schema(
        operation_id="board_figures_retrieve",
        parameters=[PERIOD],
        responses={200: FiguresSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, collection: str = "dashboard") -> Response:
        found = queries.figures_export(
            self.actor, query_text(request, "period", max_length=10) or None, collection, "api"
        )
        return Response(
            {
                "period": found.period.key,
                "collection": found.collection,
                "refreshed_at": found.snapshot.refreshed_at if found.snapshot else None,
                "tables": PublishedTableSerializer(found.tables, many=True).data,  # type: ignore[arg-type]
            }
        )


class ReportSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    status = serializers.CharField()
    narrative = serializers.CharField()
    issued_at = serializers.DateTimeField(allow_null=True)
    issued_sha256 = serializers.CharField()
    tables = PublishedTableSerializer(many=True)


class ReportView(ActorAPIView):
    """A quarterly board report: as issued, or the draft."""

    @extend_schema(
        operation_id="board_report_retrieve",
        responses={200: ReportSerializer, **problems(400, 401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request, period: str) -> Response:
        view = queries.report(self.actor, period, fmt="api")
        return Response(
            {
                "period": view.period.key,
                "status": view.report.status,
                "narrative": view.report.narrative,
                "issued_at": view.report.issued_at,
                "issued_sha256": view.report.issued_sha256,
                "tables": PublishedTableSerializer(view.tables, many=True).data,  # type: ignore[arg-type]
            }
        )


class RecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = (
            "id",
            "review",
            "code",
            "scope",
            "theme",
            "text",
            "owner",
            "actions",
            "evidence_of_impact",
            "status",
            "review_date",
            "overdue",
        )

    def get_overdue(self, obj: Recommendation) -> bool:
        return obj.is_overdue()


class RecommendationListView(ActorAPIView):
    """The recommendation tracker; ``?show=overdue`` for what is overdue."""

    @extend_schema(
        operation_id="board_recommendations_list",
        parameters=[OpenApiParameter("show", OpenApiTypes.STR, enum=["overdue"])],
        responses={200: RecommendationSerializer(many=True), **problems(401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        items = queries.recommendations(
            self.actor, overdue_only=query_text(request, "show") == "overdue"
        )
        return Response(RecommendationSerializer(items, many=True).data)


class CollectionFiguresView(FiguresView):
    """A national return (``sac``, ``children``) for one quarter, suppressed."""

    @extend_schema(
        operation_id="board_collection_retrieve",
        parameters=[PERIOD],
        responses={200: FiguresSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, collection: str = "dashboard") -> Response:
        return super().get(request, collection)
