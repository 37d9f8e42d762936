"""Operations' withdrawal review, included at ``/ops/withdrawals/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.wallets import views_ops as views

app_name = "ops-withdrawals"

urlpatterns = [
    path("", views.withdrawal_list, name="list"),
    path("<int:withdrawal_id>/", views.withdrawal_review, name="review"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:incident_id>/", views.incident_review, name="incident"),
]
