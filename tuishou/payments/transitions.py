"""The payment and refund status pipelines: declared tables and the one function each that moves a row.

Callers hold the row lock (``select_for_update``) already — callback processing and refunds lock the payment
first — so a move here is a plain write after the table check; a move the table does not allow raises
``payments.transition_invalid`` (a bug, never a consumer's mistake: callbacks check state before moving).
"""

from __future__ import annotations

from django.utils import timezone

from tuishou.core.errors import Conflict
from tuishou.payments.errors import PaymentError
from tuishou.payments.models import Payment, Refund

P = Payment.Status
R = Refund.Status

# event → (statuses it may start from, status it ends in)
PAYMENT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "issue": (frozenset({P.CREATED}), P.PENDING),
    # A success after a failure is real money (the payer retried on the gateway's page): it counts.
    "succeed": (frozenset({P.PENDING, P.FAILED}), P.SUCCEEDED),
    "fail": (frozenset({P.PENDING}), P.FAILED),
    "refuse": (frozenset({P.PENDING, P.FAILED}), P.EXPIRED_REFUNDED),
}

REFUND_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({R.REQUESTED}), R.PENDING),
    # The gateway may call back before we stored its refund id: requested → succeeded/failed is allowed.
    "succeed": (frozenset({R.REQUESTED, R.PENDING}), R.SUCCEEDED),
    "fail": (frozenset({R.REQUESTED, R.PENDING}), R.FAILED),
}


def _target(table: dict[str, tuple[frozenset[str], str]], kind: str, current: str, event: str) -> str:
    sources, target = table[event]
    if current not in sources:
        raise Conflict(PaymentError.TRANSITION_INVALID, event=event, kind=kind, current=current,
                       details={"status": current, "event": event})
    return target


def payment_can(payment: Payment, event: str) -> bool:
    """True when ``event`` may move ``payment`` from its current status."""
    return payment.status in PAYMENT_TRANSITIONS[event][0]


def refund_can(refund: Refund, event: str) -> bool:
    """True when ``event`` may move ``refund`` from its current status."""
    return refund.status in REFUND_TRANSITIONS[event][0]


def payment_transition(*, payment: Payment, event: str, reason: str = "", **changes) -> Payment:
    """Move a (locked) payment by ``event``; the only place a payment's status changes."""
    payment.status = _target(PAYMENT_TRANSITIONS, "payment", payment.status, event)
    payment.status_reason = reason
    for name, value in changes.items():
        setattr(payment, name, value)
    payment.updated_at = timezone.now()
    payment.save(update_fields=["status", "status_reason", "updated_at", *changes])
    return payment


def refund_transition(*, refund: Refund, event: str, reason: str = "", **changes) -> Refund:
    """Move a (locked) refund by ``event``; the only place a refund's status changes."""
    refund.status = _target(REFUND_TRANSITIONS, "refund", refund.status, event)
    if reason:
        refund.status_reason = reason
    if event == "succeed":
        changes.setdefault("succeeded_at", timezone.now())
    for name, value in changes.items():
        setattr(refund, name, value)
    refund.updated_at = timezone.now()
    refund.save(update_fields=["status", "status_reason", "updated_at", *changes])
    return refund
