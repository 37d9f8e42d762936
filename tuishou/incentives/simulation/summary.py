"""The JSON summary of a simulation (``tuishou plan simulate --json``).

The HTML report is rendered from this same dictionary, so every figure the report shows is the
summary's figure, formatted the same way.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from tuishou.incentives.simulation import stats

if TYPE_CHECKING:
    from tuishou.incentives.simulation.runner import SimulationResult


def build_summary(result: SimulationResult) -> dict[str, Any]:
    """Figures of one simulated plan: the spec's keys, then the details the report draws."""
    base_total = int(sum(result.base_by_month))
    by_rule_minor = result.payout_by_month.sum(axis=0) if result.months else np.zeros(len(result.labels))
    payout_total = int(by_rule_minor.sum())
    earnings = result.earnings
    return {
        "plan": result.plan_id,
        "promoters": result.promoters,
        "months": result.months,
        "orders": result.orders,
        "base_total": stats.money_str(base_total),
        "payout_total": stats.money_str(payout_total),
        "payout_ratio": stats.ratio_str(payout_total, base_total),
        "by_rule": {label: stats.money_str(int(v)) for label, v in zip(result.labels, by_rule_minor, strict=True)},
        "gini": stats.gini(earnings),
        "zero_earner_share": stats.zero_earner_share(earnings),
        "disclosure": stats.income_disclosure(earnings, result.final_rank, result.rank_ids),
        "findings": list(result.findings),
        # Details beyond the spec's minimum.
        "currency": result.currency,
        "profile": result.profile,
        "seed": result.seed,
        "refunded_orders": result.refunded,
        "payout_ratio_by_rule": {
            label: stats.ratio_str(int(v), base_total) for label, v in zip(result.labels, by_rule_minor, strict=True)
        },
        "by_month": [
            {
                "month": month + 1,
                "orders": int(result.orders_by_month[month]),
                "base": stats.money_str(int(result.base_by_month[month])),
                "payout": stats.money_str(int(result.payout_by_month[month].sum())),
                "payout_ratio": stats.ratio_str(int(result.payout_by_month[month].sum()),
                                                int(result.base_by_month[month])),
                "by_rule": {
                    label: stats.money_str(int(v))
                    for label, v in zip(result.labels, result.payout_by_month[month], strict=True)
                },
            }
            for month in range(result.months)
        ],
        "earnings_source": {
            "own_sales": stats.money_str(result.own_sales),
            "downline_sales": stats.money_str(result.downline_sales),
            "period_rules": stats.money_str(result.period_total),
            "recruiting": stats.money_str(result.recruiting_total),
        },
        "lorenz": [list(point) for point in stats.lorenz_points(earnings)],
        "ranks_final": {
            rank_id: int(np.count_nonzero(result.final_rank == index)) for index, rank_id in enumerate(result.rank_ids)
        },
    }


def with_comparison(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The first plan's summary with the second's under ``compare`` (same network, same orders)."""
    return {**first, "compare": second}


def dumps(summary: dict[str, Any]) -> str:
    """The summary as JSON text: UTF-8 names kept readable, keys in a stable order."""
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
