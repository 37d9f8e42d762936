"""Refunds (退款冲减): what a refund takes back from the commissions, the merchant, the fee and the margin.

The order is priced again on what is left (its reduced paid amount and B) with the SAME snapshotted chain,
ranks and plan version, and the difference with what is booked now is taken back, per (recipient, rule):
from the pending commission before settlement (``commission_cancelled``), from the available balance
after it (``commission_clawback``: the balance may go negative; that debt is carried and blocks
withdrawals until later income covers it). The merchant's share comes back from its pending or settled
payable the same way. One entry per refund, key ``order:<id>:refund:<case id>``.

Rows are locked commissions first (by pk), then the receivable, then (in ``journal_post``) the accounts by
pk — the same order the settlement task uses, so a refund racing it ends balanced either way.
"""

from __future__ import annotations

from decimal import Decimal

from tuishou.core.errors import Conflict
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import account_for, journal_post
from tuishou.merchants.models import Merchant
from tuishou.network.models import Promoter
from tuishou.orders.events import OrderRefunded
from tuishou.orders.models import Order
from tuishou.settlement import accrual_batch
from tuishou.settlement.accrual import commission_snapshot
from tuishou.settlement.errors import SettlementError
from tuishou.settlement.forfeits import order_forfeited
from tuishou.settlement.models import Commission, MerchantReceivable
from tuishou.settlement.recompute import chain_links, order_payouts_for
from tuishou.settlement.split import ZERO, effective_rate, order_split
from tuishou.settlement.transitions import commission_transition, receivable_transition

K = Account.Kind
C = Commission.Status
R = MerchantReceivable.Status


def refund_key(order_id: int, case_id: int) -> str:
    """The idempotency key of a refund's entry."""
    return f"order:{order_id}:refund:{case_id}"


def order_refund_book(event: OrderRefunded) -> JournalEntry | None:
    """Book a refund (``order.refunded`` handler, inside the refund's transaction); a replay does nothing.

    Raises ``settlement.not_accrued`` when the order was never booked as paid (the refund then rolls back:
    money must not leave the books unrecorded).
    """
    key = refund_key(event.order_id, event.case_id)
    if JournalEntry.objects.filter(key=key).exists():
        return None
    if accrual_batch.batched():
        accrual_batch.accrual_pending_book(order_ids=[event.order_id])  # not booked by the batch yet: book it now
    commissions = list(Commission.objects.select_for_update().filter(order_id=event.order_id).order_by("pk"))
    receivable = MerchantReceivable.objects.select_for_update().filter(order_id=event.order_id).first()
    if receivable is None:
        raise Conflict(SettlementError.NOT_ACCRUED, order_number=event.order_number,
                       details={"order_id": event.order_id})
    order = Order.objects.select_related("plan_version").get(pk=event.order_id)
    paid_after = receivable.paid_amount - event.amount
    chain = chain_links(order.chain or []) if order.promoter_id else []
    priced = order_payouts_for(version=order.plan_version, order_ref=order.number, chain=chain,
                               self_purchase=order.self_purchase, paid=paid_after,
                               commission_base=event.commission_base_after)
    # An order whose commissions a rejected risk flag forfeited is priced with none (settlement.forfeits).
    after = order_split(paid=paid_after, commission_base=event.commission_base_after, fee_rate=receivable.fee_rate,
                        payouts={} if order_forfeited(order.pk) else priced.payouts)
    merchant_settled = receivable.status == R.SETTLED
    merchant = Merchant(pk=receivable.merchant_id)
    lines: list[tuple[Account, Decimal]] = [
        (account_for(K.GATEWAY_CLEARING), -event.amount),
        (account_for(K.MERCHANT_PAYABLE if merchant_settled else K.MERCHANT_PENDING, merchant),
         receivable.net - after.merchant),
        (account_for(K.PLATFORM_REVENUE), receivable.fee - after.fee),
    ]
    snapshots, changes, clawed = {}, [], False
    remaining = dict(after.payouts)
    booked = {(c.promoter_id, c.rule): c for c in commissions}
    for (promoter_id, rule), amount in after.payouts.items():
        if (promoter_id, rule) not in booked:  # a payout a smaller base makes appear: never seen, but booked right
            booked[(promoter_id, rule)] = Commission(
                order_id=order.pk, promoter_id=promoter_id, rule=rule, plan_version=order.plan_version,
                base=priced.plan_base, rate=effective_rate(amount, priced.plan_base), accrued_amount=ZERO,
                amount=ZERO, freeze_days=commissions[0].freeze_days if commissions else 0,
                settle_after=commissions[0].settle_after if commissions else "received", due_at=None)
    for (promoter_id, rule), commission in booked.items():
        new = remaining.pop((promoter_id, rule), ZERO)
        taken = commission.amount - new
        if not taken:
            continue
        settled = commission.status in (C.AVAILABLE, C.CLAWED_BACK)
        clawed = clawed or settled
        snapshots[len(lines)] = commission_snapshot(order_ref=order.number, version=order.plan_version, rule=rule,
                                                    rate=commission.rate, base=priced.plan_base)
        lines.append((account_for(K.PROMOTER_AVAILABLE if settled else K.PROMOTER_PENDING, Promoter(pk=promoter_id)),
                      taken))
        changes.append((commission, new, taken, settled))
    margin_before = receivable.commission_base - sum((c.amount for c in commissions), ZERO)
    lines.append((account_for(K.COMMISSION_MARGIN), margin_before - after.margin))
    kept = [(i, line) for i, line in enumerate(lines) if line[1]]
    renumber = {old: new for new, (old, _) in enumerate(kept)}
    kind = (JournalEntry.Kind.COMMISSION_CLAWBACK if clawed else JournalEntry.Kind.COMMISSION_CANCELLED if changes
            else JournalEntry.Kind.ORDER_REFUNDED)
    entry = journal_post(kind=kind, key=key, lines=[line for _, line in kept],
                         snapshots={renumber[i]: snap for i, snap in snapshots.items()},
                         memo=f"订单 {order.number} 售后 #{event.case_id} 退款 {event.amount}")
    for commission, new, taken, settled in changes:
        _commission_reduce(commission, new=new, taken=taken, settled=settled)
    _receivable_reduce(receivable, after=after, refunded=event.amount, settled=merchant_settled)
    return entry


def _commission_reduce(commission: Commission, *, new: Decimal, taken: Decimal, settled: bool) -> None:
    if commission.pk is None:  # appeared on the smaller base: a new pending commission of the order
        commission.amount = commission.accrued_amount = new
        commission.save(force_insert=True)
        return
    if settled:
        commission_transition(commission=commission, to=C.CLAWED_BACK if new == 0 else commission.status,
                              amount=new, clawed_back_amount=commission.clawed_back_amount + taken)
    else:
        commission_transition(commission=commission, to=C.CANCELLED if new == 0 else C.PENDING,
                              amount=new, cancelled_amount=commission.cancelled_amount + taken)


def _receivable_reduce(receivable: MerchantReceivable, *, after, refunded: Decimal, settled: bool) -> None:
    changes = {"paid_amount": after.paid, "refunded_amount": receivable.refunded_amount + refunded,
               "commission_base": after.commission_base, "fee": after.fee, "net": after.merchant}
    if settled:
        changes["clawed_back_amount"] = receivable.clawed_back_amount + (receivable.net - after.merchant)
        receivable_transition(receivable=receivable, to=R.SETTLED, **changes)
    else:
        receivable_transition(receivable=receivable, to=R.CANCELLED if after.paid == 0 else R.PENDING, **changes)
