from django.urls import path

from lantern.actions import views

app_name = "actions"
urlpatterns = [
    path("", views.action_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue/chase/<int:agency_pk>/", views.chase, name="chase"),
]
