"""A flagged order's commissions are held from settlement until an operator decides: cleared, they settle at the
next run; rejected, they are reversed through the ledger (cancelled while pending, clawed back once settled)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.orders import factories as of
from tests.risk import factories as f
from tests.settlement import factories as sf
from tuishou.ledger.models import JournalEntry
from tuishou.risk import detection, flags
from tuishou.risk import rules as R
from tuishou.risk.models import AuditEntry, RiskFlag
from tuishou.settlement.models import Commission
from tuishou.settlement.settle import settlement_run

pytestmark = pytest.mark.django_db
K = sf.K
LATER = timedelta(days=60)


def _commissions(order, field: str = "amount") -> dict:
    return {(c.promoter_id, c.rule): getattr(c, field) for c in Commission.objects.filter(order=order)}


def _flagged_self_purchase(after_commit):
    """X buys 400.00 for themselves; the self-purchase rule (threshold 400.00, ratio 3) flags it."""
    of.plan(sf.EXAMPLE_2)
    f.thresholds(R.SELF_PURCHASE_RATIO, min_amount="400.00", min_ratio="3")
    x, y, z = sf.example_2_chain()
    order = sf.received(sf.self_purchase(after_commit, x))
    flag = RiskFlag.objects.get(rule=R.SELF_PURCHASE_RATIO)
    return order, flag, (x, y, z)


def test_an_open_flag_holds_the_orders_commissions_and_clearing_settles_them_at_the_next_run(after_commit):
    order, flag, (x, _y, z) = _flagged_self_purchase(after_commit)
    assert flag.status == "open" and list(flag.orders.values_list("pk", flat=True)) == [order.pk]
    pending = _commissions(order)
    # example 2 on B = 80.00: X's direct 50 % and self-purchase 5 %, Z's second tier 5 % (Y, a member, earns none)
    assert pending == {(x.pk, "direct"): Decimal("40.00"), (x.pk, "self_purchase"): Decimal("4.00"),
                       (z.pk, "tiers"): Decimal("4.00")}

    summary = settlement_run(as_of=order.received_at + LATER)
    assert summary.commissions == 0 and summary.receivables == 1  # the merchant's share is not held
    assert set(Commission.objects.filter(order=order).values_list("status", flat=True)) == {"pending"}

    risk = of.operator("risk")
    flags.risk_flag_clear(actor=risk, flag_id=flag.pk, reason="本人确为自用，核实通过")
    summary = settlement_run(as_of=order.received_at + LATER)
    assert summary.commissions == len(pending)
    assert _commissions(order, "settled_amount") == pending
    audit = AuditEntry.objects.get(action="risk.flag_cleared")
    assert (audit.actor, audit.reason, audit.target_id) == (risk, "本人确为自用，核实通过", str(flag.pk))


def test_rejecting_before_settlement_cancels_the_pending_commissions_into_the_margin(after_commit):
    order, flag, (x, _y, z) = _flagged_self_purchase(after_commit)
    pending = _commissions(order)
    margin_before = sf.account_amount(K.COMMISSION_MARGIN)

    flags.risk_flag_reject(actor=of.operator("risk"), flag_id=flag.pk, reason="自购刷单")

    entry = JournalEntry.objects.get(key=f"order:{order.pk}:risk:{flag.pk}")
    assert (entry.kind, entry.memo) == ("risk_cancelled", f"订单 {order.number} 风控驳回 #{flag.pk}")
    assert [amount for _, amount in sf.lines_of(entry)] == [Decimal("40.00"), Decimal("4.00"), Decimal("4.00"),
                                                            Decimal("-48.00")]
    assert {(c.promoter_id, c.rule): (c.status, c.amount, c.cancelled_amount)
            for c in Commission.objects.filter(order=order)} \
        == {key: ("cancelled", Decimal("0.00"), amount) for key, amount in pending.items()}
    for promoter in (x, z):
        assert sf.account_amount(K.PROMOTER_PENDING, promoter) == Decimal("0.00")
    assert sf.account_amount(K.COMMISSION_MARGIN) == margin_before + sum(pending.values())
    assert settlement_run(as_of=order.received_at + LATER).commissions == 0
    audit = AuditEntry.objects.get(action="risk.flag_rejected")
    assert audit.reason == "自购刷单" and audit.data["reversed"] == [{str(order.pk): str(sum(pending.values()))}]


def test_rejecting_after_settlement_claws_the_commissions_back_and_a_later_refund_takes_none(after_commit):
    of.plan(sf.EXAMPLE_2)
    x, _y, _z = sf.example_2_chain()
    order = sf.received(sf.self_purchase(after_commit, x))
    settlement_run(as_of=order.received_at + LATER)
    settled = _commissions(order)
    assert set(Commission.objects.filter(order=order).values_list("status", flat=True)) == {"available"}
    f.thresholds(R.SELF_PURCHASE_RATIO, min_amount="400.00", min_ratio="3")
    flag = flags.flag_raise(detection.self_purchase_ratio(x.pk, at=order.paid_at))

    flags.risk_flag_reject(actor=of.operator("risk"), flag_id=flag.pk, reason="自购刷单，追回佣金")

    entry = JournalEntry.objects.get(key=f"order:{order.pk}:risk:{flag.pk}")
    assert (entry.kind, entry.memo) == ("risk_clawback", f"订单 {order.number} 风控驳回 #{flag.pk}")
    assert {(c.promoter_id, c.rule): (c.status, c.amount, c.clawed_back_amount)
            for c in Commission.objects.filter(order=order)} \
        == {key: ("clawed_back", Decimal("0.00"), amount) for key, amount in settled.items()}
    assert sf.account_amount(K.PROMOTER_AVAILABLE, x) == Decimal("0.00")
    # a refund afterwards takes nothing more from the promoters (the order is priced with no commissions)
    sf.refund(after_commit, order, amount="100.00")
    assert sf.account_amount(K.PROMOTER_AVAILABLE, x) == Decimal("0.00")
    assert set(Commission.objects.filter(order=order).values_list("amount", flat=True)) == {Decimal("0.00")}
