from django.urls import path

from lantern.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("review/", views.queue, name="queue"),
    path("review/next/", views.claim_next, name="claim_next"),
    path("review/<int:pk>/", views.pair, name="pair"),
    path("review/<int:pk>/claim/", views.claim, name="claim"),
    path("review/<int:pk>/release/", views.release, name="release"),
    path("models/", views.model_list, name="models"),
    path("models/train/", views.train, name="train"),
    path("models/learn/", views.learn, name="learn"),
    path("models/<int:pk>/", views.model_detail, name="model"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("matches/", views.matches, name="matches"),
    path("people/<int:pk>/merge/", views.merge_person, name="merge_person"),
    path("merges/<int:pk>/", views.merge_detail, name="merge"),
]
