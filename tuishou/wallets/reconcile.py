"""Reconciliation of withdrawals with the ledger (registered with ``tuishou reconcile``).

For every promoter who has withdrawals: the frozen account holds exactly the amounts of the withdrawals
still under review or in payment, and the withdrawn account exactly the net amounts of those paid out.
Promoters without withdrawals are left out: nothing of theirs can be compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from tuishou.ledger.models import Account
from tuishou.ledger.reconcile import Mismatch, reconcile_check
from tuishou.wallets.models import Withdrawal

ZERO = Decimal("0.00")
Kind = Account.Kind


@reconcile_check("withdrawals_match_ledger",
                 "every promoter's frozen balance equals their open withdrawals, and withdrawn their paid ones")
def check_withdrawals_match_ledger() -> Iterable[Mismatch]:
    expected: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    promoters = set()
    for row in (Withdrawal.objects.order_by().values("promoter_id", "status")
                .annotate(amount=Sum("amount"), net=Sum("net"))):
        promoters.add(row["promoter_id"])
        if row["status"] in Withdrawal.FROZEN_STATUSES:
            expected[row["promoter_id"], Kind.PROMOTER_FROZEN] += row["amount"]
        elif row["status"] == Withdrawal.Status.PAID:
            expected[row["promoter_id"], Kind.PROMOTER_WITHDRAWN] += row["net"]
    found = {(a.promoter_id, a.kind): a.amount for a in Account.objects.filter(
        promoter_id__in=promoters, kind__in=[Kind.PROMOTER_FROZEN, Kind.PROMOTER_WITHDRAWN])}
    for promoter_id in sorted(promoters):
        for kind in (Kind.PROMOTER_FROZEN, Kind.PROMOTER_WITHDRAWN):
            want, have = expected[promoter_id, kind], found.get((promoter_id, kind), ZERO)
            if want != have:
                yield Mismatch(subject=f"promoter #{promoter_id} {kind}", found=str(have), expected=str(want),
                               note="sum of the withdrawals' amounts" if kind == Kind.PROMOTER_FROZEN
                               else "sum of the paid withdrawals' net amounts")
