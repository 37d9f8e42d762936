"""Qualification tests (晋级条件) of a plan: one metric over a window, or all:/any: of tests.

The data (`MetricTest`, `AllOf`, `AnyOf`), how a document writes them (`read_test`, `dump_test`) and
the metric names. Evaluating a test is ``qualify.passes``; the simulator has a vectorised twin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tuishou.incentives.engine.errors import PlanError
from tuishou.incentives.engine.reader import Reader, join

VOLUME_METRICS = ("personal_volume", "team_volume", "personal_orders")
COUNT_METRICS = ("personal_orders", "direct_promoters", "active_directs", "legs_at_rank")
METRICS = ("personal_volume", "team_volume", "personal_orders", "direct_promoters", "active_directs",
           "legs_at_rank", "bought")


@dataclass(frozen=True, slots=True)
class MetricTest:
    """One metric over a trailing window: value(metric, params) >= min (``bought``: >= amount)."""

    metric: str
    min: Decimal | None = None
    days: int | None = None
    count_self: bool | None = None  # volume metrics only; None elsewhere
    rank: str | None = None  # legs_at_rank only
    amount: Decimal | None = None  # bought only

    def params(self) -> dict[str, Any]:
        """The parameters handed to the platform's metric lookup."""
        params: dict[str, Any] = {"days": self.days}
        if self.count_self is not None:
            params["count_self"] = self.count_self
        if self.rank is not None:
            params["rank"] = self.rank
        return params

    @property
    def threshold(self) -> Decimal:
        """The value the metric must reach."""
        return self.amount if self.metric == "bought" else self.min  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every test must pass."""

    tests: tuple[Test, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one test must pass."""

    tests: tuple[Test, ...]


Test = MetricTest | AllOf | AnyOf


def read_test(reader: Reader, value: Any, path: str) -> Test:
    """A test as the document writes it (``{personal_volume: {min: "1.00", days: 365}}``, ``{all: [...]}``)."""
    if not isinstance(value, Mapping) or len(value) != 1:
        raise PlanError(path, "expected one metric test, or all:/any: with a list of tests")
    ((key, spec),) = value.items()
    sub = join(path, str(key))
    if key in ("all", "any"):
        if not isinstance(spec, list | tuple) or not spec:
            raise PlanError(sub, "expected a non-empty list of tests")
        tests = tuple(read_test(reader, t, f"{sub}[{i}]") for i, t in enumerate(spec))
        return AllOf(tests) if key == "all" else AnyOf(tests)
    if key not in METRICS:
        raise PlanError(sub, f"unknown metric (expected one of: {', '.join(METRICS)}, all, any)")
    if key == "bought":
        spec = reader.mapping(spec, sub, ("amount", "days"), ("amount",))
        return MetricTest("bought", amount=reader.decimal(spec["amount"], f"{sub}.amount"),
                          days=reader.days(spec, sub))
    allowed = ("min", "days")
    if key in VOLUME_METRICS:
        allowed += ("count_self",)
    if key == "legs_at_rank":
        allowed += ("rank",)
    spec = reader.mapping(spec, sub, allowed, ("min", "rank") if key == "legs_at_rank" else ("min",))
    minimum = (Decimal(reader.integer(spec["min"], f"{sub}.min")) if key in COUNT_METRICS
               else reader.decimal(spec["min"], f"{sub}.min"))
    return MetricTest(
        key,
        min=minimum,
        days=reader.days(spec, sub),
        count_self=(reader.boolean(spec.get("count_self", True), f"{sub}.count_self")
                    if key in VOLUME_METRICS else None),
        rank=reader.rank(spec["rank"], f"{sub}.rank") if key == "legs_at_rank" else None,
    )


def dump_test(test: Test) -> dict[str, Any]:
    """A test as the document writes it; ``read_test`` reads it back into an equal test."""
    if isinstance(test, AllOf):
        return {"all": [dump_test(t) for t in test.tests]}
    if isinstance(test, AnyOf):
        return {"any": [dump_test(t) for t in test.tests]}
    spec: dict[str, Any] = {}
    if test.metric == "bought":
        spec["amount"] = str(test.amount)
    elif test.metric in COUNT_METRICS:
        spec["min"] = int(test.min)  # type: ignore[arg-type]
    else:
        spec["min"] = str(test.min)
    if test.rank is not None:
        spec["rank"] = test.rank
    if test.days is not None:
        spec["days"] = test.days
    if test.count_self is not None:
        spec["count_self"] = test.count_self
    return {test.metric: spec}
