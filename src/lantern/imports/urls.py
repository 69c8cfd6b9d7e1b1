from django.urls import path

from lantern.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.extract_list, name="list"),
    path("new/", views.extract_upload, name="upload"),
    path("<int:pk>/", views.extract_detail, name="detail"),
    path("<int:pk>/progress/", views.extract_progress, name="progress"),
    path("<int:pk>/quarantine/", views.quarantine_list, name="quarantine"),
    path("<int:pk>/withdraw/", views.extract_withdraw, name="withdraw"),
    path("quarantine/<int:pk>/", views.quarantine_fix, name="row"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/new/", views.profile_upload, name="profile_new"),
    path("profiles/<slug:name>/", views.profile_detail, name="profile"),
]
