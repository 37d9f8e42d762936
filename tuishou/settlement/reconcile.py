"""Reconciliation checks of settlement (registered with the ledger's ``tuishou reconcile``).

* ``order_commissions``: every paid order's booked commissions equal what its plan version recomputes from
  its snapshotted chain on its current (refund-reduced) base, and its merchant share, fee and margin equal
  the split of what is still paid.
  An order still queued for the batched accrual (``settlement.accrual_batch``) is not a mismatch for its
  first ``QUEUE_STALE_MINUTES``; after that it is (the booking worker is not running).
* ``refund_reversals``: every refunded after-sales case has its refund entry, for exactly the refund's amount.
* ``commission_rows``: the Commission and MerchantReceivable rows agree with the ledger (per row and per
  account: pending commissions add up to each promoter's pending balance, pending merchant shares to each
  merchant's pending payable; every settled row has its settlement entry, a period share held while its
  promoter was frozen included).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.reconcile import Mismatch, reconcile_check
from tuishou.orders.models import AccrualPending, AfterSalesCase, Order
from tuishou.risk.selectors import forfeited_order_ids
from tuishou.settlement.models import Commission, MerchantReceivable
from tuishou.settlement.recompute import chain_links, order_payouts_for
from tuishou.settlement.split import ZERO, order_split

K = Account.Kind
PROMOTER = {K.PROMOTER_PENDING, K.PROMOTER_AVAILABLE}
MERCHANT = {K.MERCHANT_PENDING, K.MERCHANT_PAYABLE}
# Other pending commissions in the promoters' pending accounts (coupon goods): each gives (promoter id, amount).
PENDING_SOURCES: list = []
QUEUE_STALE_MINUTES = 10


def _order_lines() -> dict[int, dict]:
    """Per order id, what its entries (keys ``order:<id>:…``) booked: money by account kind, and commissions
    by (promoter, rule) from the snapshot lines."""
    booked: dict[int, dict] = defaultdict(lambda: {"kinds": defaultdict(lambda: ZERO),
                                                   "commissions": defaultdict(lambda: ZERO)})
    lines = (JournalLine.objects.filter(entry__key__startswith="order:")
             .values_list("entry__key", "account__kind", "account__promoter_id", "rule", "amount").iterator())
    for key, kind, promoter_id, rule, amount in lines:
        order_id = int(key.split(":")[1])
        booked[order_id]["kinds"][kind] += amount
        if kind in PROMOTER:
            booked[order_id]["commissions"][(promoter_id, rule)] -= amount
    return booked


@reconcile_check("order_commissions", "every paid order's commissions, merchant share, fee and margin equal "
                                      "what its plan recomputes on its current base")
def check_order_commissions() -> Iterable[Mismatch]:
    booked = _order_lines()
    accrued = set(JournalEntry.objects.filter(key__startswith="order:", key__endswith=":paid")
                  .values_list("key", flat=True))
    forfeited = forfeited_order_ids()  # a rejected risk flag took their commissions back (settlement.forfeits)
    # Orders queued for the batched accrual are not booked yet; queued longer than this, the worker is stuck.
    queued = dict(AccrualPending.objects.values_list("order_id", "created_at"))
    stale = timezone.now() - timedelta(minutes=QUEUE_STALE_MINUTES)
    orders = (Order.objects.filter(paid_at__isnull=False).select_related("plan_version")
              .order_by("pk").iterator(chunk_size=500))
    for order in orders:
        subject = f"order {order.number} (#{order.pk})"
        if f"order:{order.pk}:paid" not in accrued:
            if order.pk in queued and queued[order.pk] > stale:
                continue  # paid moments ago, waiting for the batched accrual (settlement.accrual_batch)
            yield Mismatch(subject=subject, found="no accrual entry", expected=f"entry order:{order.pk}:paid")
            continue
        paid = order.total - order.refunded_amount
        chain = chain_links(order.chain or []) if order.promoter_id else []
        priced = order_payouts_for(version=order.plan_version, order_ref=order.number, chain=chain,
                                   self_purchase=order.self_purchase, paid=paid,
                                   commission_base=order.commission_base_remaining)
        split = order_split(paid=paid, commission_base=order.commission_base_remaining, fee_rate=order.fee_rate,
                            payouts={} if order.pk in forfeited else priced.payouts)
        mine = booked.get(order.pk, {"kinds": {}, "commissions": {}})
        found = {key: amount for key, amount in mine["commissions"].items() if amount}
        if found != split.payouts:
            yield Mismatch(subject=f"{subject} commissions", found=_payouts_text(found),
                           expected=_payouts_text(split.payouts), note="booked vs. the plan's recomputation")
        kinds = mine["kinds"]
        expected = {"gateway clearing": (kinds.get(K.GATEWAY_CLEARING, ZERO), paid),
                    "merchant share": (-sum((kinds.get(k, ZERO) for k in MERCHANT), ZERO), split.merchant),
                    "platform fee": (-kinds.get(K.PLATFORM_REVENUE, ZERO), split.fee),
                    "commission margin": (-kinds.get(K.COMMISSION_MARGIN, ZERO), split.margin)}
        for what, (got, want) in expected.items():
            if got != want:
                yield Mismatch(subject=f"{subject} {what}", found=str(got), expected=str(want))


def _payouts_text(payouts: dict) -> str:
    if not payouts:
        return "none"
    return ", ".join(f"promoter {p} {rule} {amount}" for (p, rule), amount in sorted(payouts.items()))


@reconcile_check("refund_reversals", "every refunded after-sales case has its refund entry for exactly its amount")
def check_refund_reversals() -> Iterable[Mismatch]:
    gateway = dict(JournalLine.objects.filter(entry__key__contains=":refund:", account__kind=K.GATEWAY_CLEARING)
                   .values_list("entry__key", "amount"))
    cases = (AfterSalesCase.objects.filter(status=AfterSalesCase.Status.REFUNDED)
             .values_list("pk", "order_id", "amount").order_by("pk"))
    seen = set()
    for case_id, order_id, amount in cases.iterator():
        key = f"order:{order_id}:refund:{case_id}"
        seen.add(key)
        if key not in gateway:
            yield Mismatch(subject=f"after-sales case #{case_id} (order #{order_id})", found="no refund entry",
                           expected=f"entry {key} refunding {amount}")
        elif gateway[key] != -amount:
            yield Mismatch(subject=f"refund entry {key}", found=f"{-gateway[key]} refunded", expected=str(amount))
    for key in sorted(set(gateway) - seen):
        yield Mismatch(subject=f"refund entry {key}", found="no refunded after-sales case", expected="one")


@reconcile_check("commission_rows", "commission and merchant receivable rows agree with the ledger")
def check_commission_rows() -> Iterable[Mismatch]:
    yield from _commission_rows()
    yield from _pending_balances()
    yield from _receivables()


def _commission_rows() -> Iterable[Mismatch]:
    snapshot_sums: dict[tuple[str, int, str], Decimal] = defaultdict(lambda: ZERO)
    held_periods = set()  # period shares booked pending (their promoter was frozen): settled by their own entry
    for ref, promoter_id, rule, amount, kind in (
            JournalLine.objects.filter(order_ref__isnull=False, account__kind__in=PROMOTER)
            .values_list("order_ref", "account__promoter_id", "rule", "amount", "account__kind").iterator()):
        snapshot_sums[(ref, promoter_id, rule)] -= amount
        if kind == K.PROMOTER_PENDING and ref.startswith("period:"):
            held_periods.add((ref, promoter_id, rule))
    settled = dict(JournalLine.objects.filter(entry__kind=JournalEntry.Kind.COMMISSION_SETTLED,
                                              account__kind=K.PROMOTER_AVAILABLE)
                   .values_list("entry__key", "amount"))
    rows = (Commission.objects.select_related("order", "community").order_by("pk").iterator(chunk_size=1000))
    for row in rows:
        subject = f"commission #{row.pk} ({row.rule}, promoter {row.promoter_id})"
        ref = row.order.number if row.order_id else f"period:{row.community.code}:{row.period}"
        booked = snapshot_sums.get((ref, row.promoter_id, row.rule), ZERO)
        if booked != row.amount:
            yield Mismatch(subject=subject, found=f"amount {row.amount}", expected=f"{booked} booked in the ledger")
        if row.accrued_amount - row.cancelled_amount - row.clawed_back_amount != row.amount:
            yield Mismatch(subject=subject, found=f"amount {row.amount}",
                           expected=f"{row.accrued_amount} − {row.cancelled_amount} − {row.clawed_back_amount}")
        key = f"settle:commission:{row.pk}"
        settles = row.order_id or (ref, row.promoter_id, row.rule) in held_periods
        if settles and row.settled_amount is not None and settled.get(key) != -row.settled_amount:
            yield Mismatch(subject=subject, found=f"settlement entry {settled.get(key)}",
                           expected=f"{key} moving {row.settled_amount}")
        if settles and row.settled_amount is None and key in settled:
            yield Mismatch(subject=subject, found=f"{key} posted", expected="no settlement while pending")


def _pending_balances() -> Iterable[Mismatch]:
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for promoter_id, amount in Commission.objects.filter(status=Commission.Status.PENDING).values_list(
            "promoter_id", "amount").iterator():
        totals[promoter_id] += amount
    for source in PENDING_SOURCES:
        for promoter_id, amount in source():
            totals[promoter_id] += amount
    for account in Account.objects.filter(kind=K.PROMOTER_PENDING).order_by("pk"):
        want = totals.pop(account.promoter_id, ZERO)
        if account.amount != want:
            yield Mismatch(subject=f"account {account.key}", found=f"pending {account.amount}",
                           expected=f"{want} = Σ pending commissions")
    for promoter_id, want in sorted(totals.items()):
        if want:
            yield Mismatch(subject=f"promoter {promoter_id}", found="no pending account",
                           expected=f"pending {want}")


def _receivables() -> Iterable[Mismatch]:
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    settled = dict(JournalLine.objects.filter(entry__kind=JournalEntry.Kind.MERCHANT_SETTLED,
                                              account__kind=K.MERCHANT_PAYABLE)
                   .values_list("entry__key", "amount"))
    for row in MerchantReceivable.objects.order_by("pk").iterator(chunk_size=1000):
        if row.status == MerchantReceivable.Status.PENDING:
            totals[row.merchant_id] += row.net
        key = f"settle:merchant:{row.pk}"
        if row.status == MerchantReceivable.Status.SETTLED and settled.get(key, ZERO) != -row.settled_net:
            yield Mismatch(subject=f"merchant receivable #{row.pk} (order #{row.order_id})",
                           found=f"settlement entry {settled.get(key)}", expected=f"{key} moving {row.settled_net}")
    for account in Account.objects.filter(kind=K.MERCHANT_PENDING).order_by("pk"):
        want = totals.pop(account.merchant_id, ZERO)
        if account.amount != want:
            yield Mismatch(subject=f"account {account.key}", found=f"pending {account.amount}",
                           expected=f"{want} = Σ pending merchant receivables")
    for merchant_id, want in sorted(totals.items()):
        if want:
            yield Mismatch(subject=f"merchant {merchant_id}", found="no pending account", expected=f"pending {want}")
