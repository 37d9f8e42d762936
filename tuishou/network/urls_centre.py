"""The promoter centre's network pages, included at ``/centre/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.network import views_centre as views

app_name = "centre"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("invite/", views.invite, name="invite"),
    path("invite/poster.png", views.invite_poster, name="invite_poster"),
    path("team/", views.team, name="team"),
    path("rank/", views.rank, name="rank"),
    path("mentor/", views.mentor, name="mentor"),
    path("community/", views.community, name="community"),
]
