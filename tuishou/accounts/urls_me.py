"""The person's own pages: ``/me/`` (profile, roles, shortcuts), ``/me/role/`` (switch), ``/me/promoter/``."""

from django.urls import path

from tuishou.accounts import views

app_name = "me"

urlpatterns = [
    path("", views.me, name="home"),
    path("role/", views.role_switch, name="role"),
    path("promoter/", views.become_promoter, name="promoter"),
]
