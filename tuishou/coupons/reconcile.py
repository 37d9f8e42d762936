"""Reconciliation checks of coupon goods (registered with ``tuishou reconcile``).

* ``coupon_commissions``: every coupon order's booked commissions equal what its plan version recomputes from its
  snapshotted chain on B = the platform's commission; the rows' statuses agree with the order's; the receivable
  from the platforms equals Σ commissions of the orders not refunded.
* ``coupon_references``: every coupon order's, commission's and report row's references exist (the database checks
  them per statement, not with row-level foreign keys: migration 0002).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum

from tuishou.coupons.models import CouponCommission, CouponItem, CouponOrder, CouponPick, ReportImport, ReportRow
from tuishou.incentives.models import PlanVersion
from tuishou.ledger.models import Account
from tuishou.ledger.reconcile import Mismatch, reconcile_check
from tuishou.network.models import Promoter
from tuishou.settlement.recompute import chain_links, order_payouts_for
from tuishou.settlement.split import ZERO

S = CouponOrder.Status
C = CouponCommission.Status
WANT = {S.PAID: C.PENDING, S.SETTLED: C.AVAILABLE}


def pending_by_promoter() -> Iterable[tuple[int, Decimal]]:
    """Σ pending coupon commissions per promoter (for settlement's pending-balance check)."""
    rows = (CouponCommission.objects.filter(status=C.PENDING).values("promoter_id")
            .annotate(total=Sum("amount")).order_by("promoter_id"))
    return [(row["promoter_id"], row["total"]) for row in rows]


@reconcile_check("coupon_commissions", "every coupon order's commissions equal what its plan recomputes on the "
                                       "platform's commission, and the receivable from the platforms adds up")
def check_coupon_commissions() -> Iterable[Mismatch]:
    booked: dict[int, dict] = defaultdict(dict)
    for row in CouponCommission.objects.order_by("pk").values("order_id", "promoter_id", "rule", "amount", "status"):
        booked[row["order_id"]][(row["promoter_id"], row["rule"])] = (row["amount"], row["status"])
    receivable = ZERO
    orders = CouponOrder.objects.select_related("plan_version").order_by("pk").iterator(chunk_size=1000)
    for order in orders:
        subject = f"coupon order {order.external_order_id} (#{order.pk})"
        if order.status != S.REFUNDED:
            receivable += order.external_commission
        priced = order_payouts_for(version=order.plan_version, order_ref=order.ref, chain=chain_links(order.chain),
                                   self_purchase=False, paid=order.external_commission,
                                   commission_base=order.external_commission)
        found = booked.get(order.pk, {})
        if {k: v[0] for k, v in found.items()} != priced.payouts:
            yield Mismatch(subject=subject, found=str(sorted(found.items())),
                           expected=str(sorted(priced.payouts.items())))
        want = WANT.get(order.status)
        for key, (_, status) in found.items():
            if (want and status != want) or (not want and status not in (C.CANCELLED, C.CLAWED_BACK)):
                yield Mismatch(subject=f"{subject} commission {key}", found=status, expected=str(want or "reversed"))
    account = Account.objects.filter(key=Account.key_for(Account.Kind.COUPON_RECEIVABLE)).first()
    held = account.amount if account is not None else ZERO
    if held != receivable:
        yield Mismatch(subject="account coupon_receivable", found=str(held),
                       expected=f"{receivable} = Σ commissions of coupon orders not refunded")


def _missing(model, column: str):
    return ~Exists(model.objects.filter(pk=OuterRef(column)))


REFERENCES = (
    (CouponOrder, (("pick_id", CouponPick), ("promoter_id", Promoter), ("item_id", CouponItem),
                   ("plan_version_id", PlanVersion), ("report_id", ReportImport))),
    (CouponCommission, (("order_id", CouponOrder), ("promoter_id", Promoter))),
    (ReportRow, (("report_id", ReportImport),)),
)


def references_missing(limit: int = 100) -> list[tuple[str, int, str, int]]:
    """``(table, row id, column, value)`` of coupon rows whose reference does not exist (at most ``limit``)."""
    found = []
    for model, refs in REFERENCES:
        for column, target in refs:
            rows = model.objects.filter(_missing(target, column), Q(**{f"{column}__isnull": False}))
            rows = rows.order_by("pk").values_list("pk", column)[:limit - len(found)]
            found += [(model._meta.db_table, pk, column, value) for pk, value in rows]
            if len(found) >= limit:
                return found
    return found


@reconcile_check("coupon_references", "every coupon order's, commission's and report row's references exist")
def check_coupon_references() -> Iterable[Mismatch]:
    for table, pk, column, value in references_missing():
        yield Mismatch(subject=f"{table} #{pk}", found=f"{column} {value}", expected="an existing row")
