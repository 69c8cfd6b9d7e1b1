"""The accounts side of the API: how a request becomes an Actor, ``/api/me/``, schema and docs.

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
from typing import Any

from django.conf import settings
from django.template.loader import get_template
from drf_spectacular.utils import extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.accounts.actors import actor_for_membership, actor_for_request, client_ip
from lantern.accounts.models import ApiToken
from lantern.core.access import Actor
from lantern.core.api import ActorAPIView, AgencyRefSerializer, UserNameField, problems
from lantern.core.problems import PROBLEM_CONTENT_TYPE
from lantern.referrals import access as referrals_access

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
        return referrals_access.may_triage(actor)

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
