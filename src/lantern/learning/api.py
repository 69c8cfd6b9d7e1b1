"""Learning over the API: the learning set's suppressed figures and its k-anonymous rows,
learning packs out and in, and the comparison with another area. The same queries and
services as the pages; every call audited; errors are RFC 9457 problems."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.core.api import ActorAPIView, problems, query_text
from lantern.learning import anonymity, queries, services
from lantern.learning import pack as packs
from lantern.learning.models import ImportedPack
from lantern.reporting.api import PublishedTableSerializer

TAGS = ["learning"]
PERIOD = OpenApiParameter("period", OpenApiTypes.STR, description="A quarter, e.g. 2026Q3")


class LearningFiguresSerializer(serializers.Serializer[Any]):
    generalisation_level = serializers.IntegerField(allow_null=True)
    withheld = serializers.CharField(help_text="Why the figures are withheld, if they are")
    tables = PublishedTableSerializer(many=True)


class LearningFiguresView(ActorAPIView):
    """The perpetrator learning set's aggregate figures, suppressed."""

    @extend_schema(
        operation_id="learning_figures_retrieve",
        responses={200: LearningFiguresSerializer, **problems(401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        found = queries.overview(self.actor)
        return Response(
            {
                "generalisation_level": found.level.number if found.level else None,
                "withheld": found.refused,
                "tables": PublishedTableSerializer(found.tables, many=True).data,  # type: ignore[arg-type]
            }
        )


class LearningSetSerializer(serializers.Serializer[Any]):
    k = serializers.IntegerField()
    quasi_identifiers = serializers.ListField(child=serializers.CharField())
    generalisation_level = serializers.IntegerField()
    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="One row per person of concern; columns as in docs/learning.md",
    )


class LearningSetView(ActorAPIView):
    """The anonymised learning set (k-anonymous, or refused with a 422 problem). Audited as
    an export."""

    @extend_schema(
        operation_id="learning_set_retrieve",
        responses={200: LearningSetSerializer, **problems(401, 403, 422)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        found = queries.learning_set_export(self.actor, "api")
        return Response(
            {
                "k": found.k,
                "quasi_identifiers": list(anonymity.QUASI_IDENTIFIERS),
                "generalisation_level": found.level.number,
                "rows": found.rows,
            }
        )


class PackView(ActorAPIView):
    """This area's learning pack for a quarter (the schema is at
    ``/api/learning/pack-schema/``). Audited as an export."""

    @extend_schema(
        operation_id="learning_pack_retrieve",
        parameters=[PERIOD],
        responses={200: OpenApiTypes.OBJECT, **problems(400, 401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        period = query_text(request, "period", max_length=10) or None
        return Response(queries.pack_export(self.actor, period, "api").content)


class PackSchemaView(ActorAPIView):
    """The published JSON Schema of learning packs (not person data)."""

    @extend_schema(
        operation_id="learning_pack_schema",
        responses={200: OpenApiTypes.OBJECT, **problems(401)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(packs.schema())


class ImportedPackSerializer(serializers.ModelSerializer[ImportedPack]):
    class Meta:
        model = ImportedPack
        fields = ("id", "area_name", "area_code", "period", "format_version", "imported_at")


class PackListView(ActorAPIView):
    """Other areas' packs: list them, or import one (the body is the pack itself)."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="learning_packs_list",
        responses={200: ImportedPackSerializer(many=True), **problems(401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(ImportedPackSerializer(queries.imported_packs(self.actor), many=True).data)

    @extend_schema(
        operation_id="learning_packs_import",
        request=OpenApiTypes.OBJECT,
        responses={201: ImportedPackSerializer, **problems(400, 401, 403, 409)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = request.body if request.body else b""
        imported = services.pack_import(actor=self.actor, raw=body, source_name="api")
        return Response(
            ImportedPackSerializer(imported).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-learning-pack-compare", args=[imported.pk])},
        )


class ComparedTableSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    comparable = serializers.BooleanField()
    why_not = serializers.CharField()
    col_labels = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.DictField())


class ComparisonSerializer(serializers.Serializer[Any]):
    area_name = serializers.CharField()
    period = serializers.CharField()
    tables = ComparedTableSerializer(many=True)


class PackCompareView(ActorAPIView):
    """Another area's pack beside ours for the same quarter, like for like; or remove the
    imported pack (the hub manager)."""

    @extend_schema(
        operation_id="learning_packs_remove",
        responses={204: None, **problems(401, 403, 404, 409)},
        tags=TAGS,
    )
    def delete(self, request: Request, pk: int) -> Response:
        pack = queries.imported_pack_to_remove(self.actor, pk)
        services.pack_remove(actor=self.actor, pack=pack)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="learning_pack_compare",
        responses={200: ComparisonSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        found = queries.comparison(self.actor, pk)
        return Response(
            {
                "area_name": found.theirs.area_name,
                "period": found.theirs.period,
                "tables": [
                    {
                        "key": t.key,
                        "title": t.title,
                        "comparable": t.comparable,
                        "why_not": t.why_not,
                        "col_labels": t.col_labels,
                        "rows": [
                            {
                                "label": r.label,
                                "ours": [c[0] for c in r.cells],
                                "theirs": [c[1] for c in r.cells],
                                "total": {"ours": r.total[0], "theirs": r.total[1]},
                            }
                            for r in t.rows
                        ],
                    }
                    for t in found.tables
                ],
            }
        )
