"""The declared status tables of orders, checkouts and after-sales cases, moved by ``tuishou.core.transitions``.

Orders: created → paid → shipped → received → completed; created → cancelled (the buyer cancels, or payment
expires); paid / shipped / received → refunding → refunded, or back to where it was when the refund was
partial (the order keeps its state, and its stamps: a partial refund does not restart the after-sales window).

Checkouts: pending → paid | cancelled, together with their orders.

After-sales cases: open → merchant_accepted → return_shipped → refunding → refunded (return and refund);
open → refunding → refunded (refund only, accepted); open → merchant_rejected; open, accepted, return shipped
or rejected → escalated (the merchant missed its SLA, or the buyer disputes) → refunding or closed.
"""

from __future__ import annotations

from datetime import datetime

from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply
from tuishou.orders.models import (
    AfterSalesCase,
    AfterSalesStatusChange,
    Checkout,
    CheckoutStatusChange,
    Order,
    OrderStatusChange,
)

S = Order.Status
C = Checkout.Status
A = AfterSalesCase.Status
REFUNDABLE = frozenset({S.PAID, S.SHIPPED, S.RECEIVED})

# status → the statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.SHIPPED, S.REFUNDING}),
    S.SHIPPED: frozenset({S.RECEIVED, S.REFUNDING}),
    S.RECEIVED: frozenset({S.COMPLETED, S.REFUNDING}),
    S.REFUNDING: frozenset({S.REFUNDED}) | REFUNDABLE,
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}
ORDER = pipeline_register(Pipeline(
    model=Order, moves=TRANSITIONS, history=OrderStatusChange,
    stamps={S.PAID: "paid_at", S.SHIPPED: "shipped_at", S.RECEIVED: "received_at", S.COMPLETED: "completed_at",
            S.CANCELLED: "cancelled_at"}))

CHECKOUT = pipeline_register(Pipeline(
    model=Checkout, moves={C.PENDING: frozenset({C.PAID, C.CANCELLED}), C.PAID: frozenset(),
                           C.CANCELLED: frozenset()},
    stamps={C.PAID: "paid_at", C.CANCELLED: "cancelled_at"}, history=CheckoutStatusChange))

CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    A.OPEN: frozenset({A.ACCEPTED, A.REJECTED, A.ESCALATED, A.REFUNDING}),
    A.ACCEPTED: frozenset({A.RETURN_SHIPPED, A.ESCALATED}),
    A.RETURN_SHIPPED: frozenset({A.REFUNDING, A.ESCALATED}),
    A.REJECTED: frozenset({A.ESCALATED}),
    A.ESCALATED: frozenset({A.REFUNDING, A.CLOSED}),
    A.REFUNDING: frozenset({A.REFUNDED}),
    A.REFUNDED: frozenset(),
    A.CLOSED: frozenset(),
}
CASE = pipeline_register(Pipeline(
    model=AfterSalesCase, moves=CASE_TRANSITIONS, history=AfterSalesStatusChange,
    stamps={A.ESCALATED: "escalated_at", A.REFUNDED: "refunded_at"}))


def transition_check(*, current: str, target: str, resume_status: str = "") -> None:
    """Raise ``orders.transition_invalid`` unless the table allows ``current → target``.

    Out of ``refunding`` an order goes to ``refunded`` or back to the status it came from, never elsewhere.
    """
    ORDER.check(current=current, to=target)
    if current == S.REFUNDING and target in REFUNDABLE and target != resume_status:
        raise ORDER.refusal(current=current, to=target, resume_status=resume_status)


def order_transition(*, order: Order, to: str, actor=None, reason: str = "", at: datetime | None = None,
                     **changes) -> Order:
    """Move ``order`` to ``to`` with its history row; the first time a status is reached stamps its time.

    ``changes`` are other fields saved with the move (carrier and tracking number, …). Of two concurrent
    moves based on the same read only one succeeds (``tuishou.core.transitions``).
    """
    transition_check(current=order.status, target=to, resume_status=order.resume_status)
    if to == S.REFUNDING:
        changes["resume_status"] = order.status
    elif order.status == S.REFUNDING:
        changes["resume_status"] = ""
    return transition_apply(order, to=to, actor=actor, reason=reason, at=at, changes=changes)


def checkout_transition(*, checkout: Checkout, to: str, actor=None, reason: str = "", at: datetime | None = None,
                        **changes) -> Checkout:
    """Move a checkout (paid or cancelled, with its orders) and record the move."""
    return transition_apply(checkout, to=to, actor=actor, reason=reason, at=at, changes=changes)


def case_transition(*, case: AfterSalesCase, to: str, actor=None, reason: str = "", at: datetime | None = None,
                    **changes) -> AfterSalesCase:
    """Move an after-sales case along ``CASE_TRANSITIONS`` and record who moved it and why."""
    return transition_apply(case, to=to, actor=actor, reason=reason, at=at, changes=changes)
