"""Every status move of an order, its checkout, its payment, its refunds and its after-sales cases leaves one
history row: from, to, who (nobody when the system moved it) and why."""

from __future__ import annotations

import pytest

from tests.orders import factories as f
from tuishou.orders import aftersales as svc
from tuishou.orders.models import AfterSalesStatusChange, CheckoutStatusChange, OrderStatusChange
from tuishou.orders.paying import order_cancel
from tuishou.payments.models import Payment, PaymentStatusChange, Refund, RefundStatusChange

pytestmark = pytest.mark.django_db


def test_a_paid_order_records_the_moves_of_its_payment_its_checkout_and_itself(after_commit):
    # when a buyer pays an order through the sandbox gateway
    order = f.paid_order(after_commit, quantity=1)
    payment = Payment.objects.get()
    # then the payment, the checkout and the order each record their moves, made by the system
    assert list(PaymentStatusChange.objects.values_list("payment", "event", "from_status", "to_status", "actor")) == [
        (payment.pk, "issue", "created", "pending", None), (payment.pk, "succeed", "pending", "succeeded", None)]
    assert list(CheckoutStatusChange.objects.values_list("checkout", "from_status", "to_status", "actor", "reason",
                                                         "created_at")) == [
        (order.checkout_id, "pending", "paid", None, f"payment {payment.pk}", payment.paid_at)]
    assert list(OrderStatusChange.objects.values_list("from_status", "to_status", "reason")) == [
        ("created", "paid", f"payment {payment.pk}")]


def test_a_buyers_cancellation_records_the_buyer_on_the_checkout_and_its_orders():
    person = f.buyer()
    checkout = f.checkout(person, [(f.sku(), 1)])
    order_cancel(buyer=person, order_id=checkout.orders.get().pk)
    assert list(CheckoutStatusChange.objects.values_list("from_status", "to_status", "actor", "reason")) == [
        ("pending", "cancelled", person.pk, "cancelled by the buyer")]
    assert list(OrderStatusChange.objects.values_list("from_status", "to_status", "actor", "reason")) == [
        ("created", "cancelled", person.pk, "cancelled by the buyer")]


def test_an_after_sales_case_records_the_timer_and_customer_service_with_their_reasons(after_commit):
    # given a case the merchant never answered, escalated by the SLA timer
    order = f.paid_order(after_commit, quantity=1)
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="没发货",
                               amount="10.00")
    svc.aftersales_escalate_overdue(now=case.answer_due_at)
    # when customer service forces the refund and the gateway pays it back
    agent = f.operator("customer_service")
    with after_commit():
        svc.aftersales_decide(actor=agent, case_id=case.pk, refund=True, decision="商家超时未处理")
    refund = Refund.objects.get()
    # then the case's history says who moved it and why, the refund's what the gateway did
    assert list(AfterSalesStatusChange.objects.values_list("from_status", "to_status", "actor", "reason")) == [
        ("open", "escalated", None, "the merchant did not answer in time"),
        ("escalated", "refunding", agent.pk, f"refund #{refund.pk} requested"),
        ("refunding", "refunded", None, f"refund #{refund.pk} succeeded")]
    assert list(RefundStatusChange.objects.values_list("event", "from_status", "to_status")) == [
        ("submit", "requested", "pending"), ("succeed", "pending", "succeeded")]
    assert list(OrderStatusChange.objects.values_list("to_status", "actor")) == [
        ("paid", None), ("refunding", agent.pk), ("paid", None)]
