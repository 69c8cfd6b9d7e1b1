from django.urls import path

from lantern.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.new, name="new"),
    path("new/person/<int:person_pk>/", views.new_for_person, name="new_for_person"),
    path("new/details/", views.new_with_details, name="new_with_details"),
    path("triage/", views.triage, name="triage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
]
