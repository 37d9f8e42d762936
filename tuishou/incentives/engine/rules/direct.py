"""Rules that pay p0, the promoter credited with the order: ``direct`` (直推佣金) and ``self_purchase`` (自购返)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Self

import numpy as np

from tuishou.incentives.engine.reader import RankRate, Reader, dump_rate
from tuishou.incentives.engine.rules.base import OrderRule
from tuishou.incentives.engine.rules.context import BatchScale, OrderPricing, Paid, RankFacts, Scale, Walk


@dataclass(frozen=True)
class _PaysSeller(OrderRule):
    """p0 gets rate(rank p0) × B. Compiled: the integer rate of each rank (a tuple, or an array)."""

    fields: ClassVar[tuple[str, ...]] = ("rate",)
    required: ClassVar[tuple[str, ...]] = ("rate",)
    rate: RankRate

    @classmethod
    def read(cls, reader: Reader, item: Mapping[str, Any], path: str, rule_id: str | None) -> Self:
        return cls(id=rule_id, rate=reader.rate_or_rank_rates(item["rate"], f"{path}.rate"))

    def dump_fields(self) -> dict[str, Any]:
        return {"rate": dump_rate(self.rate)}

    def decimals(self) -> list[Decimal]:
        return list(self.rate.values()) if isinstance(self.rate, dict) else [self.rate]

    def compile(self, scale: Scale) -> tuple[int, ...]:
        return scale.by_rank(self.rate)

    def pay_order(self, data: tuple[int, ...], label: str, order: OrderPricing) -> None:
        rate = data[order.chain[0].rank]
        if rate:
            order.pay(0, label, rate * order.num // order.dd)

    def paid_ranks(self, ranks: RankFacts) -> set[int]:
        return {i for i, r in enumerate(ranks.rates(self.rate)) if r > 0}

    def pays_p0(self, ranks: RankFacts) -> bool:
        return any(r > 0 for r in ranks.rates(self.rate))

    def largest_payout(self, ranks: RankFacts, per_recipient: Decimal) -> tuple[Decimal, Decimal]:
        most = max(ranks.rates(self.rate))
        return most, most

    def compile_batch(self, scale: BatchScale) -> np.ndarray:
        return scale.per_rank(self.rate)

    def batch_numerator(self, data: np.ndarray) -> int:
        return int(data.max(initial=0))


@dataclass(frozen=True)
class DirectRule(_PaysSeller):
    """直推佣金: p0 gets rate(rank p0) × B."""

    type: ClassVar[str] = "direct"

    def price_level(self, data: np.ndarray, index: int, walk: Walk) -> Paid:
        if walk.level:
            return None
        return None, walk.share(walk.base, data.take(walk.node_rank))


@dataclass(frozen=True)
class SelfPurchaseRule(_PaysSeller):
    """自购返: on a self-purchase, p0 gets rate × B on top of anything else."""

    type: ClassVar[str] = "self_purchase"

    def pay_order(self, data: tuple[int, ...], label: str, order: OrderPricing) -> None:
        if order.self_purchase:
            super().pay_order(data, label, order)

    def price_level(self, data: np.ndarray, index: int, walk: Walk) -> Paid:
        if walk.level:
            return None
        rows = np.flatnonzero(walk.self_purchase.take(walk.order))
        return rows, walk.share(walk.base.take(rows), data.take(walk.node_rank.take(rows)))
