"""Pages of the sandbox gateway (a real gateway hosts its own)."""

from django.urls import path

from tuishou.payments.views import sandbox_pay

urlpatterns = [
    path("<str:txn_id>", sandbox_pay, name="sandbox-pay"),
]
