"""Intelligence in the REST API: entities, links, persons of concern, disruption, the
network and alerts, under the same access policy and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.core.api import ActorAPIView, ActorListAPIView, problems, query_text
from lantern.core.pagination import PagePagination
from lantern.intelligence import access as intel_access
from lantern.intelligence import queries, services, terms
from lantern.intelligence.models import (
    Alert,
    AlertStatus,
    Entity,
    EntityKind,
    HandlingCode,
    IntelAssessment,
    Link,
    LinkSource,
    SourceEvaluation,
)
from lantern.intelligence.planactions import plan_actions

TAGS = ["intelligence"]
ALERT_TAGS = ["alerts"]


class EntitySerializer(serializers.Serializer[Entity]):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=EntityKind.choices)
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    subtype = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    person_of_concern = serializers.SerializerMethodField()
    person_at_risk = serializers.SerializerMethodField()

    def get_label(self, entity: Entity) -> str:
        namer = self.context.get("namer")
        return namer.label(entity) if namer else entity.label

    def get_person_of_concern(self, entity: Entity) -> bool:
        concern = getattr(entity, "concern", None)
        return bool(concern and concern.ended_at is None)

    def get_person_at_risk(self, entity: Entity) -> bool:
        return bool(entity.person_id or entity.at_risk)


class EntityCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=EntityKind.choices)
    label = serializers.CharField(max_length=300)  # type: ignore[assignment]
    subtype = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    colour = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, default="", allow_blank=True)
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, default="", allow_blank=True, max_length=10000)
    confirm_new = serializers.BooleanField(required=False, default=False)


class LinkSerializer(serializers.Serializer[Link]):
    id = serializers.IntegerField(read_only=True)
    from_entity = serializers.IntegerField(source="from_entity_id", read_only=True)
    to_entity = serializers.IntegerField(source="to_entity_id", read_only=True)
    link_type = serializers.CharField(read_only=True)
    link_type_label = serializers.SerializerMethodField()
    date_from = serializers.DateField(read_only=True, allow_null=True)
    date_to = serializers.DateField(read_only=True, allow_null=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    source_kind = serializers.CharField(read_only=True)
    source_reference = serializers.CharField(read_only=True)
    grading = serializers.CharField(read_only=True, help_text="3x5x2, e.g. 2BP")
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)
    withdrawal_reason = serializers.CharField(read_only=True)

    def get_link_type_label(self, link: Link) -> str:
        return terms.link_type_label(link.link_type)


class LinkCreateSerializer(serializers.Serializer[Any]):
    from_entity = serializers.IntegerField()
    to_entity = serializers.IntegerField()
    link_type = serializers.CharField(max_length=40)
    source_eval = serializers.ChoiceField(choices=SourceEvaluation.choices)
    intel_assessment = serializers.ChoiceField(choices=IntelAssessment.choices)
    handling = serializers.ChoiceField(choices=HandlingCode.choices, default=HandlingCode.P)
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    source_kind = serializers.ChoiceField(choices=LinkSource.choices, default=LinkSource.REPORT)
    source_reference = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    source_entry_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    source_referral_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=10000)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=10000)


class NodeSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    pk = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    subtype = serializers.CharField()
    role = serializers.CharField()
    risk = serializers.CharField()


class EdgeSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    pk = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]
    target = serializers.CharField()
    type = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    date = serializers.CharField()
    agency = serializers.CharField()
    grading = serializers.CharField()


class NetworkSerializer(serializers.Serializer[Any]):
    entities = NodeSerializer(many=True)
    links = EdgeSerializer(many=True)
    truncated = serializers.BooleanField()


class AlertSerializer(serializers.Serializer[Alert]):
    id = serializers.IntegerField(read_only=True)
    rule = serializers.CharField(read_only=True)
    subject = serializers.IntegerField(source="subject_id", read_only=True)
    score = serializers.FloatField(read_only=True)
    explanation = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    raised_at = serializers.DateTimeField(read_only=True)
    times_reraised = serializers.IntegerField(read_only=True)
    evidence_links = serializers.ListField(
        source="evidence_link_ids", child=serializers.CharField(), read_only=True
    )


class AlertDecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=[("accept", "accept"), ("dismiss", "dismiss")])
    start = serializers.ChoiceField(
        choices=[("referral", "referral"), ("case", "case")], required=False, default=""
    )
    case_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=10000)


def _entity_data(actor: Any, entity: Entity) -> dict[str, Any]:
    return dict(EntitySerializer(entity, context={"namer": queries.Namer(actor)}).data)


class EntityListView(ActorListAPIView):
    """Search persons of concern, places, vehicles, phones and handles; or record one."""

    pagination_class = PagePagination
    serializer_class = EntitySerializer

    def query(self) -> Any:
        return queries.search(
            self.actor,
            query_text(self.request, "q"),
            query_text(self.request, "kind", max_length=10),
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["namer"] = queries.Namer(self.actor)
        return context

    @extend_schema(
        operation_id="intelligence_entities_list",
        parameters=[
            OpenApiParameter("q", str, required=False),
            OpenApiParameter("kind", str, required=False),
        ],
        responses={200: EntitySerializer(many=True), **problems(400, 401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="intelligence_entities_create",
        request=EntityCreateSerializer,
        responses={201: EntitySerializer, **problems(400, 401, 403, 409)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        intel_access.require_read(self.actor)
        body = EntityCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        confirm = data.pop("confirm_new")
        entity = services.entity_create(
            actor=self.actor, details=services.EntityDetails(**data), confirm_new=confirm
        )
        return Response(
            _entity_data(self.actor, entity),
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-intel-entity", args=[entity.pk])},
        )


class EntityDetailView(ActorAPIView):
    """One entity and its links (as you may see them)."""

    @extend_schema(
        operation_id="intelligence_entity_detail",
        responses={200: EntitySerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        page = queries.entity_page(self.actor, pk)
        data = _entity_data(self.actor, page.entity)
        data["links"] = [
            {**LinkSerializer(row.link).data, "other": row.other.pk, "other_label": row.other_label}
            for rows in page.groups.values()
            for row in rows
        ]
        data["disruptions"] = [
            {
                "activity": d.activity,
                "activity_label": d.activity_label,
                "occurred_on": d.occurred_on,
                "agency": d.agency.code,
                "outcome": d.outcome,
            }
            for d in page.disruptions
        ]
        # A plan's actions are actions.Action rows: each is read, moved on and closed (with
        # an outcome) at /api/actions/<id>/ under the actions app's policy.
        data["disruption_plans"] = [
            {
                "id": plan.pk,
                "objective": plan.objective,
                "review_on": plan.review_on,
                "agency": plan.created_by_agency.code,
                "actions": [
                    {
                        "id": a.pk,
                        "reference": a.reference,
                        "title": a.title,
                        "owner_agency": a.owner_agency.code,
                        "due_on": a.due_on,
                        "status": a.status,
                        "outcome": a.outcome,
                    }
                    for a in plan_actions(self.actor, plan.pk)
                ],
            }
            for plan in page.plans
        ]
        return Response(data)


class EntityNetworkView(ActorAPIView):
    """The entity's network to ``depth`` links (1–4), filtered as the chart filters it."""

    @extend_schema(
        operation_id="intelligence_entity_network",
        parameters=[OpenApiParameter("depth", int, required=False)],
        responses={200: NetworkSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        entity = queries.entity_get(self.actor, pk)
        try:
            depth = int(query_text(request, "depth", max_length=2) or "2")
        except ValueError as exc:
            raise serializers.ValidationError({"depth": ["Give a number from 1 to 4"]}) from exc
        view = queries.ego(self.actor, entity, depth=depth, purpose="API")
        return Response(
            {"entities": view.entities, "links": view.links, "truncated": view.truncated}
        )


class LinkCreateView(ActorAPIView):
    @extend_schema(
        operation_id="intelligence_links_create",
        request=LinkCreateSerializer,
        responses={201: LinkSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        intel_access.require_read(self.actor)
        body = LinkCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        a = queries.entity_get(self.actor, data.pop("from_entity"))
        b = queries.entity_get(self.actor, data.pop("to_entity"))
        link = services.link_add(
            actor=self.actor, details=services.LinkDetails(from_entity=a, to_entity=b, **data)
        )
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)


class LinkDetailView(ActorAPIView):
    @extend_schema(
        operation_id="intelligence_link_detail",
        responses={200: LinkSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(LinkSerializer(queries.link_get(self.actor, pk)).data)


class LinkWithdrawView(ActorAPIView):
    @extend_schema(
        operation_id="intelligence_link_withdraw",
        request=ReasonSerializer,
        responses={200: LinkSerializer, **problems(400, 401, 403, 404, 409)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        link = queries.link_get(self.actor, pk)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        link = services.link_withdraw(
            actor=self.actor, link=link, reason=body.validated_data["reason"]
        )
        return Response(LinkSerializer(link).data)


class AlertListView(ActorListAPIView):
    """Alerts, strongest first (``status``: open, accepted, dismissed, lapsed)."""

    pagination_class = PagePagination
    serializer_class = AlertSerializer

    def query(self) -> Any:
        value = query_text(self.request, "status", max_length=10) or AlertStatus.OPEN
        if value not in AlertStatus.values:
            raise serializers.ValidationError(
                {"status": [f"Use one of {', '.join(AlertStatus.values)}"]}
            )
        return queries.alert_list(self.actor, status=value)

    @extend_schema(
        operation_id="intelligence_alerts_list",
        parameters=[OpenApiParameter("status", str, required=False, enum=AlertStatus.values)],
        responses={200: AlertSerializer(many=True), **problems(400, 401, 403)},
        tags=ALERT_TAGS,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class AlertDetailView(ActorAPIView):
    @extend_schema(
        operation_id="intelligence_alert_detail",
        responses={200: AlertSerializer, **problems(401, 403, 404)},
        tags=ALERT_TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(AlertSerializer(queries.alert_get(self.actor, pk)).data)


class AlertDecisionView(ActorAPIView):
    """Accept an alert (start a referral, or add it to a case) or dismiss it with a reason."""

    @extend_schema(
        operation_id="intelligence_alert_decide",
        request=AlertDecisionSerializer,
        responses={200: AlertSerializer, **problems(400, 401, 403, 404, 409)},
        tags=ALERT_TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        alert = queries.alert_get(self.actor, pk)
        intel_access.require_decide_alerts(self.actor, alert)
        body = AlertDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["decision"] == "accept":
            alert = services.alert_accept(
                actor=self.actor,
                alert=alert,
                start=data["start"],
                case_id=data["case_id"],
                reason=data["reason"],
            )
        else:
            alert = services.alert_dismiss(actor=self.actor, alert=alert, reason=data["reason"])
        return Response(AlertSerializer(alert).data)


class DisruptionOutcomeSerializer(serializers.Serializer[Any]):
    activity = serializers.CharField()
    occurred_on = serializers.DateField()
    window_end = serializers.DateField()
    outcome = serializers.ChoiceField(choices=["new_links", "no_new_links", "too_soon"])
    new_link_ids = serializers.ListField(child=serializers.IntegerField())


class EarlierContactSerializer(serializers.Serializer[Any]):
    occurred_on = serializers.DateField()
    contact_type = serializers.CharField()
    service = serializers.CharField()
    what_happened = serializers.CharField()


class ConcernProfileSerializer(serializers.Serializer[Any]):
    entity = serializers.IntegerField()
    sex = serializers.CharField()
    group_role = serializers.CharField()
    victim_approaches = serializers.ListField(child=serializers.CharField())
    first_concern_on = serializers.DateField()
    age_at_first_concern = serializers.IntegerField(allow_null=True)
    review_on = serializers.DateField(allow_null=True)
    place_ids = serializers.ListField(child=serializers.IntegerField())
    vehicle_ids = serializers.ListField(child=serializers.IntegerField())
    victims_linked = serializers.IntegerField()
    disruptions = DisruptionOutcomeSerializer(many=True)
    earlier_contacts = EarlierContactSerializer(many=True)


class ProfileView(ActorAPIView):
    """A person of concern's structured profile (recorded and derived), as you may see it."""

    @extend_schema(
        operation_id="intelligence_profile_retrieve",
        responses={200: ConcernProfileSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        facts = queries.profile_page(self.actor, pk)
        concern = facts.concern
        return Response(
            {
                "entity": facts.entity.pk,
                "sex": concern.sex,
                "group_role": concern.group_role,
                "victim_approaches": list(concern.victim_approaches),
                "first_concern_on": facts.first_concern_on,
                "age_at_first_concern": facts.age_at_first_concern,
                "review_on": concern.review_on,
                "place_ids": [e.pk for e in facts.places],
                "vehicle_ids": [e.pk for e in facts.vehicles],
                "victims_linked": facts.victims,
                "disruptions": [
                    {
                        "activity": o.disruption.activity,
                        "occurred_on": o.disruption.occurred_on,
                        "window_end": o.window_end,
                        "outcome": o.outcome,
                        "new_link_ids": [link.pk for link in o.new_links],
                    }
                    for o in facts.disruptions
                ],
                "earlier_contacts": [
                    {
                        "occurred_on": c.occurred_on,
                        "contact_type": c.contact_type,
                        "service": c.service,
                        "what_happened": c.what_happened,
                    }
                    for c in facts.earlier_contacts
                ],
            }
        )
