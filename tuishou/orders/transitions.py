"""The order status pipeline: a declared table and the one function that moves an order along it.

created → paid → shipped → received → completed; created → cancelled (the buyer cancels, or payment
expires); paid / shipped / received → refunding → refunded, or back to where it was when the refund was
partial (the order keeps its state).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tuishou.core.errors import Conflict
from tuishou.orders.errors import OrderError
from tuishou.orders.models import Order, OrderStatusChange

S = Order.Status
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
# the timestamp each status stamps on the order when it is entered
STAMPS = {S.PAID: "paid_at", S.SHIPPED: "shipped_at", S.RECEIVED: "received_at", S.COMPLETED: "completed_at",
          S.CANCELLED: "cancelled_at"}


def transition_check(*, current: str, target: str, resume_status: str = "") -> None:
    """Raise ``orders.transition_invalid`` unless the table allows ``current → target``.

    Out of ``refunding`` an order goes to ``refunded`` or back to the status it came from, never elsewhere.
    """
    allowed = TRANSITIONS.get(current, frozenset())
    back = current == S.REFUNDING and target in REFUNDABLE
    if target not in allowed or (back and target != resume_status):
        raise Conflict(OrderError.TRANSITION_INVALID, status=current, to=target,
                       details={"status": current, "to": target})


def order_transition(*, order: Order, to: str, actor=None, reason: str = "", at: datetime | None = None,
                     **changes) -> Order:
    """Move ``order`` to ``to``, write its history row and stamp the time; the only place a status changes.

    Call it with the order's row locked (or let it be the conditional update that decides): the UPDATE
    is conditional on the status read, so of two concurrent moves only one succeeds. ``changes`` are other
    fields saved with the move (carrier and tracking number, …).
    """
    at = at or timezone.now()
    current = order.status
    transition_check(current=current, target=to, resume_status=order.resume_status)
    fields = dict(changes)
    fields["status"] = to
    if to == S.REFUNDING:
        fields["resume_status"] = current
    elif current == S.REFUNDING:
        fields["resume_status"] = ""
    if to in STAMPS:
        fields[STAMPS[to]] = at
    # No savepoint: the update and the history row commit together or the caller's transaction fails; a lost
    # race changes nothing and raises outside the block, so the caller's transaction stays usable.
    with transaction.atomic(savepoint=False):
        moved = Order.objects.filter(pk=order.pk, status=current).update(**fields)
        if moved:
            OrderStatusChange.objects.create(order=order, from_status=current, to_status=to,
                                             actor=actor if getattr(actor, "pk", None) else None,
                                             reason=reason[:200], created_at=at)
    if not moved:
        raise Conflict(OrderError.TRANSITION_INVALID, status=current, to=to,
                       details={"status": current, "to": to})
    for name, value in fields.items():
        setattr(order, name, value)
    return order
