"""Refund arithmetic (pure Python: no Django): what a refund by quantity or by amount takes off each line,
and what is left of a line's commission base B afterwards.
"""

from __future__ import annotations

from decimal import Decimal

from tuishou.catalog.commission import commission_base
from tuishou.core.money import round_down

ZERO = Decimal("0.00")


def quantity_refund_amount(*, paid_amount: Decimal, quantity: int, refunded_amount: Decimal,
                           refunded_quantity: int, refund_quantity: int) -> Decimal:
    """Money for ``refund_quantity`` more units of a line: the unit share of what was paid, rounded down,
    never more than is left; the last units take exactly what is left (so nothing is stranded by rounding)."""
    left = paid_amount - refunded_amount
    if refund_quantity >= quantity - refunded_quantity:
        return left
    return min(round_down(paid_amount * refund_quantity / quantity), left)


def amount_allocate(amount: Decimal, capacities: list[Decimal]) -> list[Decimal]:
    """Split a refund ``amount`` over lines in proportion to what each has left (``capacities``), rounded
    down per line, then the leftover cents to the first lines with room. Σ result = amount exactly.

    ``amount`` must not exceed Σ capacities (the caller checks that first).
    """
    total = sum(capacities, ZERO)
    if amount > total:
        raise ValueError(f"cannot refund {amount} of {total}")
    if total == 0:
        return [ZERO for _ in capacities]
    shares = [round_down(amount * c / total) for c in capacities]
    leftover = amount - sum(shares, ZERO)
    for i, capacity in enumerate(capacities):
        while leftover > 0 and shares[i] < capacity:
            step = min(leftover, capacity - shares[i])
            shares[i] += step
            leftover -= step
        if leftover == 0:
            break
    return shares


def line_base_left(*, mode: str, rate: Decimal | None, fixed: Decimal | None, paid_left: Decimal,
                   quantity_left: int) -> Decimal:
    """A line's commission base after refunds: the setting applied to what is still paid and kept."""
    if quantity_left <= 0 or paid_left <= 0:
        return ZERO
    return commission_base(mode, rate, fixed, paid_amount=paid_left, quantity=quantity_left)
