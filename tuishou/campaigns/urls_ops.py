"""Campaign pages of the operators' desk, included at ``/ops/campaigns/``."""

from django.urls import path

from tuishou.campaigns import views

urlpatterns = [
    path("", views.ops_list),
    path("new/", views.ops_new),
    path("<int:campaign_id>/", views.ops_detail),
]
