"""Statistics of a simulated earnings distribution (收入分布).

Amounts come in as integer minor units (分) and leave as ``Decimal`` with two places. Statistics
that are not payouts (means, medians, ratios) are rounded half-even, not down: they describe money,
they do not move it. Shares and the Gini coefficient are floats rounded to four places.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import numpy as np

CENT = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")


def minor_to_decimal(minor: int | Fraction) -> Decimal:
    """Minor units (possibly a fraction of one, for a mean) to a two-place ``Decimal``, half-even."""
    if isinstance(minor, Fraction):
        exact = Decimal(minor.numerator) / Decimal(minor.denominator)
    else:
        exact = Decimal(int(minor))
    return (exact / 100).quantize(CENT, rounding=ROUND_HALF_EVEN)


def money_str(minor: int | Fraction) -> str:
    """Minor units as the summary's amount string (``"12.34"``)."""
    return str(minor_to_decimal(minor))


def ratio_str(numerator: int, denominator: int) -> str:
    """``numerator / denominator`` as a four-place decimal string; ``"0.0000"`` when nothing is divided."""
    if denominator == 0:
        return "0.0000"
    exact = Decimal(int(numerator)) / Decimal(int(denominator))
    return str(exact.quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN))


def gini(earnings: np.ndarray | Sequence[int]) -> float:
    """Gini coefficient of the earnings (0 = everyone earns the same, → 1 = one earns everything).

    ``G = 2 Σ i·x_(i) / (n Σ x) − (n + 1) / n`` over the values sorted ascending, ``i`` from 1;
    0 when nobody earns anything. Rounded to four places.
    """
    values = np.sort(np.asarray(earnings, dtype=np.int64))
    n = values.size
    total = int(values.sum())
    if n == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=np.float64)
    weighted = float(np.dot(ranks, values.astype(np.float64)))
    return round(2.0 * weighted / (n * total) - (n + 1) / n, 4)


def lorenz_points(earnings: np.ndarray | Sequence[int], points: int = 20) -> list[tuple[float, float]]:
    """Points of the Lorenz curve: (share of promoters, share of all earnings they hold), poorest first.

    ``points + 1`` points at population shares ``j / n`` with ``j = k·n // points``; with no
    earnings at all the curve is the diagonal.
    """
    values = np.sort(np.asarray(earnings, dtype=np.int64))
    n = values.size
    if n == 0:
        return [(0.0, 0.0), (1.0, 1.0)]
    cumulative = np.concatenate([[0], np.cumsum(values)])
    total = int(cumulative[-1])
    result = []
    for k in range(points + 1):
        j = (k * n) // points
        population = round(j / n, 4)
        income = population if total == 0 else round(int(cumulative[j]) / total, 4)
        result.append((population, income))
    return result


def zero_earner_share(earnings: np.ndarray | Sequence[int]) -> float:
    """Share of promoters who earned nothing at all, rounded to four places."""
    values = np.asarray(earnings, dtype=np.int64)
    if values.size == 0:
        return 0.0
    return round(float(np.count_nonzero(values == 0)) / values.size, 4)


def median_minor(sorted_values: np.ndarray) -> Fraction:
    """Median of values sorted ascending: the middle one, or the mean of the two middle ones."""
    n = sorted_values.size
    if n == 0:
        return Fraction(0)
    if n % 2:
        return Fraction(int(sorted_values[n // 2]))
    return Fraction(int(sorted_values[n // 2 - 1]) + int(sorted_values[n // 2]), 2)


def percentile_minor(sorted_values: np.ndarray, percent: int) -> int:
    """Nearest-rank percentile: the smallest value with at least ``percent``% of values at or below it."""
    n = sorted_values.size
    if n == 0:
        return 0
    position = max(-(-percent * n // 100), 1)  # ceil(percent·n / 100), at least the first
    return int(sorted_values[position - 1])


def income_disclosure(
    earnings: np.ndarray, rank_index: np.ndarray, rank_ids: Sequence[str]
) -> list[dict[str, object]]:
    """Income disclosure by rank (收入披露): count, median, mean and 90th percentile of earnings.

    One row per rank of the plan, lowest first, including ranks nobody holds (all figures 0).
    """
    rows: list[dict[str, object]] = []
    earnings = np.asarray(earnings, dtype=np.int64)
    rank_index = np.asarray(rank_index)
    for index, rank_id in enumerate(rank_ids):
        values = np.sort(earnings[rank_index == index])
        count = int(values.size)
        mean = Fraction(int(values.sum()), count) if count else Fraction(0)
        rows.append({
            "rank": rank_id,
            "count": count,
            "median": money_str(median_minor(values)),
            "mean": money_str(mean),
            "p90": money_str(percentile_minor(values, 90)),
        })
    return rows
