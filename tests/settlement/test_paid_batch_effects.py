"""The batched accrual delivers ALL of ``order.paid`` in its batch (issue 13): the paying transaction writes the
moves and one outbox row per order; the volume entries, promoter counts, day rollup, material counts and task rows
are written when the batch books, set-based for the whole batch, exactly once, or not at all if it fails."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.orders import factories as of
from tests.settlement import factories as f
from tuishou.community import materials as materials_svc
from tuishou.community.materials_scores import day_weight
from tuishou.community.models_scores import MaterialScore
from tuishou.incentives.models import VolumeEntry
from tuishou.ledger.models import JournalEntry
from tuishou.network.models import Promoter
from tuishou.orders import events, paying
from tuishou.orders.models import AccrualPending, Order
from tuishou.reports.models import DayOrders
from tuishou.reports.selectors.scope import PLATFORM_TZ
from tuishou.settlement.accrual_batch import accruals_book
from tuishou.settlement.models import Commission

pytestmark = pytest.mark.django_db

FOLDED = "tuishou.core.task_queue.calls_run"
RISK = "tuishou.risk.tasks.check_order_paid"
NOTIFY = "tuishou.notifications.tasks.notify_order_paid"


class Boom(Exception):
    pass


@pytest.fixture
def shop(settings):
    """Example 2's plan and chain X ← Y ← Z with the batched accrual (no trigger: the test books); a material by Z
    that X shares; two merchants."""
    settings.TUISHOU = {**settings.TUISHOU, "ACCRUAL_BATCHED": True, "ACCRUAL_TRIGGER_SECONDS": None}
    of.plan(f.EXAMPLE_2)
    x, y, z = f.example_2_chain()
    a, b = of.shop(fee_rate="0.0500"), of.shop(fee_rate="0.0800", name="第二家")
    hundred = of.sku(merchant=a, price="100.00", rate="0.2000", stock=20)  # B = 20.00 a unit
    fifty = of.sku(merchant=b, price="50.00", rate="0.1000", stock=20)  # B = 5.00 a unit
    material = materials_svc.material_publish(user=z.user, product_id=hundred.product_id, text="好物推荐")
    _, link = materials_svc.material_reuse(user=x.user, material_id=material.pk, channel="wechat")
    return {"x": x, "y": y, "z": z, "a": a, "b": b, "hundred": hundred, "fifty": fifty, "material": material,
            "link": link}


def _pay_four(settings, shop) -> list[Order]:
    """With the database task queue (production's), four orders paid by the gateway's signed callback and queued:
    1 and 2 through X's material link at merchant A (the same promoter, the same rollup key), 3 through Y's plain
    link at merchant B, 4 without a link at merchant A."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    y_link = of.share_link(shop["y"], shop["fifty"].product_id).code
    orders = []
    for item, quantity, code in ((shop["hundred"], 1, shop["link"].code), (shop["hundred"], 2, shop["link"].code),
                                 (shop["fifty"], 1, y_link), (shop["hundred"], 1, None)):
        checkout = of.checkout(of.buyer(), [(item, quantity)], share_code=code)
        of.succeeded_callback(paying.checkout_pay(buyer=checkout.buyer, checkout_id=checkout.pk))
        orders.append(Order.objects.get(checkout=checkout))
    return orders


def _promoters(*people) -> list[tuple]:
    return [Promoter.objects.filter(pk=p.pk).values_list("paid_sales_count", "personal_volume", "stage").get()
            for p in people]


def _effects(orders: list[Order], shop) -> dict:
    """Every row ``order.paid``'s effects touch, for these orders."""
    return {
        "volume": list(VolumeEntry.objects.filter(source_ref__in=[f"order:{o.number}:paid" for o in orders])
                       .order_by("source_ref").values_list("source_ref", "promoter_id", "base", "self_purchase",
                                                           "orders")),
        "promoters": _promoters(shop["x"], shop["y"], shop["z"]),
        "rollups": sorted(DayOrders.objects.values_list("day", "community_id", "merchant_id", "gmv", "orders", "base",
                                                        "refunded"), key=str),
        "material": MaterialScore.objects.filter(pk=shop["material"].pk).values_list("order_count", "sold").get(),
        "tasks": [(row.task_path, row.args_kwargs) for row in DBTaskResult.objects.order_by("enqueued_at")],
        "entries": JournalEntry.objects.filter(key__in=[f"order:{o.pk}:paid" for o in orders]).count(),
    }


def _untouched(shop) -> dict:
    return {"volume": [], "promoters": [(0, Decimal("0.00"), "temporary")] * 3, "rollups": [],
            "material": (0, 0.0), "tasks": [], "entries": 0}


def _booked(orders: list[Order], shop) -> dict:
    """What booking the four orders writes, exactly."""
    o1, o2, o3, o4 = orders
    day = timezone.localtime(o1.paid_at, PLATFORM_TZ).date()
    assert {timezone.localtime(o.paid_at, PLATFORM_TZ).date() for o in orders} == {day}
    x, y, a, b = shop["x"], shop["y"], shop["a"], shop["b"]
    return {
        "volume": sorted([(f"order:{o1.number}:paid", x.pk, Decimal("20.00"), False, 1),
                          (f"order:{o2.number}:paid", x.pk, Decimal("40.00"), False, 1),
                          (f"order:{o3.number}:paid", y.pk, Decimal("5.00"), False, 1)]),
        # X: two sales, 60.00 (its first sale made it an ordinary shopkeeper); Y: one, 5.00; Z none
        "promoters": [(2, Decimal("60.00"), "ordinary"), (1, Decimal("5.00"), "ordinary"),
                      (0, Decimal("0.00"), "temporary")],
        # one row per key: orders 1 and 2 together at A in X's community, order 3 at B in Y's, order 4 (no
        # promoter, no community) at A alone
        "rollups": sorted([(day, x.community_id, a.pk, Decimal("300.00"), 2, Decimal("60.00"), Decimal("0.00")),
                           (day, y.community_id, b.pk, Decimal("50.00"), 1, Decimal("5.00"), Decimal("0.00")),
                           (day, None, a.pk, Decimal("100.00"), 1, Decimal("20.00"), Decimal("0.00"))], key=str),
        "material": (2, 2 * day_weight(timezone.localdate(o1.paid_at))),
        # ONE task row: the four risk checks, then the notifications of the three credited orders
        "tasks": [(FOLDED, {"args": [], "kwargs": {"calls": [
            [RISK, {"order_id": o1.pk}], [RISK, {"order_id": o2.pk}], [RISK, {"order_id": o3.pk}],
            [RISK, {"order_id": o4.pk}],
            [NOTIFY, {"order_id": o1.pk}], [NOTIFY, {"order_id": o2.pk}], [NOTIFY, {"order_id": o3.pk}]]}})],
        "entries": 4,
    }


# The payments are made up here (the gateway's signed callback without a charge in the sandbox), so the gateway's
# statement does not know them: every other check runs.
CHECKS = pytest.mark.reconcile_checks("account_balances", "entries_balanced", "order_commissions", "commission_rows")


@CHECKS
def test_the_payment_writes_only_the_outbox_and_one_batch_writes_every_effect_once(settings, shop):
    # given four orders paid in batched mode
    orders = _pay_four(settings, shop)
    # then they are paid and queued, and none of order.paid's effects is written yet
    assert [o.status for o in orders] == ["paid"] * 4
    assert sorted(AccrualPending.objects.values_list("order_id", flat=True)) == [o.pk for o in orders]
    assert _effects(orders, shop) == _untouched(shop)
    # when one batch books them (and a second finds nothing)
    assert (accruals_book(), accruals_book()) == (4, 0)
    # then every effect is written, exactly once, summed per promoter, per rollup key and per material
    assert (orders[0].community_id, orders[3].community_id) == (shop["x"].community_id, None)
    assert _effects(orders, shop) == _booked(orders, shop)
    assert Commission.objects.filter(order__in=orders).exists()
    assert AccrualPending.objects.count() == 0


@CHECKS
def test_a_batch_that_fails_writes_nothing_and_leaves_the_outbox_rows(settings, shop):
    # given the four orders queued, and a subscriber whose batch form fails after every other has run
    orders = _pay_four(settings, shop)

    def boom(paid):
        raise Boom

    events.subscribe(events.OrderPaid, batch=boom)
    try:
        # when the batch runs, it fails
        with pytest.raises(Boom):
            accruals_book()
    finally:
        events.unsubscribe(events.OrderPaid, batch=boom)
    # then nothing of it is left, and every order still waits
    assert _effects(orders, shop) == _untouched(shop)
    assert AccrualPending.objects.count() == 4
    # and the next batch books them all, once
    assert accruals_book() == 4
    assert _effects(orders, shop) == _booked(orders, shop)


def test_a_refund_of_a_queued_order_books_its_paid_effects_first(after_commit, shop):
    # given X's material-link order of 100.00 (B 20.00) paid and queued
    order = of.paid_order(after_commit, item=shop["hundred"], quantity=1, share_code=shop["link"].code)
    assert VolumeEntry.objects.count() == 0
    # when half of it is refunded before any batch ran
    case = f.refund(after_commit, order, amount="50.00")
    # then the refund booked the order's paid effects, then its own: the volume, counts and rollup add up
    assert case.status == "refunded" and AccrualPending.objects.count() == 0
    assert sorted(VolumeEntry.objects.values_list("source_ref", "base", "orders")) == sorted([
        (f"order:{order.number}:paid", Decimal("20.00"), 1),
        (f"order:{order.number}:refund:{case.pk}", Decimal("-10.00"), 0)])
    assert _promoters(shop["x"]) == [(1, Decimal("10.00"), "ordinary")]
    rows = DayOrders.objects.values_list("gmv", "orders", "base", "refunded")
    assert [sum(row[i] for row in rows) for i in range(4)] == [Decimal("100.00"), 1, Decimal("10.00"),
                                                               Decimal("50.00")]
    assert MaterialScore.objects.get(pk=shop["material"].pk).order_count == 1
    assert accruals_book() == 0
