"""Synthetic distribution network (分销网络) for the simulator.

A branching process, one step a month. Each month:

* every promoter who has joined and not churned recruits ``Poisson(propensity × fade ** tenure)``
  new promoters, where ``propensity`` is drawn once per promoter from a log-normal distribution
  (a few promoters recruit a lot, most recruit little or nobody) and ``fade`` makes recruiting
  fade as the promoter's tenure grows;
* cold sign-ups (people who register with no invite code) join too; a share of them is placed
  under an existing promoter (the official community's mentor placement), the rest start new trees;
* every promoter who joined in an earlier month churns with probability ``churn``.

The total is fixed: month ``m`` ends with ``round(promoters × (m + 1) / months)`` promoters. When the
recruits drawn exceed what the month may add, a random subset of them joins (after the cold
sign-ups' share is set aside); when they fall short, more cold sign-ups fill the gap.

Promoters are numbered in joining order, so a sponsor's index is always smaller than its recruits'.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEVER = np.iinfo(np.int16).max
"""``churn_month`` of a promoter who never churns."""


@dataclass(frozen=True)
class NetworkParams:
    """How the synthetic network grows. Defaults give a plausible micro-store community."""

    promoters: int = 10_000
    """Promoters at the end of the simulation."""
    months: int = 12
    """Months simulated."""
    founders: int = 20
    """Promoters present in month 0 before anyone recruits (at most ``promoters``)."""
    recruit_mu: float = -1.6
    """Log-normal ``mu`` of a promoter's monthly recruiting propensity (median e^mu ≈ 0.2 recruits)."""
    recruit_sigma: float = 1.2
    """Log-normal ``sigma`` of the propensity: larger means a heavier tail of star recruiters."""
    fade: float = 0.8
    """Each month of tenure multiplies the propensity by this (recruiting fades with tenure)."""
    cold_share: float = 0.2
    """Share of each month's new promoters who are cold sign-ups (no invite code)."""
    cold_placed: float = 0.5
    """Share of cold sign-ups placed under an existing promoter (mentor placement); the rest are roots."""
    churn: float = 0.04
    """Monthly probability that a promoter who joined in an earlier month leaves."""


@dataclass(frozen=True)
class Network:
    """The generated network: one entry per promoter, in joining order."""

    parent: np.ndarray
    """Sponsor index (int64), ``-1`` for a root."""
    join_month: np.ndarray
    """Month the promoter joined (int16)."""
    churn_month: np.ndarray
    """Month from which the promoter is gone (int16), ``NEVER`` if they stay."""
    depth: np.ndarray
    """Distance to the root of the promoter's tree (int32); roots have 0."""
    placed: np.ndarray
    """Whether the promoter signed up cold and was placed under a mentor (bool): not a recruit."""

    @property
    def size(self) -> int:
        """Number of promoters."""
        return int(self.parent.shape[0])

    def joined_by(self, month: int) -> int:
        """How many promoters have joined by the end of ``month`` (they are the first this many)."""
        return int(np.searchsorted(self.join_month, month, side="right"))

    def present(self, month: int) -> np.ndarray:
        """Boolean mask: joined by ``month`` and not churned yet."""
        return (self.join_month <= month) & (self.churn_month > month)


def _month_target(params: NetworkParams, month: int) -> int:
    return round(params.promoters * (month + 1) / params.months)


def generate_network(params: NetworkParams, rng: np.random.Generator) -> Network:
    """Grow a network month by month as described in the module docstring."""
    if params.promoters < 1 or params.months < 1:
        raise ValueError("a network needs at least one promoter and one month")
    total = params.promoters
    parent = np.full(total, -1, dtype=np.int64)
    join_month = np.zeros(total, dtype=np.int16)
    churn_month = np.full(total, NEVER, dtype=np.int16)
    depth = np.zeros(total, dtype=np.int32)
    placed_flags = np.zeros(total, dtype=bool)
    propensity = rng.lognormal(params.recruit_mu, params.recruit_sigma, size=total)

    count = min(params.founders, _month_target(params, 0), total)
    count = max(count, 1)
    for month in range(params.months):
        start = count
        target = _month_target(params, month) if month < params.months - 1 else total
        room = max(target - count, 0)
        if month > 0:
            # Churn among the promoters of earlier months who are still here.
            stay = churn_month[:start] == NEVER
            leaving = stay & (rng.random(start) < params.churn)
            churn_month[:start][leaving] = month
        present = np.flatnonzero(churn_month[:start] == NEVER)
        if room == 0 or present.size == 0:
            if present.size == 0 and room > 0:
                # Everybody left: the month's newcomers are all cold sign-ups starting new trees.
                join_month[start:start + room] = month
                count += room
            continue
        tenure = month - join_month[present].astype(np.float64)
        expected = propensity[present] * params.fade ** tenure
        drawn = rng.poisson(expected)
        sponsors = np.repeat(present, drawn)
        cold = round(room * params.cold_share)
        recruited_room = room - cold
        if sponsors.size > recruited_room:
            keep = rng.choice(sponsors.size, size=recruited_room, replace=False)
            sponsors = sponsors[np.sort(keep)]
        cold = room - sponsors.size
        placed = rng.random(cold) < params.cold_placed
        mentors = present[rng.integers(0, present.size, size=cold)]
        cold_parent = np.where(placed, mentors, -1)
        new_parent = np.concatenate([sponsors, cold_parent])
        end = start + room
        parent[start:end] = new_parent
        placed_flags[start + sponsors.size:end] = placed
        join_month[start:end] = month
        depth[start:end] = np.where(new_parent >= 0, depth[np.maximum(new_parent, 0)] + 1, 0)
        count = end
    return Network(parent=parent, join_month=join_month, churn_month=churn_month, depth=depth,
                   placed=placed_flags)


def depth_levels(depth: np.ndarray) -> list[np.ndarray]:
    """Indexes of the promoters at each depth (0 first), for bottom-up or top-down sweeps."""
    order = np.argsort(depth, kind="stable")
    counts = np.bincount(depth, minlength=1)
    return np.split(order, np.cumsum(counts)[:-1])


def subtree_sums(parent: np.ndarray, levels: list[np.ndarray], values: np.ndarray) -> np.ndarray:
    """Each promoter's value plus the values of everyone below it (e.g. team volume from personal volume)."""
    total = values.astype(np.int64, copy=True)
    for level in reversed(levels[1:]):
        np.add.at(total, parent[level], total[level])
    return total
