"""API tokens: issued here; the secret is shown once, only its hash is kept."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone

from lantern.accounts.models import ApiToken


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
        messages.warning(request, f"Copy this token now; it will not be shown again: {raw}")

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"Revoked {count} token(s)")
