"""``peer`` (平级奖): the first ``per_rank`` promoters of the level holder's rank above it get a bonus.

Walk u = p1, p2, … keeping ``top``, the highest rank seen so far (from p0's), and a counter: a higher
rank takes over ``top`` and resets the counter; an equal one, at or above ``min_rank``, is paid while
the counter is below ``per_rank``. The bonus is rate × B (``source: base``) or rate × what the
first promoter of rank ``top`` earned on the order from the rules before this one (``source: income``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, Self

import numpy as np

from tuishou.incentives.engine.reader import Reader
from tuishou.incentives.engine.rules.base import OrderRule
from tuishou.incentives.engine.rules.context import BatchScale, OrderPricing, Paid, RankFacts, Scale, Walk


class _Compiled(NamedTuple):
    rate: int  # numerator over the plan's denominator (scalar) or scale (batch)
    from_income: bool
    per_rank: int
    min_rank: int


@dataclass(frozen=True)
class PeerRule(OrderRule):
    """平级奖: the first `per_rank` promoters of the level holder's rank above it get a bonus."""

    type: ClassVar[str] = "peer"
    fields: ClassVar[tuple[str, ...]] = ("rate", "source", "per_rank", "min_rank")
    required: ClassVar[tuple[str, ...]] = ("rate",)
    rate: Decimal
    source: str = "base"  # base | income
    per_rank: int = 1
    min_rank: str = ""

    @classmethod
    def read(cls, reader: Reader, item: Mapping[str, Any], path: str, rule_id: str | None) -> Self:
        return cls(
            id=rule_id,
            rate=reader.decimal(item["rate"], f"{path}.rate"),
            source=reader.choice(item.get("source", "base"), f"{path}.source", ("base", "income")),
            per_rank=reader.integer(item.get("per_rank", 1), f"{path}.per_rank", 1),
            min_rank=reader.rank(item.get("min_rank", reader.rank_ids[0]), f"{path}.min_rank"),
        )

    def dump_fields(self) -> dict[str, Any]:
        return {"rate": str(self.rate), "source": self.source, "per_rank": self.per_rank, "min_rank": self.min_rank}

    @property
    def uses_income(self) -> bool:
        return self.source == "income"

    def decimals(self) -> list[Decimal]:
        return [self.rate]

    def _compiled(self, rate: int, rank_index: dict[str, int]) -> _Compiled:
        min_rank = rank_index[self.min_rank] if self.min_rank else 0
        return _Compiled(rate, self.uses_income, self.per_rank, min_rank)

    def compile(self, scale: Scale) -> _Compiled:
        return self._compiled(scale.whole(self.rate), scale.rank_index)

    def pay_order(self, data: _Compiled, label: str, order: OrderPricing) -> None:
        rate, from_income, per_rank, min_rank = data
        if not rate:
            return
        chain, income = order.chain, order.income
        top = chain[0].rank
        holder = 0  # the first promoter of rank `top` on the chain
        counter = 0
        for position in range(1, order.length):
            rank = chain[position].rank
            if rank > top:
                top, holder, counter = rank, position, 0
            elif rank == top and top >= min_rank and counter < per_rank:
                counter += 1
                # `income` holds rounded payouts from the rules before this one, before any cap.
                fen = rate * income[holder] // order.d if from_income else rate * order.num // order.dd  # type: ignore[index]
                order.pay(position, label, fen)

    # -- compliance facts
    def paid_ranks(self, ranks: RankFacts) -> set[int]:
        return ranks.at_or_above(self.min_rank) if self.rate else set()

    def upline_ranks(self, ranks: RankFacts) -> set[int]:
        return self.paid_ranks(ranks)

    def upline_count(self, ranks: RankFacts) -> int:
        return self.per_rank * len(ranks.at_or_above(self.min_rank)) if self.rate else 0

    def largest_payout(self, ranks: RankFacts, per_recipient: Decimal) -> tuple[Decimal, Decimal]:
        one = self.rate * (per_recipient if self.uses_income else 1)
        return one * self.per_rank * len(ranks.at_or_above(self.min_rank)), one

    # -- the batch engine
    def compile_batch(self, scale: BatchScale) -> _Compiled:
        return self._compiled(scale.numerator(self.rate), scale.rank_index)

    def price_level(self, data: _Compiled, index: int, walk: Walk) -> Paid:
        node_rank = walk.node_rank
        if walk.level == 0:
            state = {"top": node_rank.astype(np.int8), "count": np.zeros(node_rank.size, np.int32)}
            if data.from_income:
                state["income"] = walk.earned.copy()  # type: ignore[union-attr]
            walk.state[index] = state
            return None
        state = walk.state[index]
        top, count = state["top"], state["count"]
        higher = np.flatnonzero(node_rank > top)
        rows = np.flatnonzero((node_rank == top) & (top >= data.min_rank) & (count < data.per_rank))
        source = state["income"] if data.from_income else walk.base
        amounts = walk.share(source.take(rows), data.rate)
        count[rows] += 1
        count[higher] = 0
        top[higher] = node_rank.take(higher)
        if data.from_income:
            state["income"][higher] = walk.earned.take(higher)  # type: ignore[union-attr]
        return rows, amounts

    def batch_numerator(self, data: _Compiled) -> int:
        return data.rate

    def batch_weight(self, data: _Compiled, scale: int) -> int:
        return -(-data.rate // scale) * max(data.per_rank, 1) * 8

    def batch_more(self, data: _Compiled, state: dict[str, np.ndarray] | None, top_rank: int) -> np.ndarray | None:
        if data.rate == 0 or data.per_rank <= 0:
            return None
        assert state is not None  # set at level 0
        finished = state["top"] == top_rank
        finished &= (state["count"] >= data.per_rank) | (top_rank < data.min_rank)
        if data.from_income:
            finished |= (state["top"] == top_rank) & (state["income"] == 0)
        return ~finished
