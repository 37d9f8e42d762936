"""Operations' community pages, included at ``/ops/communities/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.network import views_ops as views

app_name = "ops_communities"

urlpatterns = [
    path("", views.communities, name="list"),
    path("new/", views.community_new, name="new"),
    path("<int:community_id>/", views.community, name="detail"),
    path("<int:community_id>/staff/", views.staff_add, name="staff_add"),
    path("<int:community_id>/staff/<int:user_id>/remove/", views.staff_remove, name="staff_remove"),
    path("<int:community_id>/active/", views.community_active, name="active"),
]
