"""``tiers`` (固定层级): p_i gets rates[i−1] × B for i = 1…len(rates), if its rank is at least ``min_rank``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, Self

import numpy as np

from tuishou.incentives.engine.errors import PlanError
from tuishou.incentives.engine.reader import Reader
from tuishou.incentives.engine.rules.base import OrderRule
from tuishou.incentives.engine.rules.context import BatchScale, OrderPricing, Paid, RankFacts, Scale, Walk


class _Compiled(NamedTuple):
    rates: tuple[int, ...]  # p1 first
    min_rank: int


class _Batch(NamedTuple):
    rates: np.ndarray  # shape (levels, ranks)
    min_rank: int


@dataclass(frozen=True)
class TiersRule(OrderRule):
    """固定层级: p_i gets rates[i−1] × B if its rank ≥ min_rank (the level is not handed up)."""

    type: ClassVar[str] = "tiers"
    fields: ClassVar[tuple[str, ...]] = ("rates", "min_rank")
    required: ClassVar[tuple[str, ...]] = ("rates",)
    rates: tuple[Decimal, ...]
    min_rank: str

    @classmethod
    def read(cls, reader: Reader, item: Mapping[str, Any], path: str, rule_id: str | None) -> Self:
        if not isinstance(item["rates"], list | tuple) or not item["rates"]:
            raise PlanError(f"{path}.rates", "expected a non-empty list of rates (p1 first)")
        return cls(
            id=rule_id,
            rates=tuple(reader.decimal(r, f"{path}.rates[{j}]") for j, r in enumerate(item["rates"])),
            min_rank=reader.rank(item.get("min_rank", reader.rank_ids[0]), f"{path}.min_rank"),
        )

    def dump_fields(self) -> dict[str, Any]:
        return {"rates": [str(r) for r in self.rates], "min_rank": self.min_rank}

    def decimals(self) -> list[Decimal]:
        return list(self.rates)

    def compile(self, scale: Scale) -> _Compiled:
        return _Compiled(tuple(scale.whole(r) for r in self.rates), scale.rank_index[self.min_rank])

    def pay_order(self, data: _Compiled, label: str, order: OrderPricing) -> None:
        chain, length, min_rank = order.chain, order.length, data.min_rank
        for level, rate in enumerate(data.rates, 1):
            if level >= length:
                break
            # A level held by someone below min_rank is simply not paid (not handed up).
            if rate and chain[level].rank >= min_rank:
                order.pay(level, label, rate * order.num // order.dd)

    # -- compliance facts
    def paid_ranks(self, ranks: RankFacts) -> set[int]:
        return ranks.at_or_above(self.min_rank) if any(self.rates) else set()

    def upline_ranks(self, ranks: RankFacts) -> set[int]:
        return self.paid_ranks(ranks)

    def upline_count(self, ranks: RankFacts) -> int:
        return sum(1 for r in self.rates if r > 0)

    def largest_payout(self, ranks: RankFacts, per_recipient: Decimal) -> tuple[Decimal, Decimal]:
        return sum(self.rates, Decimal(0)), max(self.rates)

    # -- the batch engine
    def compile_batch(self, scale: BatchScale) -> _Batch:
        size = len(scale.rank_index)
        table = np.array([[scale.numerator(r)] * size for r in self.rates], dtype=np.int64)
        return _Batch(table.reshape(len(self.rates), size), scale.rank_index[self.min_rank])

    def price_level(self, data: _Batch, index: int, walk: Walk) -> Paid:
        level = walk.level
        if level == 0 or level > data.rates.shape[0]:
            return None
        rows = np.flatnonzero(walk.node_rank >= data.min_rank)
        return rows, walk.share(walk.base.take(rows), data.rates[level - 1].take(walk.node_rank.take(rows)))

    def batch_numerator(self, data: _Batch) -> int:
        return int(data.rates.max(initial=0))

    def batch_weight(self, data: _Batch, scale: int) -> int:
        return -(-int(data.rates.max(axis=1, initial=0).sum()) // scale) if data.rates.size else 0

    def batch_reach(self, data: _Batch) -> int:
        nonzero = np.flatnonzero(data.rates.max(axis=1, initial=0) > 0) if data.rates.size else np.zeros(0)
        return int(nonzero[-1]) + 1 if nonzero.size else 0
