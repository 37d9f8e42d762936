"""Announcements at the desks: included at ``/ops/announcements/`` and ``/agency/announcements/``."""

from django.urls import path

from tuishou.notifications import views_desk

urlpatterns = [path("", views_desk.announcements)]
