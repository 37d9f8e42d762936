"""Fulfilment (发货 / 收货): the merchant ships, the buyer confirms receipt (or it is confirmed automatically
AUTO_CONFIRM_DAYS after shipping), and an order completes when its after-sales window has closed with no
open case — the moment commissions may settle (``order.completed``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tuishou.accounts.permissions import require_user
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.merchants.selectors import merchant_staff_role
from tuishou.orders import events
from tuishou.orders.carriers import tracking_number_normal
from tuishou.orders.errors import OrderError
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.orders.services import text_clean
from tuishou.orders.transitions import order_transition

S = Order.Status


def _order_locked(order_id: int) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise _order_unknown(order_id)
    return order


def _order_unknown(order_id: int) -> NotFound:
    # Someone else's order is unknown (404) like one that does not exist: its id is not confirmed.
    return NotFound(OrderError.ORDER_UNKNOWN, order_id=order_id, details={"order_id": order_id})


def tracking_number_clean(value) -> str:
    """A tracking number (运单号) without spaces: ``orders.field_required`` when empty, else
    ``orders.tracking_number_invalid`` unless it is 3–30 letters, digits or hyphens (field ``tracking_number``)."""
    typed = text_clean(value, "tracking_number", 60)
    tracking_number = tracking_number_normal(typed)
    if tracking_number is None:
        raise InvalidInput(OrderError.TRACKING_NUMBER_INVALID, tracking_number=typed,
                           details={"field": "tracking_number"})
    return tracking_number


def order_ship(*, actor, order_id: int, carrier: str, tracking_number: str) -> Order:
    """Merchant staff ship a paid order (发货) with the carrier and its tracking number.

    Raises ``orders.field_required`` / ``orders.tracking_number_invalid`` (the carrier or tracking number),
    ``orders.order_unknown`` (another merchant's order too), ``orders.not_paid`` (not paid yet, or cancelled),
    ``orders.already_shipped``, ``orders.not_shippable`` (refunding or refunded); nothing is written then.
    """
    require_user(actor)
    carrier = text_clean(carrier, "carrier", 40)
    tracking_number = tracking_number_clean(tracking_number)
    with transaction.atomic():
        order = _order_locked(order_id)
        if merchant_staff_role(user=actor, merchant_id=order.merchant_id) is None:
            raise _order_unknown(order_id)
        if order.status in (S.CREATED, S.CANCELLED):
            raise Conflict(OrderError.NOT_PAID,
                           details={"order_id": order_id, "status": order.status})
        if order.status in (S.SHIPPED, S.RECEIVED, S.COMPLETED):
            raise Conflict(OrderError.ALREADY_SHIPPED, details={"order_id": order_id, "status": order.status})
        if order.status in (S.REFUNDING, S.REFUNDED):
            raise Conflict(OrderError.NOT_SHIPPABLE, details={"order_id": order_id, "status": order.status})
        return order_transition(order=order, to=S.SHIPPED, actor=actor, reason=f"{carrier} {tracking_number}",
                                carrier=carrier, tracking_number=tracking_number)


def order_confirm_receipt(*, actor, order_id: int) -> Order:
    """The buyer confirms receipt (确认收货); the after-sales window starts now.

    Raises ``orders.order_unknown`` for someone else's order too, ``orders.transition_invalid`` unless shipped.
    """
    require_user(actor)
    with transaction.atomic():
        order = _order_locked(order_id)
        if order.buyer_id != actor.pk:
            raise _order_unknown(order_id)
        return order_transition(order=order, to=S.RECEIVED, actor=actor, reason="confirmed by the buyer")


def orders_auto_confirm(*, now: datetime | None = None) -> int:
    """Confirm receipt of orders shipped AUTO_CONFIRM_DAYS ago or more (自动确认收货); return how many.

    Each order is its own transaction and a conditional move, so reruns and overlapping runs are harmless.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TUISHOU.get("AUTO_CONFIRM_DAYS", 10))
    moved = 0
    for order_id in Order.objects.filter(status=S.SHIPPED, shipped_at__lte=cutoff).order_by("pk").values_list(
            "pk", flat=True):
        with transaction.atomic():
            order = _order_locked(order_id)
            if order.status != S.SHIPPED:
                continue
            order_transition(order=order, to=S.RECEIVED, reason="confirmed automatically", at=now)
            moved += 1
    return moved


def orders_complete(*, now: datetime | None = None) -> int:
    """Complete received orders whose after-sales window (AFTER_SALES_DAYS after receipt) has closed with no
    open after-sales case, emitting ``order.completed`` for each; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TUISHOU["AFTER_SALES_DAYS"])
    open_cases = AfterSalesCase.objects.filter(status__in=AfterSalesCase.OPEN_STATUSES).values("order_id")
    due = (Order.objects.filter(status=S.RECEIVED, received_at__lte=cutoff).exclude(pk__in=open_cases)
           .order_by("pk").values_list("pk", flat=True))
    completed = 0
    for order_id in due:
        with transaction.atomic():
            order = _order_locked(order_id)
            if order.status != S.RECEIVED or order.after_sales.filter(
                    status__in=AfterSalesCase.OPEN_STATUSES).exists():
                continue
            order_transition(order=order, to=S.COMPLETED, reason="after-sales window closed", at=now)
            events.emit(events.OrderCompleted(
                order_id=order.pk, order_number=order.number, promoter_id=order.promoter_id,
                plan_version_id=order.plan_version_id, commission_base=order.commission_base_remaining,
                paid_amount=order.total - order.refunded_amount, completed_at=now))
            completed += 1
    return completed
