"""The risk desk, included at ``/ops/risk/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.risk import views_ops as views

app_name = "risk_ops"

urlpatterns = [
    path("", views.flag_list, name="flags"),
    path("rules/", views.rule_settings, name="rules"),
    path("<int:flag_id>/", views.flag_review, name="flag"),
]
