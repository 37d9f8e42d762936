"""The batch engine's walk up the sponsor chains, and the per-order cap.

All open orders move up one level per step; at each level every rule prices the promoters it can pay
(``OrderRule.price_level``), and orders whose chain cannot earn anything further up drop out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tuishou.incentives.engine.batch_compile import BatchPlan
from tuishou.incentives.engine.compiled import CompiledRule
from tuishou.incentives.engine.rules.context import Walk

# Products of a base and a rate numerator must stay below this to be computed in int64; above it the
# engine switches to Python integers (object arrays): slower, still exact.
INT64_SAFE = 2**62

Part = tuple[np.ndarray, np.ndarray, np.ndarray, int, int]
"""Payouts of one rule at one level: (orders, promoters, amounts, rule index, level)."""


@dataclass
class BatchResult:
    """Payouts of a batch: one entry per (order, recipient, rule) with a non-zero amount.

    ``order`` indexes the input order arrays, ``promoter`` the network arrays, ``rule`` the compiled
    plan's rules; ``level`` is the recipient's position in the (compressed) chain, p0 = 0. Amounts
    are minor units (分), after the cap.
    """

    order: np.ndarray
    promoter: np.ndarray
    rule: np.ndarray
    level: np.ndarray
    amount: np.ndarray
    rule_totals: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def sorted(self) -> BatchResult:
        """Entries by order, then rule order, then chain position: the scalar engine's order."""
        index = np.lexsort((self.level, self.rule, self.order))
        return BatchResult(self.order[index], self.promoter[index], self.rule[index], self.level[index],
                           self.amount[index], self.rule_totals)

    def balances(self, size: int) -> np.ndarray:
        """Total paid to each promoter (minor units), for a network of ``size`` promoters."""
        balance = np.zeros(size, dtype=self.amount.dtype if self.amount.dtype == object else np.int64)
        np.add.at(balance, self.promoter, self.amount)
        return balance


def walk_levels(plan: BatchPlan, walk: Walk, packed: np.ndarray, index_type: type,
                n_ranks: int) -> tuple[list[Part], list[int]]:
    """Price every level of every open order; ``packed`` holds each promoter's sponsor << 8 | rank."""
    parts: list[Part] = []
    totals = [0] * len(plan.rules)
    max_reach = max((c.rule.batch_reach(c.data) for c in plan.rules), default=0)
    needs_income = any(c.rule.uses_income for c in plan.rules)
    while walk.order.size:
        here = packed.take(walk.node)
        walk.node_rank = here & 0xFF
        # this level's payouts so far, for peer rules with source: income
        walk.earned = np.zeros(walk.order.size, dtype=walk.base.dtype) if needs_income else None
        _price_level(plan.rules, walk, parts, totals)
        # Move up; keep only the orders that have a sponsor and can still be paid something.
        up = (here >> 8).astype(index_type)  # arithmetic shift: -1 stays -1 (the root's "no sponsor")
        still = up >= 0
        if still.any():
            still &= _can_pay_more(plan.rules, walk, max_reach, n_ranks)
        index = np.flatnonzero(still)
        if index.size < still.size:
            walk.keep(index)
            up = up.take(index)
        walk.node = up
        walk.level += 1
    return parts, totals


def _price_level(rules: tuple[CompiledRule, ...], walk: Walk, parts: list[Part], totals: list[int]) -> None:
    level, earned = walk.level, walk.earned
    for index, compiled in enumerate(rules):
        paid = compiled.rule.price_level(compiled.data, index, walk)
        if paid is None:
            continue
        rows, amounts = paid
        if rows is None:
            _keep_paid(parts, totals, index, level, walk.order, walk.node, amounts)
            if earned is not None:
                earned += amounts
        elif rows.size:
            _keep_paid(parts, totals, index, level, walk.order.take(rows), walk.node.take(rows), amounts)
            if earned is not None:
                earned[rows] += amounts


def _keep_paid(parts: list[Part], totals: list[int], rule_index: int, level: int, orders: np.ndarray,
               nodes: np.ndarray, amounts: np.ndarray) -> None:
    paid = np.flatnonzero(amounts)  # amounts are never negative
    if paid.size == amounts.size:
        parts.append((orders, nodes, amounts, rule_index, level))
        totals[rule_index] += int(amounts.sum())
    elif paid.size:
        amount = amounts.take(paid)
        parts.append((orders.take(paid), nodes.take(paid), amount, rule_index, level))
        totals[rule_index] += int(amount.sum())


def _can_pay_more(rules: tuple[CompiledRule, ...], walk: Walk, max_reach: int, n_ranks: int) -> np.ndarray:
    """Orders whose chain further up could still earn something under some rule."""
    more = np.full(walk.order.size, walk.level + 1 <= max_reach)
    if more.all():
        return more
    top_rank = n_ranks - 1
    for index, compiled in enumerate(rules):
        rule_more = compiled.rule.batch_more(compiled.data, walk.state.get(index), top_rank)
        if rule_more is not None:
            more |= rule_more
    return more


def collect(parts: list[Part], totals: list[int]) -> BatchResult:
    """The payouts of every part in one result (rule totals as Python integers, for now)."""
    if parts:
        order = np.concatenate([p[0] for p in parts])
        nodes = np.concatenate([p[1] for p in parts])
        amount = np.concatenate([p[2] for p in parts])
        sizes = [p[0].size for p in parts]
        rules = np.repeat(np.array([p[3] for p in parts], dtype=np.int16), sizes)
        levels = np.repeat(np.array([p[4] for p in parts], dtype=np.int32), sizes)
    else:
        order = nodes = np.zeros(0, np.int64)
        rules = np.zeros(0, np.int16)
        levels = np.zeros(0, np.int32)
        amount = np.zeros(0, np.int64)
    return BatchResult(order, nodes, rules, levels, amount, np.array(totals, dtype=object))


def apply_cap(plan: BatchPlan, result: BatchResult, base: np.ndarray, n_orders: int) -> BatchResult:
    """caps.per_order: scale every payout of an order whose total exceeds cap × B, rounding down again."""
    scale, cap = plan.scale, plan.cap
    assert cap is not None
    wide = base.dtype == object
    order_total = np.zeros(n_orders, dtype=object if wide else np.int64)
    np.add.at(order_total, result.order, result.amount)
    order_base = base
    # total > cap × B  ⇔  total × scale > cap numerator × B (exact in integers)
    over = order_total * scale > order_base * cap
    hit = over[result.order]
    if not hit.any():
        return result
    amount = result.amount.copy()
    rows = np.flatnonzero(hit)
    paid = amount[rows]
    b = order_base[result.order[rows]]
    total = order_total[result.order[rows]]
    bound = int(paid.max()) * cap * int(b.max())
    if bound >= INT64_SAFE or wide:
        paid, b, total = paid.astype(object), b.astype(object), total.astype(object)
    # payout × (cap × B) / total, rounded down once: payout × cap_num × B // (scale × total)
    scaled = paid * cap * b // (total * scale)
    if amount.dtype != object and scaled.dtype == object:
        amount = amount.astype(object)
    amount[rows] = scaled
    totals = np.zeros(len(plan.rules), dtype=object)
    keep = amount > 0
    result = BatchResult(result.order[keep], result.promoter[keep], result.rule[keep], result.level[keep],
                         amount[keep])
    for index in range(len(plan.rules)):
        totals[index] = int(result.amount[result.rule == index].sum())
    result.rule_totals = totals
    return result


def to_int64_if_possible(values: np.ndarray) -> np.ndarray:
    """Python integers back to int64 where none is too large."""
    if values.size == 0 or max(abs(int(v)) for v in values) < INT64_SAFE:
        return np.array([int(v) for v in values], dtype=np.int64)
    return values
