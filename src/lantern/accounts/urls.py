from django.urls import path

from lantern.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("role/", views.choose_role, name="choose_role"),
    path("two-factor/", views.two_factor, name="two_factor"),
]
