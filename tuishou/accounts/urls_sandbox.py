"""The SMS sandbox's page (mounted at ``/sandbox-sms/`` only while TUISHOU_SMS_PROVIDER is the sandbox)."""

from django.urls import path

from tuishou.accounts.views_sandbox import sandbox_sms

app_name = "sandbox_sms"
urlpatterns = [path("", sandbox_sms, name="list")]
