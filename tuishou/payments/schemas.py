"""API shapes for payments. Amounts go out as decimal strings ("59.90")."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from tuishou.payments.models import Payment
from tuishou.payments.selectors import refund_succeeded_total


class RefundOut(Schema):
    id: int
    amount: str
    reason: str
    status: str
    created_at: datetime
    succeeded_at: datetime | None


class PaymentOut(Schema):
    id: int
    status: str
    payable_type: str
    payable_ref: str
    amount: str
    currency: str
    gateway: str
    pay_url: str
    created_at: datetime
    paid_at: datetime | None
    refunded_amount: str
    refunds: list[RefundOut]


class WebhookOut(Schema):
    status: str
    event_id: str
    reason: str = ""


def payment_out(payment: Payment) -> dict:
    """The poll view of a payment, with its refunds."""
    return {
        "id": payment.pk, "status": payment.status, "payable_type": payment.payable_type,
        "payable_ref": payment.payable_ref, "amount": str(payment.amount), "currency": payment.currency,
        "gateway": payment.gateway, "pay_url": payment.pay_url, "created_at": payment.created_at,
        "paid_at": payment.paid_at, "refunded_amount": str(refund_succeeded_total(payment)),
        "refunds": [{"id": r.pk, "amount": str(r.amount), "reason": r.reason, "status": r.status,
                     "created_at": r.created_at, "succeeded_at": r.succeeded_at}
                    for r in payment.refunds.order_by("id")],
    }
