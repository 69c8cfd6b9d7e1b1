"""Risk screening in the API: the same queries, services and access policy as the pages.

Restricted answers, reasons and suggestions come back masked (``restricted: true`` and no
content) to a caller who may not read them; the level is never masked.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lantern.cases import queries as case_queries
from lantern.cases.api import ChronologyEntrySerializer
from lantern.core.api import (
    ActorAPIView,
    ActorListAPIView,
    AgencyRefSerializer,
    UserNameField,
    problems,
    query_flag,
    query_text,
)
from lantern.core.limits import MAX_TEXT
from lantern.people import queries as people_queries
from lantern.people.api import PersonSummarySerializer
from lantern.referrals import queries as referral_queries
from lantern.screening import queries, services
from lantern.screening.instruments import Answer
from lantern.screening.models import (
    AnswerChoice,
    Audience,
    CapacityAssessment,
    CapacityOutcome,
    Instrument,
    InstrumentVersion,
    Screening,
    ScreeningStatus,
    Transition,
)

TAGS = ["screening"]


# --- output ---------------------------------------------------------------------------------


class ScreeningLevelSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    rank = serializers.IntegerField(read_only=True, help_text="0 is the instrument's lowest")


class InstrumentRefSerializer(serializers.Serializer[InstrumentVersion]):
    id = serializers.IntegerField(read_only=True, help_text="The instrument version's id")
    instrument = serializers.CharField(source="instrument.code", read_only=True)
    version = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    audience = serializers.CharField(source="instrument.audience", read_only=True)


class ScreeningSummarySerializer(serializers.Serializer[Screening]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    referral = serializers.IntegerField(source="referral_id", read_only=True, allow_null=True)
    screened_on = serializers.DateField(read_only=True)
    age_at_screening = serializers.IntegerField(read_only=True, allow_null=True)
    audience = serializers.CharField(read_only=True)
    instrument = InstrumentRefSerializer(source="instrument_version", read_only=True)
    computed_level = serializers.SerializerMethodField()
    computed_score = serializers.IntegerField(read_only=True)
    level = serializers.SerializerMethodField(help_text="The professional judgement")
    judgement_differs = serializers.BooleanField(read_only=True)
    judgement_reason = serializers.CharField(read_only=True)
    next_due_on = serializers.DateField(read_only=True)
    screened_by = UserNameField()
    agency = AgencyRefSerializer(read_only=True)

    @extend_schema_field(ScreeningLevelSerializer)
    def get_computed_level(self, s: Screening) -> dict[str, Any]:
        return {"code": s.computed_level, "label": s.computed_label, "rank": s.computed_rank}

    @extend_schema_field(ScreeningLevelSerializer)
    def get_level(self, s: Screening) -> dict[str, Any]:
        return {"code": s.level, "label": s.level_label, "rank": s.level_rank}


class ScreeningAnswerSerializer(serializers.Serializer[Any]):
    """One indicator. When ``restricted`` is true the answer and evidence are withheld."""

    indicator = serializers.CharField(read_only=True)
    theme = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    restricted = serializers.BooleanField(read_only=True)
    restricted_category = serializers.CharField(read_only=True)
    answer = serializers.CharField(read_only=True, allow_null=True)
    evidence = serializers.CharField(read_only=True, allow_null=True)
    last_observed = serializers.DateField(read_only=True, allow_null=True)
    band = serializers.CharField(read_only=True, allow_null=True)
    weight = serializers.IntegerField(read_only=True, allow_null=True)


class ScreeningReasonSerializer(serializers.Serializer[Any]):
    restricted = serializers.BooleanField(read_only=True)
    label = serializers.CharField(read_only=True, allow_null=True)  # type: ignore[assignment]
    band = serializers.CharField(read_only=True, allow_null=True)
    weight = serializers.IntegerField(read_only=True, allow_null=True)
    escalates_to = serializers.CharField(read_only=True, allow_null=True)


class ScreeningSuggestionSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True, allow_null=True)  # type: ignore[assignment]
    indicator = serializers.CharField(read_only=True, allow_null=True)
    restricted = serializers.BooleanField(read_only=True)
    decision = serializers.CharField(read_only=True, allow_null=True)
    latest_on = serializers.DateField(read_only=True, allow_null=True)
    entries_total = serializers.IntegerField(read_only=True)
    entries = ChronologyEntrySerializer(many=True, read_only=True)


class CapacityAssessmentSerializer(serializers.Serializer[CapacityAssessment]):
    id = serializers.IntegerField(read_only=True)
    decision = serializers.CharField(read_only=True)
    decision_label = serializers.CharField(read_only=True)
    decision_detail = serializers.CharField(read_only=True)
    assessed_on = serializers.DateField(read_only=True)
    assessor = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    notes = serializers.CharField(read_only=True)
    screening = serializers.IntegerField(source="screening_id", read_only=True, allow_null=True)


def _suggestion_data(s: queries.SuggestionView) -> dict[str, Any]:
    if not s.readable:
        return {
            "rule": s.code,
            "label": None,
            "indicator": None,
            "restricted": True,
            "decision": None,
            "latest_on": None,
            "entries_total": 0,
            "entries": [],
        }
    return {
        "rule": s.code,
        "label": s.label,
        "indicator": s.indicator,
        "restricted": False,
        "decision": s.decision or None,
        "latest_on": s.latest_on,
        "entries_total": s.total,
        "entries": s.entries,
    }


class ScreeningDetailSerializer(serializers.Serializer[queries.ScreeningDetail]):
    screening = ScreeningSummarySerializer(read_only=True)
    person_words = serializers.CharField(source="screening.person_words", read_only=True)
    desired_outcomes = serializers.CharField(source="screening.desired_outcomes", read_only=True)
    answers = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField(help_text="The indicators that drove the level")
    suggestions = serializers.SerializerMethodField()
    capacity_assessments = CapacityAssessmentSerializer(
        source="capacity", many=True, read_only=True
    )

    @extend_schema_field(ScreeningAnswerSerializer(many=True))
    def get_answers(self, view: queries.ScreeningDetail) -> list[dict[str, Any]]:
        out = []
        for theme in view.themes:
            for a in theme.answers:
                shown = a.readable and a.answer is not None
                row = {
                    "indicator": a.indicator.code,
                    "theme": theme.theme.code,
                    "label": a.indicator.label,
                    "restricted": not a.readable,
                    "restricted_category": a.restricted_category,
                    "answer": a.answer.answer if shown and a.answer else None,
                    "evidence": a.answer.evidence if shown and a.answer else None,
                    "last_observed": a.answer.last_observed if shown and a.answer else None,
                    "band": (a.answer.band or None) if shown and a.answer else None,
                    "weight": a.answer.weight if shown and a.answer else None,
                }
                out.append(dict(ScreeningAnswerSerializer(row).data))
        return out

    @extend_schema_field(ScreeningReasonSerializer(many=True))
    def get_reasons(self, view: queries.ScreeningDetail) -> list[dict[str, Any]]:
        return [
            {
                "restricted": not r.readable,
                "label": r.label if r.readable else None,
                "band": r.band if r.readable else None,
                "weight": r.weight if r.readable else None,
                "escalates_to": (r.escalates_to or None) if r.readable else None,
            }
            for r in view.reasons
        ]

    @extend_schema_field(ScreeningSuggestionSerializer(many=True))
    def get_suggestions(self, view: queries.ScreeningDetail) -> list[dict[str, Any]]:
        return [
            dict(ScreeningSuggestionSerializer(_suggestion_data(s)).data) for s in view.suggestions
        ]


class ScreeningStatusSerializer(serializers.Serializer[ScreeningStatus]):
    level = serializers.CharField(read_only=True)
    level_label = serializers.CharField(read_only=True)
    level_rank = serializers.IntegerField(read_only=True, allow_null=True)
    last_screened_on = serializers.DateField(read_only=True, allow_null=True)
    next_due_on = serializers.DateField(read_only=True)
    due_reason = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, s: ScreeningStatus) -> bool:
        return s.is_overdue()


class TransitionSerializer(serializers.Serializer[Transition]):
    person = PersonSummarySerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    eighteenth_birthday = serializers.DateField(read_only=True)
    planning_from = serializers.DateField(read_only=True)
    flagged_on = serializers.DateField(read_only=True)
    turned_18_on = serializers.DateField(read_only=True, allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    adult_services = AgencyRefSerializer(read_only=True, allow_null=True)
    asked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    adult_services_joined = serializers.BooleanField(source="joined", read_only=True)


class PersonScreeningsSerializer(serializers.Serializer[queries.ScreeningSummary]):
    person = PersonSummarySerializer(read_only=True)
    status = ScreeningStatusSerializer(read_only=True, allow_null=True)
    transition = serializers.SerializerMethodField()
    screenings = ScreeningSummarySerializer(many=True, read_only=True)
    capacity_assessments = CapacityAssessmentSerializer(
        source="capacity", many=True, read_only=True
    )

    @extend_schema_field(TransitionSerializer(allow_null=True))
    def get_transition(self, summary: queries.ScreeningSummary) -> dict[str, Any] | None:
        if summary.transition is None:
            return None
        t = summary.transition.transition
        t.joined = summary.transition.adult_services_joined  # type: ignore[attr-defined]
        return dict(TransitionSerializer(t).data)


class SuggestedIndicatorSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    indicator = serializers.CharField(read_only=True)
    latest_on = serializers.DateField(read_only=True, allow_null=True)
    entries_total = serializers.IntegerField(read_only=True)
    entries = ChronologyEntrySerializer(many=True, read_only=True)


class SuggestionsResponseSerializer(serializers.Serializer[Any]):
    instrument = InstrumentRefSerializer(read_only=True, allow_null=True)
    suggestions = SuggestedIndicatorSerializer(many=True, read_only=True)


class ScreeningDueSerializer(serializers.Serializer[ScreeningStatus]):
    person = PersonSummarySerializer(read_only=True)
    level = serializers.CharField(read_only=True)
    level_label = serializers.CharField(read_only=True)
    next_due_on = serializers.DateField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    due_reason = serializers.CharField(read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    lead_professional = serializers.CharField(source="lead_name", read_only=True, allow_null=True)


class InstrumentVersionBriefSerializer(serializers.Serializer[InstrumentVersion]):
    id = serializers.IntegerField(read_only=True)
    version = serializers.CharField(read_only=True)
    loaded_at = serializers.DateTimeField(read_only=True)
    sha256 = serializers.CharField(read_only=True)


class InstrumentSerializer(serializers.Serializer[Instrument]):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    audience = serializers.CharField(read_only=True)
    in_use = serializers.BooleanField(read_only=True)
    current_version = serializers.IntegerField(
        source="current_version_id", read_only=True, allow_null=True
    )
    versions = InstrumentVersionBriefSerializer(many=True, read_only=True, source="versions.all")


class InstrumentVersionSerializer(InstrumentRefSerializer):
    sha256 = serializers.CharField(read_only=True)
    loaded_at = serializers.DateTimeField(read_only=True)
    definition = serializers.DictField(
        read_only=True, help_text="The file as loaded (see the instrument JSON Schema)"
    )


# --- input ----------------------------------------------------------------------------------


class ScreeningAnswerInputSerializer(serializers.Serializer[dict[str, Any]]):
    indicator = serializers.CharField(max_length=40)
    answer = serializers.ChoiceField(choices=AnswerChoice.choices)
    evidence = serializers.CharField(
        max_length=MAX_TEXT, allow_blank=True, default="", help_text="Needed if present"
    )
    last_observed = serializers.DateField(allow_null=True, default=None)


class CapacityAssessmentInputSerializer(serializers.Serializer[dict[str, Any]]):
    decision = serializers.CharField(max_length=40, help_text="A code from the instrument")
    decision_detail = serializers.CharField(max_length=300, allow_blank=True, default="")
    assessed_on = serializers.DateField()
    assessor = serializers.CharField(max_length=200)
    outcome = serializers.ChoiceField(choices=CapacityOutcome.choices)
    notes = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, default="")


class ScreeningInputSerializer(serializers.Serializer[dict[str, Any]]):
    """A screening: every indicator of the instrument answered, and your judgement."""

    instrument_version = serializers.IntegerField(
        help_text="The version from the suggestions endpoint (the one in use for their age)"
    )
    case = serializers.IntegerField(required=False, allow_null=True, default=None)
    referral = serializers.IntegerField(required=False, allow_null=True, default=None)
    audience = serializers.ChoiceField(
        choices=Audience.choices,
        allow_blank=True,
        default="",
        help_text="Only when the date of birth is not known",
    )
    answers = ScreeningAnswerInputSerializer(many=True)
    level = serializers.CharField(max_length=40, help_text="Your professional judgement")
    judgement_reason = serializers.CharField(
        max_length=MAX_TEXT, allow_blank=True, default=""
    )
    person_words = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, default="")
    desired_outcomes = serializers.CharField(
        max_length=MAX_TEXT, allow_blank=True, default=""
    )
    capacity_assessments = CapacityAssessmentInputSerializer(many=True, default=list)


def _api_field(key: str) -> str:
    for prefix, field in (
        ("answer_", "answer"),
        ("evidence_", "evidence"),
        ("observed_", "last_observed"),
    ):
        if key.startswith(prefix):
            return f"answers.{key[len(prefix) :]}.{field}"
    return key


def _api_errors(exc: DjangoValidationError) -> DjangoValidationError:
    """The service names fields as the page does; name them by the request body instead."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed: dict[str, Any] = {}
    for key, errors in exc.message_dict.items():
        renamed[_api_field(key)] = errors
    return DjangoValidationError(renamed)


# --- views ----------------------------------------------------------------------------------


class PersonScreeningsView(ActorAPIView):
    """A person's screenings (newest first), status, transition and capacity assessments;
    or record a new screening (hub caseworkers)."""

    @extend_schema(
        operation_id="screenings_list_for_person",
        responses={200: PersonScreeningsSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        person = people_queries.person_get(self.actor, pk, purpose="screening history")
        summary = queries.person_summary(self.actor, person, purpose=query_text(request, "purpose"))
        return Response(PersonScreeningsSerializer(summary).data)

    @extend_schema(
        operation_id="screenings_create",
        request=ScreeningInputSerializer,
        responses={201: ScreeningDetailSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        person = people_queries.person_get(self.actor, pk, purpose="screen risk")
        body = ScreeningInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        version = InstrumentVersion.objects.filter(pk=data["instrument_version"]).first()
        if version is None:
            raise serializers.ValidationError({"instrument_version": "There is no such version"})
        case = (
            case_queries.case_get(self.actor, data["case"], purpose="screen risk")
            if data["case"]
            else None
        )
        referral = (
            referral_queries.referral_get(self.actor, data["referral"])
            if data["referral"]
            else None
        )
        try:
            screening = services.screening_record(
                actor=self.actor,
                person=person,
                instrument_version=version,
                answers=[Answer(**a) for a in data["answers"]],
                level=data["level"],
                judgement_reason=data["judgement_reason"],
                person_words=data["person_words"],
                desired_outcomes=data["desired_outcomes"],
                capacity=[services.CapacityInput(**c) for c in data["capacity_assessments"]],
                case=case,
                referral=referral,
                audience=data["audience"],
            )
        except DjangoValidationError as exc:
            raise _api_errors(exc) from exc
        view = queries.screening_get(self.actor, screening.pk)
        return Response(
            ScreeningDetailSerializer(view).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-screening-detail", args=[screening.pk])},
        )


class ScreeningDetailView(ActorAPIView):
    """One screening against the instrument version it used; restricted evidence masked."""

    @extend_schema(
        operation_id="screenings_retrieve",
        responses={200: ScreeningDetailSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        view = queries.screening_get(self.actor, pk, purpose=query_text(request, "purpose"))
        return Response(ScreeningDetailSerializer(view).data)


class SuggestionsView(ActorAPIView):
    """The instrument to screen this person with today (by age) and the indicators the
    chronology suggests, each with the entries behind it. You decide every one."""

    @extend_schema(
        operation_id="screenings_suggestions",
        parameters=[
            OpenApiParameter(
                "audience",
                str,
                enum=Audience.values,
                required=False,
                description="Only when the date of birth is not known",
            )
        ],
        responses={200: SuggestionsResponseSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        person = people_queries.person_get(self.actor, pk, purpose="screen risk")
        audience = query_text(request, "audience")
        new = queries.new_screening(self.actor, person, audience=audience)
        data = {
            "instrument": new.version,
            "suggestions": [
                {
                    "rule": s.code,
                    "label": s.label,
                    "indicator": s.indicator,
                    "latest_on": s.latest_on,
                    "entries_total": s.total,
                    "entries": s.entries,
                }
                for s in new.suggestions
            ],
        }
        return Response(SuggestionsResponseSerializer(data).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="screenings_due",
        parameters=[OpenApiParameter("scope", str, enum=["mine", "all"], required=False)],
        responses={200: ScreeningDueSerializer(many=True), **problems(400, 401, 403)},
        tags=TAGS,
    )
)
class DueListView(ActorListAPIView):
    """Screenings overdue or due in the next 14 days (hub caseworkers), soonest first."""

    serializer_class = ScreeningDueSerializer

    def query(self) -> QuerySet[ScreeningStatus]:
        scope = query_text(self.request, "scope") or "mine"
        if scope not in {"mine", "all"}:
            raise serializers.ValidationError({"scope": "Use mine or all"})
        return queries.due_list(self.actor, scope=scope)


@extend_schema_view(
    get=extend_schema(
        operation_id="transitions_list",
        parameters=[
            OpenApiParameter(
                "waiting",
                bool,
                required=False,
                description="Only where adult services have not joined",
            )
        ],
        responses={200: TransitionSerializer(many=True), **problems(400, 401, 403)},
        tags=TAGS,
    )
)
class TransitionListView(ActorListAPIView):
    """Transitions at 18 and whether adult services have joined (hub caseworkers)."""

    serializer_class = TransitionSerializer

    def query(self) -> QuerySet[Transition]:
        waiting = query_flag(self.request, "waiting")
        return queries.transitions_due(self.actor, waiting_only=waiting)


class InstrumentListView(APIView):
    """Screening instruments and their versions (not person data: any signed-in caller)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="instruments_list",
        responses={200: InstrumentSerializer(many=True), **problems(401)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(InstrumentSerializer(queries.instruments(), many=True).data)  # type: ignore[arg-type]


class InstrumentVersionView(APIView):
    """One instrument version exactly as loaded."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="instrument_versions_retrieve",
        responses={200: InstrumentVersionSerializer, **problems(401, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(InstrumentVersionSerializer(queries.instrument_version_get(pk)).data)
