"""Materials reward periods at the operators' desk, included at ``/ops/materials/rewards/``."""

from django.urls import path

from tuishou.community import views_rewards

app_name = "ops-rewards"

urlpatterns = [
    path("", views_rewards.period_list, name="list"),
    path("new/", views_rewards.period_new, name="new"),
    path("<int:period_id>/", views_rewards.period_detail, name="detail"),
]
