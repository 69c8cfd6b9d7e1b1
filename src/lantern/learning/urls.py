from django.urls import path

from lantern.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.home, name="home"),
    path("learning-set.csv", views.learning_set_csv, name="learning_set_csv"),
    path("pack.json", views.pack_json, name="pack"),
    path("learning-pack.schema.json", views.pack_schema, name="pack_schema"),
    path("case-studies/", views.case_studies, name="case_studies"),
    path("case-studies/new/", views.case_study_edit, name="case_study_new"),
    path("case-studies/<int:pk>/", views.case_study, name="case_study"),
    path("case-studies/<int:pk>/edit/", views.case_study_edit, name="case_study_edit"),
    path("case-studies/<int:pk>/approve/", views.case_study_approve, name="case_study_approve"),
    path("packs/", views.packs_page, name="packs"),
    path("packs/<int:pk>/", views.compare, name="compare"),
    path("packs/<int:pk>/remove/", views.pack_remove, name="pack_remove"),
]
