"""The payment and refund status tables, moved by ``tuishou.core.transitions`` under named events.

Callers hold the row lock (``select_for_update``) already — callback processing and refunds lock the payment
first — and check ``payment_can`` / ``refund_can`` before moving, so a refused move here
(``payments.transition_invalid``) is a bug, never a consumer's mistake. Every move writes a history row.
"""

from __future__ import annotations

from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply
from tuishou.payments.models import Payment, PaymentStatusChange, Refund, RefundStatusChange
from tuishou.payments.sandbox_models import SandboxCharge, SandboxRefund

P = Payment.Status
R = Refund.Status

PAYMENT = pipeline_register(Pipeline(
    model=Payment, history=PaymentStatusChange, touch="updated_at",
    moves={
        P.CREATED: frozenset({P.PENDING}),
        P.PENDING: frozenset({P.SUCCEEDED, P.FAILED, P.EXPIRED_REFUNDED}),
        # A success after a failure is real money (the payer retried on the gateway's page): it counts.
        P.FAILED: frozenset({P.SUCCEEDED, P.EXPIRED_REFUNDED}),
        P.SUCCEEDED: frozenset(),
        P.EXPIRED_REFUNDED: frozenset(),
    },
    stamps={P.SUCCEEDED: "paid_at", P.EXPIRED_REFUNDED: "paid_at"},
    events={
        "issue": (frozenset({P.CREATED}), P.PENDING),
        "succeed": (frozenset({P.PENDING, P.FAILED}), P.SUCCEEDED),
        "fail": (frozenset({P.PENDING}), P.FAILED),
        "refuse": (frozenset({P.PENDING, P.FAILED}), P.EXPIRED_REFUNDED),
    }))

REFUND = pipeline_register(Pipeline(
    model=Refund, history=RefundStatusChange, touch="updated_at",
    moves={
        # The gateway may call back before we stored its refund id: requested → succeeded/failed is allowed.
        R.REQUESTED: frozenset({R.PENDING, R.SUCCEEDED, R.FAILED}),
        R.PENDING: frozenset({R.SUCCEEDED, R.FAILED}),
        R.SUCCEEDED: frozenset(),
        R.FAILED: frozenset(),
    },
    stamps={R.SUCCEEDED: "succeeded_at"},
    events={
        "submit": (frozenset({R.REQUESTED}), R.PENDING),
        "succeed": (frozenset({R.REQUESTED, R.PENDING}), R.SUCCEEDED),
        "fail": (frozenset({R.REQUESTED, R.PENDING}), R.FAILED),
    }))

# The sandbox gateway's own books (a stand-in for the gateway's system): a charge is paid once; a refund is
# written in its outcome and never moves.
pipeline_register(Pipeline(
    model=SandboxCharge, moves={SandboxCharge.Status.OPEN: frozenset({SandboxCharge.Status.PAID}),
                                SandboxCharge.Status.PAID: frozenset()},
    stamps={SandboxCharge.Status.PAID: "paid_at"}))
pipeline_register(Pipeline(model=SandboxRefund, moves={status: frozenset() for status in SandboxRefund.Status}))


def payment_can(payment: Payment, event: str) -> bool:
    """True when ``event`` may move ``payment`` from its current status."""
    return PAYMENT.can(payment.status, event)


def refund_can(refund: Refund, event: str) -> bool:
    """True when ``event`` may move ``refund`` from its current status."""
    return REFUND.can(refund.status, event)


def payment_transition(*, payment: Payment, event: str, reason: str = "", actor=None, **changes) -> Payment:
    """Move a (locked) payment by ``event``; ``status_reason`` says why it is where it is now."""
    return transition_apply(payment, event=event, actor=actor, reason=reason,
                            changes={**changes, "status_reason": reason[:200]})


def refund_transition(*, refund: Refund, event: str, reason: str = "", actor=None, **changes) -> Refund:
    """Move a (locked) refund by ``event``; a failure's reason is kept in ``status_reason``."""
    if reason:
        changes["status_reason"] = reason[:200]
    return transition_apply(refund, event=event, actor=actor, reason=reason,
                            changes=changes)
