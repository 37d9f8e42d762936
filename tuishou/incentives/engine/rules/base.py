"""The base classes of the rule types: what every rule type answers, and the defaults.

A rule type (``direct``, ``tiers``, …) is one class, as django-oscar maps each offer type to a small
behaviour class: a frozen dataclass for the rule as the plan writes it, with methods for each job
the engine has — read and write the document, compile rates to integers, pay out one order (scalar)
or many orders at once (batch, numpy), settle a period, and state the facts the compliance check
reasons on. The engine's loops call these methods and never ask which type a rule is.

Compiled forms (integers, arrays) are data the class makes in ``compile``/``compile_batch`` and is
handed back when it pays: ``OrderRule.pay_order(data, …)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Self

import numpy as np

from tuishou.incentives.engine.reader import Reader
from tuishou.incentives.engine.rules.context import (
    BatchScale,
    OrderPricing,
    Paid,
    PeriodArrays,
    PeriodVolumes,
    RankFacts,
    Scale,
    Walk,
)


@dataclass(frozen=True)
class Rule:
    """Base of every rule; payouts are labelled with `label` (the id, else the type)."""

    type: ClassVar[str] = ""
    per_order: ClassVar[bool] = False
    fields: ClassVar[tuple[str, ...]] = ()  # the document's fields besides type and id, in order
    required: ClassVar[tuple[str, ...]] = ()
    # L1: the rule pays for recruiting as such (拉人头).
    rewards_recruiting: ClassVar[bool] = False
    id: str | None

    @property
    def label(self) -> str:
        """The rule's id, else its type."""
        return self.id or self.type

    # -- the document
    @classmethod
    def read(cls, reader: Reader, item: Mapping[str, Any], path: str, rule_id: str | None) -> Self:
        """The rule from its document mapping (fields already checked against ``fields``)."""
        raise NotImplementedError

    def dump_fields(self) -> dict[str, Any]:
        """The document's fields besides type and id; ``read`` reads them back into an equal rule."""
        raise NotImplementedError

    # -- compilation
    def decimals(self) -> list[Decimal]:
        """Every rate of the rule, for the plan's common denominator."""
        return []

    def compile(self, scale: Scale) -> Any:
        """The rule's integer form for the scalar engine (per-order or period rules)."""
        return None

    def signup_amount(self) -> Decimal | None:
        """The amount paid per promoter recruited, for a rule paid on sign-ups; else None."""
        return None

    # -- compliance facts (see ``compliance``)
    def paid_ranks(self, ranks: RankFacts) -> set[int]:
        """Ranks this rule can pay anything, as p0 or as an upline."""
        return set()

    def upline_ranks(self, ranks: RankFacts) -> set[int]:
        """Ranks this rule can pay on someone else's sales (团队计酬); empty if it pays p0 only."""
        return set()

    @property
    def counts_self_purchases(self) -> bool:
        """L7: whether self-purchases count toward the volume this rule pays on."""
        return False


@dataclass(frozen=True)
class OrderRule(Rule):
    """A per-order rule: paid on each order to promoters of its chain (按单计佣)."""

    per_order: ClassVar[bool] = True

    @property
    def uses_income(self) -> bool:
        """Whether the rule pays on what earlier rules paid on the order (peer ``source: income``)."""
        return False

    def pay_order(self, data: Any, label: str, order: OrderPricing) -> None:
        """Pay one order (scalar engine): call ``order.pay`` for each payout, in chain order."""
        raise NotImplementedError

    # -- compliance facts
    def upline_count(self, ranks: RankFacts) -> int:
        """The most uplines (p1, p2, …) this rule can pay on one order."""
        return 0

    def pays_p0(self, ranks: RankFacts) -> bool:
        """Whether this rule can pay p0, the promoter credited with the order."""
        return False

    def largest_payout(self, ranks: RankFacts, per_recipient: Decimal) -> tuple[Decimal, Decimal]:
        """(the most this rule pays on one order, the most one promoter gets from it), in units of B.

        `per_recipient` is the most one promoter can earn from the rules before this one.
        """
        raise NotImplementedError

    # -- the batch engine
    def compile_batch(self, scale: BatchScale) -> Any:
        """The rule's numerators as arrays for the batch engine."""
        raise NotImplementedError

    def price_level(self, data: Any, index: int, walk: Walk) -> Paid:
        """Payouts to the promoters at ``walk.level`` of every open order, or None when none is paid.

        `index` keys the rule's state in ``walk.state``. Amounts are computed only where something can
        be paid (integer division is the costly part).
        """
        raise NotImplementedError

    def batch_numerator(self, data: Any) -> int:
        """The largest numerator of the compiled rule, to bound intermediate products."""
        raise NotImplementedError

    def batch_weight(self, data: Any, scale: int) -> int:
        """An upper bound of the rule's share of B (in units of B), to bound source: income products."""
        return -(-self.batch_numerator(data) // scale)

    def batch_reach(self, data: Any) -> int:
        """The deepest level the rule can pay at whatever the ranks (tiers); 0 for the others."""
        return 0

    def batch_more(self, data: Any, state: dict[str, np.ndarray] | None, top_rank: int) -> np.ndarray | None:
        """For each open order, whether the rule could still pay further up; None: never, from here."""
        return None


@dataclass(frozen=True)
class PeriodRule(Rule):
    """A period rule, settled per calendar month on the month's volume (no compression, no cap)."""

    def volume_thresholds(self) -> list[Decimal]:
        """Volumes the rule compares GV with, for the common scale of volumes."""
        return []

    def pay_period(self, data: Any, period: PeriodVolumes) -> dict[str, int]:
        """Each promoter's payout in fen (zeros may be left in; they are dropped)."""
        raise NotImplementedError

    def pay_period_arrays(self, data: Any, period: PeriodArrays) -> np.ndarray:
        """Every promoter's payout in minor units at once: exactly what ``pay_period`` gives."""
        raise NotImplementedError
