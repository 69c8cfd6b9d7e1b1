"""Cases and the multi-agency chronology in the API.

Reads go through :mod:`lantern.cases.queries`, writes through :mod:`lantern.cases.services`.
A restricted chronology entry the caller may not read comes back as a stub (date, source
agency, category) so that they know it exists and can ask the hub for access.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.cases import access as cases_access
from lantern.cases import queries, services
from lantern.cases.models import Case, CaseStatus, ChronologyEntry, Significance
from lantern.core.access import RestrictedCategory
from lantern.core.api import (
    ActorAPIView,
    ActorListAPIView,
    AgencyRefSerializer,
    TermSerializer,
    UserNameField,
    VocabularySerializer,
    VocabularyView,
    problems,
    query_flag,
    query_text,
)
from lantern.core.pagination import PagePagination
from lantern.core.vocab import vocabulary
from lantern.people.api import PersonSummarySerializer

TAGS = ["cases"]
CHRONOLOGY_TAGS = ["chronology"]


# --- output ---------------------------------------------------------------------------


class CaseSummarySerializer(serializers.Serializer[Case]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    opened_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    person = PersonSummarySerializer(read_only=True)
    lead_professional = UserNameField()


class CaseAgencySerializer(serializers.Serializer[Any]):
    agency = AgencyRefSerializer(read_only=True)
    joined_at = serializers.DateTimeField(read_only=True)


class CaseDetailSerializer(CaseSummarySerializer):
    summary = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    agencies = serializers.SerializerMethodField(help_text="Agencies now in the case")

    @extend_schema_field(CaseAgencySerializer(many=True))
    def get_agencies(self, case: Case) -> list[dict[str, Any]]:
        return [dict(CaseAgencySerializer(m).data) for m in self.context.get("agencies", [])]


class ChronologyEntrySerializer(serializers.Serializer[ChronologyEntry]):
    """An entry you may read in full."""

    id = serializers.IntegerField(read_only=True)
    occurred_on = serializers.DateField(read_only=True)
    occurred_time = serializers.TimeField(read_only=True, allow_null=True)
    event_type = serializers.CharField(read_only=True)
    event_type_label = serializers.SerializerMethodField()
    significance = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    source_agency = AgencyRefSerializer(read_only=True)
    author = UserNameField()
    recorded_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    amended_at = serializers.DateTimeField(read_only=True, allow_null=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    restricted = serializers.SerializerMethodField(
        help_text="True only when the content is withheld from you"
    )
    restricted_category = serializers.CharField(
        read_only=True, help_text="The restricted category, if any; empty otherwise"
    )

    def get_event_type_label(self, entry: ChronologyEntry) -> str:
        return vocabulary("cases", "event_types").label(entry.event_type)

    def get_restricted(self, entry: ChronologyEntry) -> bool:
        return False


class RestrictedEntrySerializer(serializers.Serializer[ChronologyEntry]):
    """A restricted entry you may not read: only that it exists, when, who holds it, and its
    category. Ask a manager for access, giving your reason."""

    id = serializers.IntegerField(read_only=True)
    occurred_on = serializers.DateField(read_only=True)
    source_agency = AgencyRefSerializer(read_only=True)
    restricted = serializers.SerializerMethodField()
    restricted_category = serializers.CharField(read_only=True)

    def get_restricted(self, entry: ChronologyEntry) -> bool:
        return True


def _chronology_item(*, many: bool = False) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="ChronologyItem",
        serializers=[ChronologyEntrySerializer, RestrictedEntrySerializer],
        resource_type_field_name=None,
        many=many,
    )


CHRONOLOGY_ITEM = _chronology_item()
CHRONOLOGY_ITEMS = _chronology_item(many=True)


def entry_data(entry: ChronologyEntry, *, readable: bool) -> dict[str, Any]:
    """An entry as this caller may see it: in full, or as a restricted stub."""
    if readable:
        return dict(ChronologyEntrySerializer(entry).data)
    return dict(RestrictedEntrySerializer(entry).data)


class PersonRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class RevisionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(read_only=True)
    previous = serializers.DictField(
        read_only=True, help_text="What the entry said in this version, before the correction"
    )
    reason = serializers.CharField(read_only=True)
    amended_by = UserNameField()
    amended_at = serializers.DateTimeField(read_only=True)


class ChronologyEntryDetailSerializer(ChronologyEntrySerializer):
    person = PersonRefSerializer(read_only=True)
    revisions = serializers.SerializerMethodField()

    @extend_schema_field(RevisionSerializer(many=True))
    def get_revisions(self, entry: ChronologyEntry) -> list[dict[str, Any]]:
        revisions = list(reversed(queries.entry_revisions(entry)))
        return [dict(RevisionSerializer(r).data) for r in revisions]


# --- input ----------------------------------------------------------------------------


class ChronologyQuerySerializer(serializers.Serializer[dict[str, Any]]):
    agency = serializers.ListField(child=serializers.IntegerField(min_value=1), default=list)
    event_type = serializers.ListField(child=serializers.CharField(max_length=40), default=list)
    significance = serializers.ListField(
        child=serializers.ChoiceField(choices=Significance.choices), default=list
    )
    page = serializers.IntegerField(min_value=1, default=1)

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        # "from" and "to" are what people type; they cannot be Python attribute names.
        fields["from"] = serializers.DateField(required=False, allow_null=True)
        fields["to"] = serializers.DateField(required=False, allow_null=True)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError({"to": "The end date must not be before the start"})
        return attrs


class ChronologyAddSerializer(serializers.Serializer[dict[str, Any]]):
    occurred_on = serializers.DateField(help_text="YYYY-MM-DD; today or in the past")
    occurred_time = serializers.TimeField(allow_null=True, default=None)
    event_type = serializers.CharField(max_length=40, help_text="A code from /api/event-types/")
    summary = serializers.CharField(
        help_text=f"What happened (up to {services.MAX_SUMMARY:,} characters)"
    )
    significance = serializers.ChoiceField(
        choices=Significance.choices,
        allow_blank=True,
        default="",
        help_text="Empty: the event type's usual significance",
    )
    restricted_category = serializers.ChoiceField(
        choices=RestrictedCategory.choices,
        allow_blank=True,
        default="",
        help_text="Restrict to a category your role holds; some event types always are",
    )


class ChronologyAmendSerializer(serializers.Serializer[dict[str, Any]]):
    """A correction. Omitted fields keep their current value; the old wording is kept."""

    reason = serializers.CharField(max_length=2000, help_text="Why the entry is being corrected")
    occurred_on = serializers.DateField(required=False)
    occurred_time = serializers.TimeField(required=False, allow_null=True)
    event_type = serializers.CharField(max_length=40, required=False)
    summary = serializers.CharField(required=False)
    significance = serializers.ChoiceField(choices=Significance.choices, required=False)


# --- views ----------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="cases_list",
        parameters=[
            OpenApiParameter("status", str, enum=CaseStatus.values, required=False),
            OpenApiParameter("mine", bool, required=False, description="Only cases you lead"),
        ],
        responses={200: CaseSummarySerializer(many=True), **problems(400, 401, 403)},
        tags=TAGS,
    )
)
class CaseListView(ActorListAPIView):
    """Cases you may see: the hub sees all; an agency sees the cases it is a member of."""

    serializer_class = CaseSummarySerializer

    def query(self) -> QuerySet[Case]:
        case_status = query_text(self.request, "status")
        if case_status and case_status not in CaseStatus.values:
            raise serializers.ValidationError(
                {"status": f"Use one of: {', '.join(CaseStatus.values)}"}
            )
        mine = query_flag(self.request, "mine")
        return queries.case_list(self.actor, status=case_status, mine=mine)


class CaseDetailView(ActorAPIView):
    """One case and the agencies in it. The read is audited."""

    @extend_schema(
        operation_id="cases_retrieve",
        responses={200: CaseDetailSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        case = queries.case_get(self.actor, pk, purpose=query_text(request, "purpose"))
        agencies = queries.case_agencies(case)
        return Response(CaseDetailSerializer(case, context={"agencies": agencies}).data)


class CaseChronologyView(ActorAPIView):
    """The person's multi-agency chronology, newest first, 100 to a page; or add an event."""

    pagination_class = PagePagination

    @extend_schema(
        operation_id="cases_chronology_list",
        parameters=[
            OpenApiParameter(
                "agency",
                int,
                many=True,
                required=False,
                description="Only entries from these agencies (ids)",
            ),
            OpenApiParameter("event_type", str, many=True, required=False),
            OpenApiParameter(
                "significance", str, many=True, required=False, enum=Significance.values
            ),
            OpenApiParameter("from", str, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("page", int, required=False),
        ],
        responses={200: CHRONOLOGY_ITEMS, **problems(400, 401, 403, 404)},
        tags=CHRONOLOGY_TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        case = queries.case_get(self.actor, pk, purpose="read the chronology")
        params = ChronologyQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        filters = queries.ChronologyFilter(
            agencies=query["agency"],
            event_types=query["event_type"],
            significance=query["significance"],
            date_from=query.get("from"),
            date_to=query.get("to"),
        )
        page = queries.chronology_page(self.actor, case, filters, query["page"])
        paginator = self.pagination_class()
        entries = paginator.adopt(page, request)
        return paginator.get_paginated_response(
            [entry_data(e, readable=bool(getattr(e, "readable", False))) for e in entries]
        )

    @extend_schema(
        operation_id="cases_chronology_create",
        request=ChronologyAddSerializer,
        responses={201: CHRONOLOGY_ITEM, **problems(400, 401, 403, 404)},
        tags=CHRONOLOGY_TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        case = queries.case_get(self.actor, pk, purpose="add to the chronology")
        body = ChronologyAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.chronology_add(actor=self.actor, case=case, **body.validated_data)
        return Response(
            entry_data(entry, readable=cases_access.can_read_entry(self.actor, entry)),
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-chronology-entry", args=[entry.pk])},
        )


class ChronologyEntryView(ActorAPIView):
    """One entry with every earlier version (refused, and audited, if restricted from you)."""

    @extend_schema(
        operation_id="chronology_retrieve",
        responses={200: ChronologyEntryDetailSerializer, **problems(401, 403, 404)},
        tags=CHRONOLOGY_TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        entry = queries.entry_get(self.actor, pk)
        return Response(ChronologyEntryDetailSerializer(entry).data)


class ChronologyAmendView(ActorAPIView):
    """Correct an entry (its own agency or the hub). What it said before is kept."""

    @extend_schema(
        operation_id="chronology_amend",
        request=ChronologyAmendSerializer,
        responses={200: ChronologyEntryDetailSerializer, **problems(400, 401, 403, 404)},
        tags=CHRONOLOGY_TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        entry = queries.entry_get(self.actor, pk)
        body = ChronologyAmendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        amended = services.chronology_amend(
            actor=self.actor,
            entry=entry,
            reason=data["reason"],
            occurred_on=data.get("occurred_on", entry.occurred_on),
            occurred_time=data.get("occurred_time", entry.occurred_time),
            event_type=data.get("event_type", entry.event_type),
            summary=data.get("summary", entry.summary),
            significance=data.get("significance", entry.significance),
        )
        return Response(ChronologyEntryDetailSerializer(amended).data)


class EventTypeTermSerializer(TermSerializer):
    significance = serializers.CharField(read_only=True)
    restricted_category = serializers.CharField(read_only=True)
    children_only = serializers.BooleanField(read_only=True)


class EventTypeVocabularySerializer(VocabularySerializer):
    terms = EventTypeTermSerializer(many=True, read_only=True)


@extend_schema_view(
    get=extend_schema(
        operation_id="event_types",
        responses={200: EventTypeVocabularySerializer, **problems(401)},
        tags=["vocabularies"],
    )
)
class EventTypesView(VocabularyView):
    """Chronology event types, with their usual significance and any restricted category."""

    app = "cases"
    vocabulary_name = "event_types"
    serializer_class = EventTypeVocabularySerializer
