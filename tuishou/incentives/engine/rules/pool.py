"""``pool`` (分红池): share × the period's Σ B, split among promoters at or above ``min_rank``.

Split equally, or in proportion to group volume (``split: by_volume``; with no volume at all, nothing
is paid). Recipients are all promoters at or above ``min_rank``, whatever their activity or volume;
each share is computed exactly and rounded down once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, Self

import numpy as np

from tuishou.incentives.engine.reader import Reader
from tuishou.incentives.engine.rules.base import PeriodRule
from tuishou.incentives.engine.rules.context import PeriodArrays, PeriodVolumes, RankFacts, Scale

# Products below this are computed in int64; above, with Python integers (exact, slower).
_INT64_SAFE = 2**62


class _Compiled(NamedTuple):
    share: int  # over the plan's denominator
    min_rank: int
    by_volume: bool


@dataclass(frozen=True)
class PoolRule(PeriodRule):
    """分红池: share × the period's Σ B, split among promoters at or above min_rank."""

    type: ClassVar[str] = "pool"
    fields: ClassVar[tuple[str, ...]] = ("period", "share", "min_rank", "split")
    required: ClassVar[tuple[str, ...]] = ("share",)
    share: Decimal
    min_rank: str
    period: str = "month"
    split: str = "equal"  # equal | by_volume

    @classmethod
    def read(cls, reader: Reader, item: Mapping[str, Any], path: str, rule_id: str | None) -> Self:
        return cls(
            id=rule_id,
            period=reader.choice(item.get("period", "month"), f"{path}.period", ("month",)),
            share=reader.decimal(item["share"], f"{path}.share"),
            min_rank=reader.rank(item.get("min_rank", reader.rank_ids[0]), f"{path}.min_rank"),
            split=reader.choice(item.get("split", "equal"), f"{path}.split", ("equal", "by_volume")),
        )

    def dump_fields(self) -> dict[str, Any]:
        return {"period": self.period, "share": str(self.share), "min_rank": self.min_rank, "split": self.split}

    def decimals(self) -> list[Decimal]:
        return [self.share]

    def compile(self, scale: Scale) -> _Compiled:
        return _Compiled(scale.whole(self.share), scale.rank_index[self.min_rank], self.split == "by_volume")

    # -- compliance facts
    def paid_ranks(self, ranks: RankFacts) -> set[int]:
        return ranks.at_or_above(self.min_rank) if self.share else set()

    def upline_ranks(self, ranks: RankFacts) -> set[int]:
        return self.paid_ranks(ranks)

    # -- payouts
    def pay_period(self, data: _Compiled, period: PeriodVolumes) -> dict[str, int]:
        recipients = [pid for pid in period.order if period.ranks.get(pid, 0) >= data.min_rank]
        pool = data.share * sum(period.pv.values()) * 100  # the pool in fen, times to_fen
        if not recipients or not pool:
            return {}
        if not data.by_volume:
            return dict.fromkeys(recipients, pool // (period.to_fen * len(recipients)))
        gv = period.group_volume()
        total_gv = sum(gv[pid] for pid in recipients)
        if not total_gv:
            return {}  # no volume at all: nothing is paid
        return {pid: pool * gv[pid] // (period.to_fen * total_gv) for pid in recipients}

    def pay_period_arrays(self, data: _Compiled, period: PeriodArrays) -> np.ndarray:
        recipients = period.members & (period.ranks >= data.min_rank)
        amounts = np.zeros(recipients.size, dtype=np.int64)
        count = int(np.count_nonzero(recipients))
        pool = data.share * int(period.volume.sum())  # the pool in 分, times the denominator
        if not count or not pool:
            return amounts
        if not data.by_volume:
            amounts[recipients] = pool // (period.denominator * count)
            return amounts
        volumes = period.group_volume()[recipients]
        total_gv = int(volumes.sum())
        if not total_gv:
            return amounts  # no volume at all: nothing is paid
        if pool * int(volumes.max()) < _INT64_SAFE:
            amounts[recipients] = pool * volumes // (period.denominator * total_gv)
        else:
            exact = volumes.astype(object) * pool // (period.denominator * total_gv)
            amounts[recipients] = exact.astype(np.int64)
        return amounts
