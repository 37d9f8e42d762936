"""Accrual: a paid order is booked as ONE entry splitting the payment, with a Commission row per payout."""

from decimal import Decimal

import pytest

from tests.orders import factories as of
from tests.settlement import factories as f
from tuishou.ledger.models import JournalEntry, JournalLine
from tuishou.orders import events
from tuishou.orders.models import Order
from tuishou.settlement.accrual import order_accrue
from tuishou.settlement.models import Commission, MerchantReceivable

pytestmark = pytest.mark.django_db
K = f.K


def test_the_specs_example_2_through_a_real_paid_order_books_exact_commissions_fee_merchant_and_margin(after_commit):
    # given the spec's example 2 plan and chain X (shopkeeper) ← Y (member) ← Z (shopkeeper)
    version = of.plan(f.EXAMPLE_2)
    x, y, z = f.example_2_chain()
    shop = of.shop(fee_rate="0.0500")
    # when X buys for themselves an item of 400.00 with a 20% commission setting (B = 80.00)
    order = f.self_purchase(after_commit, x, price="400.00", rate="0.2000", merchant=shop)
    # then ONE entry splits the 400.00: merchant 400 − 80 − 20 = 300.00, fee 20.00, X 40.00 + 4.00, Z 4.00,
    # margin 80 − 48 = 32.00 (Y, a member, is below the tiers' min rank)
    assert (order.self_purchase, order.commission_base, order.total) == (True, Decimal("80.00"), Decimal("400.00"))
    entry = f.entry(f"order:{order.pk}:paid")
    assert entry.kind == JournalEntry.Kind.COMMISSION_ACCRUED
    assert f.lines_of(entry) == [
        ("gateway_clearing", Decimal("400.00")),
        (f"merchant_pending:merchant:{shop.pk}", Decimal("-300.00")),
        ("platform_revenue", Decimal("-20.00")),
        (f"promoter_pending:promoter:{x.pk}", Decimal("-40.00")),
        (f"promoter_pending:promoter:{x.pk}", Decimal("-4.00")),
        (f"promoter_pending:promoter:{z.pk}", Decimal("-4.00")),
        ("commission_margin", Decimal("-32.00")),
    ]
    snapshots = [line.snapshot for line in entry.lines.order_by("id") if line.snapshot is not None]
    assert [(s.order_ref, s.order_line_ref, s.plan_id, s.plan_version, s.rule, s.rate, s.base) for s in snapshots] == [
        (order.number, None, "example-2", version.version, "direct", Decimal("0.500000"), Decimal("80.00")),
        (order.number, None, "example-2", version.version, "self_purchase", Decimal("0.050000"), Decimal("80.00")),
        (order.number, None, "example-2", version.version, "tiers", Decimal("0.050000"), Decimal("80.00")),
    ]
    rows = Commission.objects.filter(order=order).order_by("pk")
    assert [(c.promoter_id, c.rule, c.amount, c.status, c.freeze_days, c.settle_after, c.due_at) for c in rows] == [
        (x.pk, "direct", Decimal("40.00"), "pending", 15, "received", None),
        (x.pk, "self_purchase", Decimal("4.00"), "pending", 15, "received", None),
        (z.pk, "tiers", Decimal("4.00"), "pending", 15, "received", None),
    ]
    receivable = MerchantReceivable.objects.get(order=order)
    assert (receivable.paid_amount, receivable.commission_base, receivable.fee, receivable.net, receivable.status) == (
        Decimal("400.00"), Decimal("80.00"), Decimal("20.00"), Decimal("300.00"), "pending")
    assert (f.account_amount(K.PROMOTER_PENDING, x), f.account_amount(K.PROMOTER_PENDING, y),
            f.account_amount(K.PROMOTER_PENDING, z), f.account_amount(K.MERCHANT_PENDING, shop),
            f.account_amount(K.COMMISSION_MARGIN)) == (
        Decimal("44.00"), Decimal("0.00"), Decimal("4.00"), Decimal("300.00"), Decimal("32.00"))


def test_the_fee_is_rounded_down_and_rounding_of_payouts_stays_in_the_margin(after_commit):
    # given a 3.33% fee and a direct rate of 0.15 (the spec's rounding example: 0.15 × 33.33 = 4.9995 → 4.99)
    of.plan("""
id: rounding
name: 取整
jurisdiction: us
ranks: [{id: member, name: 会员}]
settlement: {freeze_days: 7}
disclosure: true
rules: [{type: direct, rate: {member: "0.15"}}]
""")
    seller = of.root("卖家")
    shop = of.shop(fee_rate="0.0333")
    # when a consumer buys 99.99 with a fixed commission of 33.33 through the seller's link
    item = of.sku(merchant=shop, price="99.99", rate=None, fixed="33.33")
    order = of.paid_order(after_commit, item=item, quantity=1,
                          share_code=of.share_link(seller, item.product_id).code)
    # then the fee is 3.32 (3.329667 rounded down), the merchant 99.99 − 33.33 − 3.32 = 63.34, the margin 33.33 − 4.99
    assert f.lines_of(f.entry(f"order:{order.pk}:paid")) == [
        ("gateway_clearing", Decimal("99.99")),
        (f"merchant_pending:merchant:{shop.pk}", Decimal("-63.34")),
        ("platform_revenue", Decimal("-3.32")),
        (f"promoter_pending:promoter:{seller.pk}", Decimal("-4.99")),
        ("commission_margin", Decimal("-28.34")),
    ]


def test_an_order_without_a_credited_promoter_books_the_merchant_the_fee_and_all_of_b_as_margin(after_commit):
    of.plan(f.EXAMPLE_2)
    shop = of.shop(fee_rate="0.1000")
    order = of.paid_order(after_commit, item=of.sku(merchant=shop, price="50.00", rate="0.3000"), quantity=2)

    assert order.promoter_id is None
    entry = f.entry(f"order:{order.pk}:paid")
    assert entry.kind == JournalEntry.Kind.ORDER_PAID
    assert f.lines_of(entry) == [
        ("gateway_clearing", Decimal("100.00")),
        (f"merchant_pending:merchant:{shop.pk}", Decimal("-60.00")),
        ("platform_revenue", Decimal("-10.00")),
        ("commission_margin", Decimal("-30.00")),
    ]
    assert not Commission.objects.exists()
    assert MerchantReceivable.objects.get(order=order).net == Decimal("60.00")


def test_without_a_plan_in_force_nothing_is_paid_to_promoters_but_the_merchant_is_booked(after_commit):
    seller = of.root("卖家")
    shop = of.shop(fee_rate="0.0500")
    item = of.sku(merchant=shop, price="20.00", rate="0.1000")
    order = of.paid_order(after_commit, item=item, quantity=1, share_code=of.share_link(seller, item.product_id).code)

    assert (order.promoter_id, order.plan_version_id) == (seller.pk, None)
    assert f.lines_of(f.entry(f"order:{order.pk}:paid")) == [
        ("gateway_clearing", Decimal("20.00")),
        (f"merchant_pending:merchant:{shop.pk}", Decimal("-17.00")),
        ("platform_revenue", Decimal("-1.00")),
        ("commission_margin", Decimal("-2.00")),
    ]
    assert not Commission.objects.exists()


def test_a_replayed_paid_event_books_nothing_more(after_commit, django_capture_on_commit_callbacks):
    of.plan(f.EXAMPLE_2)
    x, _, _ = f.example_2_chain()
    seen = []
    events.subscribe(events.OrderPaid, seen.append)
    try:
        order = f.self_purchase(after_commit, x)
    finally:
        events.unsubscribe(events.OrderPaid, seen.append)
    counts = (JournalEntry.objects.count(), JournalLine.objects.count(), Commission.objects.count())

    assert order_accrue(seen[0]) is None

    assert (JournalEntry.objects.count(), JournalLine.objects.count(), Commission.objects.count()) == counts
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_under_base_paid_the_rates_apply_to_the_paid_amount_and_the_platform_pays_beyond_b(after_commit):
    # given a plan on the paid amount: direct 10% of 200.00 = 20.00, while the merchant gives up B = 10.00
    of.plan("""
id: on-paid
name: 按实付
jurisdiction: us
base: paid
ranks: [{id: member, name: 会员}]
settlement: {freeze_days: 7}
disclosure: true
rules: [{type: direct, rate: {member: "0.10"}}]
""")
    seller = of.root("卖家")
    shop = of.shop(fee_rate="0.0000")
    item = of.sku(merchant=shop, price="200.00", rate="0.0500")
    order = of.paid_order(after_commit, item=item, quantity=1, share_code=of.share_link(seller, item.product_id).code)
    # then the margin is negative: the platform funds the 10.00 beyond B (a debit on its margin)
    assert f.lines_of(f.entry(f"order:{order.pk}:paid")) == [
        ("gateway_clearing", Decimal("200.00")),
        (f"merchant_pending:merchant:{shop.pk}", Decimal("-190.00")),
        (f"promoter_pending:promoter:{seller.pk}", Decimal("-20.00")),
        ("commission_margin", Decimal("10.00")),
    ]
