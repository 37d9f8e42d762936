"""Vectorised batch engine: the per-order rules of a plan priced for many orders at once (numpy).

The scalar engine (``orders.order_payouts``) is the reference; this one gives exactly the same
payouts, faster, for the simulator and for bulk recomputation. A plan is compiled once
(:func:`compile_batch`): every rate becomes an integer numerator over one power-of-ten ``scale``, so
that ``base_minor * numerator // scale`` is the spec's "exact, then rounded down to 0.01" on an
amount in minor units (分). Then :func:`price_orders` walks up the sponsor chains of all orders
together, one level per step, keeping only the orders that can still be paid something; chains may
be hundreds deep.

The network is given as arrays: ``parent`` (index of the sponsor, ``-1`` at a root), ``rank``
(index into the plan's ranks, lowest = 0) and ``active`` (used only with compression, where
inactive promoters above p0 are skipped: :func:`compressed_parents`). Order bases are whole minor
units (the scalar engine also takes finer bases; the platform's and the simulator's never are).
Products that could overflow int64 are computed with Python integers instead: slower, still exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from tuishou.incentives.engine import plan as plan_model
from tuishou.incentives.engine.plan import Plan

# Products of a base and a rate numerator must stay below this to be computed in int64; above it the
# engine switches to Python integers (object arrays): slower, still exact.
_INT64_SAFE = 2**62


class BatchEngineError(Exception):
    """The plan or the arrays cannot be priced by the batch engine."""


# --- the compiled plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectRule:
    """``direct``: p0 gets rate(rank p0) × B."""

    label: str
    rate: np.ndarray  # numerator per rank


@dataclass(frozen=True)
class SelfPurchaseRule:
    """``self_purchase`` (自购): on a self-purchase, p0 gets rate × B."""

    label: str
    rate: np.ndarray  # numerator per rank (a plain rate is the same for every rank)


@dataclass(frozen=True)
class TiersRule:
    """``tiers``: p_i gets rates[i−1] × B, if p_i's rank is at least ``min_rank``."""

    label: str
    rates: np.ndarray  # shape (levels, ranks)
    min_rank: int


@dataclass(frozen=True)
class DifferentialRule:
    """``differential`` (级差): each promoter up the chain gets the rise of its rate over the best so far."""

    label: str
    rate: np.ndarray  # numerator per rank
    include_seller: bool


@dataclass(frozen=True)
class PeerRule:
    """``peer`` (平级奖): up to ``per_rank`` promoters of the top rank seen so far get a bonus."""

    label: str
    rate: int  # numerator
    per_rank: int
    min_rank: int
    from_income: bool  # source: income (else base)


OrderRule = DirectRule | SelfPurchaseRule | TiersRule | DifferentialRule | PeerRule


@dataclass(frozen=True)
class BatchPlan:
    """A plan's per-order rules as integer arrays, ready for :func:`price_orders`."""

    rank_ids: tuple[str, ...]
    scale: int
    rules: tuple[OrderRule, ...]
    cap: int | None = None  # caps.per_order numerator, None without a cap
    compression: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        """The payout label of each compiled rule (its id, else its type), in rule order."""
        return tuple(rule.label for rule in self.rules)

    @property
    def max_numerator(self) -> int:
        """The largest rate numerator, to bound intermediate products."""
        values = [1]
        for rule in self.rules:
            if isinstance(rule, PeerRule):
                values.append(rule.rate)
            elif isinstance(rule, TiersRule):
                values.append(int(rule.rates.max(initial=0)))
            else:
                values.append(int(rule.rate.max(initial=0)))
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
    value = rate * scale
    if value != value.to_integral_value():
        raise BatchEngineError(f"rate {rate} is not a multiple of 1/{scale}")
    return int(value)


# --- network helpers ---------------------------------------------------------------------------------


def compressed_parents(parent: np.ndarray, active: np.ndarray) -> np.ndarray:
    """For each promoter, its nearest *active* sponsor up the chain (``-1`` if none).

    Compression (压缩) skips inactive promoters above p0; p0 itself is never skipped, so the walk
    starts at p0 and then follows these links. Pointer jumping: O(n log depth).
    """
    parent = np.asarray(parent, dtype=np.int64)
    active = np.asarray(active, dtype=bool)
    nxt = parent.copy()
    while True:
        valid = nxt >= 0
        skip = np.zeros_like(valid)
        skip[valid] = ~active[nxt[valid]]
        if not skip.any():
            return nxt
        where = np.flatnonzero(skip)
        nxt[where] = nxt[nxt[where]]


# --- pricing -----------------------------------------------------------------------------------------


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


class _Walk:
    """The open orders of a walk and their per-rule state (compacted as orders drop out)."""

    def __init__(self, order: np.ndarray, node: np.ndarray, base: np.ndarray) -> None:
        self.order = order
        self.node = node
        self.base = base
        self.state: dict[int, dict[str, np.ndarray]] = {}

    def keep(self, index: np.ndarray) -> None:
        """Keep only the open orders at ``index`` (positions, ascending)."""
        self.order = self.order.take(index)
        self.node = self.node.take(index)
        self.base = self.base.take(index)
        for values in self.state.values():
            for key in values:
                values[key] = values[key].take(index)


def _mul(base: np.ndarray, rate: np.ndarray | int, scale: int) -> np.ndarray:
    """``rate × B`` rounded down to the minor unit, B and the result in minor units."""
    return base * rate // scale


def price_orders(
    plan: BatchPlan,
    *,
    parent: np.ndarray,
    rank: np.ndarray,
    active: np.ndarray | None = None,
    promoter: np.ndarray,
    base: np.ndarray,
    self_purchase: np.ndarray,
    next_up: np.ndarray | None = None,
) -> BatchResult:
    """Price orders with the plan's per-order rules.

    ``promoter`` (p0 per order, index into the network), ``base`` (B in minor units, int64) and
    ``self_purchase`` (bool) are parallel order arrays. ``next_up`` may pass a precomputed
    :func:`compressed_parents` (or ``parent``) so that many batches on one network share it.
    Returns every non-zero payout, with per-rule totals in ``rule_totals``.
    """
    promoter = np.asarray(promoter, dtype=np.int64)
    base = np.asarray(base, dtype=np.int64)
    self_purchase = np.asarray(self_purchase, dtype=bool)
    rank = np.asarray(rank, dtype=np.int64)
    n_ranks = len(plan.rank_ids)
    if n_ranks > 255:
        raise BatchEngineError("the batch engine handles at most 255 ranks")
    if rank.size and (rank.min() < 0 or rank.max() >= n_ranks):
        raise BatchEngineError("a rank index is outside the plan's ranks")
    if base.size and base.min() < 0:
        raise BatchEngineError("a commission base is negative")
    if next_up is None:
        if plan.compression:
            if active is None:
                raise BatchEngineError("a plan with compression needs the active flags")
            next_up = compressed_parents(parent, active)
        else:
            next_up = np.asarray(parent, dtype=np.int64)
    max_base = int(base.max(initial=0))
    bound = max_base * plan.max_numerator * (1 + sum(_rule_weight(r, plan.scale) for r in plan.rules))
    if bound >= _INT64_SAFE:
        base = base.astype(object)

    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, int, int]] = []
    totals = [0] * len(plan.rules)

    def pay(rule_index: int, level: int, orders: np.ndarray, nodes: np.ndarray, amounts: np.ndarray) -> None:
        paid = np.flatnonzero(amounts)  # amounts are never negative
        if paid.size == amounts.size:
            parts.append((orders, nodes, amounts, rule_index, level))
            totals[rule_index] += int(amounts.sum())
        elif paid.size:
            amount = amounts.take(paid)
            parts.append((orders.take(paid), nodes.take(paid), amount, rule_index, level))
            totals[rule_index] += int(amount.sum())

    # One gather a level instead of two: each promoter's sponsor-to-walk-to and rank, packed in an int64.
    # int32 while the sponsor index fits in 23 bits: half the memory traffic of the random gathers.
    pack_type = np.int32 if rank.size < 2**23 else np.int64
    packed = (np.asarray(next_up).astype(pack_type) << 8) | rank.astype(pack_type)
    index_type = np.int32 if max(promoter.size, packed.size) < 2**31 else np.int64
    walk = _Walk(np.arange(promoter.size, dtype=index_type), promoter.astype(index_type), base)
    max_tier_level = max((_last_tier_level(r) for r in plan.rules if isinstance(r, TiersRule)), default=0)
    needs_income = any(isinstance(r, PeerRule) and r.from_income for r in plan.rules)
    level = 0
    while walk.order.size:
        here = packed.take(walk.node)
        node_rank = here & 0xFF
        earned = None  # this level's payouts so far, for peer rules with source: income
        if needs_income:
            earned = np.zeros(walk.order.size, dtype=walk.base.dtype)
        for index, rule in enumerate(plan.rules):
            paid = _apply(rule, index, level, walk, node_rank, self_purchase, earned, plan.scale)
            if paid is None:
                continue
            rows, amounts = paid
            if rows is None:
                pay(index, level, walk.order, walk.node, amounts)
                if earned is not None:
                    earned += amounts
            elif rows.size:
                pay(index, level, walk.order.take(rows), walk.node.take(rows), amounts)
                if earned is not None:
                    earned[rows] += amounts
        # Move up; keep only the orders that have a sponsor and can still be paid something.
        up = (here >> 8).astype(index_type)  # arithmetic shift: -1 stays -1 (the root's "no sponsor")
        still = up >= 0
        if still.any():
            still &= _can_pay_more(plan, walk, level, max_tier_level, n_ranks)
        index = np.flatnonzero(still)
        if index.size < still.size:
            walk.keep(index)
            up = up.take(index)
        walk.node = up
        level += 1

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
    result = BatchResult(order, nodes, rules, levels, amount, np.array(totals, dtype=object))
    if plan.cap is not None and amount.size:
        result = _apply_cap(plan, result, base, promoter.size)
    result.rule_totals = _to_int64_if_possible(result.rule_totals)
    if result.amount.dtype == object and result.amount.size and int(result.amount.max()) < _INT64_SAFE:
        result.amount = result.amount.astype(np.int64)
    return result


def _to_int64_if_possible(values: np.ndarray) -> np.ndarray:
    if values.size == 0 or max(abs(int(v)) for v in values) < _INT64_SAFE:
        return np.array([int(v) for v in values], dtype=np.int64)
    return values


def _rule_weight(rule: OrderRule, scale: int) -> int:
    """An upper bound of the rule's share of B (in units of B), to bound source: income products."""
    if isinstance(rule, TiersRule):
        return -(-int(rule.rates.max(axis=1, initial=0).sum()) // scale) if rule.rates.size else 0
    if isinstance(rule, PeerRule):
        return -(-rule.rate // scale) * max(rule.per_rank, 1) * 8
    return -(-int(rule.rate.max(initial=0)) // scale)


def _last_tier_level(rule: TiersRule) -> int:
    """The deepest level (1-based) at which the tiers rule can pay anything."""
    nonzero = np.flatnonzero(rule.rates.max(axis=1, initial=0) > 0) if rule.rates.size else np.zeros(0)
    return int(nonzero[-1]) + 1 if nonzero.size else 0


Paid = tuple[np.ndarray | None, np.ndarray] | None
"""A rule's payouts at one level: (positions among the open orders, or None for all of them; amounts)."""


def _apply(
    rule: OrderRule,
    index: int,
    level: int,
    walk: _Walk,
    node_rank: np.ndarray,
    self_purchase: np.ndarray,
    earned: np.ndarray | None,
    scale: int,
) -> Paid:
    """Payouts of one rule to the current level's promoters, or None when the rule pays nobody here.

    Amounts are computed only where something can be paid (integer division is the costly part).
    """
    base = walk.base
    if isinstance(rule, DirectRule):
        return (None, _mul(base, rule.rate.take(node_rank), scale)) if level == 0 else None
    if isinstance(rule, SelfPurchaseRule):
        if level != 0:
            return None
        rows = np.flatnonzero(self_purchase.take(walk.order))
        return rows, _mul(base.take(rows), rule.rate.take(node_rank.take(rows)), scale)
    if isinstance(rule, TiersRule):
        if level == 0 or level > rule.rates.shape[0]:
            return None
        rows = np.flatnonzero(node_rank >= rule.min_rank)
        return rows, _mul(base.take(rows), rule.rates[level - 1].take(node_rank.take(rows)), scale)
    if isinstance(rule, DifferentialRule):
        rate = rule.rate.take(node_rank)
        if level == 0:
            walk.state[index] = {"m": rate}
            if not rule.include_seller:
                return None
            return None, _mul(base, rate, scale)
        best = walk.state[index]["m"]
        rows = np.flatnonzero(rate > best)
        rise = rate.take(rows) - best.take(rows)
        best[rows] = rate.take(rows)
        return rows, _mul(base.take(rows), rise, scale)
    if isinstance(rule, PeerRule):
        if level == 0:
            state = {"top": node_rank.astype(np.int8), "count": np.zeros(node_rank.size, np.int32)}
            if rule.from_income:
                state["income"] = earned.copy()
            walk.state[index] = state
            return None
        state = walk.state[index]
        top, count = state["top"], state["count"]
        higher = np.flatnonzero(node_rank > top)
        rows = np.flatnonzero((node_rank == top) & (top >= rule.min_rank) & (count < rule.per_rank))
        source = state["income"] if rule.from_income else base
        amounts = _mul(source.take(rows), rule.rate, scale)
        count[rows] += 1
        count[higher] = 0
        top[higher] = node_rank.take(higher)
        if rule.from_income:
            state["income"][higher] = earned.take(higher)
        return rows, amounts
    raise BatchEngineError(f"unknown compiled rule {rule!r}")


def _can_pay_more(plan: BatchPlan, walk: _Walk, level: int, max_tier_level: int, n_ranks: int) -> np.ndarray:
    """Orders whose chain further up could still earn something under some rule."""
    more = np.full(walk.order.size, level + 1 <= max_tier_level)
    if more.all():
        return more
    top_rank = n_ranks - 1
    for index, rule in enumerate(plan.rules):
        if isinstance(rule, DifferentialRule):
            more |= walk.state[index]["m"] < int(rule.rate.max(initial=0))
        elif isinstance(rule, PeerRule):
            if rule.rate == 0 or rule.per_rank <= 0:
                continue
            state = walk.state[index]
            finished = state["top"] == top_rank
            finished &= (state["count"] >= rule.per_rank) | (top_rank < rule.min_rank)
            if rule.from_income:
                finished |= (state["top"] == top_rank) & (state["income"] == 0)
            more |= ~finished
    return more


def _apply_cap(plan: BatchPlan, result: BatchResult, base: np.ndarray, n_orders: int) -> BatchResult:
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
    if bound >= _INT64_SAFE or wide:
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


# --- compiling a Plan -------------------------------------------------------------------------------


def compile_batch(plan: Plan) -> BatchPlan:
    """Compile a validated plan's per-order rules into integer arrays (period rules are left out).

    ``recruit_bonus`` pays nothing per order, so it is left out too.
    """
    ranks = plan.rank_ids
    index = {rank_id: i for i, rank_id in enumerate(ranks)}
    rates: list[Decimal] = []
    for rule in plan.rules:
        if isinstance(rule, plan_model.DirectRule | plan_model.SelfPurchaseRule):
            rates.extend(rule.rate.values() if isinstance(rule.rate, dict) else [rule.rate])
        elif isinstance(rule, plan_model.TiersRule):
            rates.extend(rule.rates)
        elif isinstance(rule, plan_model.DifferentialRule):
            rates.extend(rule.rates.values())
        elif isinstance(rule, plan_model.PeerRule):
            rates.append(rule.rate)
    if plan.caps.per_order is not None:
        rates.append(plan.caps.per_order)
    scale = scale_for(rates)

    def per_rank(rate: Decimal | dict[str, Decimal]) -> np.ndarray:
        if isinstance(rate, dict):
            values = np.zeros(len(ranks), dtype=np.int64)
            for rank_id, value in rate.items():
                values[index[rank_id]] = numerator(value, scale)
            return values
        return np.full(len(ranks), numerator(rate, scale), dtype=np.int64)

    compiled: list[OrderRule] = []
    for rule in plan.rules:
        if isinstance(rule, plan_model.DirectRule):
            compiled.append(DirectRule(rule.label, per_rank(rule.rate)))
        elif isinstance(rule, plan_model.SelfPurchaseRule):
            compiled.append(SelfPurchaseRule(rule.label, per_rank(rule.rate)))
        elif isinstance(rule, plan_model.TiersRule):
            table = np.array([[numerator(r, scale)] * len(ranks) for r in rule.rates], dtype=np.int64)
            compiled.append(TiersRule(rule.label, table.reshape(len(rule.rates), len(ranks)),
                                      index[rule.min_rank]))
        elif isinstance(rule, plan_model.DifferentialRule):
            compiled.append(DifferentialRule(rule.label, per_rank(rule.rates), rule.include_seller))
        elif isinstance(rule, plan_model.PeerRule):
            compiled.append(PeerRule(rule.label, numerator(rule.rate, scale), rule.per_rank,
                                     index[rule.min_rank] if rule.min_rank else 0, rule.source == "income"))
    cap = None if plan.caps.per_order is None else numerator(plan.caps.per_order, scale)
    return BatchPlan(rank_ids=ranks, scale=scale, rules=tuple(compiled), cap=cap,
                     compression=plan.compression is not None)
