"""Top-level URLs. Every name here is classified in the access-matrix test."""

from django.contrib import admin
from django.urls import include, path

from lantern.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("lantern.accounts.urls")),
    path("people/", include("lantern.people.urls")),
    path("referrals/", include("lantern.referrals.urls")),
    path("cases/", include("lantern.cases.urls")),
    path("screening/", include("lantern.screening.urls")),
    path("imports/", include("lantern.imports.urls")),
    path("linkage/", include("lantern.linkage.urls")),
    path("intelligence/", include("lantern.intelligence.urls")),
    path("support/", include("lantern.support.urls")),
    path("board/", include("lantern.reporting.urls")),
    path("learning/", include("lantern.learning.urls")),
    path("actions/", include("lantern.actions.urls")),
    path("meetings/", include("lantern.meetings.urls")),
    path("api/", include("lantern.api_urls")),
    path("admin/", admin.site.urls),
    path("health/", core_views.health, name="health"),
]

handler403 = "lantern.core.views.forbidden"
handler404 = "lantern.core.views.not_found"
