from django.urls import path

from lantern.screening import views

app_name = "screening"
urlpatterns = [
    path("due/", views.due, name="due"),
    path("transitions/", views.transitions, name="transitions"),
    path("person/<int:pk>/", views.person_history, name="person_history"),
    path("person/<int:pk>/new/", views.new_for_person, name="new_for_person"),
    path("<int:pk>/", views.detail, name="detail"),
    path("instruments/", views.instruments, name="instruments"),
    path("instruments/<int:pk>/", views.instrument_version, name="instrument_version"),
    path("instrument.schema.json", views.instrument_schema, name="instrument_schema"),
]
