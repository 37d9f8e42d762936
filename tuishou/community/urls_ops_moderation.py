"""Materials moderation at the operators' desk, included at ``/ops/materials/``."""

from django.urls import path

from tuishou.community import views_moderation

app_name = "ops-moderation"

urlpatterns = [
    path("", views_moderation.material_list, name="list"),
    path("<int:material_id>/", views_moderation.material_case, name="detail"),
]
