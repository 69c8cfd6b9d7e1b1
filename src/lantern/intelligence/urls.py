from django.urls import path

from lantern.intelligence import views

app_name = "intelligence"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.entity_new, name="entity_new"),
    path("entities/<int:pk>/", views.entity_detail, name="entity"),
    path("entities/<int:pk>/concern/", views.concern, name="concern"),
    path("entities/<int:pk>/concern/end/", views.concern_end, name="concern_end"),
    path("entities/<int:pk>/profile/", views.profile, name="profile"),
    path("entities/<int:pk>/profile/edit/", views.profile_edit, name="profile_edit"),
    path(
        "entities/<int:pk>/profile/earlier-contacts/new/",
        views.earlier_contact_new,
        name="earlier_contact_new",
    ),
    path("entities/<int:pk>/links/new/", views.link_new, name="link_new"),
    path("entities/<int:pk>/disruption/new/", views.disruption_new, name="disruption_new"),
    path("entities/<int:pk>/plans/new/", views.plan_new, name="plan_new"),
    path("entities/<int:pk>/chart/", views.chart, name="chart"),
    path("entities/<int:pk>/chart/data/", views.chart_data, name="chart_data"),
    path("entities/<int:pk>/chart/save/", views.chart_save, name="chart_save"),
    path("entities/<int:pk>/export/<str:fmt>/", views.export, name="export"),
    path("links/<int:pk>/", views.link_detail, name="link"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("network/", views.network, name="network"),
    path("charts/", views.chart_list, name="charts"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
]
