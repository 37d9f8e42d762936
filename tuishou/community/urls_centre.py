"""The community's promoter-centre pages, included at ``/centre/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.community import views, views_materials, views_rewards

app_name = "community_centre"

urlpatterns = [
    path("leaderboards/", views.leaderboards, name="leaderboards"),
    path("materials/", views_materials.material_list, name="materials"),
    path("materials/new/", views_materials.material_new, name="material_new"),
    path("materials/mine/", views_materials.material_mine, name="materials_mine"),
    path("materials/rewards/", views_rewards.my_rewards, name="materials_rewards"),
    path("materials/<int:material_id>/", views_materials.material_detail, name="material"),
    path("materials/<int:material_id>/<str:action>/", views_materials.material_act, name="material_act"),
]
