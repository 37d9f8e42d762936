"""The declared status tables of commissions and merchant receivables, and the one function each that
moves a row along them (conditional on the status read, so a stale move changes nothing and raises)."""

from __future__ import annotations

from django.db import models

from tuishou.core.errors import Conflict
from tuishou.settlement.errors import SettlementError
from tuishou.settlement.models import Commission, MerchantReceivable

C = Commission.Status
R = MerchantReceivable.Status

COMMISSION_TRANSITIONS: dict[str, frozenset[str]] = {
    C.PENDING: frozenset({C.PENDING, C.AVAILABLE, C.CANCELLED}),  # pending → pending: a partial cancel
    C.AVAILABLE: frozenset({C.AVAILABLE, C.CLAWED_BACK}),  # available → available: a partial clawback
    C.CANCELLED: frozenset(),
    C.CLAWED_BACK: frozenset({C.CLAWED_BACK}),  # a further clawback of what was left
}
RECEIVABLE_TRANSITIONS: dict[str, frozenset[str]] = {
    R.PENDING: frozenset({R.PENDING, R.SETTLED, R.CANCELLED}),
    R.SETTLED: frozenset({R.SETTLED}),  # a refund after settlement reduces it
    R.CANCELLED: frozenset(),
}


def _move(model: type[models.Model], table: dict[str, frozenset[str]], row, to: str, changes: dict):
    current = row.status
    if to not in table[current] or not model.objects.filter(pk=row.pk, status=current).update(status=to, **changes):
        raise Conflict(SettlementError.STATE, kind=model._meta.verbose_name, status=current, to=to,
                       details={"status": current, "to": to, "id": row.pk})
    row.status = to
    for name, value in changes.items():
        setattr(row, name, value)
    return row


def commission_transition(*, commission: Commission, to: str, **changes) -> Commission:
    """Move a commission along ``COMMISSION_TRANSITIONS`` with ``changes``; ``settlement.state`` otherwise."""
    return _move(Commission, COMMISSION_TRANSITIONS, commission, to, changes)


def receivable_transition(*, receivable: MerchantReceivable, to: str, **changes) -> MerchantReceivable:
    """Move a merchant receivable along ``RECEIVABLE_TRANSITIONS`` with ``changes``."""
    return _move(MerchantReceivable, RECEIVABLE_TRANSITIONS, receivable, to, changes)
