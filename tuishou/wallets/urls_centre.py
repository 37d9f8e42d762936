"""The promoter centre's wallet, included at ``/centre/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.wallets import views_centre as views

app_name = "wallet"

urlpatterns = [
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/fee/", views.fee, name="fee"),
]
