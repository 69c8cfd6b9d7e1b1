from django.urls import path

from lantern.support import views

app_name = "support"
urlpatterns = [
    path("my-work/", views.my_work, name="my_work"),
    path("caseloads/", views.caseloads, name="caseloads"),
    path("person/<int:pk>/", views.person, name="person"),
    path("person/<int:pk>/outcomes.svg", views.outcomes_chart, name="outcomes_chart"),
    path("person/<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("person/<int:pk>/key-worker/", views.key_worker, name="key_worker"),
    path("person/<int:pk>/voice/new/", views.voice_new, name="voice_new"),
    path("person/<int:pk>/consent/new/", views.consent_new, name="consent_new"),
    path("person/<int:pk>/outcomes/new/", views.outcome_new, name="outcome_new"),
    path("person/<int:pk>/nrm/new/", views.nrm_new, name="nrm_new"),
    path("consent/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("nrm/<int:pk>/", views.nrm, name="nrm"),
]
