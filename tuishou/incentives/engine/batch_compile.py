"""The batch engine's form of a plan: per-order rules with integer numerators over one ``scale``.

Every rate becomes an integer numerator over one power-of-ten ``scale``, so that
``base_minor * numerator // scale`` is the spec's "exact, then rounded down to 0.01" on an amount in
minor units (分). Each rule type compiles its own arrays (``OrderRule.compile_batch``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tuishou.incentives.engine.compiled import CompiledRule
from tuishou.incentives.engine.errors import BatchEngineError
from tuishou.incentives.engine.plan import Plan
from tuishou.incentives.engine.rules import OrderRule
from tuishou.incentives.engine.rules.context import BatchScale


@dataclass(frozen=True)
class BatchPlan:
    """A plan's per-order rules as integer arrays, ready for ``batch.price_orders``."""

    rank_ids: tuple[str, ...]
    scale: int
    rules: tuple[CompiledRule, ...]  # each rule with its arrays, in plan order
    cap: int | None = None  # caps.per_order numerator, None without a cap
    compression: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        """The payout label of each compiled rule (its id, else its type), in rule order."""
        return tuple(compiled.label for compiled in self.rules)

    @property
    def max_numerator(self) -> int:
        """The largest rate numerator, to bound intermediate products."""
        values = [1, *(c.rule.batch_numerator(c.data) for c in self.rules)]
        if self.cap is not None:
            values.append(self.cap)
        return max(values)


def scale_for(rates: Sequence[Decimal]) -> int:
    """The smallest power of ten that makes every rate an integer numerator."""
    places = 0
    for rate in rates:
        exponent = rate.normalize().as_tuple().exponent
        if not isinstance(exponent, int):
            raise BatchEngineError(f"rate {rate} is not a finite number")
        places = max(places, -exponent)
    return 10**places


def numerator(rate: Decimal, scale: int) -> int:
    """``rate × scale`` as an exact integer."""
    return BatchScale({}, scale).numerator(rate)


def compile_batch(plan: Plan) -> BatchPlan:
    """Compile a validated plan's per-order rules into integer arrays (period rules are left out).

    ``recruit_bonus`` pays nothing per order, so it is left out too.
    """
    rules = [rule for rule in plan.rules if isinstance(rule, OrderRule)]
    rates = [rate for rule in rules for rate in rule.decimals()]
    if plan.caps.per_order is not None:
        rates.append(plan.caps.per_order)
    scale = BatchScale({rank_id: i for i, rank_id in enumerate(plan.rank_ids)}, scale_for(rates))
    compiled = tuple(CompiledRule(rule, rule.label, rule.compile_batch(scale)) for rule in rules)
    cap = None if plan.caps.per_order is None else scale.numerator(plan.caps.per_order)
    return BatchPlan(rank_ids=plan.rank_ids, scale=scale.scale, rules=compiled, cap=cap,
                     compression=plan.compression is not None)
