"""Booking a coupon order's commissions (券佣金记账): the order flow's engine and ledger, with B = the platform's
commission.

* paid: one entry ``coupon:<id>:paid`` (kind commission_accrued): the platform owes us its commission E (debit
  ``coupon_receivable``), split into each recipient's pending commission (with its snapshot) and the platform's
  margin (E − Σ payouts). The payouts come from ``settlement.recompute.order_payouts_for``: the community's plan
  version in force at the payment and the promoter's chain, on the base E, exactly like a paid order's.
* settled (the platform settled with us): ``coupon:<id>:settled`` moves each pending commission to available.
* refunded: ``coupon:<id>:refunded`` takes it all back: from pending (commission_cancelled) before the
  settlement, from available (commission_clawback) after, and the receivable and the margin with it.

Each is called inside the transaction of the order's state change.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from tuishou.coupons.models import CouponCommission, CouponOrder, CouponPick
from tuishou.coupons.parsing import ReportLine
from tuishou.coupons.transitions import coupon_commissions_transition, coupon_order_transition
from tuishou.incentives.payouts import chain_snapshot
from tuishou.incentives.selectors import plan_version_in_force
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import EntryDraft, journal_post_many
from tuishou.settlement.accrual import accounts_open, commission_snapshot
from tuishou.settlement.recompute import chain_links, order_payouts_for
from tuishou.settlement.split import ZERO, effective_rate

K = Account.Kind
E = JournalEntry.Kind
C = CouponCommission.Status


def entry_key(order: CouponOrder, event: str) -> str:
    return f"coupon:{order.pk}:{event}"


def _post(*, kind: str, key: str, specs: list, amounts: list, memo: str, snapshots: dict | None = None) -> None:
    """Post one entry over ``specs`` ((kind, promoter id) per line), dropping zero lines (the ledger refuses them)."""
    kept = [i for i, amount in enumerate(amounts) if amount]
    if not kept:
        return
    accounts = accounts_open([(specs[i][0], specs[i][1], None) for i in kept])
    renumber = {old: new for new, old in enumerate(kept)}
    journal_post_many(drafts=[EntryDraft(
        kind=kind, key=key, memo=memo,
        lines=[(accounts[Account.key_for(specs[i][0], promoter_id=specs[i][1])], amounts[i]) for i in kept],
        snapshots={renumber[i]: snap for i, snap in (snapshots or {}).items() if i in renumber})])


def coupon_order_accrue(*, line: ReportLine, pick: CouponPick, report_id: int, platform: str) -> CouponOrder:
    """Create the coupon order of a report row and book its commissions (inside the row's transaction)."""
    promoter = pick.promoter
    # The plan in force when the buyer paid; an order paid before the community had any plan is priced by the one
    # in force at the import (the platform's commission is ours to share either way).
    version = (plan_version_in_force(community_id=promoter.community_id, at=line.paid_at)
               or plan_version_in_force(community_id=promoter.community_id))
    chain = chain_snapshot(promoter_id=promoter.pk)
    order = CouponOrder.objects.create(
        platform=platform, external_order_id=line.order_id, pick=pick, promoter=promoter, item_id=pick.item_id,
        amount=line.amount, external_commission=line.commission, plan_version=version,
        chain=[link.as_dict() for link in chain], paid_at=line.paid_at, report_id=report_id)
    priced = order_payouts_for(version=version, order_ref=order.ref, chain=chain_links(order.chain),
                               self_purchase=False, paid=line.commission, commission_base=line.commission)
    specs: list = [(K.COUPON_RECEIVABLE, None)]
    amounts = [line.commission]
    snapshots = {}
    for (promoter_id, rule), amount in priced.payouts.items():
        snapshots[len(specs)] = commission_snapshot(order_ref=order.ref, version=version, rule=rule,
                                                    rate=effective_rate(amount, priced.plan_base),
                                                    base=priced.plan_base)
        specs.append((K.PROMOTER_PENDING, promoter_id))
        amounts.append(-amount)
    specs.append((K.COMMISSION_MARGIN, None))
    amounts.append(-(line.commission - sum(priced.payouts.values(), ZERO)))
    _post(kind=E.COMMISSION_ACCRUED, key=entry_key(order, "paid"), specs=specs, amounts=amounts,
          snapshots=snapshots, memo=f"券订单 {line.order_id} 佣金 {line.commission}")
    CouponCommission.objects.bulk_create([
        CouponCommission(order=order, promoter_id=promoter_id, rule=rule, base=priced.plan_base,
                         rate=effective_rate(amount, priced.plan_base), amount=amount)
        for (promoter_id, rule), amount in priced.payouts.items()])
    return order


def coupon_order_settle(*, order: CouponOrder, at) -> None:
    """The platform settled the order: its pending commissions become available."""
    pending = list(order.commissions.filter(status=C.PENDING).order_by("pk"))
    by_promoter: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for commission in pending:
        by_promoter[commission.promoter_id] += commission.amount
    specs, amounts = [], []
    for promoter_id, amount in sorted(by_promoter.items()):
        specs += [(K.PROMOTER_PENDING, promoter_id), (K.PROMOTER_AVAILABLE, promoter_id)]
        amounts += [amount, -amount]
    _post(kind=E.COMMISSION_SETTLED, key=entry_key(order, "settled"), specs=specs, amounts=amounts,
          memo=f"券订单 {order.external_order_id} 平台结算")
    coupon_commissions_transition(pks=[c.pk for c in pending], current=C.PENDING, to=C.AVAILABLE)
    coupon_order_transition(order=order, to=CouponOrder.Status.SETTLED, at=at)


def coupon_order_refund(*, order: CouponOrder, at) -> Decimal:
    """The order was refunded: take back everything its accrual booked; returns the commissions taken back."""
    commissions = list(order.commissions.order_by("pk"))
    settled = order.status == CouponOrder.Status.SETTLED
    account = K.PROMOTER_AVAILABLE if settled else K.PROMOTER_PENDING
    specs: list = [(K.COUPON_RECEIVABLE, None)]
    amounts = [-order.external_commission]
    snapshots = {}
    for commission in commissions:
        snapshots[len(specs)] = commission_snapshot(order_ref=order.ref, version=order.plan_version,
                                                    rule=commission.rule, rate=commission.rate,
                                                    base=commission.base)
        specs.append((account, commission.promoter_id))
        amounts.append(commission.amount)
    total = sum((c.amount for c in commissions), ZERO)
    specs.append((K.COMMISSION_MARGIN, None))
    amounts.append(order.external_commission - total)
    _post(kind=E.COMMISSION_CLAWBACK if settled else E.COMMISSION_CANCELLED, key=entry_key(order, "refunded"),
          specs=specs, amounts=amounts, snapshots=snapshots, memo=f"券订单 {order.external_order_id} 退款")
    if settled:
        coupon_commissions_transition(pks=[c.pk for c in commissions], current=C.AVAILABLE, to=C.CLAWED_BACK)
    else:
        coupon_commissions_transition(pks=[c.pk for c in commissions], current=C.PENDING, to=C.CANCELLED)
    coupon_order_transition(order=order, to=CouponOrder.Status.REFUNDED, at=at)
    return total
