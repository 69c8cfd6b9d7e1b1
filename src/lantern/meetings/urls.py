from django.urls import path

from lantern.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.schedule, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/room/", views.room, name="room"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("items/<int:pk>/", views.item, name="item"),
    path("minutes/", views.minutes_list, name="minutes_list"),
    path("minutes/<int:pk>/", views.minutes_html, name="minutes"),
    path("minutes/<int:pk>/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("plans/case/<int:case_pk>/", views.plan, name="plan"),
    path("plans/case/<int:case_pk>/review/", views.plan_edit, name="plan_edit"),
]
