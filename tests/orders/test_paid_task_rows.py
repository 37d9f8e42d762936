"""A paid order's background tasks with the database task queue (production's): ONE task row, written in the
paying transaction — gone if it rolls back, exactly the expected calls if it commits — and the worker's run of
that row does what the separate tasks did (the same messages, the same risk flag, the same booking)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.orders import factories as of
from tests.risk import factories as rf
from tests.settlement import factories as sf
from tuishou.notifications.models import Message
from tuishou.orders import paying
from tuishou.orders.models import Order
from tuishou.risk import rules as R
from tuishou.risk.models import RiskFlag
from tuishou.settlement.accrual_batch import accruals_book
from tuishou.settlement.models import Commission

pytestmark = pytest.mark.django_db

FOLDED = "tuishou.core.task_queue.calls_run"
RISK = "tuishou.risk.tasks.check_order_paid"
NOTIFY = "tuishou.notifications.tasks.notify_order_paid"
BOOK = "tuishou.settlement.accrual_batch.accruals_book_task"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class Boom(Exception):
    pass


def _queue(settings, backend: str) -> None:
    if backend == "database":
        settings.TASKS = DATABASE_QUEUE


def _shop():
    """Worked example 2 with the self-purchase rule at 400.00 × 3: X's own purchase of 400.00 is flagged, and
    earns X 44.00 and Z 4.00. Answers X and the item."""
    of.plan(sf.EXAMPLE_2)
    rf.thresholds(R.SELF_PURCHASE_RATIO, min_amount="400.00", min_ratio="3")
    x, _y, z = sf.example_2_chain()
    return x, z, of.sku(price="400.00", rate="0.2000", stock=5)


def _pay(checkout) -> Order:
    """Start the payment and deliver the gateway's signed ``payment.succeeded`` to the webhook's handler."""
    of.succeeded_callback(paying.checkout_pay(buyer=checkout.buyer, checkout_id=checkout.pk))
    return Order.objects.get(checkout=checkout)


def _rows() -> list[tuple[str, dict]]:
    return [(row.task_path, row.args_kwargs) for row in DBTaskResult.objects.order_by("enqueued_at")]


def _worker_run() -> list[str]:
    """What ``tuishou worker`` does with each ready row (claim, run, record), without its loop's connection
    housekeeping, which a test's transaction cannot take; answers the rows' statuses."""
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test", excluded_queue_names=[])
    for row in DBTaskResult.objects.ready():
        row.claim("test")
        worker.run_task(row)
    return list(DBTaskResult.objects.values_list("status", flat=True))


def _told_and_flagged(order, x, z) -> tuple:
    """What the tasks of X's paid order do: X hears of 44.00, Z of 4.00, and the self-purchase is flagged."""
    return (sorted([(z.user_id, "commission_new", {"order": order.number, "amount": "4.00"}),
                    (x.user_id, "commission_new", {"order": order.number, "amount": "44.00"})]),
            [(R.SELF_PURCHASE_RATIO, "open")])


def _effects(order) -> tuple:
    messages = sorted(Message.objects.filter(key__startswith=f"commission_new:{order.pk}:")
                      .values_list("recipient_id", "kind", "params"))
    flags = list(RiskFlag.objects.filter(orders=order).values_list("rule", "status"))
    return messages, flags


@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "order_commissions", "commission_rows")
@pytest.mark.parametrize("backend", ["immediate", "database"])
def test_a_paid_orders_tasks_do_the_same_through_either_queue(settings, after_commit, backend):
    # given the shop, with the task queue of the tests (immediate, after commit) or of production (the database)
    x, z, item = _shop()
    _queue(settings, backend)
    checkout = of.checkout(x.user, [(item, 1)])
    # when X pays (the callback commits) and, with the database queue, the worker runs what was queued
    with after_commit():
        order = _pay(checkout)
    if backend == "database":
        # then the paying transaction wrote ONE row holding the risk check and the notification, and nothing ran yet
        assert _rows() == [(FOLDED, {"args": [], "kwargs": {"calls": [[RISK, {"order_id": order.pk}],
                                                                         [NOTIFY, {"order_id": order.pk}]]}})]
        assert _effects(order) == ([], [])
        assert _worker_run() == ["SUCCESSFUL"]
    else:
        assert not DBTaskResult.objects.exists()
    # then either way each credited promoter heard what it earned, and the self-purchase was flagged
    assert _effects(order) == _told_and_flagged(order, x, z)


def test_a_payment_that_rolls_back_leaves_no_task_row(settings):
    # given the shop with the database queue, and X's checkout
    x, _z, item = _shop()
    settings.TASKS = DATABASE_QUEUE
    checkout = of.checkout(x.user, [(item, 1)])
    # when the payment is processed inside a transaction that then fails
    with pytest.raises(Boom), transaction.atomic():
        order = _pay(checkout)
        assert order.status == "paid" and len(_rows()) == 1  # the row was part of the transaction
        raise Boom
    # then no task row is left, and nothing else of the payment either
    assert _rows() == []
    assert Order.objects.get(checkout=checkout).status == "created"
    assert not Message.objects.exists() and not RiskFlag.objects.exists()


@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "order_commissions", "commission_rows")
def test_with_the_batched_accrual_the_payment_asks_only_for_the_booking_which_asks_for_the_rest(settings):
    # given the shop with the database queue and the batched accrual, its trigger due at every order
    x, z, item = _shop()
    settings.TASKS = DATABASE_QUEUE
    settings.TUISHOU = {**settings.TUISHOU, "ACCRUAL_BATCHED": True, "ACCRUAL_TRIGGER_SECONDS": 0}
    checkout = of.checkout(x.user, [(item, 1)])
    # when X pays
    order = _pay(checkout)
    # then the paying transaction wrote one row, the booking's, and nothing is booked or checked yet
    assert _rows() == [(BOOK, {"args": [], "kwargs": {}})]
    assert not Commission.objects.filter(order=order).exists()
    # when the worker runs it, the batch books the order and asks, in its transaction, for the risk check and the
    # notification: one row, ready
    assert _worker_run() == ["SUCCESSFUL", "READY"]
    assert sorted(Commission.objects.filter(order=order).values_list("promoter_id", "amount")) == sorted([
        (x.pk, Decimal("40.00")), (x.pk, Decimal("4.00")), (z.pk, Decimal("4.00"))])
    assert _rows()[1:] == [(FOLDED, {"args": [], "kwargs": {"calls": [[RISK, {"order_id": order.pk}],
                                                                         [NOTIFY, {"order_id": order.pk}]]}})]
    assert _effects(order) == ([], [])
    # and the worker's run of that row tells the promoters and flags the self-purchase
    assert _worker_run() == ["SUCCESSFUL", "SUCCESSFUL"]
    assert _effects(order) == _told_and_flagged(order, x, z)


@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "order_commissions", "commission_rows")
def test_without_the_trigger_due_the_payment_writes_no_task_row_and_the_batch_writes_one(settings):
    # given the batched accrual whose trigger is off (the schedule books)
    x, _z, item = _shop()
    settings.TASKS = DATABASE_QUEUE
    settings.TUISHOU = {**settings.TUISHOU, "ACCRUAL_BATCHED": True, "ACCRUAL_TRIGGER_SECONDS": None}
    # when X pays twice, then the batch books both orders
    first = _pay(of.checkout(x.user, [(item, 1)]))
    second = _pay(of.checkout(x.user, [(item, 1)]))
    assert _rows() == []
    assert accruals_book() == 2
    # then ONE row holds the risk checks and the notifications of both orders
    assert _rows() == [(FOLDED, {"args": [], "kwargs": {"calls": [
        [RISK, {"order_id": first.pk}], [RISK, {"order_id": second.pk}],
        [NOTIFY, {"order_id": first.pk}], [NOTIFY, {"order_id": second.pk}]]}})]
