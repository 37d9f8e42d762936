"""``differential`` (级差): each promoter up the chain gets the part of its rank's rate not yet paid out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, Self

import numpy as np

from tuishou.incentives.engine.reader import Reader, dump_rate
from tuishou.incentives.engine.rules.base import OrderRule
from tuishou.incentives.engine.rules.context import BatchScale, OrderPricing, Paid, RankFacts, Scale, Walk


class _Compiled(NamedTuple):
    rates: tuple[int, ...]  # per rank
    include_seller: bool
    highest: int


class _Batch(NamedTuple):
    rate: np.ndarray  # numerator per rank
    include_seller: bool


@dataclass(frozen=True)
class DifferentialRule(OrderRule):
    """级差: walk u = p0, p1, … with m = 0 (without the seller: from p1, m = rate(p0)); u gets (R − m) × B
    when its rate R is above m, and m = R."""

    type: ClassVar[str] = "differential"
    fields: ClassVar[tuple[str, ...]] = ("rates", "include_seller")
    required: ClassVar[tuple[str, ...]] = ("rates",)
    rates: dict[str, Decimal]
    include_seller: bool = True

    @classmethod
    def read(cls, reader: Reader, item: Mapping[str, Any], path: str, rule_id: str | None) -> Self:
        return cls(
            id=rule_id,
            rates=reader.rank_rates(item["rates"], f"{path}.rates"),
            include_seller=reader.boolean(item.get("include_seller", True), f"{path}.include_seller"),
        )

    def dump_fields(self) -> dict[str, Any]:
        return {"rates": dump_rate(self.rates), "include_seller": self.include_seller}

    def decimals(self) -> list[Decimal]:
        return list(self.rates.values())

    def compile(self, scale: Scale) -> _Compiled:
        rates = scale.by_rank(self.rates)
        return _Compiled(rates, self.include_seller, max(rates))

    def pay_order(self, data: _Compiled, label: str, order: OrderPricing) -> None:
        rates, highest, chain = data.rates, data.highest, order.chain
        if data.include_seller:
            start, paid_rate = 0, 0
        else:
            start, paid_rate = 1, rates[chain[0].rank]
        for position in range(start, order.length):
            if paid_rate >= highest:
                break
            rate = rates[chain[position].rank]
            if rate > paid_rate:
                order.pay(position, label, (rate - paid_rate) * order.num // order.dd)
                paid_rate = rate

    # -- compliance facts
    def paid_ranks(self, ranks: RankFacts) -> set[int]:
        return {i for i, r in enumerate(ranks.rates(self.rates)) if r > 0}

    def upline_ranks(self, ranks: RankFacts) -> set[int]:
        rates = ranks.rates(self.rates)
        return {i for i, r in enumerate(rates) if r > min(rates)}

    def upline_count(self, ranks: RankFacts) -> int:
        return len(set(ranks.rates(self.rates))) - 1

    def pays_p0(self, ranks: RankFacts) -> bool:
        return self.include_seller and any(r > 0 for r in self.rates.values())

    def largest_payout(self, ranks: RankFacts, per_recipient: Decimal) -> tuple[Decimal, Decimal]:
        most = max(ranks.rates(self.rates))
        return most, most

    # -- the batch engine
    def compile_batch(self, scale: BatchScale) -> _Batch:
        return _Batch(scale.per_rank(self.rates), self.include_seller)

    def price_level(self, data: _Batch, index: int, walk: Walk) -> Paid:
        rate = data.rate.take(walk.node_rank)
        if walk.level == 0:
            walk.state[index] = {"m": rate}
            if not data.include_seller:
                return None
            return None, walk.share(walk.base, rate)
        best = walk.state[index]["m"]
        rows = np.flatnonzero(rate > best)
        rise = rate.take(rows) - best.take(rows)
        best[rows] = rate.take(rows)
        return rows, walk.share(walk.base.take(rows), rise)

    def batch_numerator(self, data: _Batch) -> int:
        return int(data.rate.max(initial=0))

    def batch_more(self, data: _Batch, state: dict[str, np.ndarray] | None, top_rank: int) -> np.ndarray | None:
        assert state is not None  # set at level 0
        return state["m"] < int(data.rate.max(initial=0))
