"""The checkout's fast paid handler (issue 13): what ``paying.checkout_payment_succeeded`` does for an ordinary
payment, in a few hand-written statements (PostgreSQL only; ``payments.callback_fast`` calls it).

Registered with ``payments.events.on_payment_succeeded_fast``. It takes the payment only when the checkout is
pending, within its payment time, of the same amount, and every order of it is ``created``; otherwise it answers
False and payments rolls everything back and runs the reference handler (which refuses, or answers a replay).
For a taken payment it writes what the reference writes, in the same lock order (checkout, then its orders by
pk, then the promoters through the services):

1. the checkout, locked (``SELECT … FOR UPDATE``);
2. its orders, locked in pk order, each with its lines, its credited promoter's tree path and its plan's base
   setting (one statement);
3. each credited promoter's chain (``incentives.payouts.chain_snapshot``, one indexed read per order);
4. every order moved to ``paid`` with its chain and history row, and the checkout moved with its history row
   (ONE statement of data-modifying CTEs, each move conditional on the status read, as
   ``core.transitions`` moves them);
5. per order with a credited promoter, the services' own volume entry and first-sale count
   (``volume_record``, ``promoter_record_first_sale``: two statements) — inline only: with the batched accrual
   the booking batch writes them;
6. ``order.paid`` emitted through ``orders.events`` — the same event the reference emits, to the same
   handlers (inline: the accrual, the rollups, materials, and the notification and risk tasks after commit;
   batched: only the outbox row, the batch delivering the rest).
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection

from tuishou.core.money import from_minor
from tuishou.incentives.payouts import chain_snapshot
from tuishou.orders import events
from tuishou.orders.models import Checkout, CheckoutStatusChange, Order, OrderLine, OrderStatusChange
from tuishou.orders.paying import order_paid_record, volume_of

C = Checkout.Status
S = Order.Status


def checkout_paid_fast(event) -> bool:
    """Move a pending checkout and its orders to paid for ``event`` (``payments.events.PaymentSucceeded``);
    False when the checkout is not in the state the fast path handles (the caller then rolls back)."""
    checkout_id = int(event.payable_ref)
    payment_ref = str(event.payment_id)
    at: datetime = event.paid_at
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status, expires_at, amount FROM {Checkout._meta.db_table} WHERE id = %s FOR UPDATE",
                       [checkout_id])
        found = cursor.fetchone()
        if found is None or found[0] != C.PENDING or at > found[1] or from_minor(found[2]) != event.amount:
            return False
        orders = _orders_locked(cursor, checkout_id)
        for order in orders:
            order["checkout_id"] = checkout_id
        if not orders or any(order["status"] != S.CREATED for order in orders):
            return False
        for order in orders:
            order["chain"] = (chain_snapshot(promoter_id=order["promoter_id"], path=order["path"])
                              if order["promoter_id"] else [])
        if not _move(cursor, checkout_id=checkout_id, orders=orders, at=at, payment_ref=payment_ref):
            return False
    for order in orders:
        _order_paid(order, at=at, payment_ref=payment_ref)
    return True


def _orders_locked(cursor, checkout_id: int) -> list[dict]:
    cursor.execute(
        f"SELECT o.id, o.number, o.status, o.buyer_id, o.merchant_id, o.promoter_id, o.self_purchase, "
        f"o.community_id, o.plan_version_id, o.fee_rate, o.total, o.refunded_amount, o.commission_base, "
        f"o.commission_base_remaining, p.path, v.document ->> 'base', "
        f"(SELECT array_agg(ARRAY[l.id, l.sku_id, l.quantity, l.paid_amount, l.commission_base] ORDER BY l.id) "
        f" FROM {OrderLine._meta.db_table} l WHERE l.order_id = o.id) "
        f"FROM {Order._meta.db_table} o "
        f"LEFT JOIN network_promoter p ON p.id = o.promoter_id "
        f"LEFT JOIN incentives_planversion v ON v.id = o.plan_version_id "
        f"WHERE o.checkout_id = %s ORDER BY o.id FOR UPDATE OF o", [checkout_id])
    names = ("id", "number", "status", "buyer_id", "merchant_id", "promoter_id", "self_purchase", "community_id",
             "plan_version_id", "fee_rate", "total", "refunded_amount", "commission_base",
             "commission_base_remaining", "path", "base_setting", "lines")
    orders = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for order in orders:
        for name in ("total", "refunded_amount", "commission_base", "commission_base_remaining"):
            order[name] = from_minor(order[name])
        order["path"] = bytes(order["path"]) if order["path"] is not None else None
        order["lines"] = tuple(
            events.PaidLine(line_id=pk, sku_id=sku_id, quantity=quantity, paid_amount=from_minor(paid),
                            commission_base=from_minor(base))
            for pk, sku_id, quantity, paid, base in order["lines"] or [])
    return orders


def _move(cursor, *, checkout_id: int, orders: list[dict], at: datetime, payment_ref: str) -> bool:
    """Every order created → paid (chain, paid_at stamp) and the checkout pending → paid (payment_ref, paid_at
    stamp), each with its history row, in one statement; True when all of them moved."""
    reason = f"payment {payment_ref}"
    ids = [order["id"] for order in orders]
    chains = [json.dumps([link.as_dict() for link in order["chain"]]) for order in orders]
    cursor.execute(
        f"WITH moved AS (UPDATE {Order._meta.db_table} o SET status = %s, chain = c.chain::jsonb, "
        f"  paid_at = COALESCE(o.paid_at, %s) FROM unnest(%s::bigint[], %s::text[]) AS c(id, chain) "
        f"  WHERE o.id = c.id AND o.status = %s RETURNING o.id), "
        f"moved_history AS (INSERT INTO {OrderStatusChange._meta.db_table} "
        f"  (event, from_status, to_status, actor_id, reason, created_at, order_id) "
        f"  SELECT '', %s, %s, NULL, %s, %s, id FROM moved ORDER BY id RETURNING id), "
        f"paid AS (UPDATE {Checkout._meta.db_table} SET status = %s, payment_ref = %s, "
        f"  paid_at = COALESCE(paid_at, %s) WHERE id = %s AND status = %s RETURNING id), "
        f"paid_history AS (INSERT INTO {CheckoutStatusChange._meta.db_table} "
        f"  (event, from_status, to_status, actor_id, reason, created_at, checkout_id) "
        f"  SELECT '', %s, %s, NULL, %s, %s, id FROM paid RETURNING id) "
        f"SELECT (SELECT count(*) FROM moved_history), (SELECT count(*) FROM paid_history)",
        [S.PAID, at, ids, chains, S.CREATED, S.CREATED, S.PAID, reason, at,
         C.PAID, payment_ref, at, checkout_id, C.PENDING, C.PENDING, C.PAID, reason, at])
    return cursor.fetchone() == (len(orders), 1)


def _order_paid(order: dict, *, at: datetime, payment_ref: str) -> None:
    """The reference's ``paying._order_paid`` after the move: volume, first sale, ``order.paid``."""
    volume = volume_of(paid=order["total"] - order["refunded_amount"], base=order["commission_base_remaining"],
                       base_setting=order["base_setting"])
    order_paid_record(order=order, volume=volume, chain=order["chain"], lines=order["lines"], at=at,
                      payment_ref=payment_ref)
