"""Accrual (佣金计提): when an order is paid, book where its money goes, in the order's own transaction.

ONE journal entry per order (key ``order:<id>:paid``): the buyer's payment, held in gateway clearing, is
split into the merchant's pending payable, the platform's fee revenue, each recipient's pending commission
(with its snapshot) and the platform's commission margin. Beside it, one ``Commission`` row per
(order, recipient, rule) and one ``MerchantReceivable`` per order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists

from tuishou.incentives.models import PlanVersion
from tuishou.ledger.entries import CommissionSnapshot
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import EntryDraft, journal_post_many
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


def accounts_open(specs: list[tuple[str, int | None, int | None]]) -> dict[str, Account]:
    """The accounts ``(kind, promoter_id, merchant_id)`` of one entry by key, opened where missing: one read
    for all of them (``account_for`` reads one at a time), one insert for those never opened."""
    wanted = {Account.key_for(kind, promoter_id=promoter_id, merchant_id=merchant_id): (kind, promoter_id, merchant_id)
              for kind, promoter_id, merchant_id in specs}
    found = {a.key: a for a in Account.objects.filter(key__in=list(wanted))}
    missing = [key for key in wanted if key not in found]
    if missing:
        Account.objects.bulk_create([Account(kind=wanted[key][0], key=key, promoter_id=wanted[key][1],
                                             merchant_id=wanted[key][2]) for key in missing], ignore_conflicts=True)
        found.update({a.key: a for a in Account.objects.filter(key__in=missing)})
    return found


def order_accrue(event: OrderPaid) -> JournalEntry | None:
    """Book a paid order (``order.paid`` handler, inside the order's transaction); a replay does nothing.

    Commissions are computed from the event's snapshotted chain and plan version on the plan's base (B, or
    the paid amount under ``base: paid``). Without a credited promoter or a plan there are no commissions
    and the margin is all of B; the merchant's share and the fee are booked all the same.

    (With ``TUISHOU["ACCRUAL_BATCHED"]`` ``order.paid`` is deferred and the batch books with ``orders_accrue``:
    ``accrual_batch``.)
    """
    booked = MerchantReceivable.objects.filter(order_id=event.order_id)
    version = None
    if event.plan_version_id:
        # The replay check rides on the version's read: one query, not two.
        version = (PlanVersion.objects.filter(pk=event.plan_version_id)
                   .annotate(booked=Exists(booked))
                   .first())
    if (version.booked if version is not None else booked.exists()):
        return None
    entry, = accruals_post([accrual_plan(event, version)])
    return entry


def orders_accrue(events: list[OrderPaid]) -> list[JournalEntry]:
    """Book many paid orders at once (the batched accrual): the same entries, commissions and receivables as
    ``order_accrue`` one by one, in one ledger post, one commission insert and one receivable insert. Orders
    already booked are skipped. Call inside a transaction."""
    booked = set(MerchantReceivable.objects.filter(order_id__in=[e.order_id for e in events])
                 .values_list("order_id", flat=True))
    todo = {e.order_id: e for e in events if e.order_id not in booked}
    if not todo:
        return []
    versions = PlanVersion.objects.in_bulk({e.plan_version_id for e in todo.values() if e.plan_version_id})
    return accruals_post([accrual_plan(e, versions.get(e.plan_version_id)) for _, e in sorted(todo.items())])


@dataclass(frozen=True)
class AccrualPlan:
    """What one paid order books: its entry (lines by account spec), commissions and merchant receivable."""

    event: OrderPaid
    version: PlanVersion | None
    kind: str
    lines: list[tuple[tuple[str, int | None, int | None], Decimal]]
    snapshots: dict[int, CommissionSnapshot]
    payouts: dict
    plan_base: Decimal
    fee: Decimal
    net: Decimal


def accrual_plan(event: OrderPaid, version: PlanVersion | None) -> AccrualPlan:
    """Price one paid order under its snapshotted chain and plan version (no database write)."""
    chain = chain_links(event.chain) if event.promoter_id else []
    priced = order_payouts_for(version=version, order_ref=event.order_number, chain=chain,
                               self_purchase=event.self_purchase, paid=event.paid_amount,
                               commission_base=event.commission_base)
    split = order_split(paid=event.paid_amount, commission_base=event.commission_base, fee_rate=event.fee_rate,
                        payouts=priced.payouts)
    specs: list[tuple[str, int | None, int | None]] = [(K.GATEWAY_CLEARING, None, None),
                                                       (K.MERCHANT_PENDING, None, event.merchant_id),
                                                       (K.PLATFORM_REVENUE, None, None)]
    amounts = [event.paid_amount, -split.merchant, -split.fee]
    snapshots = {}
    for (promoter_id, rule), amount in split.payouts.items():
        snapshots[len(specs)] = commission_snapshot(order_ref=event.order_number, version=version, rule=rule,
                                                    rate=effective_rate(amount, priced.plan_base),
                                                    base=priced.plan_base)
        specs.append((K.PROMOTER_PENDING, promoter_id, None))
        amounts.append(-amount)
    specs.append((K.COMMISSION_MARGIN, None, None))
    amounts.append(-split.margin)
    kept = [i for i, amount in enumerate(amounts) if amount]  # the ledger refuses zero lines
    renumber = {old: new for new, old in enumerate(kept)}
    return AccrualPlan(
        event=event, version=version,
        kind=JournalEntry.Kind.COMMISSION_ACCRUED if split.payouts else JournalEntry.Kind.ORDER_PAID,
        lines=[(specs[i], amounts[i]) for i in kept],
        snapshots={renumber[i]: snap for i, snap in snapshots.items()},
        payouts=split.payouts, plan_base=priced.plan_base, fee=split.fee, net=split.merchant)


def accruals_post(plans: list[AccrualPlan]) -> list[JournalEntry]:
    """Write the planned accruals: their accounts opened, their entries in one ``journal_post_many`` (the lines
    in one insert, each touched balance moved once), their commissions and receivables in one insert each."""
    accounts = accounts_open(list({spec for plan in plans for spec, _ in plan.lines}))
    entries = journal_post_many(drafts=[EntryDraft(
        kind=plan.kind, key=paid_key(plan.event.order_id),
        lines=[(accounts[Account.key_for(kind, promoter_id=promoter_id, merchant_id=merchant_id)], amount)
               for (kind, promoter_id, merchant_id), amount in plan.lines],
        snapshots=plan.snapshots,
        memo=f"订单 {plan.event.order_number} 支付 {plan.event.paid_amount}") for plan in plans])
    commissions, receivables = [], []
    for plan in plans:
        event, version = plan.event, plan.version
        freeze_days, after = settlement_terms(version)
        commissions += [
            Commission(order_id=event.order_id, promoter_id=promoter_id, rule=rule, plan_version=version,
                       base=plan.plan_base, rate=effective_rate(amount, plan.plan_base), accrued_amount=amount,
                       amount=amount, freeze_days=freeze_days, settle_after=after)
            for (promoter_id, rule), amount in plan.payouts.items()]
        receivables.append(MerchantReceivable(
            order_id=event.order_id, merchant_id=event.merchant_id, fee_rate=event.fee_rate,
            paid_amount=event.paid_amount, commission_base=event.commission_base, fee=plan.fee, net=plan.net,
            freeze_days=freeze_days, settle_after=after))
    Commission.objects.bulk_create(commissions)
    MerchantReceivable.objects.bulk_create(receivables)
    return entries
