"""The order pricing hook: in the window a campaign SKU sells at the campaign price and commission (snapshotted on
the line with the campaign's id), its units come out of the allocation and never past it; out of the window it
sells at the retail price; an unpaid checkout cancelled gives the units back, a refund does not."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.campaigns import factories as cf
from tests.orders import factories as of
from tests.settlement.conftest import reconcile
from tuishou.campaigns.models import Campaign
from tuishou.catalog.models import Sku
from tuishou.catalog.selectors import sku_selling_price
from tuishou.core.errors import DomainError
from tuishou.orders import paying
from tuishou.orders.models import Checkout, Order, OrderLine
from tuishou.settlement.models import Commission

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    of.plan()  # direct 30% (member), one tier 10%
    seller = of.root("阿花")
    item = cf.product()
    campaign = cf.running(item)
    small, big = item.skus.order_by("pk")
    return seller, item, campaign, small, big


def test_inside_the_window_the_line_is_priced_and_commissioned_at_the_campaign_terms(world, after_commit):
    seller, item, campaign, small, big = world
    link = of.share_link(seller, item.pk)
    buyer = of.buyer()
    checkout = of.checkout(buyer, [(small, 3), (big, 1)], share_code=link.code)
    lines = list(OrderLine.objects.filter(order__checkout=checkout).order_by("sku_id"))
    assert [(line.unit_price, line.paid_amount, line.commission_mode, line.commission_amount, line.commission_rate,
             line.commission_base, line.campaign_id) for line in lines] == [
        (Decimal("39.90"), Decimal("119.70"), "fixed", Decimal("5.00"), None, Decimal("15.00"), campaign.pk),
        (Decimal("79.00"), Decimal("79.00"), "fixed", Decimal("5.00"), None, Decimal("5.00"), campaign.pk)]
    assert checkout.amount == Decimal("198.70")
    assert Campaign.objects.get().sold == 4
    assert [s.stock for s in Sku.objects.filter(product=item).order_by("pk")] == [47, 49]
    of.pay(after_commit, checkout)
    order = Order.objects.get(checkout=checkout)
    assert (order.status, order.commission_base, order.promoter_id) == ("paid", Decimal("20.00"), seller.pk)
    assert list(Commission.objects.filter(order=order).values_list("promoter_id", "rule", "amount")) == [
        (seller.pk, "direct", Decimal("6.00"))]  # 30% of B 20.00
    # Editing the SKU's own setting later rewrites nothing sold in the campaign.
    Sku.objects.filter(pk=small.pk).update(commission_rate=Decimal("0.5000"))
    assert OrderLine.objects.get(order=order, sku=small).commission_base == Decimal("15.00")
    code, output = reconcile()
    assert code == 0, output


def test_the_skus_own_commission_setting_applies_at_the_campaign_price(after_commit):
    item = cf.product()
    small, big = item.skus.order_by("pk")
    campaign = cf.running(item, commission_mode="sku", commission_amount=None)
    checkout = of.checkout(of.buyer(), [(small, 2), (big, 1)])
    lines = list(OrderLine.objects.filter(order__checkout=checkout).order_by("sku_id"))
    assert [(line.unit_price, line.commission_mode, line.commission_base, line.campaign_id) for line in lines] == [
        (Decimal("39.90"), "percent", Decimal("15.96"), campaign.pk),  # 20% of 79.80
        (Decimal("79.00"), "fixed", Decimal("15.00"), campaign.pk)]


def test_a_percentage_campaign_commission_replaces_the_skus():
    item = cf.product()
    small, _big = item.skus.order_by("pk")
    cf.running(item, commission_mode="percent", commission_amount=None, commission_rate="0.3500")
    checkout = of.checkout(of.buyer(), [(small, 1)])
    line = OrderLine.objects.get(order__checkout=checkout)
    assert (line.commission_mode, line.commission_rate, line.commission_base) == (
        "percent", Decimal("0.3500"), Decimal("13.96"))  # 35% of 39.90, rounded down


def test_before_and_after_the_window_the_product_sells_at_its_normal_price():
    item = cf.product()
    small, _big = item.skus.order_by("pk")
    ops = of.operator("ops")
    start = timezone.now() + timedelta(hours=2)
    campaign = cf.running(item, ops=ops, starts_at=start, ends_at=start + timedelta(days=1))
    assert sku_selling_price(small) == Decimal("59.90")
    before = of.checkout(of.buyer(), [(small, 1)])
    assert OrderLine.objects.filter(order__checkout=before).values_list("unit_price", "campaign_id").get() == (
        Decimal("59.90"), None)
    assert sku_selling_price(small, now=start) == Decimal("39.90")
    assert sku_selling_price(small, now=campaign.ends_at) == Decimal("59.90")
    # The window passes (moved into the past: the pricing reads the window, no job needed).
    Campaign.objects.filter(pk=campaign.pk).update(starts_at=timezone.now() - timedelta(days=2),
                                                   ends_at=timezone.now() - timedelta(seconds=1))
    after = of.checkout(of.buyer(), [(small, 2)])
    assert OrderLine.objects.filter(order__checkout=after).values_list("unit_price", "campaign_id").get() == (
        Decimal("59.90"), None)
    assert Campaign.objects.get().sold == 0


def test_a_sold_out_campaign_refuses_the_purchase_with_a_stable_code_and_writes_nothing():
    item = cf.product()
    small, big = item.skus.order_by("pk")
    cf.running(item, allocation=3)
    of.checkout(of.buyer(), [(small, 2)])
    buyer = of.buyer()
    with pytest.raises(DomainError) as err:
        of.checkout(buyer, [(small, 1), (big, 1)])  # two asked, one left
    assert (err.value.code, err.value.details["left"], err.value.details["requested"]) == ("campaigns.sold_out", 1, 2)
    assert (Campaign.objects.get().sold, Checkout.objects.filter(buyer=buyer).count()) == (2, 0)
    assert [s.stock for s in Sku.objects.filter(product=item).order_by("pk")] == [48, 50]
    of.checkout(buyer, [(big, 1)])
    assert Campaign.objects.get().sold == 3


def test_cancelling_or_expiring_an_unpaid_checkout_gives_the_units_back(after_commit):
    item = cf.product()
    small, big = item.skus.order_by("pk")
    cf.running(item, allocation=5)
    buyer = of.buyer()
    first = of.checkout(buyer, [(small, 2), (big, 1)])
    second = of.checkout(of.buyer(), [(small, 2)])
    assert Campaign.objects.get().sold == 5
    paying.order_cancel(buyer=buyer, order_id=Order.objects.get(checkout=first).pk)
    assert Campaign.objects.get().sold == 2
    assert [s.stock for s in Sku.objects.filter(product=item).order_by("pk")] == [48, 50]
    assert paying.checkouts_expire(now=second.expires_at) == 1
    assert Campaign.objects.get().sold == 0
    assert paying.checkouts_expire(now=second.expires_at) == 0  # twice gives back nothing twice
    assert Campaign.objects.get().sold == 0


def test_a_refund_does_not_give_allocation_back(after_commit):
    from tuishou.orders.aftersales import aftersales_answer, aftersales_open

    item = cf.product()
    small, _big = item.skus.order_by("pk")
    cf.running(item, allocation=2)
    order = of.paid_order(after_commit, item=small, quantity=2)
    line = order.lines.get()
    case = aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="不想要了",
                           lines=[(line.pk, 1)])
    with after_commit():
        aftersales_answer(actor=of.owner(order.merchant), case_id=case.pk, accept=True)
    assert of.refreshed(line).refunded_quantity == 1
    assert Campaign.objects.get().sold == 2
    with pytest.raises(DomainError) as err:
        of.checkout(of.buyer(), [(small, 1)])
    assert err.value.code == "campaigns.sold_out"


def test_the_cart_shows_and_the_checkout_charges_the_campaign_price():
    from tuishou.orders.cart import cart_basket
    from tuishou.orders.checkout import checkout_submit_from_cart
    from tuishou.orders.services import cart_add

    item = cf.product()
    small, _big = item.skus.order_by("pk")
    cf.running(item)
    buyer = of.buyer()
    cart_add(user=buyer, sku_id=small.pk, quantity=2)
    assert cart_basket(user=buyer).total == Decimal("79.80")
    checkout = checkout_submit_from_cart(buyer=buyer, address_id=of.address(buyer).pk,
                                         idempotency_key=uuid.uuid4().hex)
    assert checkout.amount == Decimal("79.80") and Campaign.objects.get().sold == 2
