"""Statistics of an earnings distribution: exact values on known lists."""

from __future__ import annotations

import numpy as np

from tuishou.incentives.simulation.stats import gini, income_disclosure, lorenz_points, ratio_str, zero_earner_share


def test_gini_of_known_lists():
    # given lists whose Gini coefficient is known: G = 2 Σ i x_(i) / (n Σ x) − (n + 1) / n
    # then
    assert gini([0, 0, 0, 1]) == 0.75
    assert gini([1, 2, 3, 4]) == 0.25
    assert gini([5, 5, 5, 5]) == 0.0
    assert gini([4, 1, 3, 2]) == 0.25  # order does not matter


def test_gini_of_nobody_or_no_earnings_is_zero():
    assert gini([]) == 0.0
    assert gini([0, 0, 0]) == 0.0


def test_lorenz_points_of_known_lists():
    # given four promoters, one earning everything
    # then the poorest 75% hold nothing
    assert lorenz_points([0, 0, 0, 1], points=4) == [(0.0, 0.0), (0.25, 0.0), (0.5, 0.0), (0.75, 0.0), (1.0, 1.0)]
    # and with earnings 1, 2, 3, 4 the cumulative shares are 1/10, 3/10, 6/10
    assert lorenz_points([4, 3, 2, 1], points=4) == [(0.0, 0.0), (0.25, 0.1), (0.5, 0.3), (0.75, 0.6), (1.0, 1.0)]


def test_lorenz_curve_without_earnings_is_the_line_of_equality():
    assert lorenz_points([0, 0], points=2) == [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)]


def test_zero_earner_share():
    assert zero_earner_share([0, 0, 0, 1]) == 0.75
    assert zero_earner_share([0, 7, 0]) == 0.6667
    assert zero_earner_share([]) == 0.0


def test_income_disclosure_of_a_known_list():
    # given earnings in 分 and rank indexes for five promoters
    earnings = np.array([0, 100, 250, 1000, 5])
    ranks = np.array([0, 0, 1, 1, 0])
    # when disclosed by rank
    rows = income_disclosure(earnings, ranks, ("member", "shopkeeper", "mentor"))
    # then count, median, mean and nearest-rank 90th percentile per rank, in 元
    assert rows == [
        {"rank": "member", "count": 3, "median": "0.05", "mean": "0.35", "p90": "1.00"},
        {"rank": "shopkeeper", "count": 2, "median": "6.25", "mean": "6.25", "p90": "10.00"},
        {"rank": "mentor", "count": 0, "median": "0.00", "mean": "0.00", "p90": "0.00"},
    ]


def test_disclosure_statistics_round_half_even_to_the_cent():
    # given two promoters earning 0.01 and 0.02: the median and mean are 0.015
    rows = income_disclosure(np.array([1, 2]), np.array([0, 0]), ("member",))
    # then they are shown as 0.02 (half-even), the 90th percentile as 0.02
    assert rows == [{"rank": "member", "count": 2, "median": "0.02", "mean": "0.02", "p90": "0.02"}]


def test_ratio_is_a_four_place_decimal_string():
    assert ratio_str(1, 3) == "0.3333"
    assert ratio_str(2, 3) == "0.6667"
    assert ratio_str(5, 0) == "0.0000"
