"""Per-order rules: who in an order's chain gets what (按单计佣).

`order_payouts` is the reference implementation of the spec's per-order semantics. It works in
integer minor units (fen): every payout equals the exact decimal amount rounded down to 0.01,
once per (order, recipient, rule); the cap then scales the rounded payouts and rounds down again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tuishou.incentives.engine.plan import Plan
from tuishou.incentives.engine.rules.context import OrderPricing


@dataclass(frozen=True, slots=True)
class Member:
    """A promoter (推手) on an order's chain: id, rank index (lowest = 0), and activity."""

    id: str
    rank: int
    active: bool = True


@dataclass(frozen=True, slots=True)
class Payout:
    """One payout: `order` is set for per-order rules, `period` (``2026-10``) for period rules."""

    promoter: str
    rule: str
    amount: Decimal
    order: str | None = None
    period: str | None = None


def base_in_minor_units(base: Decimal) -> tuple[int, int]:
    """B × 100 as an exact fraction (numerator, denominator); denominator 1 when B has ≤ 2 decimals."""
    if not base.is_finite() or base < 0:
        raise ValueError(f"commission base must be a non-negative amount, got {base}")
    exponent = base.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent >= -2:
        return int(base.scaleb(2)), 1
    return int(base.scaleb(-exponent)), 10 ** (-exponent - 2)


def cents_to_decimal(cents: int) -> Decimal:
    """An integer amount in minor units as a two-decimal Decimal."""
    return Decimal(cents).scaleb(-2)


def order_payouts(
    plan: Plan,
    *,
    order_id: str,
    chain: Sequence[Member],
    base: Decimal,
    self_purchase: bool,
) -> list[Payout]:
    """The payouts of one order under the plan's per-order rules.

    `chain[0]` is p0, the promoter credited with the order (the buyer on a self-purchase, 自购);
    `chain[i + 1]` is `chain[i]`'s sponsor, up to the community's root. `base` is B, the order's
    commission base. With compression (缩层), inactive members other than p0 are skipped first.
    Payouts are listed by rule order, then chain position; zero payouts are left out.
    """
    compiled = plan.compiled
    if not chain:
        raise ValueError("an order's chain needs at least p0")
    if compiled.compress:
        chain = [chain[0], *[m for m in chain[1:] if m.active]]
    num, den = base_in_minor_units(base)
    order = OrderPricing(chain, num, den, compiled.denominator, self_purchase, compiled.needs_income)
    for step in compiled.order_rules:
        step.rule.pay_order(step.data, step.label, order)
    paid = order.paid

    if compiled.cap is not None and paid:
        total = sum(fen for _, _, fen in paid)
        # total > cap × B  <=>  total × D × den > cap × num   (all in fen, exact)
        if total * order.dd > compiled.cap * num:
            scale_num = compiled.cap * num
            scale_den = order.dd * total
            paid = [(pos, label, fen * scale_num // scale_den) for pos, label, fen in paid]

    return [
        Payout(chain[pos].id, label, cents_to_decimal(fen), order_id)
        for pos, label, fen in paid
        if fen
    ]
