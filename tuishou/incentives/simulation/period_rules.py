"""Vectorised period rules (团队业绩奖, 分红池) for the simulator.

Gives, for whole arrays of promoters at once, exactly what ``periods.period_payouts`` gives for
mappings (tested equal). Volumes are integer minor units; the plan's rates come from the plan's
compiled form (integers over ``denominator``), and each rule type settles itself
(``PeriodRule.pay_period_arrays``).
"""

from __future__ import annotations

import numpy as np

from tuishou.incentives.engine.plan import Plan
from tuishou.incentives.engine.rules.context import PeriodArrays
from tuishou.incentives.simulation.network import subtree_sums


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
    period = PeriodArrays(parent=parent, members=members, ranks=ranks, volume=volume, self_volume=self_volume,
                          denominator=compiled.denominator,
                          subtree=lambda values: subtree_sums(parent, levels, values))
    return [(step.label, step.rule.pay_period_arrays(step.data, period)) for step in compiled.period_rules]
