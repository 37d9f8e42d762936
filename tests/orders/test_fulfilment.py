from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.orders import factories as f
from tuishou.core.errors import DomainError
from tuishou.orders import events
from tuishou.orders.aftersales import aftersales_open
from tuishou.orders.fulfilment import order_confirm_receipt, order_ship, orders_auto_confirm, orders_complete
from tuishou.orders.models import Order, OrderStatusChange

pytestmark = pytest.mark.django_db


def test_merchant_ships_and_buyer_confirms(after_commit):
    order = f.paid_order(after_commit)
    shipped = order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰", tracking_number="SF1234")
    assert (shipped.status, shipped.carrier, shipped.tracking_number, shipped.shipped_at is not None) == (
        "shipped", "顺丰", "SF1234", True)
    received = order_confirm_receipt(actor=order.buyer, order_id=order.pk)
    assert received.status == "received"
    assert list(OrderStatusChange.objects.filter(order=order).values_list("from_status", "to_status", "actor")) == [
        ("created", "paid", None), ("paid", "shipped", f.owner(order.merchant).pk),
        ("shipped", "received", order.buyer_id)]


def test_shipping_an_unpaid_order_is_refused_and_nothing_changes():
    result = f.checkout(f.buyer(), [(f.sku(), 1)])
    order = result.orders.get()
    with pytest.raises(DomainError) as err:
        order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    assert err.value.code == "orders.not_paid"
    order = f.refreshed(order)
    assert (order.status, order.tracking_number, OrderStatusChange.objects.count()) == ("created", "", 0)


def test_shipping_another_merchants_order_is_refused(after_commit):
    order = f.paid_order(after_commit)
    stranger = f.owner(f.shop(name="别家"))
    with pytest.raises(DomainError) as err:
        order_ship(actor=stranger, order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    assert (err.value.code, err.value.status) == ("orders.order_unknown", 404)
    assert f.refreshed(order).status == "paid"


def test_shipping_twice_is_refused(after_commit):
    order = f.paid_order(after_commit)
    staff = f.owner(order.merchant)
    order_ship(actor=staff, order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    with pytest.raises(DomainError) as err:
        order_ship(actor=staff, order_id=order.pk, carrier="圆通", tracking_number="YT2")
    assert err.value.code == "orders.already_shipped"
    assert f.refreshed(order).tracking_number == "SF1"


def test_confirming_someone_elses_order_is_refused(after_commit):
    order = f.paid_order(after_commit)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    with pytest.raises(DomainError) as err:
        order_confirm_receipt(actor=f.buyer("别人"), order_id=order.pk)
    assert (err.value.code, err.value.status) == ("orders.order_unknown", 404)
    assert f.refreshed(order).status == "shipped"


def test_receipt_is_confirmed_automatically_ten_days_after_shipping(after_commit):
    order = f.paid_order(after_commit)
    order = order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    shipped_at = order.shipped_at
    assert orders_auto_confirm(now=shipped_at + timedelta(days=10) - timedelta(seconds=1)) == 0
    assert orders_auto_confirm(now=shipped_at + timedelta(days=10)) == 1
    assert orders_auto_confirm(now=shipped_at + timedelta(days=11)) == 0
    order = f.refreshed(order)
    assert (order.status, order.received_at) == ("received", shipped_at + timedelta(days=10))
    assert OrderStatusChange.objects.filter(order=order).last().reason == "confirmed automatically"


def test_an_order_completes_seven_days_after_receipt_emitting_completed_once(after_commit, emitted):
    order = f.paid_order(after_commit)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    received_at = order_confirm_receipt(actor=order.buyer, order_id=order.pk).received_at
    emitted.clear()
    assert orders_complete(now=received_at + timedelta(days=7) - timedelta(seconds=1)) == 0
    done_at = received_at + timedelta(days=7)
    assert orders_complete(now=done_at) == 1
    assert orders_complete(now=done_at + timedelta(days=1)) == 0
    order = f.refreshed(order)
    assert (order.status, order.completed_at) == ("completed", done_at)
    assert emitted == [events.OrderCompleted(
        order_id=order.pk, order_number=order.number, promoter_id=None, plan_version_id=None,
        commission_base=Decimal("23.96"), paid_amount=Decimal("119.80"), completed_at=done_at)]


def test_an_open_after_sales_case_holds_completion(after_commit):
    order = f.paid_order(after_commit)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    received_at = order_confirm_receipt(actor=order.buyer, order_id=order.pk).received_at
    aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="少了一瓶", amount="10.00")
    assert orders_complete(now=received_at + timedelta(days=8)) == 0
    assert f.refreshed(order).status == "received"


def test_the_orders_command_runs_each_job(after_commit, capsys):
    order = f.paid_order(after_commit)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    at = (timezone.now() + timedelta(days=11)).isoformat()
    call_command("orders", "auto-confirm", "--at", at)
    call_command("orders", "expire")
    assert capsys.readouterr().out == "1 orders confirmed automatically\n0 checkouts expired\n"
    assert Order.objects.get().status == "received"
