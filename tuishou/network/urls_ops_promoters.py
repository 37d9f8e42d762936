"""The operators' promoter pages, under /ops/ (included by ``tuishou.urls``)."""

from django.urls import path

from tuishou.network import views_ops_promoters as views_ops

app_name = "ops_promoters"

urlpatterns = [
    path("promoters/", views_ops.promoters, name="promoters"),
    path("promoters/<int:promoter_id>/", views_ops.promoter, name="promoter"),
    path("promoters/<int:promoter_id>/<slug:action>/", views_ops.promoter_act, name="act"),
]
