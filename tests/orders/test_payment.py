from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.orders import factories as f
from tuishou.catalog.models import Sku
from tuishou.core.errors import DomainError
from tuishou.incentives.models import VolumeEntry
from tuishou.network.models import Promoter
from tuishou.orders import events
from tuishou.orders.models import Checkout, Order, OrderStatusChange
from tuishou.orders.paying import checkout_pay, checkouts_expire, order_cancel
from tuishou.payments import sandbox
from tuishou.payments.models import Payment, Refund
from tuishou.payments.sandbox_models import SandboxCallback

pytestmark = pytest.mark.django_db


def test_payment_moves_every_order_to_paid_snapshots_the_chain_records_volume_and_emits_paid_once(
        after_commit, emitted):
    # given a consumer buying through a temporary shopkeeper's link, from two merchants
    version = f.plan()
    top = f.root("阿花")
    seller = f.invitee(top, "小李")
    assert seller.stage == "temporary"
    honey = f.sku(price="59.90", rate="0.2000", merchant=f.shop(fee_rate="0.0600"))
    tea = f.sku(price="30.00", fixed="4.00", merchant=f.shop(name="茶园"))
    link = f.share_link(seller, honey.product_id)
    buyer = f.buyer()
    result = f.checkout(buyer, [(honey, 2), (tea, 1)], share_code=link.code)

    # when the payer pays in the sandbox
    payment = f.pay(after_commit, result)

    # then the checkout and both orders are paid, each with its chain and a history row
    assert payment.status == "succeeded"
    result = f.refreshed(result)
    assert (result.status, result.payment_ref, result.paid_at) == ("paid", str(payment.pk), payment.paid_at)
    first, second = Order.objects.filter(checkout=result).order_by("pk")
    chain = [{"promoter_id": seller.pk, "rank": "", "active": True},
             {"promoter_id": top.pk, "rank": "", "active": True}]
    for order in (first, second):
        assert (order.status, order.paid_at, order.chain) == ("paid", payment.paid_at, chain)
        assert list(order.status_changes.values_list("from_status", "to_status", "reason")) == [
            ("created", "paid", f"payment {payment.pk}")]
    assert list(VolumeEntry.objects.order_by("pk").values_list("promoter_id", "base", "orders", "source_ref")) == [
        (seller.pk, Decimal("23.96"), 1, f"order:{first.number}:paid"),
        (seller.pk, Decimal("4.00"), 1, f"order:{second.number}:paid")]
    seller = Promoter.objects.get(pk=seller.pk)
    assert (seller.stage, seller.paid_sales_count) == ("ordinary", 2)
    members = (events.ChainMember(promoter_id=seller.pk, rank="", active=True),
               events.ChainMember(promoter_id=top.pk, rank="", active=True))
    line1, line2 = first.lines.get(), second.lines.get()
    assert emitted == [
        events.OrderPaid(order_id=first.pk, order_number=first.number, checkout_id=result.pk, buyer_id=buyer.pk,
                         merchant_id=first.merchant_id, promoter_id=seller.pk, self_purchase=False,
                         community_id=seller.community_id, plan_version_id=version.pk, fee_rate=Decimal("0.0600"),
                         paid_amount=Decimal("119.80"), commission_base=Decimal("23.96"), chain=members,
                         lines=(events.PaidLine(line_id=line1.pk, sku_id=honey.pk, quantity=2,
                                                paid_amount=Decimal("119.80"), commission_base=Decimal("23.96")),),
                         payment_ref=str(payment.pk), paid_at=payment.paid_at),
        events.OrderPaid(order_id=second.pk, order_number=second.number, checkout_id=result.pk, buyer_id=buyer.pk,
                         merchant_id=second.merchant_id, promoter_id=seller.pk, self_purchase=False,
                         community_id=seller.community_id, plan_version_id=version.pk, fee_rate=Decimal("0.0500"),
                         paid_amount=Decimal("30.00"), commission_base=Decimal("4.00"), chain=members,
                         lines=(events.PaidLine(line_id=line2.pk, sku_id=tea.pk, quantity=1,
                                                paid_amount=Decimal("30.00"), commission_base=Decimal("4.00")),),
                         payment_ref=str(payment.pk), paid_at=payment.paid_at),
    ]


def test_paying_a_paid_checkout_again_is_refused(after_commit):
    order = f.paid_order(after_commit)
    with pytest.raises(DomainError) as err:
        checkout_pay(buyer=order.buyer, checkout_id=order.checkout_id)
    assert err.value.code == "orders.already_paid"
    assert Payment.objects.count() == 1


def test_someone_else_cannot_pay_or_cancel_my_checkout():
    result = f.checkout(f.buyer(), [(f.sku(), 1)])
    other = f.buyer("别人")
    with pytest.raises(DomainError) as err:
        checkout_pay(buyer=other, checkout_id=result.pk)
    assert (err.value.code, err.value.status) == ("orders.checkout_unknown", 404)
    with pytest.raises(DomainError) as err:
        order_cancel(buyer=other, order_id=result.orders.get().pk)
    assert (err.value.code, err.value.status) == ("orders.order_unknown", 404)
    assert (Payment.objects.count(), f.refreshed(result).status) == (0, "pending")


def test_a_replayed_callback_pays_once_and_emits_once(client, after_commit, emitted):
    result = f.checkout(f.buyer(), [(f.sku(), 1)])
    f.pay(after_commit, result)
    delivered = SandboxCallback.objects.get()
    # the gateway sends the very same event again (signed anew, as a redelivery is)
    with after_commit():
        sandbox.sandbox_callback_deliver(callback=SandboxCallback.objects.create(
            event_id=delivered.event_id, type=delivered.type, body=delivered.body, copy=1,
            deliver_after=timezone.now()))
    assert len(emitted) == 1
    assert OrderStatusChange.objects.filter(to_status="paid").count() == 1
    assert VolumeEntry.objects.count() == 0  # nobody credited
    assert Order.objects.get().status == "paid"


def test_expiry_cancels_unpaid_checkouts_releases_stock_and_is_idempotent():
    honey = f.sku(stock=10)
    late = f.checkout(f.buyer(), [(honey, 3)])
    fresh = f.checkout(f.buyer(), [(honey, 2)])
    Checkout.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Sku.objects.get(pk=honey.pk).stock == 5
    assert checkouts_expire() == 1
    assert checkouts_expire() == 0
    assert (f.refreshed(late).status, Order.objects.get(checkout=late).status) == ("cancelled", "cancelled")
    assert (f.refreshed(fresh).status, Sku.objects.get(pk=honey.pk).stock) == ("pending", 8)
    assert list(OrderStatusChange.objects.values_list("from_status", "to_status", "actor", "reason")) == [
        ("created", "cancelled", None, "payment time ran out")]


def test_the_default_payment_time_is_thirty_minutes():
    result = f.checkout(f.buyer(), [(f.sku(), 1)])
    assert result.expires_at - result.created_at == pytest.approx(timedelta(minutes=30), abs=timedelta(seconds=2))
    assert checkouts_expire(now=result.created_at + timedelta(minutes=29)) == 0
    assert checkouts_expire(now=result.created_at + timedelta(minutes=31)) == 1


def test_a_payment_that_succeeds_after_expiry_is_refunded_automatically(after_commit, emitted):
    honey = f.sku(stock=10)
    result = f.checkout(f.buyer(), [(honey, 2)])
    payment = checkout_pay(buyer=result.buyer, checkout_id=result.pk)
    # the buyer left the pay page open; the order expired meanwhile
    assert checkouts_expire(now=timezone.now() + timedelta(minutes=31)) == 1
    with after_commit():
        sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    assert (f.refreshed(payment).status, Order.objects.get().status, f.refreshed(result).status) == (
        "expired_refunded", "cancelled", "cancelled")
    refund = Refund.objects.get()
    assert (refund.amount, refund.automatic, refund.status) == (Decimal("119.80"), True, "succeeded")
    assert (emitted, Sku.objects.get(pk=honey.pk).stock, VolumeEntry.objects.count()) == ([], 10, 0)


def test_buyer_cancels_an_unpaid_order_with_its_checkout_and_stock_comes_back():
    honey = f.sku(stock=10)
    tea = f.sku(stock=10, merchant=f.shop(name="茶园"))
    buyer = f.buyer()
    result = f.checkout(buyer, [(honey, 2), (tea, 1)])
    first = result.orders.order_by("pk").first()
    cancelled = order_cancel(buyer=buyer, order_id=first.pk)
    assert cancelled.status == "cancelled"
    assert sorted(result.orders.values_list("status", flat=True)) == ["cancelled", "cancelled"]
    assert [Sku.objects.get(pk=s.pk).stock for s in (honey, tea)] == [10, 10]
    with pytest.raises(DomainError) as err:
        order_cancel(buyer=buyer, order_id=first.pk)
    assert err.value.code == "orders.transition_invalid"
    with pytest.raises(DomainError) as err:
        checkout_pay(buyer=buyer, checkout_id=result.pk)
    assert err.value.code == "orders.not_payable"


def test_a_paid_order_cannot_be_cancelled(after_commit):
    order = f.paid_order(after_commit)
    with pytest.raises(DomainError) as err:
        order_cancel(buyer=order.buyer, order_id=order.pk)
    assert err.value.code == "orders.transition_invalid"
    assert f.refreshed(order).status == "paid"
