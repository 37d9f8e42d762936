"""The community's desk pages, included at ``/agency/leaderboards/`` and ``/ops/leaderboards/``."""

from django.urls import path

from tuishou.community import views

urlpatterns = [path("", views.desk_leaderboards)]
