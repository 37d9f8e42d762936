"""Reads of payments: a payment for the person allowed to see it, refund totals."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from tuishou.accounts.permissions import is_operator
from tuishou.core.errors import NotFound
from tuishou.payments.errors import PaymentError
from tuishou.payments.models import Payment, Refund

ZERO = Decimal("0.00")
VIEWING_ROLES = ("finance", "customer_service")


def payment_for_viewer(*, user, payment_id: int) -> Payment:
    """A payment its payer (or finance / customer service) may see; ``payments.payment_unknown`` otherwise —
    also for someone else's payment, so ids reveal nothing."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or (payment.user_id != getattr(user, "pk", None) and not is_operator(user, *VIEWING_ROLES)):
        raise NotFound(PaymentError.PAYMENT_UNKNOWN, payment_id=payment_id)
    return payment


def refund_committed_total(payment: Payment) -> Decimal:
    """What is refunded or on its way back: every refund that has not failed."""
    total = payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def refund_succeeded_total(payment: Payment) -> Decimal:
    """What has gone back to the payer."""
    total = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))["total"]
    return total or ZERO
