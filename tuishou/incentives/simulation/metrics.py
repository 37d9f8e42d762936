"""Qualification metrics over the synthetic history, and vectorised rank and activity evaluation.

The simulator works a month at a time, so a window of ``days`` is taken as the last
``max(1, round(days / 30.4375))`` months (30 days → this month, 365 days → twelve months; no ``days``:
all months so far). Metrics, as the scalar engine's ``lookup`` would return them for each promoter:

* ``personal_volume`` — Σ B (after refunds) of orders credited to the promoter; with
  ``count_self: false`` self-purchases are left out; ``team_volume`` — the same summed over the
  promoter's whole subtree; ``personal_orders`` — the number of those orders (refunded ones excluded);
* ``direct_promoters`` — direct downlines who joined in the window (not placed there by mentor
  placement); ``active_directs`` — direct downlines with at least one order in the window;
* ``legs_at_rank`` — direct downlines whose subtree holds someone at ``rank`` or above (by the ranks
  of the previous evaluation); ``bought`` — Σ B of the promoter's own purchases in the window.

:func:`evaluate_ranks` and :func:`active_flags` give, for every promoter at once, what
``qualify.evaluate_rank`` and ``qualify.is_active`` give for one (tested equal).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any

import numpy as np

from tuishou.incentives.engine.conditions import AllOf, AnyOf, MetricTest, Test
from tuishou.incentives.engine.plan import Plan
from tuishou.incentives.simulation.network import subtree_sums

VOLUME = ("personal_volume", "team_volume", "bought")
DAYS_PER_MONTH = 30.4375

MetricArrays = Callable[[str, Mapping[str, Any]], np.ndarray]


def window_months(days: int | None) -> int | None:
    """The number of months a window of ``days`` spans in the simulator (None: all history)."""
    if days is None:
        return None
    return max(1, round(days / DAYS_PER_MONTH))


def _threshold(test: MetricTest) -> int:
    """The metric test's threshold in the arrays' units (minor units for volumes), rounded up.

    Values are integers, so ``value ≥ t`` is ``value ≥ ceil(t)``.
    """
    value = test.threshold * 100 if test.metric in VOLUME else test.threshold
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def passes_all(test: Test, metric: MetricArrays) -> np.ndarray:
    """Vectorised ``qualify.passes``: for every promoter, whether the test passes."""
    if isinstance(test, AllOf):
        result = passes_all(test.tests[0], metric)
        for sub in test.tests[1:]:
            result = result & passes_all(sub, metric)
        return result
    if isinstance(test, AnyOf):
        result = passes_all(test.tests[0], metric)
        for sub in test.tests[1:]:
            result = result | passes_all(sub, metric)
        return result
    return metric(test.metric, test.params()) >= _threshold(test)


def evaluate_ranks(plan: Plan, metric: MetricArrays, size: int) -> np.ndarray:
    """Vectorised ``qualify.evaluate_rank``: each promoter's rank index (highest qualifying rank)."""
    ranks = np.zeros(size, dtype=np.int8)
    decided = np.zeros(size, dtype=bool)
    for index in range(len(plan.ranks) - 1, 0, -1):
        qualify = plan.ranks[index].qualify
        if qualify is None:
            continue  # assigned by an operator only: never reached by evaluation
        hit = passes_all(qualify, metric) & ~decided
        ranks[hit] = index
        decided |= hit
    return ranks


def active_flags(plan: Plan, metric: MetricArrays, size: int) -> np.ndarray:
    """Vectorised ``qualify.is_active``: compression's ``active_if`` for every promoter."""
    if plan.compression is None:
        return np.ones(size, dtype=bool)
    return passes_all(plan.compression.active_if, metric)


class MetricHistory:
    """Month-by-month per-promoter figures of the simulation, and the metrics read from them."""

    def __init__(self, *, parent: np.ndarray, levels: list[np.ndarray], join_month: np.ndarray,
                 recruited: np.ndarray) -> None:
        self.parent = parent
        self.levels = levels
        self.join_month = join_month
        self.recruited = recruited  # joined through an invite (not mentor placement, not a root)
        self.size = parent.size
        self.months: list[dict[str, np.ndarray]] = []
        self.ranks = np.zeros(self.size, dtype=np.int8)
        self._cache: dict[tuple[str, tuple[tuple[str, Any], ...]], np.ndarray] = {}

    def record(self, *, promoter: np.ndarray, base: np.ndarray, self_purchase: np.ndarray) -> None:
        """Add one month's orders (refunded ones have base 0 and are not counted as orders)."""
        counted = base > 0
        own = self_purchase & counted
        self.months.append({
            "volume": _sum_by(promoter, base, self.size),
            "self_volume": _sum_by(promoter[own], base[own], self.size),
            "orders": np.bincount(promoter[counted], minlength=self.size).astype(np.int64),
            "self_orders": np.bincount(promoter[own], minlength=self.size).astype(np.int64),
        })
        self._cache.clear()

    def set_ranks(self, ranks: np.ndarray) -> None:
        """The ranks that ``legs_at_rank`` looks at (those of the latest evaluation)."""
        self.ranks = ranks
        self._cache.clear()

    def _window(self, key: str, days: int | None) -> np.ndarray:
        months = window_months(days)
        chosen = self.months if months is None else self.months[-months:]
        total = np.zeros(self.size, dtype=np.int64)
        for month in chosen:
            total += month[key]
        return total

    def metric(self, name: str, params: Mapping[str, Any]) -> np.ndarray:
        """The metric's value for every promoter (volumes in minor units), as of the last month recorded."""
        key = (name, tuple(sorted(params.items())))
        if key not in self._cache:
            self._cache[key] = self._compute(name, params)
        return self._cache[key]

    def _compute(self, name: str, params: Mapping[str, Any]) -> np.ndarray:
        days = params.get("days")
        count_self = params.get("count_self", True)
        if name in ("personal_volume", "team_volume"):
            volume = self._window("volume", days)
            if not count_self:
                volume = volume - self._window("self_volume", days)
            return volume if name == "personal_volume" else subtree_sums(self.parent, self.levels, volume)
        if name == "personal_orders":
            orders = self._window("orders", days)
            return orders if count_self else orders - self._window("self_orders", days)
        if name == "bought":
            return self._window("self_volume", days)
        has_parent = self.parent >= 0
        if name == "direct_promoters":
            current = len(self.months) - 1
            months = window_months(days)
            joined = self.recruited & has_parent
            if months is not None:
                joined &= self.join_month > current - months
            return np.bincount(self.parent[joined], minlength=self.size).astype(np.int64)
        if name == "active_directs":
            ordered = (self._window("orders", days) > 0) & has_parent
            return np.bincount(self.parent[ordered], minlength=self.size).astype(np.int64)
        if name == "legs_at_rank":
            rank_index = params["rank_index"]
            best = subtree_max(self.parent, self.levels, self.ranks)
            leg = (best >= rank_index) & has_parent
            return np.bincount(self.parent[leg], minlength=self.size).astype(np.int64)
        raise ValueError(f"unknown metric {name!r}")


def _sum_by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    total = np.zeros(size, dtype=np.int64)
    np.add.at(total, index, values)
    return total


def subtree_max(parent: np.ndarray, levels: list[np.ndarray], values: np.ndarray) -> np.ndarray:
    """Each promoter's largest value over itself and everyone below it."""
    best = values.astype(np.int64, copy=True)
    for level in reversed(levels[1:]):
        np.maximum.at(best, parent[level], best[level])
    return best


def metric_reader(plan: Plan, history: MetricHistory) -> MetricArrays:
    """A vectorised lookup over the history that also resolves ``legs_at_rank``'s rank id to its index."""
    index = {rank.id: i for i, rank in enumerate(plan.ranks)}

    def metric(name: str, params: Mapping[str, Any]) -> np.ndarray:
        if name == "legs_at_rank":
            params = {**params, "rank_index": index[params["rank"]]}
        return history.metric(name, params)

    return metric


def scalar_lookup(metric: MetricArrays, promoter: int) -> Callable[[str, Mapping[str, Any]], Decimal | int]:
    """One promoter's ``lookup`` for ``qualify`` over vectorised metrics (volumes back in 元), for tests."""

    def lookup(name: str, params: Mapping[str, Any]) -> Decimal | int:
        value = int(metric(name, params)[promoter])
        return Decimal(value).scaleb(-2) if name in VOLUME else value

    return lookup
