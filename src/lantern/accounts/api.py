"""The API's foundations: who is acting, shared serializers and error shapes, and ``/api/me/``.

Every person-data endpoint derives from :class:`ActorAPIView` or :class:`ActorListAPIView`,
which build ``self.actor`` once authentication has succeeded. An API token is bound to one
membership (one agency and one role); a browser session acts as the membership chosen in the
session, exactly as the pages do. Views stay thin: parse input, call one service or query,
serialize.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from functools import cache
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import get_template
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lantern.accounts.actors import actor_for_membership, actor_for_request, client_ip
from lantern.accounts.models import ApiToken
from lantern.core import access
from lantern.core.access import Actor
from lantern.core.problems import PROBLEM_CONTENT_TYPE
from lantern.core.vocab import vocabulary

CHOOSE_ROLE_MESSAGE = (
    "You belong to more than one agency or role. Choose which one you are acting as "
    "(Choose your role, in Lantern's pages) and try again, or use an API token, which is "
    "bound to one agency and role."
)
SECOND_FACTOR_MESSAGE = (
    "Hub roles must confirm a second factor before seeing records. Confirm it in Lantern's "
    "pages and try again."
)
INACTIVE_AGENCY_MESSAGE = "This token's agency is no longer active in Lantern."


# --- the actor -----------------------------------------------------------------------


def _request_id(request: Request) -> str:
    return str(getattr(request._request, "request_id", ""))


def api_actor(request: Request) -> Actor:
    """The :class:`Actor` of an API request: the token's membership, or the session's.

    Raises a DRF ``PermissionDenied`` (a 403 problem) when a signed-in user has not chosen
    which membership to act as, or when a hub role has not confirmed its second factor in
    this session (the API grants no more than the pages do).
    """
    token = request.auth
    if isinstance(token, ApiToken):
        membership = token.membership
        if not membership.agency.is_active:
            raise exceptions.AuthenticationFailed(INACTIVE_AGENCY_MESSAGE)
        return actor_for_membership(
            membership,
            channel="api",
            ip_address=client_ip(request._request),
            request_id=_request_id(request),
        )
    actor = actor_for_request(request._request)
    if actor is None:
        raise exceptions.PermissionDenied(CHOOSE_ROLE_MESSAGE)
    if actor.is_hub and settings.LANTERN_REQUIRE_2FA_FOR_HUB:
        is_verified = getattr(request._request.user, "is_verified", None)
        if not (callable(is_verified) and is_verified()):
            raise exceptions.PermissionDenied(SECOND_FACTOR_MESSAGE)
    return dataclasses.replace(actor, channel="api")


class ActorMixin:
    """Builds ``self.actor`` after authentication and permission checks."""

    actor: Actor

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self.actor = api_actor(request)

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        context["actor"] = getattr(self, "actor", None)
        return context


class ActorAPIView(ActorMixin, APIView):
    """Base of single-object and action endpoints."""

    permission_classes = [IsAuthenticated]

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "view": self, "actor": getattr(self, "actor", None)}


class ActorListAPIView(ActorMixin, generics.ListAPIView):  # type: ignore[type-arg]
    """Base of paginated list endpoints: subclasses call one query in :meth:`query`.

    The query runs (and is audited) once per request, however often DRF asks for the
    queryset (the browsable API asks again to build its filter form).
    """

    permission_classes = [IsAuthenticated]
    _queried: QuerySet[Any] | None = None

    def query(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if self._queried is None:
            self._queried = self.query()
        return self._queried.all()


def query_text(request: Request, name: str, *, max_length: int = 200) -> str:
    """A free-text query parameter, refused (400 problem naming it) if too long."""
    value = str(request.query_params.get(name, "")).strip()
    if len(value) > max_length:
        raise exceptions.ValidationError({name: [f"Use no more than {max_length} characters"]})
    return value


def query_flag(request: Request, name: str) -> bool:
    """A true/false query parameter (absent: false); anything else is a 400 problem."""
    value = query_text(request, name, max_length=5).lower()
    if value not in {"", "true", "false", "1", "0", "yes", "no"}:
        raise exceptions.ValidationError({name: ["Use true or false"]})
    return value in {"true", "1", "yes"}


# --- shared serializers ---------------------------------------------------------------


class ProblemSerializer(serializers.Serializer[dict[str, Any]]):
    """RFC 9457 problem details, as every error is returned."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    # Field names are the RFC's; they shadow serializer attributes only for the type checker.
    instance = serializers.CharField(required=False)  # type: ignore[assignment]
    errors = serializers.ListField(  # type: ignore[assignment]
        child=serializers.DictField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: one {field, message} per problem",
    )


def problems(*codes: int) -> dict[Any, Any]:
    """Problem-detail responses for ``extend_schema(responses=...)``."""
    descriptions = {
        400: "Invalid input: `errors` names each field",
        401: "No token, or the token is not valid",
        403: "Refused by the access policy (the refusal is audited)",
        404: "Not found",
    }
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=ProblemSerializer, description=descriptions.get(code, "")
        )
        for code in codes
    }


class AgencyRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


@extend_schema_field(OpenApiTypes.STR)
class UserNameField(serializers.Field):  # type: ignore[type-arg]
    """A practitioner as their full name (or username): who did something, not their account."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        if value is None:
            return ""
        full = value.get_full_name() if hasattr(value, "get_full_name") else ""
        return str(full or value.get_username())


# --- /api/me/ -------------------------------------------------------------------------


class TokenInfoSerializer(serializers.Serializer[ApiToken]):
    name = serializers.CharField(read_only=True)
    prefix = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)


class MeSerializer(serializers.Serializer[Actor]):
    username = serializers.CharField(read_only=True)
    name = UserNameField(source="user")
    agency = AgencyRefSerializer(read_only=True)
    agency_kind = serializers.CharField(source="agency.kind", read_only=True)
    role = serializers.CharField(read_only=True)
    role_label = serializers.CharField(read_only=True)
    restricted_categories = serializers.SerializerMethodField()
    may_read_person_data = serializers.BooleanField(read_only=True)
    may_triage = serializers.SerializerMethodField()
    is_hub = serializers.BooleanField(read_only=True)
    token = serializers.SerializerMethodField()

    def get_restricted_categories(self, actor: Actor) -> list[str]:
        return sorted(actor.restricted_categories)

    def get_may_triage(self, actor: Actor) -> bool:
        return access.may_triage(actor)

    @extend_schema_field(TokenInfoSerializer(allow_null=True))
    def get_token(self, actor: Actor) -> dict[str, Any] | None:
        token = self.context["request"].auth
        if not isinstance(token, ApiToken):
            return None
        return dict(TokenInfoSerializer(token).data)


class MeView(ActorAPIView):
    """Who you are acting as: user, agency and role (a token is bound to exactly one)."""

    @extend_schema(
        operation_id="me",
        responses={200: MeSerializer, **problems(401, 403)},
        tags=["accounts"],
    )
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(self.actor, context=self.get_serializer_context()).data)


# --- schema and docs ------------------------------------------------------------------


class _ProblemsAsJson:
    """Schema and docs render YAML or HTML; their errors are still problem+json."""

    def handle_exception(self, exc: Exception) -> Response:
        request = self.request  # type: ignore[attr-defined]
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
        response: Response = super().handle_exception(exc)  # type: ignore[misc]
        return response


class SchemaView(_ProblemsAsJson, SpectacularAPIView):
    """The OpenAPI 3 document of this API (for signed-in users and token holders)."""

    permission_classes = [IsAuthenticated]


@cache
def _inline_style_hashes(template_name: str) -> tuple[str, ...]:
    """CSP hashes of the inline ``<style>`` blocks of a third-party template.

    Our policy is ``style-src 'self'``; allowing exactly these blocks by hash (on the docs
    page only) keeps it strict while Swagger UI's page renders as intended.
    """
    source = str(get_template(template_name).template.source)  # type: ignore[attr-defined]
    hashes = []
    for block in re.findall(r"<style>(.*?)</style>", source, flags=re.DOTALL):
        digest = hashlib.sha256(block.encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return tuple(hashes)


class DocsView(_ProblemsAsJson, SpectacularSwaggerSplitView):
    """Swagger UI, with its start-up script served from this view (no inline script)."""

    permission_classes = [IsAuthenticated]
    url_name = "api-schema"

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        hashes = _inline_style_hashes(self.template_name)
        if hashes and response.status_code == 200:
            response._csp_update = {"style-src": list(hashes)}
        return response


# --- vocabularies (not person data) ----------------------------------------------------


class TermSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    hint = serializers.CharField(read_only=True)
    group = serializers.CharField(read_only=True)


class VocabularySerializer(serializers.Serializer[Any]):
    """A local area's list of codes, versioned; send the ``code`` values back to the API."""

    vocabulary = serializers.CharField(source="name", read_only=True)
    version = serializers.CharField(read_only=True)
    terms = TermSerializer(many=True, read_only=True)


class VocabularyView(APIView):
    """Base of the vocabulary endpoints: any signed-in user or token may read them."""

    permission_classes = [IsAuthenticated]
    app: ClassVar[str]
    vocabulary_name: ClassVar[str]
    serializer_class: ClassVar[type[serializers.BaseSerializer[Any]]] = VocabularySerializer

    def get(self, request: Request) -> Response:
        return Response(self.serializer_class(vocabulary(self.app, self.vocabulary_name)).data)
