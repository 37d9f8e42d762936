"""The batched accrual (批量计提): paid orders booked many at a time, outside the payment callback.

With ``TUISHOU["ACCRUAL_BATCHED"]`` on, ``order.paid`` is deferred (``orders.events.defer``): the paying
transaction writes what must be decided at payment — the payment, checkout and order moves with their history
rows, the order's chain snapshot, the payment's event log row — and ONE outbox row per order
(``order_paid_queue``: the event in ``orders.AccrualPending``). Nothing else: no ledger post and none of the row
locks of the platform's gateway clearing, revenue and margin accounts and the merchant's, which every order would
otherwise hold until its commit; no volume entry, promoter count, rollup row, material count or task row.

``accruals_book`` then takes up to ``BATCH`` queued orders in ONE transaction, ``orders.events.deliver``-s their
events to every ``order.paid`` subscription — each with set-based statements for the whole batch where it has a
batch form: the volume entries and first sales (orders), the accrual (``accrual.orders_accrue``: one ledger post,
each touched balance moved once), the materials' counts, the day rollup (one row per key), and the risk checks
and notifications (one task row for the batch, run after its commit, so they see the commissions) — and deletes
the rows in it, so every order's effects happen exactly once under the same keys (``order:<id>:paid``) whoever
runs it; rows are taken ``FOR UPDATE SKIP LOCKED``, so several workers share the queue. The worker is triggered
after each paying commit (at most once a second per process, ``accruals_book_task``, its task row written in the
paying transaction), by the schedule every minute as a safety net, or by ``tuishou book_accruals``.

Anything that needs an order's effects before the batch has run (a refund, a risk rejection) books it first with
``accrual_pending_book``, which waits for the row if a batch holds it. Off (the default, the embedded mode and the
tests), ``order.paid`` is delivered inline as before.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django_tasks import task

from tuishou.core.task_queue import task_after_commit
from tuishou.incentives.models import PlanVersion
from tuishou.orders import events
from tuishou.orders.events import OrderPaid, paid_from_json, paid_to_json
from tuishou.orders.models import AccrualPending, Order
from tuishou.settlement.accrual import accrual_plan

BATCH = 1000
_last_trigger = [0.0]


def batched() -> bool:
    return bool(settings.TUISHOU.get("ACCRUAL_BATCHED"))


def order_paid_queue(event: OrderPaid) -> None:
    """Where a deferred ``order.paid`` goes: one outbox row in the paying transaction, and (at most once a second
    per process) the booking task."""
    AccrualPending.objects.create(order_id=event.order_id, event=paid_to_json(event))
    if _trigger_due():
        task_after_commit(accruals_book_task)


def _trigger_due() -> bool:
    """Whether this paying transaction asks for the booking task: at most once every ``ACCRUAL_TRIGGER_SECONDS``
    per process (None: never; the schedule or ``tuishou book_accruals`` books then). One pending trigger is
    enough — the task books every queued order — so the rest of the second's orders ask for none. The task runs
    after the commit (``core.task_queue``: with the database queue its row is part of this transaction, folded
    with the order's other tasks); a transaction that rolls back has used its turn, and the next second's order
    or the schedule books what is queued."""
    every = settings.TUISHOU.get("ACCRUAL_TRIGGER_SECONDS", 1.0)
    now = time.monotonic()
    if every is None or now - _last_trigger[0] < every:
        return False
    _last_trigger[0] = now
    return True


def _book(rows: list[tuple[int, dict]]) -> int:
    """Every effect of the rows' ``order.paid`` (``orders.events.deliver``), then the rows gone: one transaction."""
    events.deliver([paid_from_json(data) for _, data in rows])
    deleted, _ = AccrualPending.objects.filter(order_id__in=[order_id for order_id, _ in rows]).delete()
    if deleted != len(rows):  # the rows are locked: nothing else can have taken them
        raise RuntimeError(f"booked {len(rows)} queued orders but deleted {deleted} rows")
    return len(rows)


def accruals_book(*, limit: int = BATCH) -> int:
    """Book up to ``limit`` pending paid orders in one transaction (the oldest first); answers how many."""
    with transaction.atomic():
        rows = _take(limit)
        return _book(rows) if rows else 0


def _take(limit: int) -> list[tuple[int, dict]]:
    """The oldest queued rows nobody holds. On PostgreSQL the orders are taken ``FOR KEY SHARE`` (what the
    commission and receivable inserts' foreign keys take anyway) with ``SKIP LOCKED`` too: an order a refund
    holds ``FOR UPDATE`` is left to that refund (which books it with ``accrual_pending_book``), so the batch
    never waits on a row lock while it holds others, and a refund never waits on a batch that waits on it."""
    if connection.vendor != "postgresql":
        return list(AccrualPending.objects.order_by("order_id").values_list("order_id", "event")[:limit])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.order_id, p.event FROM {AccrualPending._meta.db_table} p "
            f"JOIN {Order._meta.db_table} o ON o.id = p.order_id ORDER BY p.order_id LIMIT %s "
            "FOR UPDATE OF p SKIP LOCKED FOR KEY SHARE OF o SKIP LOCKED", [limit])
        return [(order_id, event if isinstance(event, dict) else json.loads(event))
                for order_id, event in cursor.fetchall()]


def accruals_book_all(*, limit: int = BATCH) -> int:
    """Book every pending paid order, ``limit`` per transaction; answers how many."""
    total = 0
    while done := accruals_book(limit=limit):
        total += done
    return total


def accrual_pending_book(*, order_ids: Iterable[int]) -> int:
    """Book these orders now if they still wait for the batch (inside the caller's transaction): a refund or a
    risk rejection needs their commissions. Waits for a batch that holds them, which then has booked them."""
    rows = list(AccrualPending.objects.select_for_update().filter(order_id__in=list(order_ids))
                .order_by("order_id").values_list("order_id", "event"))
    return _book(rows) if rows else 0


def pending_booking_amount(*, promoter_id: int) -> Decimal:
    """What the promoter earns on paid orders still waiting for the batch (待入账): the commissions the batch
    will book for them, priced now exactly as it will price them (``accrual.accrual_plan`` on each queued
    event whose snapshotted chain holds the promoter). Zero when nothing waits, as in the inline mode. The
    queue holds seconds of orders while a worker runs, so it is read whole."""
    events = [paid_from_json(data) for data in AccrualPending.objects.values_list("event", flat=True)]
    mine = [e for e in events if any(m.promoter_id == promoter_id for m in e.chain)]
    if not mine:
        return Decimal("0.00")
    versions = PlanVersion.objects.in_bulk({e.plan_version_id for e in mine if e.plan_version_id})
    return sum((amount for e in mine
                for (payee, _rule), amount in accrual_plan(e, versions.get(e.plan_version_id)).payouts.items()
                if payee == promoter_id), Decimal("0.00"))


def accruals_pending_count() -> int:
    """Paid orders whose commissions are not booked yet."""
    return AccrualPending.objects.count()


@task()
def accruals_book_task() -> int:
    """Book every paid order waiting for its accrual (the worker runs it after paying commits)."""
    return accruals_book_all()
