from django.urls import path

from lantern.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("returns/<slug:collection>/", views.dashboard, name="returns"),
    path("figures/<slug:collection>.<str:fmt>", views.download, name="download"),
    path("figures/<slug:collection>/<slug:key>.<str:fmt>", views.download, name="download_one"),
    path("reports/", views.reports, name="reports"),
    path("reports/<str:period>/", views.report, name="report"),
    path("reports/<str:period>/document.<str:fmt>", views.report_document, name="report_document"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/new/", views.recommendation_edit, name="recommendation_new"),
    path("recommendations/<int:pk>/", views.recommendation_edit, name="recommendation_edit"),
    path("data-quality/", views.data_quality, name="data_quality"),
]
