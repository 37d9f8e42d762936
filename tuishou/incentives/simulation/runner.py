"""Run a plan month by month over a synthetic network and order stream (方案模拟).

Each month ``m``:

1. ranks and, with compression, activity are evaluated for every promoter on the metrics of the
   months before ``m`` (a promoter is never re-ranked mid-month; in month 0 nobody has a history);
2. the month's orders are priced with the batch engine (:mod:`tuishou.incentives.engine.batch`);
   refunded orders pay nothing;
3. the period rules (team volume, pools) are settled on the month's volume;
4. ``recruit_bonus`` — never publishable, but expressible — is paid to each sponsor per promoter
   it recruited this month, so that the report shows what such a plan would cost;
5. the month's orders are added to the metric history.

A last evaluation after the final month gives the ranks of the income disclosure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

import numpy as np

from tuishou.incentives.engine import compliance
from tuishou.incentives.engine.batch import BatchPlan, compile_batch, compressed_parents, price_orders
from tuishou.incentives.engine.plan import Plan
from tuishou.incentives.simulation.metrics import MetricHistory, active_flags, evaluate_ranks, metric_reader
from tuishou.incentives.simulation.network import Network, NetworkParams, depth_levels, generate_network
from tuishou.incentives.simulation.orders import OrderParams, Orders, generate_orders
from tuishou.incentives.simulation.period_rules import period_rule_payouts

DEFAULT_PROFILE = "cn"
"""Compliance profile for a plan that declares no jurisdiction (the platform's home market)."""


@dataclass(frozen=True)
class SimulationParams:
    """Everything that shapes the synthetic data; the same params and seed give the same data."""

    promoters: int = 10_000
    months: int = 12
    seed: int = 1
    network: NetworkParams = field(default_factory=NetworkParams)
    orders: OrderParams = field(default_factory=OrderParams)


@dataclass(frozen=True)
class World:
    """The synthetic network and orders that one or more plans are run on."""

    params: SimulationParams
    network: Network
    orders: Orders
    levels: list[np.ndarray]


def build_world(params: SimulationParams) -> World:
    """Generate the network and the orders for ``params`` (seeded: repeatable)."""
    rng = np.random.default_rng(params.seed)
    network_params = NetworkParams(**{**params.network.__dict__, "promoters": params.promoters,
                                      "months": params.months})
    network = generate_network(network_params, rng)
    orders = generate_orders(network, params.months, params.orders, rng)
    return World(params=params, network=network, orders=orders, levels=depth_levels(network.depth))


@dataclass
class SimulationResult:
    """Everything the summary and the report are built from (amounts in minor units, 分)."""

    plan_id: str
    currency: str
    profile: str
    rank_ids: tuple[str, ...]
    labels: tuple[str, ...]
    promoters: int
    months: int
    seed: int
    orders: int
    refunded: int
    orders_by_month: np.ndarray
    base_by_month: np.ndarray
    payout_by_month: np.ndarray  # (months, rules)
    earnings: np.ndarray  # per promoter, over the whole run
    final_rank: np.ndarray
    own_sales: int = 0
    downline_sales: int = 0
    period_total: int = 0
    recruiting_total: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)


def plan_findings(plan: Plan) -> tuple[str, list[dict[str, Any]]]:
    """The plan's compliance findings under its own profile (``cn`` when it declares none)."""
    result = compliance.check_plan(plan, profile=plan.jurisdiction or DEFAULT_PROFILE)
    return result.profile, [finding.to_json() for finding in result.findings]


@dataclass
class _Tally:
    """What a run adds up month by month (minor units, 分)."""

    earnings: np.ndarray  # per promoter
    payout_by_month: np.ndarray  # (months, rules)
    base_by_month: np.ndarray
    orders_by_month: np.ndarray
    own: int = 0
    downline: int = 0
    period_total: int = 0
    recruiting_total: int = 0


def run_plan(plan: Plan, world: World, *, on_month: Callable[[int], None] | None = None) -> SimulationResult:
    """Simulate ``plan`` on ``world``; ``on_month(m)`` is called after each month (progress bars)."""
    network, orders, levels = world.network, world.orders, world.levels
    months = world.params.months
    size = network.size
    labels = tuple(rule.label for rule in plan.rules)
    label_index = {label: i for i, label in enumerate(labels)}
    batch = compile_batch(plan)
    history = MetricHistory(parent=network.parent, levels=levels, join_month=network.join_month,
                            recruited=(network.parent >= 0) & ~network.placed)
    metric = metric_reader(plan, history)
    tally = _Tally(earnings=np.zeros(size, dtype=np.int64), payout_by_month=np.zeros((months, len(labels)), np.int64),
                   base_by_month=np.zeros(months, dtype=np.int64), orders_by_month=np.zeros(months, dtype=np.int64))
    ranks = np.zeros(size, dtype=np.int8)

    for month in range(months):
        joined = network.join_month <= month
        if month > 0:
            ranks = np.where(joined, evaluate_ranks(plan, metric, size), 0).astype(np.int8)
            history.set_ranks(ranks)
        active = active_flags(plan, metric, size)
        window = orders.month_slice(month)
        promoter, base = orders.promoter[window], orders.base[window]
        self_purchase = orders.self_purchase[window]
        tally.orders_by_month[month] = promoter.size
        tally.base_by_month[month] = int(base.sum())
        _price_month(tally, month, batch, label_index, network=network, ranks=ranks, active=active,
                     promoter=promoter, base=base, self_purchase=self_purchase)
        # Period rules on the month's volume (compression and caps never apply to them).
        volume = _sum_by(promoter, base, size)
        self_volume = _sum_by(promoter[self_purchase], base[self_purchase], size)
        for label, amounts in period_rule_payouts(plan, parent=network.parent, levels=levels, members=joined,
                                                  ranks=ranks, volume=volume, self_volume=self_volume):
            tally.earnings += amounts
            paid = int(amounts.sum())
            tally.payout_by_month[month, label_index[label]] += paid
            tally.period_total += paid
        _pay_recruiting(tally, month, plan, label_index, network)
        history.record(promoter=promoter, base=base, self_purchase=self_purchase)
        if on_month is not None:
            on_month(month)

    final_rank = evaluate_ranks(plan, metric, size) if months else ranks
    profile, findings = plan_findings(plan)
    return SimulationResult(
        plan_id=plan.id, currency=plan.currency, profile=profile, rank_ids=plan.rank_ids, labels=labels,
        promoters=size, months=months,
        seed=world.params.seed, orders=orders.size, refunded=int(np.count_nonzero(orders.base == 0)),
        orders_by_month=tally.orders_by_month, base_by_month=tally.base_by_month,
        payout_by_month=tally.payout_by_month, earnings=tally.earnings, final_rank=final_rank,
        own_sales=tally.own, downline_sales=tally.downline, period_total=tally.period_total,
        recruiting_total=tally.recruiting_total, findings=findings,
    )


def _price_month(tally: _Tally, month: int, batch: BatchPlan, label_index: dict[str, int], *, network: Network,
                 ranks: np.ndarray, active: np.ndarray, promoter: np.ndarray, base: np.ndarray,
                 self_purchase: np.ndarray) -> None:
    """The month's per-order rules: refunded orders (B = 0) can pay nothing and are left out."""
    paying = base > 0
    next_up = compressed_parents(network.parent, active) if batch.compression else network.parent
    priced = price_orders(batch, parent=network.parent, rank=ranks, promoter=promoter[paying],
                          base=base[paying], self_purchase=self_purchase[paying], next_up=next_up)
    if priced.amount.size:
        columns = np.array([label_index[label] for label in batch.labels], dtype=np.int64)
        np.add.at(tally.earnings, priced.promoter, priced.amount)
        np.add.at(tally.payout_by_month[month], columns, priced.rule_totals)
        own_part = int(priced.amount[priced.level == 0].sum())
        tally.own += own_part
        tally.downline += int(priced.amount.sum()) - own_part


def _pay_recruiting(tally: _Tally, month: int, plan: Plan, label_index: dict[str, int], network: Network) -> None:
    """recruit_bonus (拉人头): paid to each sponsor per promoter recruited through an invite this month."""
    recruit_rules = [(label_index[r.label], _minor(amount)) for r in plan.rules
                     if (amount := r.signup_amount()) is not None]
    if not recruit_rules:
        return
    recruits = (network.join_month == month) & (network.parent >= 0) & ~network.placed
    per_sponsor = np.bincount(network.parent[recruits], minlength=network.size).astype(np.int64)
    for column, amount in recruit_rules:
        tally.earnings += per_sponsor * amount
        tally.payout_by_month[month, column] += int(per_sponsor.sum()) * amount
        tally.recruiting_total += int(per_sponsor.sum()) * amount


def _minor(amount: Decimal) -> int:
    """An amount in 元 to whole 分, rounded down (what rounding leaves stays with the platform)."""
    return int((amount * 100).to_integral_value(rounding=ROUND_DOWN))


def _sum_by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    total = np.zeros(size, dtype=np.int64)
    np.add.at(total, index, values)
    return total
