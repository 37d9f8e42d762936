"""Rank qualification (晋级) and activity for compression, over metrics the caller provides.

The engine does not know orders or the sponsor tree: the platform (or the simulator) passes a
``lookup(metric, params)`` callable returning the metric's value for the promoter being evaluated.
Metrics: ``personal_volume``, ``team_volume``, ``personal_orders``, ``direct_promoters``,
``active_directs``, ``legs_at_rank``, ``bought``. `params` always holds ``days`` (the trailing
window; None for all time), plus ``count_self`` for volume metrics and ``rank`` for legs_at_rank.
A test passes when the value is at least its ``min`` (``amount`` for ``bought``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from tuishou.incentives.engine.conditions import AllOf, AnyOf, MetricTest, Test
from tuishou.incentives.engine.plan import Plan

Lookup = Callable[[str, Mapping[str, Any]], Decimal | int]


def passes(test: Test, lookup: Lookup) -> bool:
    """Whether a qualification test passes for the promoter behind `lookup`."""
    if isinstance(test, AllOf):
        return all(passes(t, lookup) for t in test.tests)
    if isinstance(test, AnyOf):
        return any(passes(t, lookup) for t in test.tests)
    return lookup(test.metric, test.params()) >= test.threshold


def _memoised(lookup: Lookup) -> Lookup:
    seen: dict[tuple[str, tuple[tuple[str, Any], ...]], Decimal | int] = {}

    def cached(metric: str, params: Mapping[str, Any]) -> Decimal | int:
        key = (metric, tuple(sorted(params.items())))
        if key not in seen:
            seen[key] = lookup(metric, params)
        return seen[key]

    return cached


def evaluate_rank(plan: Plan, lookup: Lookup) -> str:
    """The id of the highest rank the promoter qualifies for.

    Ranks are tested highest first and the first whose ``qualify`` passes wins; the lowest rank is
    the answer when none does. A rank other than the lowest that has no ``qualify`` is never
    reached by evaluation: an operator assigns it by hand. Each metric is looked up once.
    """
    lookup = _memoised(lookup)
    for rank in reversed(plan.ranks[1:]):
        if rank.qualify is not None and passes(rank.qualify, lookup):
            return rank.id
    return plan.ranks[0].id


def is_active(plan: Plan, lookup: Lookup) -> bool:
    """Whether the promoter counts as active for compression (缩层) — ``compression.active_if``.

    Without compression, activity is ignored and every promoter is active.
    """
    if plan.compression is None:
        return True
    return passes(plan.compression.active_if, lookup)


def metric_tests(test: Test | None) -> Iterator[MetricTest]:
    """Every metric test inside a test, depth first."""
    if test is None:
        return
    if isinstance(test, AllOf | AnyOf):
        for sub in test.tests:
            yield from metric_tests(sub)
    else:
        yield test
