"""Administrators manage agencies and memberships here (never case content)."""

from django.contrib import admin

from lantern.agencies.models import Agency, Membership


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ("name", "code", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "agency", "role", "is_active")
    list_filter = ("agency", "role", "is_active")
    search_fields = ("user__username", "user__last_name")
    autocomplete_fields = ("user",)
