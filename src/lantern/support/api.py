"""Long-term support, closure and work lists in the API: the same services and queries as
the pages, so the same access rules and audit apply."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.cases import queries as case_queries
from lantern.cases import services as case_services
from lantern.core import access, audit, worklists
from lantern.core.api import ActorAPIView, AgencyRefSerializer, UserNameField, problems
from lantern.core.events import Event
from lantern.support import access as support_access
from lantern.support import queries, services
from lantern.support.models import Attendance, GroundsDecision, Initiator, NrmRoute, VoiceKind
from lantern.support.rules import milestones

TAGS = ["support"]


# --- output ---------------------------------------------------------------------------------


class KeyWorkerSerializer(serializers.Serializer[Any]):
    worker = UserNameField()
    agency = AgencyRefSerializer(read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    ended_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True)


class SupportContactSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    occurred_on = serializers.DateField(read_only=True)
    contact_type = serializers.CharField(read_only=True)
    planned = serializers.BooleanField(read_only=True)
    initiated_by = serializers.CharField(read_only=True)
    attendance = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    next_contact_on = serializers.DateField(read_only=True, allow_null=True)
    agency = AgencyRefSerializer(read_only=True)


class VoiceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    said_on = serializers.DateField(read_only=True)
    kind = serializers.CharField(read_only=True)
    words = serializers.CharField(read_only=True)
    agency = AgencyRefSerializer(read_only=True)


class ConsentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    given_on = serializers.DateField(read_only=True)
    what = serializers.CharField(read_only=True)
    agencies = AgencyRefSerializer(many=True, read_only=True, source="agencies.all")
    withdrawn_on = serializers.DateField(read_only=True, allow_null=True)
    withdrawn_reason = serializers.CharField(read_only=True)


class OutcomeRowSerializer(serializers.Serializer[Any]):
    measured_on = serializers.DateField(read_only=True)
    scores = serializers.DictField(child=serializers.IntegerField(allow_null=True))


class MilestoneSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # a field named "label"
    due_on = serializers.DateField(read_only=True)
    remind_from = serializers.DateField(read_only=True)


class JourneySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    route = serializers.CharField(read_only=True)
    first_responder = AgencyRefSerializer(read_only=True)
    referred_on = serializers.DateField(read_only=True)
    consent_given = serializers.BooleanField(read_only=True)
    child_at_referral = serializers.BooleanField(read_only=True)
    reasonable_grounds = serializers.CharField(read_only=True)
    reasonable_grounds_on = serializers.DateField(read_only=True, allow_null=True)
    recovery_period_ends_on = serializers.DateField(read_only=True, allow_null=True)
    conclusive_grounds = serializers.CharField(read_only=True)
    conclusive_grounds_on = serializers.DateField(read_only=True, allow_null=True)
    milestones = serializers.SerializerMethodField()

    def get_milestones(self, journey: Any) -> list[dict[str, Any]]:
        return [dict(MilestoneSerializer(m).data) for m in milestones(journey)]


class SupportSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(source="person.pk", read_only=True)
    key_worker = KeyWorkerSerializer(read_only=True, allow_null=True)
    key_worker_count = serializers.IntegerField(read_only=True)
    key_workers = KeyWorkerSerializer(source="assignments", many=True, read_only=True)
    next_contact_on = serializers.DateField(read_only=True, allow_null=True)
    contacts = SupportContactSerializer(many=True, read_only=True)
    voice = VoiceSerializer(many=True, read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)
    outcomes = serializers.SerializerMethodField()
    journeys = serializers.SerializerMethodField()

    def get_outcomes(self, history: Any) -> list[dict[str, Any]]:
        codes = [s.code for s in history.scales.scales]
        return [
            {"measured_on": row.measured_on, "scores": dict(zip(codes, row.scores, strict=True))}
            for row in history.outcome_rows
        ]

    def get_journeys(self, history: Any) -> list[dict[str, Any]]:
        return [dict(JourneySerializer(j.journey).data) for j in history.journeys]


class WorkItemSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(read_only=True)
    group = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    due_on = serializers.DateField(read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)


# --- input ----------------------------------------------------------------------------------


class SupportContactInSerializer(serializers.Serializer[Any]):
    occurred_on = serializers.DateField()
    contact_type = serializers.CharField(max_length=40, help_text="A code from contact_types")
    planned = serializers.BooleanField()
    initiated_by = serializers.ChoiceField(choices=Initiator.choices)
    attendance = serializers.ChoiceField(choices=Attendance.choices)
    note = serializers.CharField(allow_blank=True, default="", max_length=2000)
    next_contact_on = serializers.DateField(required=False, allow_null=True, default=None)


class KeyWorkerInSerializer(serializers.Serializer[Any]):
    worker_id = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000)


class VoiceInSerializer(serializers.Serializer[Any]):
    said_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=VoiceKind.choices)
    words = serializers.CharField()


class ConsentInSerializer(serializers.Serializer[Any]):
    given_on = serializers.DateField()
    what = serializers.CharField(max_length=2000)
    agency_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)


class WithdrawInSerializer(serializers.Serializer[Any]):
    withdrawn_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class OutcomesInSerializer(serializers.Serializer[Any]):
    measured_on = serializers.DateField()
    scores = serializers.DictField(child=serializers.IntegerField(), help_text="scale code: score")
    note = serializers.CharField(allow_blank=True, default="", max_length=2000)


class NrmInSerializer(serializers.Serializer[Any]):
    route = serializers.ChoiceField(choices=NrmRoute.choices)
    first_responder_id = serializers.IntegerField(min_value=1)
    referred_on = serializers.DateField()
    consent_given = serializers.BooleanField(default=False)
    note = serializers.CharField(allow_blank=True, default="", max_length=2000)


class NrmDecisionInSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(
        choices=[("reasonable_grounds", "Reasonable grounds"), ("conclusive_grounds", "Conclusive")]
    )
    decision = serializers.ChoiceField(choices=GroundsDecision.choices)
    decided_on = serializers.DateField()


class CloseInSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=40, help_text="A code from the closure rules")
    reason_detail = serializers.CharField(allow_blank=True, default="", max_length=2000)
    step_down_plan = serializers.CharField(allow_blank=True, default="")


class FollowUpInSerializer(serializers.Serializer[Any]):
    done_on = serializers.DateField()
    outcome = serializers.CharField()
    concerns = serializers.BooleanField(default=False)


class FollowUpSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # a field named "label"
    due_on = serializers.DateField(read_only=True)
    done_on = serializers.DateField(read_only=True, allow_null=True)
    outcome = serializers.CharField(read_only=True)
    concerns = serializers.BooleanField(read_only=True)


class ClosureSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True)
    reason = serializers.CharField(read_only=True)
    step_down_plan = serializers.CharField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True, source="follow_ups.all")


# --- views ----------------------------------------------------------------------------------


class SupportView(ActorAPIView):
    """A person's whole support history (audited like the page)."""

    @extend_schema(
        operation_id="support_retrieve",
        responses={200: SupportSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        person = queries.person_for_support(self.actor, pk)
        history = queries.support_history(self.actor, person, purpose="API")
        return Response(SupportSerializer(history).data)


class ContactCreateView(ActorAPIView):
    """Record a contact with the person."""

    @extend_schema(
        operation_id="support_contact_create",
        request=SupportContactInSerializer,
        responses={201: SupportContactSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        person = queries.person_for_support(self.actor, pk)
        body = SupportContactInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contact = services.contact_record(actor=self.actor, person=person, **body.validated_data)
        return Response(SupportContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class KeyWorkerView(ActorAPIView):
    """Choose the person's key worker (a change needs a reason)."""

    @extend_schema(
        operation_id="support_key_worker",
        request=KeyWorkerInSerializer,
        responses={201: KeyWorkerSerializer, **problems(400, 401, 403, 404, 409)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        person = queries.person_for_support(self.actor, pk)
        body = KeyWorkerInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = services.key_worker_assign(
            actor=self.actor, person=person, **body.validated_data
        )
        return Response(KeyWorkerSerializer(assignment).data, status=status.HTTP_201_CREATED)


class VoiceCreateView(ActorAPIView):
    """Record the person's own words."""

    @extend_schema(
        operation_id="support_voice_create",
        request=VoiceInSerializer,
        responses={201: VoiceSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        person = queries.person_for_support(self.actor, pk)
        body = VoiceInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.voice_record(actor=self.actor, person=person, **body.validated_data)
        return Response(VoiceSerializer(entry).data, status=status.HTTP_201_CREATED)


class ConsentCreateView(ActorAPIView):
    """Record what the person agreed to share, with which agencies."""

    @extend_schema(
        operation_id="support_consent_create",
        request=ConsentInSerializer,
        responses={201: ConsentSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        person = queries.person_for_support(self.actor, pk)
        body = ConsentInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        consent = services.consent_record(actor=self.actor, person=person, **body.validated_data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentWithdrawView(ActorAPIView):
    """Record that consent was withdrawn; the consent record is kept."""

    @extend_schema(
        operation_id="support_consent_withdraw",
        request=WithdrawInSerializer,
        responses={200: ConsentSerializer, **problems(400, 401, 403, 404, 409)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        consent = queries.consent_get(self.actor, pk)
        body = WithdrawInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kept = services.consent_withdraw(actor=self.actor, consent=consent, **body.validated_data)
        return Response(ConsentSerializer(kept).data)


class OutcomesCreateView(ActorAPIView):
    """Record scores on outcome scales for one date."""

    @extend_schema(
        operation_id="support_outcomes_create",
        request=OutcomesInSerializer,
        responses={201: OutcomeRowSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        person = queries.person_for_support(self.actor, pk)
        body = OutcomesInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = services.outcomes_record(actor=self.actor, person=person, **body.validated_data)
        data = {"measured_on": rows[0].measured_on, "scores": {r.scale: r.score for r in rows}}
        return Response(OutcomeRowSerializer(data).data, status=status.HTTP_201_CREATED)


class NrmCreateView(ActorAPIView):
    """Record an NRM referral (adults: with consent) or the anonymous duty to notify."""

    @extend_schema(
        operation_id="support_nrm_create",
        request=NrmInSerializer,
        responses={201: JourneySerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        person = queries.person_for_support(self.actor, pk)
        body = NrmInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        journey = services.nrm_refer(actor=self.actor, person=person, **body.validated_data)
        return Response(
            JourneySerializer(journey).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-support-nrm", args=[journey.pk])},
        )


class NrmView(ActorAPIView):
    """One NRM journey with the milestones still to come."""

    @extend_schema(
        operation_id="support_nrm_retrieve",
        responses={200: JourneySerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(JourneySerializer(queries.journey_get(self.actor, pk)).data)


class NrmDecisionView(ActorAPIView):
    """Record the reasonable-grounds or conclusive-grounds decision."""

    @extend_schema(
        operation_id="support_nrm_decide",
        request=NrmDecisionInSerializer,
        responses={200: JourneySerializer, **problems(400, 401, 403, 404, 409, 422)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        journey = queries.journey_get(self.actor, pk)
        body = NrmDecisionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = services.nrm_decide(actor=self.actor, journey=journey, **body.validated_data)
        return Response(JourneySerializer(decided).data)


class MyWorkView(ActorAPIView):
    """Your work list: contacts, follow-ups, milestones, screenings and whatever else the
    apps register, soonest first."""

    @extend_schema(
        operation_id="work_mine",
        responses={200: WorkItemSerializer(many=True), **problems(401, 403)},
        tags=["work"],
    )
    def get(self, request: Request) -> Response:
        access.check(self.actor, support_access.may_see_work_list(self.actor), "see work lists")
        items = worklists.my_work(self.actor)
        audit.record(self.actor, Event.WORK_LISTED, purpose="my work (API)")
        return Response(WorkItemSerializer(items, many=True).data)


class CaseCloseView(ActorAPIView):
    """Close a case: a reason and a step-down plan are required; follow-ups are scheduled."""

    @extend_schema(
        operation_id="cases_close",
        request=CloseInSerializer,
        responses={201: ClosureSerializer, **problems(400, 401, 403, 404, 422)},
        tags=["cases"],
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_queries.case_get(self.actor, pk, purpose="close the case")
        body = CloseInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closure = case_services.case_close(actor=self.actor, case=case, **body.validated_data)
        return Response(ClosureSerializer(closure).data, status=status.HTTP_201_CREATED)


class FollowUpView(ActorAPIView):
    """Record a follow-up check-in after closure (concerns reopen the case)."""

    @extend_schema(
        operation_id="cases_follow_up_record",
        request=FollowUpInSerializer,
        responses={200: FollowUpSerializer, **problems(400, 401, 403, 404, 409)},
        tags=["cases"],
    )
    def post(self, request: Request, pk: int) -> Response:
        item = case_queries.follow_up_get(self.actor, pk)
        body = FollowUpInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = case_services.follow_up_record(
            actor=self.actor, follow_up=item, **body.validated_data
        )
        return Response(FollowUpSerializer(done).data)
