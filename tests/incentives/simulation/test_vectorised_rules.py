"""Vectorised rank evaluation, activity and period rules equal the scalar engine's."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from tuishou.incentives.engine.periods import period_payouts
from tuishou.incentives.engine.plan import load_plan
from tuishou.incentives.engine.qualify import evaluate_rank, is_active
from tuishou.incentives.simulation.metrics import (
    MetricHistory,
    active_flags,
    evaluate_ranks,
    metric_reader,
    scalar_lookup,
)
from tuishou.incentives.simulation.network import NetworkParams, depth_levels, generate_network
from tuishou.incentives.simulation.orders import OrderParams, generate_orders
from tuishou.incentives.simulation.period_rules import period_rule_payouts

QUALIFY_PLAN = {
    "id": "every-metric",
    "ranks": [
        {"id": "member"},
        {"id": "buyer", "qualify": {"bought": {"amount": "40.00", "days": 30}}},
        {"id": "shopkeeper", "qualify": {"any": [
            {"personal_volume": {"min": "60.00", "days": 60, "count_self": False}},
            {"personal_orders": {"min": 6}},
        ]}},
        {"id": "operator"},  # assigned by hand only
        {"id": "mentor", "qualify": {"all": [
            {"team_volume": {"min": "150.50", "days": 90}},
            {"active_directs": {"min": 2, "days": 30}},
            {"direct_promoters": {"min": 2}},
        ]}},
        {"id": "partner", "qualify": {"all": [
            {"legs_at_rank": {"rank": "shopkeeper", "min": 2}},
            {"team_volume": {"min": "300", "days": 365, "count_self": False}},
            {"direct_promoters": {"min": 1, "days": 60}},
            {"personal_orders": {"min": 1, "days": 30, "count_self": False}},
        ]}},
    ],
    "compression": {"active_if": {"any": [{"personal_orders": {"min": 2, "days": 30}},
                                          {"personal_volume": {"min": "30.00", "days": 30}}]}},
    "rules": [{"type": "direct", "rate": "0.1"}],
}


def history_after(months: int, seed: int = 3) -> tuple[MetricHistory, int]:
    rng = np.random.default_rng(seed)
    network = generate_network(NetworkParams(promoters=2_000, months=months), rng)
    orders = generate_orders(network, months, OrderParams(orders_per_active=3.0), rng)
    history = MetricHistory(parent=network.parent, levels=depth_levels(network.depth),
                            join_month=network.join_month, recruited=(network.parent >= 0) & ~network.placed)
    for month in range(months):
        window = orders.month_slice(month)
        history.record(promoter=orders.promoter[window], base=orders.base[window],
                       self_purchase=orders.self_purchase[window])
    history.set_ranks(rng.integers(0, 6, size=network.size).astype(np.int8))
    return history, network.size


def test_vectorised_rank_evaluation_equals_evaluate_rank_for_every_promoter():
    # given three months of synthetic history and a plan using every metric
    plan = load_plan(QUALIFY_PLAN)
    history, size = history_after(3)
    metric = metric_reader(plan, history)
    # when ranks are evaluated for everyone at once
    ranks = evaluate_ranks(plan, metric, size)
    # then each equals the scalar evaluation over the same metrics
    expected = [plan.rank_index(evaluate_rank(plan, scalar_lookup(metric, i))) for i in range(size)]
    assert ranks.tolist() == expected
    # and the test is not trivial: several ranks are reached, never the hand-assigned one
    assert len(set(expected)) >= 4
    assert 3 not in expected


def test_vectorised_activity_equals_is_active_for_every_promoter():
    plan = load_plan(QUALIFY_PLAN)
    history, size = history_after(2)
    metric = metric_reader(plan, history)
    flags = active_flags(plan, metric, size)
    expected = [is_active(plan, scalar_lookup(metric, i)) for i in range(size)]
    assert flags.tolist() == expected
    assert 0 < sum(expected) < size


def test_metrics_on_a_hand_built_history():
    # given 0 ← 1 ← 2 and 0 ← 3, where 3 was placed by a mentor, and two months of orders
    parent = np.array([-1, 0, 1, 0])
    history = MetricHistory(parent=parent, levels=depth_levels(np.array([0, 1, 2, 1])),
                            join_month=np.array([0, 0, 1, 1], dtype=np.int16),
                            recruited=np.array([False, True, True, False]))
    history.record(promoter=np.array([1, 1, 0]), base=np.array([1000, 0, 500]),
                   self_purchase=np.array([True, False, False]))
    history.record(promoter=np.array([2, 2, 3]), base=np.array([300, 200, 700]),
                   self_purchase=np.array([False, True, True]))
    history.set_ranks(np.array([0, 0, 2, 1], dtype=np.int8))

    def m(name, **params):
        return history.metric(name, {"days": params.pop("days", None), **params}).tolist()

    # then volumes are in 分 over the window, self-purchases counted unless count_self is false
    assert m("personal_volume") == [500, 1000, 500, 700]
    assert m("personal_volume", days=30) == [0, 0, 500, 700]
    assert m("personal_volume", count_self=False) == [500, 0, 300, 0]
    assert m("team_volume") == [2700, 1500, 500, 700]
    assert m("team_volume", days=30, count_self=False) == [300, 300, 300, 0]
    # and a refunded order (B = 0) is not an order
    assert m("personal_orders") == [1, 1, 2, 1]
    assert m("bought") == [0, 1000, 200, 700]
    # and 3, placed by a mentor, is not 0's recruit; 2 joined this month
    assert m("direct_promoters") == [1, 1, 0, 0]
    assert m("direct_promoters", days=30) == [0, 1, 0, 0]
    assert m("active_directs", days=30) == [1, 1, 0, 0]
    assert m("legs_at_rank", rank_index=1) == [2, 1, 0, 0]
    assert m("legs_at_rank", rank_index=2) == [1, 1, 0, 0]


PERIOD_PLAN = {
    "id": "periods",
    "ranks": [{"id": "member"}, {"id": "leader"}, {"id": "director"}],
    "rules": [
        {"type": "team_volume", "id": "tv_all", "schedule": [
            {"min": "5", "rate": "0.02"}, {"min": "100", "rate": "0.035"}, {"min": "1000.005", "rate": "0.05"}]},
        {"type": "team_volume", "id": "tv_own_sales", "count_self": False, "schedule": [
            {"min": "0", "rate": "0.01"}, {"min": "50", "rate": "0.03"}]},
        {"type": "pool", "id": "pool_equal", "share": "0.013", "min_rank": "leader"},
        {"type": "pool", "id": "pool_volume", "share": "0.0071", "min_rank": "director", "split": "by_volume"},
    ],
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_period_rules_equal_period_payouts(seed):
    # given a synthetic network of 400 promoters, 350 of them in the community, with volumes and ranks
    plan = load_plan(PERIOD_PLAN)
    rng = np.random.default_rng(seed)
    network = generate_network(NetworkParams(promoters=400, months=4), rng)
    members = network.join_month <= 2
    volume = np.where(members & (rng.random(400) < 0.6), rng.integers(1, 200_000, size=400), 0)
    self_volume = np.where(rng.random(400) < 0.3, volume // 3, 0)
    ranks = np.where(members, rng.integers(0, 3, size=400), 0).astype(np.int8)
    # when the period rules are settled both ways
    vectorised = period_rule_payouts(plan, parent=network.parent, levels=depth_levels(network.depth),
                                     members=members, ranks=ranks, volume=volume, self_volume=self_volume)
    ids = [f"p{i}" for i in range(400)]
    scalar = period_payouts(
        plan, period="2026-10",
        sponsors={ids[i]: (ids[network.parent[i]] if network.parent[i] >= 0 else None)
                  for i in range(400) if members[i]},
        ranks={ids[i]: int(ranks[i]) for i in range(400) if members[i]},
        personal_volume={ids[i]: Decimal(int(volume[i])).scaleb(-2) for i in range(400) if members[i]},
        self_purchase_volume={ids[i]: Decimal(int(self_volume[i])).scaleb(-2) for i in range(400) if members[i]},
    )
    # then every promoter gets the same amount under every rule
    expected = {(p.promoter, p.rule): p.amount for p in scalar}
    actual = {(ids[i], label): Decimal(int(amounts[i])).scaleb(-2)
              for label, amounts in vectorised for i in np.flatnonzero(amounts)}
    assert actual == expected
    assert {rule for _, rule in expected} == {"tv_all", "tv_own_sales", "pool_equal", "pool_volume"}
