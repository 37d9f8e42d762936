"""Vectorised period rules (团队业绩奖, 分红池) for the simulator.

Gives, for whole arrays of promoters at once, exactly what ``periods.period_payouts`` gives for
mappings (tested equal). Volumes are integer minor units; the plan's rates come from the plan's
compiled form (integers over ``denominator``).
"""

from __future__ import annotations

from decimal import ROUND_CEILING

import numpy as np

from tuishou.incentives.engine.compiled import POOL, TEAM_VOLUME
from tuishou.incentives.engine.plan import Plan
from tuishou.incentives.simulation.network import subtree_sums

_INT64_SAFE = 2**62


def period_rule_payouts(
    plan: Plan,
    *,
    parent: np.ndarray,
    levels: list[np.ndarray],
    members: np.ndarray,
    ranks: np.ndarray,
    volume: np.ndarray,
    self_volume: np.ndarray,
) -> list[tuple[str, np.ndarray]]:
    """Each period rule's payout to every promoter (minor units), in rule order: ``[(label, amounts)]``.

    ``members`` masks the promoters of the community in this period (pool recipients are taken
    among them); promoters outside it must have no volume. ``volume`` is PV (Σ B credited in the
    period), ``self_volume`` the part of it from self-purchases.
    """
    compiled = plan.compiled
    d = compiled.denominator
    results: list[tuple[str, np.ndarray]] = []
    gv_all: np.ndarray | None = None
    for rule in compiled.period_rules:
        kind, label = rule[0], rule[1]
        if kind == TEAM_VOLUME:
            mins, rates, count_self = rule[2], rule[3], rule[4]
            pv = volume if count_self else volume - self_volume
            if count_self:
                gv = gv_all = subtree_sums(parent, levels, volume) if gv_all is None else gv_all
            else:
                gv = subtree_sums(parent, levels, pv)
            results.append((label, team_volume_amounts(parent, pv, gv, mins, rates, d)))
        elif kind == POOL:
            share, min_rank, by_volume = rule[2], rule[3], rule[4]
            recipients = members & (ranks >= min_rank)
            if by_volume and gv_all is None:
                gv_all = subtree_sums(parent, levels, volume)
            results.append((label, pool_amounts(recipients, int(volume.sum()), gv_all if by_volume else None,
                                                share, d)))
    return results


def team_volume_amounts(parent: np.ndarray, pv: np.ndarray, gv: np.ndarray, mins: tuple, rates: tuple,
                        denominator: int) -> np.ndarray:
    """``r(u) × PV(u) + Σ_c max(0, r(u) − r(c)) × GV(c)``, rounded down once, for every promoter u."""
    # A GV (integer 分) reaches a min (in 元) when GV ≥ ceil(min × 100).
    thresholds = np.array([int((m * 100).to_integral_value(rounding=ROUND_CEILING)) for m in mins], dtype=np.int64)
    rate_table = np.array([0, *rates], dtype=np.int64)
    rate = rate_table[np.searchsorted(thresholds, gv, side="right")]
    numerator = rate * pv
    child = np.flatnonzero(parent >= 0)
    gap = np.maximum(rate[parent[child]] - rate[child], 0) * gv[child]
    np.add.at(numerator, parent[child], gap)
    return numerator // denominator


def pool_amounts(recipients: np.ndarray, total_volume: int, gv: np.ndarray | None, share: int,
                 denominator: int) -> np.ndarray:
    """``share × Σ B`` split among the recipients equally, or by GV; each share rounded down once."""
    amounts = np.zeros(recipients.size, dtype=np.int64)
    count = int(np.count_nonzero(recipients))
    pool = share * total_volume  # the pool in 分, times the denominator
    if not count or not pool:
        return amounts
    if gv is None:
        amounts[recipients] = pool // (denominator * count)
        return amounts
    volumes = gv[recipients]
    total_gv = int(volumes.sum())
    if not total_gv:
        return amounts  # no volume at all: nothing is paid
    if pool * int(volumes.max()) < _INT64_SAFE:
        amounts[recipients] = pool * volumes // (denominator * total_gv)
    else:
        exact = volumes.astype(object) * pool // (denominator * total_gv)
        amounts[recipients] = exact.astype(np.int64)
    return amounts
