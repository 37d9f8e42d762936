"""Reconciliation of withdrawals with the ledger (registered with ``tuishou reconcile``).

For every promoter and every merchant who has withdrawals: the frozen account holds exactly the amounts of the
withdrawals still under review or in payment, and the withdrawn account exactly the net amounts of those paid
out. Payees without withdrawals are left out: nothing of theirs can be compared.
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
                 "every payee's frozen balance equals their open withdrawals, and withdrawn their paid ones")
def check_withdrawals_match_ledger() -> Iterable[Mismatch]:
    for owner, frozen_kind, withdrawn_kind in (("promoter", Kind.PROMOTER_FROZEN, Kind.PROMOTER_WITHDRAWN),
                                               ("merchant", Kind.MERCHANT_FROZEN, Kind.MERCHANT_WITHDRAWN)):
        yield from _payees_match(owner, frozen_kind, withdrawn_kind)


def _payees_match(owner: str, frozen_kind: str, withdrawn_kind: str) -> Iterable[Mismatch]:
    column = f"{owner}_id"
    expected: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    owners = set()
    for row in (Withdrawal.objects.filter(**{f"{owner}__isnull": False}).order_by().values(column, "status")
                .annotate(amount=Sum("amount"), net=Sum("net"))):
        owners.add(row[column])
        if row["status"] in Withdrawal.FROZEN_STATUSES:
            expected[row[column], frozen_kind] += row["amount"]
        elif row["status"] == Withdrawal.Status.PAID:
            expected[row[column], withdrawn_kind] += row["net"]
    found = {(getattr(a, column), a.kind): a.amount for a in Account.objects.filter(
        **{f"{column}__in": owners}, kind__in=[frozen_kind, withdrawn_kind])}
    for owner_id in sorted(owners):
        for kind in (frozen_kind, withdrawn_kind):
            want, have = expected[owner_id, kind], found.get((owner_id, kind), ZERO)
            if want != have:
                yield Mismatch(subject=f"{owner} #{owner_id} {kind}", found=str(have), expected=str(want),
                               note="sum of the withdrawals' amounts" if kind == frozen_kind
                               else "sum of the paid withdrawals' net amounts")
