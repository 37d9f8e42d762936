"""Refunds: the order is priced again on what is left with the same snapshot, and the difference is taken back
(cancelled while pending, clawed back once available, a negative balance carried)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.orders import factories as of
from tests.settlement import factories as f
from tuishou.ledger.models import JournalEntry
from tuishou.ledger.services import account_for, journal_post
from tuishou.network.services import promoter_rank_set
from tuishou.settlement.models import Commission, MerchantReceivable
from tuishou.settlement.selectors import promoter_withdrawable
from tuishou.settlement.settle import settlement_run

pytestmark = pytest.mark.django_db
K = f.K


@pytest.fixture
def sale(after_commit):
    """The spec's example 2 order: 400.00 paid, B 80.00; X 40.00 + 4.00, Z 4.00, merchant 300.00, fee 20.00."""
    of.plan(f.EXAMPLE_2)
    x, _y, z = f.example_2_chain()
    shop = of.shop(fee_rate="0.0500")
    order = f.self_purchase(after_commit, x, merchant=shop)
    return order, x, z, shop


def _amounts():
    return list(Commission.objects.order_by("pk").values_list("rule", "amount", "cancelled_amount",
                                                              "clawed_back_amount", "status"))


def test_a_partial_refund_before_settlement_cancels_exactly_the_difference(sale, after_commit):
    order, x, z, shop = sale
    # given a ranks change after payment (it must not matter: the snapshot decides)
    promoter_rank_set(z, "member", source="evaluation", effective_at=order.paid_at)
    # when 100.00 of the 400.00 is refunded: paid 300.00, B 60.00
    case = f.refund(after_commit, order, amount="100.00")
    # then on B 60.00: X 30.00 + 3.00, Z 3.00, fee 15.00, merchant 225.00, margin 24.00 — the differences come back
    entry = f.entry(f"order:{order.pk}:refund:{case.pk}")
    assert entry.kind == JournalEntry.Kind.COMMISSION_CANCELLED
    assert f.lines_of(entry) == [
        ("gateway_clearing", Decimal("-100.00")),
        (f"merchant_pending:merchant:{shop.pk}", Decimal("75.00")),
        ("platform_revenue", Decimal("5.00")),
        (f"promoter_pending:promoter:{x.pk}", Decimal("10.00")),
        (f"promoter_pending:promoter:{x.pk}", Decimal("1.00")),
        (f"promoter_pending:promoter:{z.pk}", Decimal("1.00")),
        ("commission_margin", Decimal("8.00")),
    ]
    assert [line.snapshot.base for line in entry.lines.all() if line.snapshot] == [Decimal("60.00")] * 3
    assert _amounts() == [("direct", Decimal("30.00"), Decimal("10.00"), Decimal("0.00"), "pending"),
                          ("self_purchase", Decimal("3.00"), Decimal("1.00"), Decimal("0.00"), "pending"),
                          ("tiers", Decimal("3.00"), Decimal("1.00"), Decimal("0.00"), "pending")]
    receivable = MerchantReceivable.objects.get()
    assert (receivable.paid_amount, receivable.refunded_amount, receivable.commission_base, receivable.fee,
            receivable.net, receivable.status) == (Decimal("300.00"), Decimal("100.00"), Decimal("60.00"),
                                                   Decimal("15.00"), Decimal("225.00"), "pending")
    assert (f.account_amount(K.PROMOTER_PENDING, x), f.account_amount(K.PROMOTER_PENDING, z)) == (
        Decimal("33.00"), Decimal("3.00"))
    # and what is left settles in due course
    order = f.received(order)
    settlement_run(as_of=order.received_at + timedelta(days=15))
    assert f.account_amount(K.PROMOTER_AVAILABLE, x) == Decimal("33.00")
    assert f.account_amount(K.MERCHANT_PAYABLE, shop) == Decimal("225.00")


def test_a_full_refund_before_settlement_cancels_everything(sale, after_commit):
    order, x, z, shop = sale
    line = order.lines.get()

    case = f.refund(after_commit, order, lines=[(line.pk, 1)])

    assert f.entry(f"order:{order.pk}:refund:{case.pk}").kind == JournalEntry.Kind.COMMISSION_CANCELLED
    assert [status for *_, status in _amounts()] == ["cancelled"] * 3
    assert MerchantReceivable.objects.get().status == "cancelled"
    for kind, owner in [(K.PROMOTER_PENDING, x), (K.PROMOTER_PENDING, z), (K.MERCHANT_PENDING, shop),
                        (K.PLATFORM_REVENUE, None), (K.COMMISSION_MARGIN, None), (K.GATEWAY_CLEARING, None)]:
        assert f.account_amount(kind, owner) == Decimal("0.00"), kind
    assert settlement_run(as_of=order.paid_at + timedelta(days=365)).commissions == 0


def _withdrawn(promoter, amount: str):
    """Stand-in for a paid withdrawal: the money has left the promoter's available balance."""
    value = Decimal(amount)
    journal_post(kind=JournalEntry.Kind.WITHDRAWAL_PAID, key=f"test-withdrawal:{promoter.pk}",
                 lines=[(account_for(K.PROMOTER_AVAILABLE, promoter), value),
                        (account_for(K.PAYOUT_CLEARING), -value)])


def test_a_refund_after_settlement_claws_back_and_a_negative_balance_is_carried(sale, after_commit):
    order, x, z, shop = sale
    order = f.received(order)
    settlement_run(as_of=order.received_at + timedelta(days=16))
    _withdrawn(x, "44.00")
    assert promoter_withdrawable(x) == Decimal("0.00")

    # when customer service refunds the whole order after settlement
    case = f.refund(after_commit, order, amount="400.00", now=order.received_at + timedelta(days=1))

    # then the commissions are clawed back from the available balances, which X has already withdrawn
    entry = f.entry(f"order:{order.pk}:refund:{case.pk}")
    assert entry.kind == JournalEntry.Kind.COMMISSION_CLAWBACK
    assert f.lines_of(entry) == [
        ("gateway_clearing", Decimal("-400.00")),
        (f"merchant_payable:merchant:{shop.pk}", Decimal("300.00")),
        ("platform_revenue", Decimal("20.00")),
        (f"promoter_available:promoter:{x.pk}", Decimal("40.00")),
        (f"promoter_available:promoter:{x.pk}", Decimal("4.00")),
        (f"promoter_available:promoter:{z.pk}", Decimal("4.00")),
        ("commission_margin", Decimal("32.00")),
    ]
    assert _amounts() == [("direct", Decimal("0.00"), Decimal("0.00"), Decimal("40.00"), "clawed_back"),
                          ("self_purchase", Decimal("0.00"), Decimal("0.00"), Decimal("4.00"), "clawed_back"),
                          ("tiers", Decimal("0.00"), Decimal("0.00"), Decimal("4.00"), "clawed_back")]
    receivable = MerchantReceivable.objects.get()
    assert (receivable.status, receivable.net, receivable.clawed_back_amount) == (
        "settled", Decimal("0.00"), Decimal("300.00"))
    assert (f.account_amount(K.PROMOTER_AVAILABLE, x), promoter_withdrawable(x)) == (Decimal("-44.00"),
                                                                                      Decimal("0.00"))
    assert (f.account_amount(K.PROMOTER_AVAILABLE, z), promoter_withdrawable(z)) == (Decimal("0.00"),
                                                                                      Decimal("0.00"))

    # and the debt is carried: X's next commission of 44.00 first pays it back
    later = f.received(f.self_purchase(after_commit, x, merchant=shop))
    settlement_run(as_of=later.received_at + timedelta(days=16))
    assert (f.account_amount(K.PROMOTER_AVAILABLE, x), promoter_withdrawable(x)) == (Decimal("0.00"),
                                                                                      Decimal("0.00"))


def test_a_partial_refund_after_settlement_claws_back_part_and_keeps_the_rest_available(sale, after_commit):
    order, x, _z, shop = sale
    order = f.received(order)
    settlement_run(as_of=order.received_at + timedelta(days=16))

    f.refund(after_commit, order, amount="100.00", now=order.received_at + timedelta(days=1))

    assert _amounts() == [("direct", Decimal("30.00"), Decimal("0.00"), Decimal("10.00"), "available"),
                          ("self_purchase", Decimal("3.00"), Decimal("0.00"), Decimal("1.00"), "available"),
                          ("tiers", Decimal("3.00"), Decimal("0.00"), Decimal("1.00"), "available")]
    assert (f.account_amount(K.PROMOTER_AVAILABLE, x), promoter_withdrawable(x)) == (Decimal("33.00"),
                                                                                      Decimal("33.00"))
    assert f.account_amount(K.MERCHANT_PAYABLE, shop) == Decimal("225.00")
