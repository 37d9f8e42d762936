"""A plan's rates as integers over one common denominator, built once when the plan is made.

Payouts are then exact integer arithmetic: rate × B in minor units is ``r × B100 // D`` where the
rate is ``r / D``. This is equal to the exact decimal result rounded down, and quick.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuishou.incentives.engine.plan import Plan

# Kinds of compiled rules (tuples whose first item is the kind and second the label).
DIRECT, SELF_PURCHASE, TIERS, DIFFERENTIAL, PEER, TEAM_VOLUME, POOL = range(7)


@dataclass(frozen=True, slots=True)
class CompiledPlan:
    """Per-plan data for the payout functions (integer rates over `denominator`)."""

    rank_index: dict[str, int]
    rank_count: int
    denominator: int
    order_rules: tuple[tuple[Any, ...], ...]
    period_rules: tuple[tuple[Any, ...], ...]
    compress: bool
    cap: int | None
    needs_income: bool


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def compile_plan(plan: Plan) -> CompiledPlan:
    """Turn a plan's rates into integers over one denominator and ranks into indexes."""
    from tuishou.incentives.engine import plan as p

    rank_index = {rank.id: i for i, rank in enumerate(plan.ranks)}
    n = len(plan.ranks)
    decimals: list[Decimal] = []
    for rule in plan.rules:
        if isinstance(rule, p.DirectRule | p.SelfPurchaseRule):
            decimals += rule.rate.values() if isinstance(rule.rate, dict) else [rule.rate]
        elif isinstance(rule, p.TiersRule):
            decimals += rule.rates
        elif isinstance(rule, p.DifferentialRule):
            decimals += rule.rates.values()
        elif isinstance(rule, p.PeerRule):
            decimals.append(rule.rate)
        elif isinstance(rule, p.TeamVolumeRule):
            decimals += [step.rate for step in rule.schedule]
        elif isinstance(rule, p.PoolRule):
            decimals.append(rule.share)
    if plan.caps.per_order is not None:
        decimals.append(plan.caps.per_order)
    denominator = 10 ** max((_places(d) for d in decimals), default=0)

    def whole(value: Decimal) -> int:
        return int(value * denominator)

    def by_rank(rate: Decimal | dict[str, Decimal]) -> tuple[int, ...]:
        if isinstance(rate, dict):
            return tuple(whole(rate.get(rank.id, Decimal(0))) for rank in plan.ranks)
        return (whole(rate),) * n

    order_rules: list[tuple[Any, ...]] = []
    period_rules: list[tuple[Any, ...]] = []
    needs_income = False
    for rule in plan.rules:
        label = rule.label
        if isinstance(rule, p.DirectRule):
            order_rules.append((DIRECT, label, by_rank(rule.rate)))
        elif isinstance(rule, p.SelfPurchaseRule):
            order_rules.append((SELF_PURCHASE, label, by_rank(rule.rate)))
        elif isinstance(rule, p.TiersRule):
            order_rules.append((TIERS, label, tuple(whole(r) for r in rule.rates), rank_index[rule.min_rank]))
        elif isinstance(rule, p.DifferentialRule):
            rates = by_rank(rule.rates)
            order_rules.append((DIFFERENTIAL, label, rates, rule.include_seller, max(rates)))
        elif isinstance(rule, p.PeerRule):
            income = rule.source == "income"
            needs_income = needs_income or income
            order_rules.append((PEER, label, whole(rule.rate), income, rule.per_rank, rank_index[rule.min_rank]))
        elif isinstance(rule, p.TeamVolumeRule):
            period_rules.append((TEAM_VOLUME, label, tuple(s.min for s in rule.schedule),
                                 tuple(whole(s.rate) for s in rule.schedule), rule.count_self))
        elif isinstance(rule, p.PoolRule):
            period_rules.append((POOL, label, whole(rule.share), rank_index[rule.min_rank],
                                 rule.split == "by_volume"))
        # recruit_bonus pays per sign-up, never on an order or a period: nothing to compile.
    return CompiledPlan(
        rank_index=rank_index,
        rank_count=n,
        denominator=denominator,
        order_rules=tuple(order_rules),
        period_rules=tuple(period_rules),
        compress=plan.compression is not None,
        cap=None if plan.caps.per_order is None else whole(plan.caps.per_order),
        needs_income=needs_income,
    )
