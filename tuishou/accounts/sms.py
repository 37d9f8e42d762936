"""Text messages (短信) through an outside SMS provider: a small interface and a registry of providers by name,
like the payment gateways and payout providers (``tuishou.core.providers``).

The real provider (阿里云短信, 腾讯云短信, …) lives outside this network: its adapter implements ``SmsProvider``
and registers itself with ``SMS_PROVIDERS.register(name, factory)``; ``TUISHOU_SMS_PROVIDER`` names the one in
use. The sandbox provider sends nothing: it records each message (``SandboxSms``), and while it is in use the
development page ``/sandbox-sms/`` lists them, so a developer or a test can read a sign-up code.
"""

from __future__ import annotations

from typing import Protocol

from django.utils import timezone

from tuishou.accounts.errors import AccountError
from tuishou.core.providers import ProviderRegistry

SANDBOX = "sandbox"


class SmsProvider(Protocol):
    """An SMS provider's adapter."""

    name: str

    def send(self, *, phone: str, text: str) -> str:
        """Send ``text`` to the mainland mobile number ``phone``; return the provider's message id."""
        ...


class SandboxSmsProvider:
    """Records messages instead of sending them (shown on ``/sandbox-sms/``)."""

    name = SANDBOX

    def send(self, *, phone: str, text: str) -> str:
        from tuishou.accounts.models_sms import SandboxSms

        message = SandboxSms.objects.create(phone=phone, text=text, sent_at=timezone.now())
        return f"sandbox-{message.pk}"


SMS_PROVIDERS: ProviderRegistry[SmsProvider] = ProviderRegistry(
    kind="sms provider", setting="TUISHOU_SMS_PROVIDER", unknown_code=AccountError.SMS_PROVIDER_UNKNOWN,
    builtin={SANDBOX: "tuishou.accounts.sms.SandboxSmsProvider"})


def sms_send(*, phone: str, text: str) -> str:
    """Send one message through the provider in use; its message id."""
    return SMS_PROVIDERS.get().send(phone=phone, text=text)
