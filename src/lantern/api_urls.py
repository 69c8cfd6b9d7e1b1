"""The REST API, mounted at ``/api/``. URL names start with ``api-`` and are stable."""

from django.urls import URLPattern, path

from lantern.accounts import api as accounts_api
from lantern.cases import api as cases_api
from lantern.people import api as people_api
from lantern.referrals import api as referrals_api

urlpatterns: list[URLPattern] = [
    path("schema/", accounts_api.SchemaView.as_view(), name="api-schema"),
    path("docs/", accounts_api.DocsView.as_view(), name="api-docs"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("people/", people_api.PersonSearchView.as_view(), name="api-person-search"),
    path(
        "people/duplicates/",
        people_api.DuplicateCheckView.as_view(),
        name="api-person-duplicates",
    ),
    path("people/<int:pk>/", people_api.PersonDetailView.as_view(), name="api-person-detail"),
    path("referrals/", referrals_api.ReferralListView.as_view(), name="api-referral-list"),
    path(
        "referrals/<int:pk>/",
        referrals_api.ReferralDetailView.as_view(),
        name="api-referral-detail",
    ),
    path(
        "referrals/<int:pk>/decision/",
        referrals_api.DecisionView.as_view(),
        name="api-referral-decision",
    ),
    path("triage/", referrals_api.TriageQueueView.as_view(), name="api-triage"),
    path("cases/", cases_api.CaseListView.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", cases_api.CaseDetailView.as_view(), name="api-case-detail"),
    path(
        "cases/<int:pk>/chronology/",
        cases_api.CaseChronologyView.as_view(),
        name="api-case-chronology",
    ),
    path(
        "chronology/<int:pk>/",
        cases_api.ChronologyEntryView.as_view(),
        name="api-chronology-entry",
    ),
    path(
        "chronology/<int:pk>/amend/",
        cases_api.ChronologyAmendView.as_view(),
        name="api-chronology-amend",
    ),
    path("event-types/", cases_api.EventTypesView.as_view(), name="api-event-types"),
    path(
        "concern-categories/",
        referrals_api.ConcernCategoriesView.as_view(),
        name="api-concern-categories",
    ),
]
