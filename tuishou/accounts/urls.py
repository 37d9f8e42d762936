"""Pages of accounts: ``/account/login|logout|signup|home/``."""

from django.urls import path

from tuishou.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("home/", views.landing, name="landing"),
]
