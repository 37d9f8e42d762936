"""The status tables of coupon orders and coupon commissions, moved by ``tuishou.core.transitions``.

No history table: every move is a row of an order report (``ReportRow``) and a journal entry keyed by the
coupon order, which are their history.
"""

from __future__ import annotations

from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply, transition_many
from tuishou.coupons.models import CouponCommission, CouponOrder

S = CouponOrder.Status
C = CouponCommission.Status

ORDER = pipeline_register(Pipeline(
    model=CouponOrder,
    moves={S.PAID: frozenset({S.SETTLED, S.REFUNDED}), S.SETTLED: frozenset({S.REFUNDED}),
           S.REFUNDED: frozenset()},
    stamps={S.SETTLED: "settled_at", S.REFUNDED: "refunded_at"}))
COMMISSION = pipeline_register(Pipeline(
    model=CouponCommission,
    moves={C.PENDING: frozenset({C.AVAILABLE, C.CANCELLED}), C.AVAILABLE: frozenset({C.CLAWED_BACK}),
           C.CANCELLED: frozenset(), C.CLAWED_BACK: frozenset()}))


def coupon_order_transition(*, order: CouponOrder, to: str, at=None) -> CouponOrder:
    """Move a coupon order along ``ORDER``; ``coupons.transition_invalid``."""
    return transition_apply(order, to=to, at=at)


def coupon_commissions_transition(*, pks: list[int], current: str, to: str) -> int:
    """Move every commission of ``pks`` from ``current`` to ``to`` in one conditional UPDATE."""
    return transition_many(CouponCommission, pks=pks, current=current, to=to) if pks else 0
