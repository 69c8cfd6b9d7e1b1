"""Administrators manage agencies and memberships here (never case content).

Every change to a membership – who holds which role in which agency, and which restricted
categories it may read – is recorded in the audit log with what changed.
"""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from lantern.agencies.models import Agency, Membership
from lantern.core import audit
from lantern.core.events import Event


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ("name", "code", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")


def membership_state(membership: Membership) -> dict[str, Any]:
    """What the audit log records of a membership (names, not only ids)."""
    return {
        "user": membership.user.get_username(),
        "agency": membership.agency.code,
        "role": membership.role,
        "restricted_categories": sorted(membership.restricted_categories or []),
        "job_title": membership.job_title,
        "is_active": membership.is_active,
    }


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "agency", "role", "is_active")
    list_filter = ("agency", "role", "is_active")
    search_fields = ("user__username", "user__last_name")
    autocomplete_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        before = None
        if change:
            stored = Membership.objects.select_related("user", "agency").filter(pk=obj.pk).first()
            before = membership_state(stored) if stored else None
        super().save_model(request, obj, form, change)
        after = membership_state(obj)
        if before is None:
            audit.record_admin(request, Event.MEMBERSHIP_CREATED, object_id=obj.pk, detail=after)
            return
        changed = {
            key: {"before": before[key], "after": after[key]}
            for key in after
            if before[key] != after[key]
        }
        categories = changed.pop("restricted_categories", None)
        who = {"user": after["user"], "agency": after["agency"], "role": after["role"]}
        if categories is not None:
            audit.record_admin(
                request,
                Event.RESTRICTED_CATEGORIES_CHANGED,
                object_id=obj.pk,
                detail={**who, "restricted_categories": categories},
            )
        if changed:
            audit.record_admin(
                request,
                Event.MEMBERSHIP_CHANGED,
                object_id=obj.pk,
                detail={**who, "changed": changed},
            )

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        pk, state = obj.pk, membership_state(obj)
        super().delete_model(request, obj)
        audit.record_admin(request, Event.MEMBERSHIP_REMOVED, object_id=pk, detail=state)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        with transaction.atomic():
            for membership in queryset.select_related("user", "agency"):
                self.delete_model(request, membership)
