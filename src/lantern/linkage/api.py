"""Record linkage in the API: candidate matches, the review queue, decisions, merges.

Every read goes through :mod:`lantern.linkage.queries` and every write through
:mod:`lantern.linkage.services`, which apply the access policy and write the audit entry.
Errors are problem details; deciding a pair someone else is reviewing is a 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.core import access
from lantern.core.api import (
    ActorAPIView,
    ActorListAPIView,
    AgencyRefSerializer,
    UserNameField,
    problems,
    query_text,
)
from lantern.core.limits import MAX_TEXT
from lantern.core.problems import problem_response
from lantern.imports.layout import PERSON_COLUMNS
from lantern.linkage import access as linkage_access
from lantern.linkage import queries, services
from lantern.linkage.models import Decision
from lantern.people import queries as people_queries

TAGS = ["linkage"]
MATCH_FIELDS = PERSON_COLUMNS


# --- serializers -------------------------------------------------------------------------


class SourceRecordSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    agency = AgencyRefSerializer(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]
    record_id = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    middle_names = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True, allow_null=True)
    dob_precision = serializers.CharField(read_only=True)
    sex = serializers.CharField(read_only=True)
    nhs_number = serializers.CharField(read_only=True)
    nhs_number_valid = serializers.BooleanField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    person_id = serializers.IntegerField(read_only=True, allow_null=True)


class ContributionSerializer(serializers.Serializer[Any]):
    comparison = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    weight = serializers.FloatField(read_only=True)
    tf_weight = serializers.FloatField(read_only=True)


class CandidateMatchSerializer(serializers.Serializer[Any]):
    record = SourceRecordSerializer(read_only=True)
    person_reference = serializers.SerializerMethodField()
    match_probability = serializers.FloatField(source="probability", read_only=True)
    match_weight = serializers.FloatField(source="weight", read_only=True)
    contributions = ContributionSerializer(many=True, read_only=True)

    def get_person_reference(self, match: Any) -> str | None:
        return match.person.reference if match.person is not None else None


class MatchResultSerializer(serializers.Serializer[Any]):
    """For the hub, ``matches``; for an agency, only ``known_to_hub``."""

    model_version = serializers.IntegerField(read_only=True, allow_null=True)
    matches = CandidateMatchSerializer(many=True, read_only=True, allow_null=True)
    known_to_hub = serializers.BooleanField(read_only=True, allow_null=True)


class PairSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    record_l = SourceRecordSerializer(read_only=True)
    record_r = SourceRecordSerializer(read_only=True)
    match_probability = serializers.FloatField(read_only=True)
    match_weight = serializers.FloatField(read_only=True)
    status = serializers.CharField(read_only=True)
    unsure_count = serializers.IntegerField(read_only=True)
    claimed_by = UserNameField()
    claimed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class WaterfallBarSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    detail = serializers.CharField(read_only=True)
    weight = serializers.FloatField(read_only=True)
    end = serializers.FloatField(read_only=True)


class PairDetailSerializer(PairSerializer):
    prior_weight = serializers.FloatField(read_only=True)
    waterfall = serializers.SerializerMethodField()

    @extend_schema_field(WaterfallBarSerializer(many=True))
    def get_waterfall(self, pair: Any) -> list[dict[str, Any]]:
        return [dict(WaterfallBarSerializer(bar).data) for bar in queries.waterfall(pair).bars]


class DecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=Decision.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)


class LabelSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    decision = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    decided_by = UserNameField()
    decided_at = serializers.DateTimeField(read_only=True)


class ModelSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    upper_threshold = serializers.FloatField(read_only=True)
    lower_threshold = serializers.FloatField(read_only=True)
    records_trained_on = serializers.IntegerField(read_only=True)
    labels_used = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class MergeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    survivor = serializers.IntegerField(source="survivor_id", read_only=True)
    absorbed = serializers.IntegerField(source="absorbed_id", read_only=True)
    kind = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    merged_by = UserNameField()
    merged_at = serializers.DateTimeField(read_only=True)
    undone_at = serializers.DateTimeField(read_only=True, allow_null=True)
    undo_reason = serializers.CharField(read_only=True)


class MergeRequestSerializer(serializers.Serializer[Any]):
    survivor = serializers.IntegerField(help_text="The person kept")
    absorbed = serializers.IntegerField(help_text="The person merged into them")
    reason = serializers.CharField(max_length=MAX_TEXT)


class UndoRequestSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=MAX_TEXT)
    choices = serializers.DictField(
        child=serializers.ChoiceField(choices=["survivor", "absorbed"]),
        required=False,
        help_text="For rows added since the merge: their key (from the page) and the side",
    )


# --- views -------------------------------------------------------------------------------


def _conflict_or_raise(exc: DjangoValidationError) -> Response:
    if getattr(exc, "code", "") in {"claimed", "decided"}:
        return problem_response(409, " ".join(exc.messages))
    raise exc


class CandidatesView(ActorAPIView):
    """Agency records that may be this person, ranked by match probability.

    The hub gets the records; an agency gets only whether the hub knows such a person.
    Fast enough to call as someone types.
    """

    @extend_schema(
        operation_id="linkage_candidates",
        parameters=[
            OpenApiParameter(name, str, description=name.replace("_", " ")) for name in MATCH_FIELDS
        ],
        responses={200: MatchResultSerializer, **problems(400, 401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        details = {name: query_text(request, name) for name in MATCH_FIELDS}
        result = queries.candidate_matches(self.actor, details)
        return Response(MatchResultSerializer(result).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="linkage_queue",
        responses={200: PairSerializer(many=True), **problems(401, 403)},
        tags=TAGS,
    )
)
class QueueView(ActorListAPIView):
    """Pairs waiting for a person to decide, most likely matches first."""

    serializer_class = PairSerializer

    def query(self) -> Any:
        return queries.review_queue(self.actor)


class PairView(ActorAPIView):
    """One pair: both records, the match weight and what pushed it up or down."""

    @extend_schema(
        operation_id="linkage_pair",
        responses={200: PairDetailSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        view = queries.pair_view(self.actor, pk)
        return Response(PairDetailSerializer(view.pair, context=self.get_serializer_context()).data)


class PairDecisionView(ActorAPIView):
    """Decide a pair: match (the two people merge), not a match, or not sure (with a note)."""

    @extend_schema(
        operation_id="linkage_pair_decision",
        request=DecisionSerializer,
        responses={201: LabelSerializer, **problems(400, 401, 403, 404, 409)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        pair = queries.pair_get(self.actor, pk)
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            label = services.pair_decide(
                actor=self.actor,
                pair=pair,
                decision=data.validated_data["decision"],
                note=data.validated_data.get("note", ""),
            )
        except DjangoValidationError as exc:
            return _conflict_or_raise(exc)
        return Response(LabelSerializer(label).data, status=201)


@extend_schema_view(
    get=extend_schema(
        operation_id="linkage_models",
        responses={200: ModelSerializer(many=True), **problems(401, 403)},
        tags=TAGS,
    )
)
class ModelListView(ActorListAPIView):
    """Trained linkage models, newest first; the one in use is ``is_active``."""

    serializer_class = ModelSerializer

    def query(self) -> Any:
        return queries.model_list(self.actor)


class PersonRecordsView(ActorAPIView):
    """The agency records linked to a person: all of them for the hub, an agency's own
    otherwise."""

    @extend_schema(
        operation_id="linkage_person_records",
        responses={200: SourceRecordSerializer(many=True), **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        person = people_queries.person_get(self.actor, pk, purpose="records held by agencies")
        linkage = queries.person_linkage(self.actor, person)
        records = [r for group in (linkage.groups if linkage else []) for r in group.records]
        return Response(SourceRecordSerializer(records, many=True).data)


class MergeCreateView(ActorAPIView):
    """Merge two people by hand, with a reason. Reversible with ``…/undo/``."""

    @extend_schema(
        operation_id="linkage_merge",
        request=MergeRequestSerializer,
        responses={201: MergeSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        access.check(self.actor, linkage_access.may_merge_people(self.actor), "merge people")
        data = MergeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        survivor = people_queries.person_get(
            self.actor, data.validated_data["survivor"], purpose="merge people"
        )
        absorbed = people_queries.person_get(
            self.actor, data.validated_data["absorbed"], purpose="merge people"
        )
        merge = services.people_merge(
            actor=self.actor,
            survivor=survivor,
            absorbed=absorbed,
            reason=data.validated_data["reason"],
        )
        return Response(MergeSerializer(merge).data, status=201)


class MergeDetailView(ActorAPIView):
    """One merge: who was kept, who was merged, why, and whether it was undone."""

    @extend_schema(
        operation_id="linkage_merge_detail",
        responses={200: MergeSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        view = queries.merge_view(self.actor, pk)
        return Response(MergeSerializer(view.merge).data)


class MergeUndoView(ActorAPIView):
    """Unmerge exactly: what the merge moved goes back; the reason is recorded."""

    @extend_schema(
        operation_id="linkage_merge_undo",
        request=UndoRequestSerializer,
        responses={200: MergeSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        merge = queries.merge_get(self.actor, pk)
        data = UndoRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        undone = services.merge_undo(
            actor=self.actor,
            merge=merge,
            reason=data.validated_data["reason"],
            choices=data.validated_data.get("choices") or {},
        )
        return Response(MergeSerializer(undone).data)
