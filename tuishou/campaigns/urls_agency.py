"""Campaign pages of the agency desk (its own community's figures), included at ``/agency/campaigns/``."""

from django.urls import path

from tuishou.campaigns import views

urlpatterns = [
    path("", views.agency_list),
    path("<int:campaign_id>/", views.agency_detail),
]
