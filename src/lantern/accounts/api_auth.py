"""DRF authentication with agency-bound tokens: ``Authorization: Bearer lan_…``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from lantern.accounts.models import ApiToken, hash_token


class AgencyTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] not in (self.keyword, "Token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as 'Authorization: Bearer <token>'."
            )
        token = (
            ApiToken.objects.select_related("membership__user", "membership__agency")
            .filter(key_hash=hash_token(header[1]))
            .first()
        )
        if token is None or not token.is_usable:
            raise exceptions.AuthenticationFailed(
                "This token is not valid, has expired or was revoked."
            )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.membership.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class AgencyTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "lantern.accounts.api_auth.AgencyTokenAuthentication"
    name = "agencyToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token bound to one agency and role, issued by an administrator.",
        }
