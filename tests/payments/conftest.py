"""Payments test set-up (the sandbox well behaved: tests/conftest.py): a test double for the payable's app."""

from __future__ import annotations

import pytest

from tests.payments.factories import PAYABLE
from tuishou.payments import events


class PayableDouble:
    """Stands in for the orders app (not built yet): records what payments told it; refuses when told to."""

    def __init__(self) -> None:
        self.paid: list[events.PaymentSucceeded] = []
        self.refunded: list[events.RefundSucceeded] = []
        self.expired: set[str] = set()
        self.before_refusing = None  # a write the handler makes before it refuses (must be rolled back)

    def payment_succeeded(self, event: events.PaymentSucceeded) -> None:
        if event.payable_ref in self.expired:
            if self.before_refusing:
                self.before_refusing()
            raise events.PayableRefused("order expired")
        self.paid.append(event)

    def refund_succeeded(self, event: events.RefundSucceeded) -> None:
        self.refunded.append(event)


@pytest.fixture
def payable():
    double = PayableDouble()
    undo = [events.on_payment_succeeded(PAYABLE, double.payment_succeeded),
            events.on_refund_succeeded(PAYABLE, double.refund_succeeded)]
    yield double
    for unregister in undo:
        unregister()
