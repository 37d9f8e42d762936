"""``recruit_bonus`` (拉人头): an amount per promoter recruited.

Expressible so that the compliance check can refuse it (L1) and the simulator can show what it would
cost; it pays nothing on an order or a period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Self

from tuishou.incentives.engine.reader import Reader
from tuishou.incentives.engine.rules.base import Rule
from tuishou.incentives.engine.rules.context import RankFacts


@dataclass(frozen=True)
class RecruitBonusRule(Rule):
    """拉人头: an amount per promoter recruited. Expressible so the check can refuse it (L1)."""

    type: ClassVar[str] = "recruit_bonus"
    fields: ClassVar[tuple[str, ...]] = ("amount",)
    required: ClassVar[tuple[str, ...]] = ("amount",)
    rewards_recruiting: ClassVar[bool] = True
    amount: Decimal

    @classmethod
    def read(cls, reader: Reader, item: Mapping[str, Any], path: str, rule_id: str | None) -> Self:
        return cls(id=rule_id, amount=reader.decimal(item["amount"], f"{path}.amount"))

    def dump_fields(self) -> dict[str, Any]:
        return {"amount": str(self.amount)}

    def signup_amount(self) -> Decimal | None:
        return self.amount

    def paid_ranks(self, ranks: RankFacts) -> set[int]:
        return ranks.everyone() if self.amount else set()
