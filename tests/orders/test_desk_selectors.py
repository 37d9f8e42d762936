"""The desk's reads: a merchant's orders by tab, search and date; one order (another merchant's is 404); the
after-sales queue with its SLA countdown; customer service's escalated cases and SLA breaches. And the
shipping rules the desk relies on: the tracking number's shape, an order shipped twice or being refunded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.orders import factories as f
from tuishou.core.errors import DomainError
from tuishou.orders import aftersales as svc
from tuishou.orders import desk
from tuishou.orders.fulfilment import order_confirm_receipt, order_ship
from tuishou.orders.models import Order, OrderStatusChange

pytestmark = pytest.mark.django_db


def test_masks_show_what_a_list_may_show():
    assert (desk.masked_phone("13812345678"), desk.masked_name("王小明"), desk.masked_name("王明"),
            desk.masked_name("欧阳小明")) == ("138****5678", "王*明", "王*", "欧**明")


def test_a_merchants_orders_by_tab_search_and_day(after_commit):
    item = f.sku(stock=20)
    staff = f.owner(item.product.merchant)
    first, second = f.paid_order(after_commit, item=item), f.paid_order(after_commit, item=item)
    unpaid = f.checkout(f.buyer(), [(item, 1)]).orders.get()
    elsewhere = f.paid_order(after_commit)  # another merchant's
    merchant_id = item.product.merchant_id

    def numbers(**kwargs) -> list[str]:
        return [o.number for o in desk.merchant_orders(user=staff, merchant_id=merchant_id, **kwargs)]

    assert numbers(tab="to_ship") == [first.number, second.number]  # longest waiting first
    assert numbers() == [unpaid.number, second.number, first.number]
    assert elsewhere.number not in numbers()
    assert numbers(tab="unpaid") == [unpaid.number]
    assert numbers(search=second.number[-6:]) == [second.number]
    assert numbers(tab="to_ship", search="5678") == [first.number, second.number]  # the phone's last digits
    assert numbers(tab="to_ship", search="138****5678") == [first.number, second.number]
    assert numbers(search="5679") == []
    today = timezone.localdate()
    assert len(numbers(date_from=today, date_to=today)) == 3
    assert numbers(date_to=today - timedelta(days=1)) == []
    with pytest.raises(DomainError) as err:
        numbers(tab="lost")
    assert (err.value.code, err.value.details) == ("orders.status_unknown", {"field": "status"})
    with pytest.raises(DomainError) as err:
        desk.merchant_orders(user=f.owner(elsewhere.merchant), merchant_id=merchant_id)
    assert (err.value.code, err.value.status) == ("merchants.not_staff", 403)


def test_another_merchants_order_is_unknown_like_a_missing_one(after_commit):
    order = f.paid_order(after_commit)
    other = f.shop(name="别家")
    staff = f.owner(other)
    for number in (order.number, "NOPE"):
        with pytest.raises(DomainError) as err:
            desk.merchant_order(user=staff, merchant_id=other.pk, number=number)
        assert (err.value.code, err.value.status) == ("orders.order_unknown", 404)
    mine = desk.merchant_order(user=f.owner(order.merchant), merchant_id=order.merchant_id, number=order.number)
    assert (mine.pk, mine.recipient_visible) == (order.pk, True)


def test_the_tracking_number_is_checked_and_nothing_is_written_when_refused(after_commit):
    order = f.paid_order(after_commit)
    staff = f.owner(order.merchant)
    for carrier, number, code in (("顺丰速运", "", "orders.field_required"),
                                  ("顺丰速运", "S F", "orders.tracking_number_invalid"),
                                  ("顺丰速运", "顺丰123456", "orders.tracking_number_invalid"),
                                  ("顺丰速运", "SF#1234567", "orders.tracking_number_invalid"),
                                  ("顺丰速运", "S" * 31, "orders.tracking_number_invalid"),
                                  ("", "SF1234567890", "orders.field_required")):
        with pytest.raises(DomainError) as err:
            order_ship(actor=staff, order_id=order.pk, carrier=carrier, tracking_number=number)
        assert err.value.code == code
        assert err.value.details["field"] == ("carrier" if not carrier else "tracking_number")
    order = f.refreshed(order)
    assert (order.status, order.carrier, order.tracking_number) == ("paid", "", "")
    assert OrderStatusChange.objects.filter(order=order).count() == 1  # created → paid only
    shipped = order_ship(actor=staff, order_id=order.pk, carrier="顺丰速运", tracking_number=" SF 1234 5678 9012 ")
    assert (shipped.status, shipped.tracking_number) == ("shipped", "SF123456789012")


def test_shipping_an_order_being_refunded_is_refused(after_commit):
    order = f.paid_order(after_commit)
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="不要了",
                               amount="10.00")
    with after_commit():
        svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=True)
    partly = f.refreshed(order)
    assert (partly.status, partly.refunded_amount) == ("paid", f.money("10.00"))
    full = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="都不要了",
                               amount="109.80")
    svc.aftersales_answer(actor=f.owner(order.merchant), case_id=full.pk, accept=True)  # refund not yet back
    assert f.refreshed(order).status == "refunding"
    with pytest.raises(DomainError) as err:
        order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰速运", tracking_number="SF123456")
    assert (err.value.code, err.value.status) == ("orders.not_shippable", 409)
    assert f.refreshed(order).tracking_number == ""


def test_the_after_sales_queue_counts_down_to_the_sla_on_the_server(after_commit):
    shop = f.shop()
    staff = f.owner(shop)
    orders = [f.paid_order(after_commit, item=f.sku(merchant=shop)) for _ in range(3)]
    cases = [svc.aftersales_open(buyer=o.buyer, order_id=o.pk, kind="refund_only", reason="坏了", amount="5.00")
             for o in orders]
    svc.aftersales_answer(actor=staff, case_id=cases[2].pk, accept=False, answer="已经发货，不能退")
    opened = cases[0].opened_at
    now = opened + timedelta(hours=46, minutes=30)  # 1 h 30 min left
    queue = list(desk.merchant_cases(user=staff, merchant_id=shop.pk, tab="to_answer", now=now))
    assert [c.pk for c in queue] == [cases[0].pk, cases[1].pk]
    left = desk.sla_left(queue[0], now)
    assert (left.overdue, left.soon, left.hours, left.minutes) == (False, True, 1, 30)
    late = desk.sla_left(queue[0], opened + timedelta(hours=50))
    assert (late.overdue, late.hours) == (True, 2)
    assert desk.sla_left(f.refreshed(cases[2]), now) is None
    assert [c.pk for c in desk.merchant_cases(user=staff, merchant_id=shop.pk, tab="rejected")] == [cases[2].pk]
    overdue = desk.merchant_cases(user=staff, merchant_id=shop.pk, tab="to_answer", overdue_only=True,
                                  now=opened + timedelta(hours=49))
    assert overdue.count() == 2
    with pytest.raises(DomainError) as err:
        desk.merchant_case(user=f.owner(f.shop(name="别家")), merchant_id=shop.pk, case_id=cases[0].pk)
    assert err.value.code == "merchants.not_staff"


def test_customer_service_sees_escalated_cases_and_breaches_and_others_do_not(after_commit):
    order = f.paid_order(after_commit)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰速运", tracking_number="SF123456")
    order_confirm_receipt(actor=order.buyer, order_id=order.pk)
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="坏了",
                               amount="5.00")
    service = f.operator("customer_service")
    late = case.answer_due_at + timedelta(minutes=1)
    assert [c.pk for c in desk.service_cases(user=service, tab="breaches", now=late)] == [case.pk]
    assert desk.service_cases(user=service, tab="escalated", now=late).count() == 0
    svc.aftersales_escalate_overdue(now=late)
    assert [c.pk for c in desk.service_cases(user=service, tab="escalated")] == [case.pk]
    assert [c.pk for c in desk.service_cases(user=f.operator("admin"), search=order.number)] == [case.pk]
    for outsider in (f.operator("finance"), f.owner(order.merchant)):
        with pytest.raises(DomainError) as err:
            desk.service_cases(user=outsider)
        assert (err.value.code, err.value.status) == ("auth.forbidden", 403)
    assert Order.objects.get(pk=order.pk).status == "received"
