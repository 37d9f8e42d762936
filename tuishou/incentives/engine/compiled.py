"""A plan's rates as integers over one common denominator, built once when the plan is made.

Payouts are then exact integer arithmetic: rate × B in minor units is ``r × B100 // D`` where the
rate is ``r / D``. This is equal to the exact decimal result rounded down, and quick. Each rule type
compiles itself (``Rule.compile``); this module only picks the denominator and keeps the results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tuishou.incentives.engine.rules import OrderRule, PeriodRule, Rule
from tuishou.incentives.engine.rules.context import Scale


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its compiled form, handed back to the rule when it pays (``rule.pay_order(data, …)``)."""

    rule: Any  # OrderRule or PeriodRule
    label: str
    data: Any


@dataclass(frozen=True, slots=True)
class CompiledPlan:
    """Per-plan data for the payout functions (integer rates over `denominator`)."""

    rank_index: dict[str, int]
    rank_count: int
    denominator: int
    order_rules: tuple[CompiledRule, ...]
    period_rules: tuple[CompiledRule, ...]
    compress: bool
    cap: int | None
    needs_income: bool


def places(value: Decimal) -> int:
    """Decimal places as written (``0.10``: 2)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def compile_plan(*, rank_ids: Sequence[str], rules: Sequence[Rule], cap: Decimal | None,
                 compress: bool) -> CompiledPlan:
    """Turn a plan's rates into integers over one denominator and ranks into indexes."""
    rank_index = {rank_id: i for i, rank_id in enumerate(rank_ids)}
    decimals = [d for rule in rules for d in rule.decimals()]
    if cap is not None:
        decimals.append(cap)
    scale = Scale(tuple(rank_ids), rank_index, 10 ** max((places(d) for d in decimals), default=0))
    # recruit_bonus pays per sign-up, never on an order or a period: nothing to compile.
    order_rules = tuple(CompiledRule(r, r.label, r.compile(scale)) for r in rules if isinstance(r, OrderRule))
    period_rules = tuple(CompiledRule(r, r.label, r.compile(scale)) for r in rules if isinstance(r, PeriodRule))
    return CompiledPlan(
        rank_index=rank_index,
        rank_count=len(rank_ids),
        denominator=scale.denominator,
        order_rules=order_rules,
        period_rules=period_rules,
        compress=compress,
        cap=None if cap is None else scale.whole(cap),
        needs_income=any(c.rule.uses_income for c in order_rules),
    )
