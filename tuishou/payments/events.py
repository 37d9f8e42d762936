"""The one place payments tells the rest of the platform what happened to a payment or a refund.

Contract (the orders app registers its handlers here; payments imports no payable's app):

* ``on_payment_succeeded(payable_type, handler)``: ``handler(PaymentSucceeded)`` is called when a gateway's
  success callback for a payment of that payable type is processed — **inside the same database transaction**
  as the payment's move to ``succeeded``, so the handler can move its payable (an order to ``paid``) atomically
  with it. The handler runs in a savepoint of its own:

  - returning normally accepts the money;
  - raising ``PayableRefused(reason)`` ("this payable no longer accepts payment": the order expired or was
    cancelled) undoes whatever the handler wrote, and payments then marks the payment ``expired_refunded``
    and requests a full, automatic refund through the gateway. Refund handlers are **not** called for that
    refund: the payable never took the money;
  - raising anything else aborts the whole callback (nothing is recorded, the webhook answers 500), so the
    gateway delivers it again later — use that for a transient failure, never for a refusal.

  A success for a payable that another payment already paid is refused by payments itself, without calling
  the handler.
* ``on_refund_succeeded(payable_type, handler)``: ``handler(RefundSucceeded)`` is called inside the
  transaction that marks a (non-automatic) refund ``succeeded``; it may not refuse.
* Handlers must be quick and must not call out of the process; anything slow goes to a task scheduled with
  ``transaction.on_commit``.

Each register function returns a callable that unregisters the handler (tests use it). One handler per
payable type and kind: registering a second, different one is a programming error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tuishou.core.errors import Conflict
from tuishou.payments.errors import PaymentError

log = logging.getLogger(__name__)


class PayableRefused(Conflict):
    """Raised by a payment-succeeded handler: the payable no longer accepts this payment.

    ``reason`` is for the event log and the refund, in English; the payments service refunds automatically.
    """

    def __init__(self, reason: str = "payable no longer accepts payment") -> None:
        super().__init__(PaymentError.PAYABLE_REFUSED, reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class PaymentSucceeded:
    """A payment of ``amount`` for ``payable_type``/``payable_ref`` went through."""

    payment_id: int
    payable_type: str
    payable_ref: str
    amount: Decimal
    currency: str
    paid_at: datetime
    user_id: int | None


@dataclass(frozen=True)
class RefundSucceeded:
    """``amount`` went back to the payer; ``refunded_total`` counts every succeeded refund of the payment."""

    refund_id: int
    payment_id: int
    payable_type: str
    payable_ref: str
    amount: Decimal
    refunded_total: Decimal
    paid_amount: Decimal
    reason: str

    @property
    def fully_refunded(self) -> bool:
        return self.refunded_total >= self.paid_amount


PaymentHandler = Callable[[PaymentSucceeded], None]
RefundHandler = Callable[[RefundSucceeded], None]

_payment_handlers: dict[str, PaymentHandler] = {}
_refund_handlers: dict[str, RefundHandler] = {}


def _register(registry: dict, payable_type: str, handler: Callable) -> Callable[[], None]:
    current = registry.get(payable_type)
    if current is not None and current is not handler:
        raise RuntimeError(f"a handler for {payable_type!r} is already registered: {current!r}")
    registry[payable_type] = handler

    def unregister() -> None:
        if registry.get(payable_type) is handler:
            del registry[payable_type]

    return unregister


def on_payment_succeeded(payable_type: str, handler: PaymentHandler) -> Callable[[], None]:
    """Register the handler told of successful payments for ``payable_type``; returns its unregister."""
    return _register(_payment_handlers, payable_type, handler)


def on_refund_succeeded(payable_type: str, handler: RefundHandler) -> Callable[[], None]:
    """Register the handler told of successful refunds for ``payable_type``; returns its unregister."""
    return _register(_refund_handlers, payable_type, handler)


def payment_succeeded_notify(event: PaymentSucceeded) -> None:
    """Call the payable's handler (services call this inside the transaction); may raise ``PayableRefused``."""
    handler = _payment_handlers.get(event.payable_type)
    if handler is None:
        log.warning("no payment handler for payable type %r (payment #%s)", event.payable_type, event.payment_id)
        return
    handler(event)


def refund_succeeded_notify(event: RefundSucceeded) -> None:
    """Call the payable's refund handler, if any (inside the transaction)."""
    handler = _refund_handlers.get(event.payable_type)
    if handler is None:
        log.warning("no refund handler for payable type %r (refund #%s)", event.payable_type, event.refund_id)
        return
    handler(event)


# ---- the fast paid path (PostgreSQL, ``TUISHOU["PAID_FAST_PATH"]``) -------------------------------------------
# A payable may also register a fast handler: ``handler(PaymentSucceeded) -> bool``, called inside the fast
# callback's transaction (``payments.callback_fast``) right after the payment moved to ``succeeded``. It
# answers True when it took the payment (its payable was in the one state the fast path handles) and False
# otherwise; on False payments rolls the whole transaction back and the reference services handle the callback
# as before (refusals, replays, anything unusual), so the fast handler only ever does what the reference
# handler does on its one ordinary path.

FastPaymentHandler = Callable[[PaymentSucceeded], bool]
_fast_payment_handlers: dict[str, FastPaymentHandler] = {}


def on_payment_succeeded_fast(payable_type: str, handler: FastPaymentHandler) -> Callable[[], None]:
    """Register the fast handler of successful payments for ``payable_type``; returns its unregister."""
    return _register(_fast_payment_handlers, payable_type, handler)


def fast_payment_handler(payable_type: str) -> FastPaymentHandler | None:
    """The fast handler registered for ``payable_type``, or None (then only the reference path exists)."""
    return _fast_payment_handlers.get(payable_type)
