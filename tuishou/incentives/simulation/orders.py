"""Synthetic order stream (订单流) for the simulator.

Each month, every promoter present (joined, not churned) sells with probability ``active_share``;
a selling promoter is credited with ``1 + Poisson(λ)`` orders, where λ is the promoter's own sales
propensity, drawn once from a log-normal distribution whose mean is ``orders_per_active − 1``
(a few promoters sell a lot every month, most sell a little). Each order's
commission base B is log-normal, in integer minor units (分), at least one 分. A share of orders are
self-purchases (自购), and a share are refunded in full after the sale (B after refunds is 0: the
order earns nothing and adds nothing to volume).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuishou.incentives.simulation.network import Network


@dataclass(frozen=True)
class OrderParams:
    """How promoters sell. Defaults give a plausible micro-store month."""

    active_share: float = 0.35
    """Share of present promoters who are credited with at least one order in a month."""
    orders_per_active: float = 2.5
    """Mean orders a month of a promoter who sells (≥ 1)."""
    sales_sigma: float = 1.3
    """Log-normal ``sigma`` of the promoters' sales propensity (0: everyone alike)."""
    base_median: float = 15.0
    """Median commission base B of an order, in major units (元)."""
    base_sigma: float = 0.9
    """Log-normal ``sigma`` of B."""
    self_share: float = 0.3
    """Share of orders that are self-purchases."""
    refund_rate: float = 0.05
    """Share of orders refunded in full."""


@dataclass(frozen=True)
class Orders:
    """All orders of the simulation, sorted by month."""

    month: np.ndarray
    """Month of the order (int16)."""
    promoter: np.ndarray
    """p0, the promoter credited with the order (int64 index into the network)."""
    base: np.ndarray
    """B after refunds, in minor units (int64); 0 for a refunded order."""
    gross: np.ndarray
    """B before refunds, in minor units (int64)."""
    self_purchase: np.ndarray
    """Whether the order is a self-purchase (bool)."""

    @property
    def size(self) -> int:
        """Number of orders."""
        return int(self.month.shape[0])

    def month_slice(self, month: int) -> slice:
        """The orders of ``month`` (orders are sorted by month)."""
        lo = int(np.searchsorted(self.month, month, side="left"))
        hi = int(np.searchsorted(self.month, month, side="right"))
        return slice(lo, hi)


def generate_orders(network: Network, months: int, params: OrderParams, rng: np.random.Generator) -> Orders:
    """Draw every month's orders for ``network``."""
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    mean_extra = max(params.orders_per_active - 1.0, 0.0)
    sigma = params.sales_sigma
    # A log-normal with this mu has mean ``mean_extra``.
    propensity = rng.lognormal(np.log(mean_extra) - sigma**2 / 2, sigma, size=network.size) if mean_extra else (
        np.zeros(network.size))
    for month in range(months):
        present = np.flatnonzero(network.present(month))
        sellers = present[rng.random(present.size) < params.active_share]
        extra = rng.poisson(propensity[sellers])
        promoter = np.repeat(sellers, 1 + extra)
        parts.append((np.full(promoter.size, month, dtype=np.int16), promoter))
    month_arr = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int16)
    promoter_arr = np.concatenate([p[1] for p in parts]).astype(np.int64) if parts else np.zeros(0, np.int64)
    count = month_arr.size
    mu = np.log(params.base_median * 100.0)
    gross = np.maximum(np.floor(rng.lognormal(mu, params.base_sigma, size=count)), 1).astype(np.int64)
    self_purchase = rng.random(count) < params.self_share
    refunded = rng.random(count) < params.refund_rate
    base = np.where(refunded, 0, gross).astype(np.int64)
    return Orders(month=month_arr, promoter=promoter_arr, base=base, gross=gross, self_purchase=self_purchase)
