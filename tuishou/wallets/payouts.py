"""The payout-provider interface (出款渠道) and the registry of providers by name.

A provider does two things for us: accept a transfer to a payee (→ the provider's payout id; whether the
money arrived comes later, by callback) and verify a callback (signature, freshness, shape → a
``ProviderEvent``). Which provider new payouts use is the setting ``TUISHOU_PAYOUT_PROVIDER``;
``"sandbox"`` is built in (``tuishou.wallets.sandbox``). Nothing here knows of payments: a payout provider
is a separate contract even where one company offers both.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from tuishou.core.errors import DomainError, InvalidInput, NotFound
from tuishou.wallets.rules import Payee

PAYOUT_SUCCEEDED = "payout.succeeded"
PAYOUT_FAILED = "payout.failed"
PAYOUT_EVENTS = frozenset({PAYOUT_SUCCEEDED, PAYOUT_FAILED})

STALE_AFTER_SECONDS = 300  # a callback signed more than 5 minutes ago (or ahead) is a replay, not news


class CallbackRejected(InvalidInput):
    """A payout callback we refuse: forged, stale, malformed or contradicting our books (400, logged)."""


class PayoutDeclined(DomainError):
    """The provider refused a transfer outright (the withdrawal fails and is released)."""

    status = 502


@dataclass(frozen=True)
class ProviderEvent:
    """A verified payout callback, in the provider-neutral shape the services process."""

    event_id: str
    type: str
    payout_id: str
    reference: str
    amount: Decimal
    currency: str
    occurred_at: datetime | None
    reason: str = ""


class PayoutProvider(Protocol):
    """What wallets need from a payout provider; an implementation registers with ``payout_provider_register``."""

    name: str

    def transfer_submit(self, *, reference: str, amount: Decimal, currency: str, payee: Payee) -> str:
        """Ask for ``amount`` to be paid to ``payee``; answer the provider's payout id.

        Must be idempotent on ``reference`` (the same reference twice is one transfer): we retry on errors.
        Raises ``PayoutDeclined`` when the provider refuses the transfer outright.
        """
        ...

    def callback_verify(self, *, headers: Mapping[str, str], body: bytes,
                        now: datetime | None = None) -> ProviderEvent:
        """Check a callback's signature and freshness and parse it, or raise ``CallbackRejected``."""
        ...


_FACTORIES: dict[str, Callable[[], PayoutProvider] | str] = {
    "sandbox": "tuishou.wallets.sandbox.SandboxPayoutProvider",
}


def payout_provider_register(name: str, factory: Callable[[], PayoutProvider]) -> None:
    """Make a provider available by ``name`` (a real provider's adapter registers itself here)."""
    _FACTORIES[name] = factory


def payout_provider_get(name: str | None = None) -> PayoutProvider:
    """The provider called ``name``, or the configured default; ``wallets.provider_unknown`` otherwise."""
    name = name or settings.TUISHOU_PAYOUT_PROVIDER
    factory = _FACTORIES.get(name)
    if factory is None:
        raise NotFound("wallets.provider_unknown", f"No payout provider called {name!r}.")
    if isinstance(factory, str):
        factory = import_string(factory)
    return factory()


def hmac_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 over ``f"{timestamp}.{body}"``: binding the time stops an old body being re-dated."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_matches(*, secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Constant-time comparison of ``signature`` with the one we compute."""
    return hmac.compare_digest(hmac_signature(secret=secret, timestamp=timestamp, body=body),
                               signature.strip().lower())
