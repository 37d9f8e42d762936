"""Accrual (佣金计提): when an order is paid, book where its money goes, in the order's own transaction.

ONE journal entry per order (key ``order:<id>:paid``): the buyer's payment, held in gateway clearing, is
split into the merchant's pending payable, the platform's fee revenue, each recipient's pending commission
(with its snapshot) and the platform's commission margin. Beside it, one ``Commission`` row per
(order, recipient, rule) and one ``MerchantReceivable`` per order.
"""

from __future__ import annotations

from decimal import Decimal

from tuishou.incentives.models import PlanVersion
from tuishou.ledger.entries import CommissionSnapshot
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import account_for, journal_post
from tuishou.merchants.models import Merchant
from tuishou.network.models import Promoter
from tuishou.orders.events import OrderPaid
from tuishou.settlement.models import Commission, MerchantReceivable
from tuishou.settlement.recompute import chain_links, order_payouts_for, settlement_terms
from tuishou.settlement.split import effective_rate, order_split

K = Account.Kind


def paid_key(order_id: int) -> str:
    """The idempotency key of an order's accrual entry."""
    return f"order:{order_id}:paid"


def commission_snapshot(*, order_ref: str, version: PlanVersion, rule: str, rate: Decimal,
                        base: Decimal) -> CommissionSnapshot:
    """The snapshot a commission line of an order carries (whole-order commission: no order line)."""
    return CommissionSnapshot(order_ref=order_ref, order_line_ref=None, plan_id=version.plan_key,
                              plan_version=version.version or 0, rule=rule, rate=rate, base=base)


def order_accrue(event: OrderPaid) -> JournalEntry | None:
    """Book a paid order (``order.paid`` handler, inside the order's transaction); a replay does nothing.

    Commissions are computed from the event's snapshotted chain and plan version on the plan's base (B, or
    the paid amount under ``base: paid``). Without a credited promoter or a plan there are no commissions
    and the margin is all of B; the merchant's share and the fee are booked all the same.
    """
    if MerchantReceivable.objects.filter(order_id=event.order_id).exists():
        return None
    version = PlanVersion.objects.filter(pk=event.plan_version_id).first() if event.plan_version_id else None
    chain = chain_links(event.chain) if event.promoter_id else []
    priced = order_payouts_for(version=version, order_ref=event.order_number, chain=chain,
                               self_purchase=event.self_purchase, paid=event.paid_amount,
                               commission_base=event.commission_base)
    split = order_split(paid=event.paid_amount, commission_base=event.commission_base, fee_rate=event.fee_rate,
                        payouts=priced.payouts)
    merchant = Merchant(pk=event.merchant_id)
    lines: list[tuple[Account, Decimal]] = [(account_for(K.GATEWAY_CLEARING), event.paid_amount),
                                            (account_for(K.MERCHANT_PENDING, merchant), -split.merchant),
                                            (account_for(K.PLATFORM_REVENUE), -split.fee)]
    snapshots = {}
    for (promoter_id, rule), amount in split.payouts.items():
        snapshots[len(lines)] = commission_snapshot(order_ref=event.order_number, version=version, rule=rule,
                                                    rate=effective_rate(amount, priced.plan_base),
                                                    base=priced.plan_base)
        lines.append((account_for(K.PROMOTER_PENDING, Promoter(pk=promoter_id)), -amount))
    lines.append((account_for(K.COMMISSION_MARGIN), -split.margin))
    kept = [(i, line) for i, line in enumerate(lines) if line[1]]  # the ledger refuses zero lines
    renumber = {old: new for new, (old, _) in enumerate(kept)}
    entry = journal_post(
        kind=JournalEntry.Kind.COMMISSION_ACCRUED if split.payouts else JournalEntry.Kind.ORDER_PAID,
        key=paid_key(event.order_id), lines=[line for _, line in kept],
        snapshots={renumber[i]: snap for i, snap in snapshots.items()},
        memo=f"订单 {event.order_number} 支付 {event.paid_amount}")
    freeze_days, after = settlement_terms(version)
    Commission.objects.bulk_create([
        Commission(order_id=event.order_id, promoter_id=promoter_id, rule=rule, plan_version=version,
                   base=priced.plan_base, rate=effective_rate(amount, priced.plan_base), accrued_amount=amount,
                   amount=amount, freeze_days=freeze_days, settle_after=after)
        for (promoter_id, rule), amount in split.payouts.items()])
    MerchantReceivable.objects.create(
        order_id=event.order_id, merchant_id=event.merchant_id, fee_rate=event.fee_rate,
        paid_amount=event.paid_amount, commission_base=event.commission_base, fee=split.fee, net=split.merchant,
        freeze_days=freeze_days, settle_after=after)
    return entry
