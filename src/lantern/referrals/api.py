"""Referrals and triage in the API.

Reads go through :mod:`lantern.referrals.queries`, writes through
:mod:`lantern.referrals.services`; both apply the access policy and write the audit log.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.agencies.models import Agency
from lantern.core import access
from lantern.core.api import (
    ActorAPIView,
    ActorListAPIView,
    AgencyRefSerializer,
    UserNameField,
    VocabularySerializer,
    VocabularyView,
    problems,
)
from lantern.core.limits import MAX_TEXT
from lantern.core.vocab import vocabulary
from lantern.people import queries as people_queries
from lantern.people.api import NewPersonInputSerializer, PersonSummarySerializer
from lantern.people.services import NewPerson
from lantern.referrals import access as referrals_access
from lantern.referrals import queries, services
from lantern.referrals.models import EnquiryConclusion, Outcome, Referral, TriageDecision, Urgency

TAGS = ["referrals"]


def _decision(referral: Referral) -> TriageDecision | None:
    try:
        return referral.decision
    except TriageDecision.DoesNotExist:
        return None


# --- output ---------------------------------------------------------------------------


class CaseRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)


class DecisionSerializer(serializers.Serializer[TriageDecision]):
    """The hub's decision. The rationale and the s42 test are the hub's working: other
    agencies see the outcome and the message written for the referrer."""

    outcome = serializers.CharField(read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    decided_at = serializers.DateTimeField(read_only=True)
    case = CaseRefSerializer(read_only=True, allow_null=True)
    single_agency = AgencyRefSerializer(read_only=True, allow_null=True)
    message_to_referrer = serializers.CharField(read_only=True)
    within_target = serializers.BooleanField(read_only=True)
    rationale = serializers.CharField(read_only=True, allow_null=True, help_text="Hub only")
    decided_by = UserNameField(allow_null=True, help_text="Hub only")
    s42_care_and_support_needs = serializers.BooleanField(read_only=True, allow_null=True)
    s42_at_risk_of_abuse = serializers.BooleanField(read_only=True, allow_null=True)
    s42_unable_to_protect = serializers.BooleanField(read_only=True, allow_null=True)

    HUB_ONLY = (
        "rationale",
        "decided_by",
        "s42_care_and_support_needs",
        "s42_at_risk_of_abuse",
        "s42_unable_to_protect",
    )

    def to_representation(self, instance: TriageDecision) -> dict[str, Any]:
        data: dict[str, Any] = dict(super().to_representation(instance))
        actor = self.context.get("actor")
        if actor is None or not actor.is_hub:
            data.update(dict.fromkeys(self.HUB_ONLY))
        return data


class ReferralSummarySerializer(serializers.Serializer[Referral]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    person = PersonSummarySerializer(read_only=True)
    referring_agency = AgencyRefSerializer(read_only=True)
    concern_categories = serializers.ListField(child=serializers.CharField(), read_only=True)
    urgency = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)
    due_by = serializers.DateTimeField(read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)


class ScreeningLevelRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    rank = serializers.IntegerField(read_only=True)
    screened_on = serializers.DateField(read_only=True)


class TriageItemSerializer(ReferralSummarySerializer):
    """A referral in the triage queue, with the person's latest screening level (if any)."""

    latest_screening = serializers.SerializerMethodField()

    @extend_schema_field(ScreeningLevelRefSerializer(allow_null=True))
    def get_latest_screening(self, referral: Referral) -> dict[str, Any] | None:
        status = getattr(referral.person, "screening_status", None)
        if status is None or not status.level:
            return None
        return {
            "code": status.level,
            "label": status.level_label,
            "rank": status.level_rank,
            "screened_on": status.last_screened_on,
        }


class ReferralListItemSerializer(ReferralSummarySerializer):
    outcome = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()

    def get_outcome(self, referral: Referral) -> str | None:
        decision = _decision(referral)
        return decision.outcome if decision else None

    @extend_schema_field(CaseRefSerializer(allow_null=True))
    def get_case(self, referral: Referral) -> dict[str, Any] | None:
        decision = _decision(referral)
        if decision is None or decision.case is None:
            return None
        return dict(CaseRefSerializer(decision.case).data)


class ConcernSerializer(serializers.Serializer[str]):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]


class ReferralDetailSerializer(ReferralSummarySerializer):
    what_was_seen = serializers.CharField(read_only=True)
    concerns = serializers.SerializerMethodField()
    urgency_label = serializers.CharField(source="get_urgency_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    referrer = UserNameField()
    decision = serializers.SerializerMethodField()

    @extend_schema_field(ConcernSerializer(many=True))
    def get_concerns(self, referral: Referral) -> list[dict[str, str]]:
        vocab = vocabulary("referrals", "concern_categories")
        return [{"code": c, "label": vocab.label(c)} for c in referral.concern_categories]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, referral: Referral) -> dict[str, Any] | None:
        decision = _decision(referral)
        if decision is None:
            return None
        return dict(DecisionSerializer(decision, context=self.context).data)


# --- input ----------------------------------------------------------------------------


class ReferralInputSerializer(serializers.Serializer[dict[str, Any]]):
    """Refer an existing person (``person``: an id you may see) or a new one (``new_person``)."""

    person = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    new_person = NewPersonInputSerializer(required=False, allow_null=True)
    concern_categories = serializers.ListField(
        child=serializers.CharField(max_length=40),
        allow_empty=False,
        max_length=20,
        help_text="Codes from /api/concern-categories/",
    )
    what_was_seen = serializers.CharField(
        max_length=MAX_TEXT,
        help_text="What you saw or were told, in the person's own words where you can",
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    confirm_new_person = serializers.BooleanField(
        default=False,
        help_text=(
            "For a new person: true once you have looked at the possible duplicates a 409 "
            "listed and are sure this is someone new"
        ),
    )

    def validate_concern_categories(self, value: list[str]) -> list[str]:
        vocab = vocabulary("referrals", "concern_categories")
        unknown = [code for code in value if code not in vocab]
        if unknown:
            raise serializers.ValidationError(f"Unknown concern: {', '.join(unknown)}")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("person") is None) == (attrs.get("new_person") is None):
            raise serializers.ValidationError(
                {"person": "Refer either an existing person (person) or a new one (new_person)"}
            )
        return attrs


class DecisionInputSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    rationale = serializers.CharField(max_length=MAX_TEXT)
    s42_care_and_support_needs = serializers.BooleanField(allow_null=True, default=None)
    s42_at_risk_of_abuse = serializers.BooleanField(allow_null=True, default=None)
    s42_unable_to_protect = serializers.BooleanField(allow_null=True, default=None)
    single_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True),
        allow_null=True,
        default=None,
        help_text="For a single-agency response: the agency that will respond",
    )
    message_to_referrer = serializers.CharField(
        max_length=MAX_TEXT, allow_blank=True, default=""
    )


# --- views ----------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="referrals_list",
        tags=TAGS,
        responses={200: ReferralListItemSerializer(many=True), **problems(401, 403)},
    )
)
class ReferralListView(ActorListAPIView):
    """Referrals you can follow (your agency's own; every referral for the hub); or refer a
    concern about an existing or a new person."""

    serializer_class = ReferralListItemSerializer

    def query(self) -> QuerySet[Referral]:
        return queries.agency_referrals(self.actor)

    @extend_schema(
        operation_id="referrals_create",
        request=ReferralInputSerializer,
        responses={201: ReferralDetailSerializer, **problems(400, 401, 403, 409, 422)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = ReferralInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        person = None
        if data.get("person") is not None:
            try:
                person = people_queries.person_get(
                    self.actor, data["person"], purpose="make a referral"
                )
            except Http404 as exc:
                raise serializers.ValidationError({"person": "There is no such person"}) from exc
        new_person = NewPerson(**data["new_person"]) if data.get("new_person") else None
        referral = services.referral_submit(
            actor=self.actor,
            person=person,
            new_person=new_person,
            concern_categories=data["concern_categories"],
            what_was_seen=data["what_was_seen"],
            urgency=data["urgency"],
            confirm_new=data["confirm_new_person"],
        )
        return Response(
            ReferralDetailSerializer(referral, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-referral-detail", args=[referral.pk])},
        )


class ReferralDetailView(ActorAPIView):
    """One referral with the hub's decision. The read is audited."""

    @extend_schema(
        operation_id="referrals_retrieve",
        responses={200: ReferralDetailSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        referral = queries.referral_get(self.actor, pk)
        return Response(
            ReferralDetailSerializer(referral, context=self.get_serializer_context()).data
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="triage_list",
        tags=TAGS,
        responses={200: TriageItemSerializer(many=True), **problems(401, 403)},
    )
)
class TriageQueueView(ActorListAPIView):
    """Referrals awaiting the hub's decision, most urgent then oldest first (hub caseworkers),
    each with the person's latest screening level."""

    serializer_class = TriageItemSerializer

    def query(self) -> QuerySet[Referral]:
        return queries.triage_queue(self.actor)


class DecisionView(ActorAPIView):
    """Record the hub's decision on a referral. Case outcomes open (or join) a hub case,
    which the referring agency joins."""

    @extend_schema(
        operation_id="referrals_decide",
        request=DecisionInputSerializer,
        responses={201: ReferralDetailSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        referral = queries.referral_get(self.actor, pk)
        body = DecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        single_agency = data["single_agency"]
        services.triage_decide(
            actor=self.actor,
            referral=referral,
            outcome=data["outcome"],
            rationale=data["rationale"],
            s42_care_and_support_needs=data["s42_care_and_support_needs"],
            s42_at_risk_of_abuse=data["s42_at_risk_of_abuse"],
            s42_unable_to_protect=data["s42_unable_to_protect"],
            single_agency_id=single_agency.pk if single_agency is not None else None,
            message_to_referrer=data["message_to_referrer"],
        )
        return Response(
            ReferralDetailSerializer(referral, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ConclusionSerializer(serializers.Serializer[EnquiryConclusion]):
    """How an adult safeguarding enquiry concluded: codes from
    ``referrals/data/enquiry_conclusions.yaml`` (the Safeguarding Adults Collection's
    categories), with the version of that file they were recorded in."""

    referral = serializers.IntegerField(source="referral_id", read_only=True)
    version = serializers.IntegerField(read_only=True)
    concluded_on = serializers.DateField(read_only=True)
    types_of_risk = serializers.ListField(child=serializers.CharField(), read_only=True)
    location_of_risk = serializers.CharField(read_only=True)
    source_of_risk = serializers.CharField(read_only=True)
    risk_assessment = serializers.CharField(read_only=True)
    action_taken = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Whether action was taken; null when not recorded (older conclusions)",
    )
    risk_outcome = serializers.CharField(read_only=True)
    outcomes_asked = serializers.CharField(read_only=True)
    outcomes_achieved = serializers.CharField(read_only=True)
    categories_version = serializers.CharField(read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)
    recorded_by = UserNameField()
    amendment_reason = serializers.CharField(read_only=True)


class ConclusionInputSerializer(serializers.Serializer[dict[str, Any]]):
    """Record how the enquiry concluded; send it again with ``amendment_reason`` to amend
    (a new version; the earlier ones are kept)."""

    concluded_on = serializers.DateField()
    types_of_risk = serializers.ListField(
        child=serializers.CharField(max_length=40),
        allow_empty=False,
        max_length=20,
        help_text="One or more types of risk",
    )
    location_of_risk = serializers.CharField(max_length=40)
    source_of_risk = serializers.CharField(max_length=40)
    risk_assessment = serializers.CharField(
        max_length=40,
        help_text="Whether a risk was identified, or the enquiry ceased at the person's request",
    )
    action_taken = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text=(
            "Whether action was taken: required when the risk assessment asks it (risk "
            "identified, inconclusive or no risk); an enquiry ceased at the person's request "
            "records no action, and true is refused"
        ),
    )
    risk_outcome = serializers.CharField(
        max_length=40,
        allow_blank=True,
        default="",
        help_text=(
            "Only when a risk was identified (or inconclusive) and action was taken: removed, "
            "reduced or remains; refused otherwise"
        ),
    )
    outcomes_asked = serializers.CharField(
        max_length=40, help_text="Making Safeguarding Personal: was the person asked?"
    )
    outcomes_achieved = serializers.CharField(
        max_length=40,
        allow_blank=True,
        default="",
        help_text="When the person was asked and expressed outcomes: were they achieved?",
    )
    amendment_reason = serializers.CharField(
        max_length=MAX_TEXT,
        allow_blank=True,
        default="",
        help_text="Required to amend an existing conclusion",
    )


class ConclusionView(ActorAPIView):
    """Record (or amend) how an adult safeguarding enquiry concluded, in the Safeguarding
    Adults Collection's categories. Only the hub's caseworkers may; the codes are listed in
    ``docs/reporting.md`` and come from ``referrals/data/enquiry_conclusions.yaml``."""

    @extend_schema(
        operation_id="referrals_conclude",
        request=ConclusionInputSerializer,
        responses={201: ConclusionSerializer, **problems(400, 401, 403, 404, 409, 422)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        # Refuse before reading the body, so a refused caller learns nothing from a 400.
        access.check(
            self.actor,
            referrals_access.may_conclude(self.actor),
            "record how adult safeguarding enquiries concluded",
            object_type="referral",
            object_id=pk,
        )
        referral = queries.referral_get(self.actor, pk)
        body = ConclusionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        conclusion = services.enquiry_conclude(
            actor=self.actor, referral=referral, **body.validated_data
        )
        return Response(
            ConclusionSerializer(conclusion, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="concern_categories",
        responses={200: VocabularySerializer, **problems(401)},
        tags=["vocabularies"],
    )
)
class ConcernCategoriesView(VocabularyView):
    """What a referrer may say worries them (send the codes in ``concern_categories``)."""

    app = "referrals"
    vocabulary_name = "concern_categories"
