"""The payment-gateway interface (支付网关) and the registry of gateways by name.

A gateway does four things for us: open a charge (→ a pay URL for the payer and the gateway's transaction
id), accept a refund request (→ the gateway's refund id; the outcome comes later by callback), and verify a
callback (signature, freshness, shape → a ``GatewayEvent``), and answer its statement of a day (对账单,
``tuishou.core.statements``). Which gateway new payments use is the setting
``TUISHOU_PAYMENT_GATEWAY``; ``"sandbox"`` is built in (``tuishou.payments.sandbox``).
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
from tuishou.payments.errors import PaymentError

PAYMENT_SUCCEEDED = "payment.succeeded"
PAYMENT_FAILED = "payment.failed"
REFUND_SUCCEEDED = "refund.succeeded"
REFUND_FAILED = "refund.failed"
PAYMENT_EVENTS = frozenset({PAYMENT_SUCCEEDED, PAYMENT_FAILED})
REFUND_EVENTS = frozenset({REFUND_SUCCEEDED, REFUND_FAILED})



class GatewayDeclined(DomainError):
    """The gateway refused a request outright (a charge or a refund it will not take)."""

    status = 502


def charge_reference(payment_id: int) -> str:
    """Our reference for a payment's charge at the gateway (a retry re-issues it; the gateway recognises it)."""
    return f"payment-{payment_id}"


def charge_description(description: str, payable_type: str, payable_ref: str) -> str:
    """What the payer sees on the gateway's page: the caller's description, else what is paid for."""
    return description or f"{payable_type} {payable_ref}"


@dataclass(frozen=True)
class Charge:
    """What a gateway answers when it opens a charge."""

    txn_id: str
    pay_url: str


@dataclass(frozen=True)
class GatewayEvent:
    """A verified callback, in the gateway-neutral shape the services process."""

    event_id: str
    type: str
    txn_id: str
    amount: Decimal
    currency: str
    occurred_at: datetime | None
    refund_id: str = ""
    refund_reference: str = ""
    reason: str = ""


class PaymentGateway(Protocol):
    """What payments needs from a gateway. Implementations register a factory with ``gateway_register``."""

    name: str

    def charge_create(self, *, reference: str, amount: Decimal, currency: str, description: str,
                      return_url: str) -> Charge:
        """Open a charge for ``amount``; ``reference`` is our payment id, for the gateway's books."""
        ...

    def refund_create(self, *, txn_id: str, reference: str, amount: Decimal, currency: str,
                      reason: str) -> str:
        """Ask for a refund of part or all of a paid charge; answer the gateway's refund id.

        Must be idempotent on ``reference`` (the same reference twice is one refund): we retry on errors.
        """
        ...

    def callback_verify(self, *, headers: Mapping[str, str], body: bytes,
                        now: datetime | None = None) -> GatewayEvent:
        """Check a callback's signature and freshness and parse it, or raise ``CallbackRejected``."""
        ...

    def statement(self, day: date) -> list[StatementLine]:
        """The gateway's statement of ``day`` (对账单, in ``settings.TIME_ZONE``): the charges paid that day
        (kind ``payment``, our ``payment-<id>`` reference) and the refunds it accepted that day (kind ``refund``,
        our ``refund-<id>``), each with its final state as the gateway's books have it."""
        ...


_GATEWAYS: ProviderRegistry[PaymentGateway] = ProviderRegistry(
    kind="payment gateway", setting="TUISHOU_PAYMENT_GATEWAY", unknown_code=PaymentError.GATEWAY_UNKNOWN,
    builtin={"sandbox": "tuishou.payments.sandbox.SandboxGateway"})


def gateway_register(name: str, factory: Callable[[], PaymentGateway]) -> None:
    """Make a gateway available by ``name`` (a real provider's adapter registers itself here)."""
    _GATEWAYS.register(name, factory)


def gateway_get(name: str | None = None) -> PaymentGateway:
    """The gateway called ``name``, or the configured default; ``payments.gateway_unknown`` otherwise."""
    return _GATEWAYS.get(name)
