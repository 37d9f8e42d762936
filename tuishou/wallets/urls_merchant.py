"""The merchant desk's payouts, included at ``/merchant/payouts/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.wallets import views_merchant as views

app_name = "merchant-payouts"

urlpatterns = [
    path("", views.payouts, name="payouts"),
    path("account/", views.payout_account, name="account"),
]
