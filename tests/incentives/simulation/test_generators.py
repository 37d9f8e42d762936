"""The synthetic network and order generators."""

from __future__ import annotations

import numpy as np

from tuishou.incentives.simulation.network import NEVER, NetworkParams, depth_levels, generate_network, subtree_sums
from tuishou.incentives.simulation.orders import OrderParams, generate_orders


def small_network(seed: int = 5):
    return generate_network(NetworkParams(promoters=2_000, months=6), np.random.default_rng(seed))


def test_network_has_exactly_the_promoters_asked_for_sponsors_joining_first():
    # when a network of 2,000 promoters over 6 months is generated
    network = small_network()
    # then it has 2,000 promoters, each sponsor joined before (a smaller index, an earlier month)
    assert network.size == 2_000
    child = np.flatnonzero(network.parent >= 0)
    assert (network.parent[child] < child).all()
    later = child[network.join_month[child] > 0]  # in month 0, the founders' recruits join with them
    assert (network.join_month[network.parent[later]] < network.join_month[later]).all()
    assert (np.diff(network.join_month) >= 0).all()
    # and the month-end totals grow linearly to the target
    assert [network.joined_by(m) for m in range(6)] == [333, 667, 1000, 1333, 1667, 2000]


def test_network_depth_matches_the_sponsor_links():
    network = small_network()
    child = np.flatnonzero(network.parent >= 0)
    assert (network.depth[child] == network.depth[network.parent[child]] + 1).all()
    assert (network.depth[network.parent < 0] == 0).all()


def test_churn_happens_after_joining_and_placed_promoters_have_a_sponsor():
    network = small_network()
    churned = network.churn_month != NEVER
    assert churned.any()
    assert (network.churn_month[churned] > network.join_month[churned]).all()
    assert (network.parent[network.placed] >= 0).all()


def test_same_seed_same_network_other_seed_other_network():
    first, again, other = small_network(5), small_network(5), small_network(6)
    assert np.array_equal(first.parent, again.parent)
    assert np.array_equal(first.churn_month, again.churn_month)
    assert not np.array_equal(first.parent, other.parent)


def test_subtree_sums_add_everyone_below():
    # given 0 ← 1 ← 2 and 0 ← 3
    parent = np.array([-1, 0, 1, 0])
    depth = np.array([0, 1, 2, 1])
    # then each total is the promoter's value plus its subtree's
    assert subtree_sums(parent, depth_levels(depth), np.array([1, 10, 100, 1000])).tolist() == [1111, 110, 100, 1000]


def test_orders_come_from_present_promoters_sorted_by_month():
    # given a network and its orders
    network = small_network()
    orders = generate_orders(network, 6, OrderParams(), np.random.default_rng(1))
    # then orders are sorted by month and credited to promoters present that month
    assert orders.size > 0
    assert (np.diff(orders.month) >= 0).all()
    for month in range(6):
        window = orders.month_slice(month)
        assert network.present(month)[orders.promoter[window]].all()
    # and refunded orders have B = 0 after refunds, the others their gross base (≥ 1 分)
    refunded = orders.base == 0
    assert 0 < refunded.mean() < 0.2
    assert (orders.base[~refunded] == orders.gross[~refunded]).all()
    assert (orders.gross >= 1).all()
    assert 0.2 < orders.self_purchase.mean() < 0.4
