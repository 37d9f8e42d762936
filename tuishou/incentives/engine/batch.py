"""Vectorised batch engine: the per-order rules of a plan priced for many orders at once (numpy).

The scalar engine (``orders.order_payouts``) is the reference; this one gives exactly the same
payouts, faster, for the simulator and for bulk recomputation. A plan is compiled once
(:func:`compile_batch`, in ``batch_compile``): every rate becomes an integer numerator over one
power-of-ten ``scale``, so that ``base_minor * numerator // scale`` is the spec's "exact, then
rounded down to 0.01" on an amount in minor units (分). Then :func:`price_orders` walks up the sponsor
chains of all orders together, one level per step (``batch_walk``), keeping only the orders that can
still be paid something; chains may be hundreds deep. Each rule type prices its own level
(``OrderRule.price_level``).

The network is given as arrays: ``parent`` (index of the sponsor, ``-1`` at a root), ``rank``
(index into the plan's ranks, lowest = 0) and ``active`` (used only with compression, where
inactive promoters above p0 are skipped: :func:`compressed_parents`). Order bases are whole minor
units (the scalar engine also takes finer bases; the platform's and the simulator's never are).
Products that could overflow int64 are computed with Python integers instead: slower, still exact.
"""

from __future__ import annotations

import numpy as np

from tuishou.incentives.engine.batch_compile import BatchPlan, compile_batch, numerator, scale_for
from tuishou.incentives.engine.batch_walk import (
    INT64_SAFE,
    BatchResult,
    apply_cap,
    collect,
    to_int64_if_possible,
    walk_levels,
)
from tuishou.incentives.engine.errors import BatchEngineError
from tuishou.incentives.engine.rules.context import Walk

__all__ = [
    "BatchEngineError",
    "BatchPlan",
    "BatchResult",
    "compile_batch",
    "compressed_parents",
    "numerator",
    "price_orders",
    "scale_for",
]


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
    rank = np.asarray(rank, dtype=np.int64)
    n_ranks = len(plan.rank_ids)
    _check_arrays(rank, base, n_ranks)
    next_up = _next_up(plan, parent, active, next_up)
    bound = int(base.max(initial=0)) * plan.max_numerator * (
        1 + sum(c.rule.batch_weight(c.data, plan.scale) for c in plan.rules))
    if bound >= INT64_SAFE:
        base = base.astype(object)

    # One gather a level instead of two: each promoter's sponsor-to-walk-to and rank, packed together;
    # int32 while the sponsor index fits in 23 bits: half the memory traffic of the random gathers.
    pack_type = np.int32 if rank.size < 2**23 else np.int64
    packed = (np.asarray(next_up).astype(pack_type) << 8) | rank.astype(pack_type)
    index_type = np.int32 if max(promoter.size, packed.size) < 2**31 else np.int64
    walk = Walk(order=np.arange(promoter.size, dtype=index_type), node=promoter.astype(index_type), base=base,
                self_purchase=np.asarray(self_purchase, dtype=bool), scale=plan.scale)
    parts, totals = walk_levels(plan, walk, packed, index_type, n_ranks)

    result = collect(parts, totals)
    if plan.cap is not None and result.amount.size:
        result = apply_cap(plan, result, base, promoter.size)
    result.rule_totals = to_int64_if_possible(result.rule_totals)
    if result.amount.dtype == object and result.amount.size and int(result.amount.max()) < INT64_SAFE:
        result.amount = result.amount.astype(np.int64)
    return result


def _check_arrays(rank: np.ndarray, base: np.ndarray, n_ranks: int) -> None:
    if n_ranks > 255:
        raise BatchEngineError("the batch engine handles at most 255 ranks")
    if rank.size and (rank.min() < 0 or rank.max() >= n_ranks):
        raise BatchEngineError("a rank index is outside the plan's ranks")
    if base.size and base.min() < 0:
        raise BatchEngineError("a commission base is negative")


def _next_up(plan: BatchPlan, parent: np.ndarray, active: np.ndarray | None,
             next_up: np.ndarray | None) -> np.ndarray:
    """The link each walk follows up: the sponsor, or with compression the nearest active sponsor."""
    if next_up is not None:
        return next_up
    if not plan.compression:
        return np.asarray(parent, dtype=np.int64)
    if active is None:
        raise BatchEngineError("a plan with compression needs the active flags")
    return compressed_parents(parent, active)
