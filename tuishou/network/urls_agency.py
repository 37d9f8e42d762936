"""The agency portal's pages, included at ``/agency/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.network import views_agency as views

app_name = "agency"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("promoters/", views.promoters, name="promoters"),
    path("promoters/<int:promoter_id>/", views.promoter, name="promoter"),
    path("mentors/", views.mentors, name="mentors"),
    path("growth/", views.growth, name="growth"),
]
