"""Rule types are classes: the registry, what each class answers, and a new type added as one class."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

import numpy as np
import pytest

from tuishou.incentives.engine import (
    RULE_TYPES,
    Member,
    OrderRule,
    PeriodRule,
    check_plan,
    dump_plan,
    load_plan,
    order_payouts,
)
from tuishou.incentives.engine.batch import compile_batch, price_orders
from tuishou.incentives.engine.reader import Reader
from tuishou.incentives.engine.rules.context import BatchScale, OrderPricing, Paid, RankFacts, Scale, Walk

ORDER_METHODS = ("read", "dump_fields", "compile", "pay_order", "largest_payout", "compile_batch", "price_level",
                 "batch_numerator")
PERIOD_METHODS = ("read", "dump_fields", "compile", "pay_period", "pay_period_arrays")


def test_the_registry_maps_each_type_of_the_spec_to_its_class():
    assert list(RULE_TYPES) == ["direct", "self_purchase", "tiers", "differential", "peer", "team_volume", "pool",
                                "recruit_bonus"]
    assert all(cls.type == name for name, cls in RULE_TYPES.items())


@pytest.mark.parametrize("name", list(RULE_TYPES))
def test_each_rule_type_implements_the_jobs_of_its_kind(name):
    cls = RULE_TYPES[name]
    if issubclass(cls, OrderRule):
        required, base = ORDER_METHODS, "OrderRule."
    elif issubclass(cls, PeriodRule):
        required, base = PERIOD_METHODS, "PeriodRule."
    else:  # paid on sign-ups: it only reads and writes itself and names its amount
        required, base = ("read", "dump_fields", "signup_amount"), "Rule."
    inherited = [m for m in required if getattr(cls, m).__qualname__.startswith((base, "Rule."))]
    assert inherited == []


@dataclass(frozen=True)
class SponsorBonusRule(OrderRule):
    """A rule type the product does not have: p1, p0's sponsor, gets rate × B."""

    type: ClassVar[str] = "sponsor_bonus"
    fields: ClassVar[tuple[str, ...]] = ("rate",)
    required: ClassVar[tuple[str, ...]] = ("rate",)
    rate: Decimal

    @classmethod
    def read(cls, reader: Reader, item: Mapping[str, Any], path: str, rule_id: str | None) -> SponsorBonusRule:
        return cls(id=rule_id, rate=reader.decimal(item["rate"], f"{path}.rate"))

    def dump_fields(self) -> dict[str, Any]:
        return {"rate": str(self.rate)}

    def decimals(self) -> list[Decimal]:
        return [self.rate]

    def compile(self, scale: Scale) -> int:
        return scale.whole(self.rate)

    def pay_order(self, data: int, label: str, order: OrderPricing) -> None:
        if order.length > 1 and data:
            order.pay(1, label, data * order.num // order.dd)

    def upline_ranks(self, ranks: RankFacts) -> set[int]:
        return ranks.everyone() if self.rate else set()

    def upline_count(self, ranks: RankFacts) -> int:
        return 1 if self.rate else 0

    def largest_payout(self, ranks: RankFacts, per_recipient: Decimal) -> tuple[Decimal, Decimal]:
        return self.rate, self.rate

    def compile_batch(self, scale: BatchScale) -> int:
        return scale.numerator(self.rate)

    def price_level(self, data: int, index: int, walk: Walk) -> Paid:
        return (None, walk.share(walk.base, data)) if walk.level == 1 else None

    def batch_numerator(self, data: int) -> int:
        return data

    def batch_reach(self, data: int) -> int:
        return 1


def test_a_new_rule_type_is_one_class_and_one_registry_entry(monkeypatch):
    # given a rule type registered under its name
    monkeypatch.setitem(RULE_TYPES, "sponsor_bonus", SponsorBonusRule)
    plan = load_plan({"id": "new", "jurisdiction": "cn", "ranks": [{"id": "member"}],
                      "rules": [{"type": "direct", "rate": "0.10"}, {"type": "sponsor_bonus", "rate": "0.055"}]})
    # when an order of B = 33.33 from C (sponsor B, whose sponsor is A) is priced by both engines
    chain = [Member("C", 0), Member("B", 0), Member("A", 0)]
    scalar = order_payouts(plan, order_id="o1", chain=chain, base=Decimal("33.33"), self_purchase=False)
    batch = price_orders(compile_batch(plan), parent=np.array([-1, 0, 1]), rank=np.zeros(3, np.int8),
                         promoter=np.array([2]), base=np.array([3333]), self_purchase=np.array([False])).sorted()
    # then C gets 3.33 direct and B 1.83 (1.83315 rounded down), the same in both engines
    assert [(p.promoter, p.rule, p.amount) for p in scalar] == [
        ("C", "direct", Decimal("3.33")), ("B", "sponsor_bonus", Decimal("1.83"))]
    assert (batch.promoter.tolist(), batch.amount.tolist()) == ([2, 1], [333, 183])
    # and the document round-trips, and the compliance check sees an upline paid on a downline's sale
    assert load_plan(dump_plan(plan)) == plan
    assert [(f.code, f.rule) for f in check_plan(plan).findings if f.code in ("L4", "L6")] == [
        ("L4", "sponsor_bonus"), ("L6", "sponsor_bonus")]
