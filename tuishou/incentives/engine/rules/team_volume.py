"""``team_volume`` (团队业绩奖): a monthly rate by group volume, paid on PV and on the gap over each leg.

PV(u) = Σ B of orders credited to u in the period; GV(u) = PV(u) + Σ GV(c) over u's direct downlines;
r(u) = the schedule's rate for the largest ``min`` ≤ GV(u) (0 below the smallest). u gets
r(u) × PV(u) + Σ_c max(0, r(u) − r(c)) × GV(c), rounded down once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any, ClassVar, NamedTuple, Self

import numpy as np

from tuishou.incentives.engine.errors import PlanError
from tuishou.incentives.engine.reader import Reader
from tuishou.incentives.engine.rules.base import PeriodRule
from tuishou.incentives.engine.rules.context import PeriodArrays, PeriodVolumes, RankFacts, Scale


@dataclass(frozen=True, slots=True)
class ScheduleStep:
    """A team-volume schedule step: GV ≥ min earns rate."""

    min: Decimal
    rate: Decimal


class _Compiled(NamedTuple):
    mins: tuple[Decimal, ...]
    rates: tuple[int, ...]  # over the plan's denominator
    count_self: bool


@dataclass(frozen=True)
class TeamVolumeRule(PeriodRule):
    """团队业绩奖: monthly rate by group volume, paid on PV and on the gap over each direct leg."""

    type: ClassVar[str] = "team_volume"
    fields: ClassVar[tuple[str, ...]] = ("period", "schedule", "count_self")
    required: ClassVar[tuple[str, ...]] = ("schedule",)
    schedule: tuple[ScheduleStep, ...]
    period: str = "month"
    count_self: bool = True

    @classmethod
    def read(cls, reader: Reader, item: Mapping[str, Any], path: str, rule_id: str | None) -> Self:
        return cls(
            id=rule_id,
            period=reader.choice(item.get("period", "month"), f"{path}.period", ("month",)),
            schedule=_read_schedule(reader, item["schedule"], f"{path}.schedule"),
            count_self=reader.boolean(item.get("count_self", True), f"{path}.count_self"),
        )

    def dump_fields(self) -> dict[str, Any]:
        return {"period": self.period, "count_self": self.count_self,
                "schedule": [{"min": str(s.min), "rate": str(s.rate)} for s in self.schedule]}

    def decimals(self) -> list[Decimal]:
        return [step.rate for step in self.schedule]

    def volume_thresholds(self) -> list[Decimal]:
        return [step.min for step in self.schedule]

    def compile(self, scale: Scale) -> _Compiled:
        return _Compiled(tuple(s.min for s in self.schedule), tuple(scale.whole(s.rate) for s in self.schedule),
                         self.count_self)

    # -- compliance facts
    @property
    def counts_self_purchases(self) -> bool:
        return self.count_self

    def paid_ranks(self, ranks: RankFacts) -> set[int]:
        return ranks.everyone() if any(s.rate for s in self.schedule) else set()

    def upline_ranks(self, ranks: RankFacts) -> set[int]:
        rates = {s.rate for s in self.schedule}
        if self.schedule[0].min > 0:
            rates.add(Decimal(0))  # below the smallest min the rate is 0
        return ranks.everyone() if len(rates) > 1 else set()

    # -- payouts
    def pay_period(self, data: _Compiled, period: PeriodVolumes) -> dict[str, int]:
        mins = [int(m * period.scale) for m in data.mins]
        if data.count_self:
            pv = period.pv
            gv = period.group_volume()
        else:
            pv = {pid: v - period.self_pv.get(pid, 0) for pid, v in period.pv.items()}
            gv = period.group_volume(pv)
        rates = data.rates
        # A GV below the smallest min earns rate 0.
        rate_of = {pid: (rates[i - 1] if (i := bisect_right(mins, g)) else 0) for pid, g in gv.items()}
        numerators = {pid: rate_of[pid] * pv[pid] for pid in period.order}
        for pid in period.order:
            sponsor = period.sponsors[pid]
            if sponsor is not None:
                gap = rate_of[sponsor] - rate_of[pid]
                if gap > 0:
                    numerators[sponsor] += gap * gv[pid]
        return {pid: numerator * 100 // period.to_fen for pid, numerator in numerators.items()}

    def pay_period_arrays(self, data: _Compiled, period: PeriodArrays) -> np.ndarray:
        if data.count_self:
            pv, gv = period.volume, period.group_volume()
        else:
            pv = period.volume - period.self_volume
            gv = period.subtree(pv)
        # A GV (integer 分) reaches a min (in 元) when GV ≥ ceil(min × 100).
        thresholds = np.array([int((m * 100).to_integral_value(rounding=ROUND_CEILING)) for m in data.mins],
                              dtype=np.int64)
        rate_table = np.array([0, *data.rates], dtype=np.int64)
        rate = rate_table[np.searchsorted(thresholds, gv, side="right")]
        numerator = rate * pv
        parent = period.parent
        child = np.flatnonzero(parent >= 0)
        gap = np.maximum(rate[parent[child]] - rate[child], 0) * gv[child]
        np.add.at(numerator, parent[child], gap)
        return numerator // period.denominator


def _read_schedule(reader: Reader, value: Any, path: str) -> tuple[ScheduleStep, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise PlanError(path, "expected a non-empty list of {min, rate} steps")
    steps: list[ScheduleStep] = []
    for j, step in enumerate(value):
        step = reader.mapping(step, f"{path}[{j}]", ("min", "rate"), ("min", "rate"))
        current = ScheduleStep(reader.decimal(step["min"], f"{path}[{j}].min"),
                               reader.decimal(step["rate"], f"{path}[{j}].rate"))
        if steps and current.min <= steps[-1].min:
            raise PlanError(f"{path}[{j}].min", "steps must be listed by strictly increasing min")
        steps.append(current)
    return tuple(steps)
