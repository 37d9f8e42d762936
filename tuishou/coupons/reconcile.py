"""Reconciliation checks of coupon goods (registered with ``tuishou reconcile``).

* ``coupon_commissions``: every coupon order's booked commissions equal what its plan version recomputes from its
  snapshotted chain on B = the platform's commission; the rows' statuses agree with the order's; the receivable
  from the platforms equals Σ commissions of the orders not refunded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from tuishou.coupons.models import CouponCommission, CouponOrder
from tuishou.ledger.models import Account
from tuishou.ledger.reconcile import Mismatch, reconcile_check
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
