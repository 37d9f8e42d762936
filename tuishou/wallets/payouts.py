"""The payout-provider interface (出款渠道) and the registry of providers by name.

A provider does three things for us: accept a transfer to a payee (→ the provider's payout id; whether the
money arrived comes later, by callback), verify a callback (signature, freshness, shape → a
``ProviderEvent``) and answer its statement of a day (对账单, ``tuishou.core.statements``). Which provider
new payouts use is the setting ``TUISHOU_PAYOUT_PROVIDER``; ``"sandbox"`` is built in
(``tuishou.wallets.sandbox``). Nothing here knows of payments: a payout provider is a separate contract even
where one company offers both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from tuishou.core.errors import CallbackRejected, DomainError  # noqa: F401 (CallbackRejected is re-exported)
from tuishou.core.providers import ProviderRegistry
from tuishou.core.statements import StatementLine
from tuishou.wallets.errors import WalletError
from tuishou.wallets.rules import Payee

PAYOUT_SUCCEEDED = "payout.succeeded"
PAYOUT_FAILED = "payout.failed"
PAYOUT_EVENTS = frozenset({PAYOUT_SUCCEEDED, PAYOUT_FAILED})



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

    def statement(self, day: date) -> list[StatementLine]:
        """The provider's statement of ``day`` (对账单): every transfer it accepted that day (in
        ``settings.TIME_ZONE``), kind ``payout``, with its final state as the provider's books have it."""
        ...


_PROVIDERS: ProviderRegistry[PayoutProvider] = ProviderRegistry(
    kind="payout provider", setting="TUISHOU_PAYOUT_PROVIDER", unknown_code=WalletError.PROVIDER_UNKNOWN,
    builtin={"sandbox": "tuishou.wallets.sandbox.SandboxPayoutProvider"})


def payout_provider_register(name: str, factory: Callable[[], PayoutProvider]) -> None:
    """Make a provider available by ``name`` (a real provider's adapter registers itself here)."""
    _PROVIDERS.register(name, factory)


def payout_provider_get(name: str | None = None) -> PayoutProvider:
    """The provider called ``name``, or the configured default; ``wallets.provider_unknown`` otherwise."""
    return _PROVIDERS.get(name)
