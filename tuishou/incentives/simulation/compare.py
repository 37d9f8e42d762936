"""Two plans on the same synthetic network and the same orders (方案对比)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tuishou.incentives.engine.plan import Plan
from tuishou.incentives.simulation.runner import SimulationParams, build_world, run_plan
from tuishou.incentives.simulation.summary import build_summary, with_comparison


def simulate(plan: Plan, params: SimulationParams, *, other: Plan | None = None,
             on_month: Callable[[int], None] | None = None) -> dict[str, Any]:
    """The summary of ``plan`` on data generated from ``params``; with ``other``, its summary under ``compare``.

    Both plans see the very same network and orders, so every difference comes from the plans.
    """
    world = build_world(params)
    summary = build_summary(run_plan(plan, world, on_month=on_month))
    if other is None:
        return summary
    return with_comparison(summary, build_summary(run_plan(other, world, on_month=on_month)))
