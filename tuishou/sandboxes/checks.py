"""The sandboxes are refused in production (issue 12, item 2).

A sandbox gateway or payout provider lets anyone "pay" with a button and earn real commissions; the SMS sandbox
sends no text and shows every sign-up code on ``/sandbox-sms/``, so anyone could sign up with any phone number. With
``DEBUG`` off, a sandbox in use is a system-check error unless ``TUISHOU_ALLOW_SANDBOX=1`` says so on purpose
(the embedded demo, ``make run``, sets it): every management command that checks the system (``tuishou check
--deploy``, ``migrate``, ``serve``) stops and says why.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

SANDBOX = "sandbox"
MONEY = "anyone could pay with the sandbox's button and earn real commissions"
# The settings that name a provider, and what their sandbox would let anyone do in production.
RISKS = {"TUISHOU_PAYMENT_GATEWAY": MONEY, "TUISHOU_PAYOUT_PROVIDER": MONEY,
         "TUISHOU_SMS_PROVIDER": "anyone could read every sign-up code on /sandbox-sms/ and sign up with any phone "
                                 "number"}


def sandboxes_in_use() -> list[str]:
    """The settings naming a sandbox as the provider in use (of TUISHOU_PAYMENT_GATEWAY, TUISHOU_PAYOUT_PROVIDER,
    TUISHOU_SMS_PROVIDER)."""
    return [name for name in RISKS if getattr(settings, name, "") == SANDBOX]


def sandbox_allowed() -> bool:
    """Whether a sandbox may take money here: while developing (``DEBUG``) or when allowed on purpose."""
    return bool(settings.DEBUG or getattr(settings, "TUISHOU_ALLOW_SANDBOX", False))


@checks.register(checks.Tags.security)
def sandboxes_refused_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    in_use = sandboxes_in_use()
    if not in_use or sandbox_allowed():
        return []
    risks = "; ".join(dict.fromkeys(RISKS[name] for name in in_use))
    return [checks.Error(
        f"{', '.join(in_use)} {'names' if len(in_use) == 1 else 'name'} the sandbox with DEBUG off: {risks}.",
        hint="Configure a real payment gateway, payout provider and SMS provider, or set TUISHOU_ALLOW_SANDBOX=1 "
             "for a demo or a staging server that must take no real money.",
        id="tuishou.E001")]
