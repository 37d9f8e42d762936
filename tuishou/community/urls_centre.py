"""The community's promoter-centre pages, included at ``/centre/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.community import views

app_name = "community_centre"

urlpatterns = [
    path("leaderboards/", views.leaderboards, name="leaderboards"),
]
