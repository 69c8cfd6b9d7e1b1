"""API tokens: issued here; the secret is shown once, only its hash is kept."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.accounts.models import ApiToken
from lantern.core import audit
from lantern.core.events import Event


def _token_detail(token: ApiToken) -> dict[str, Any]:
    """What the audit log records of a token (never its secret or hash)."""
    membership = token.membership
    return {
        "name": token.name,
        "prefix": token.prefix,
        "user": membership.user.get_username(),
        "agency": membership.agency.code,
        "role": membership.role,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
    }


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = (
        "name", "prefix", "membership", "created_at", "expires_at", "last_used_at", "revoked_at"
    )
    list_filter = ("membership__agency",)
    fields = ("membership", "name", "expires_at", "prefix", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = ApiToken.issue(obj.membership, obj.name, expires_at=obj.expires_at)
        obj.pk = token.pk
        audit.record_admin(
            request, Event.TOKEN_ISSUED, object_id=token.pk, detail=_token_detail(token)
        )
        messages.warning(request, f"Copy this token now; it will not be shown again: {raw}")

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        tokens = list(
            queryset.filter(revoked_at__isnull=True).select_related(
                "membership__user", "membership__agency"
            )
        )
        with transaction.atomic():
            count = ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(
                revoked_at=timezone.now()
            )
            for token in tokens:
                audit.record_admin(
                    request, Event.TOKEN_REVOKED, object_id=token.pk, detail=_token_detail(token)
                )
        messages.success(request, f"Revoked {count} token(s)")

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        """Deleting a token revokes it for good; recorded as a revocation."""
        pk, detail = obj.pk, {**_token_detail(obj), "deleted": True}
        super().delete_model(request, obj)
        audit.record_admin(request, Event.TOKEN_REVOKED, object_id=pk, detail=detail)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for token in queryset.select_related("membership__user", "membership__agency"):
                self.delete_model(request, token)
