from django.urls import path

from lantern.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/agencies/add/", views.add_agency, name="add_agency"),
    path("<int:pk>/chronology/new/", views.entry_new, name="entry_new"),
    path("chronology/<int:pk>/", views.entry_detail, name="entry"),
    path("chronology/<int:pk>/amend/", views.entry_amend, name="entry_amend"),
    path(
        "restricted-access/person/<int:person_pk>/",
        views.restricted_access,
        name="restricted_access",
    ),
    path("restricted-access/", views.access_requests, name="access_requests"),
    path("<int:pk>/close/", views.close, name="close"),
    path("follow-ups/<int:pk>/", views.follow_up, name="follow_up"),
    path("activity/<int:pk>/acknowledge/", views.activity_acknowledge, name="activity_acknowledge"),
    path("restricted-access/<int:pk>/", views.access_decide, name="access_decide"),
]
