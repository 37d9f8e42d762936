"""What a rule type is handed when it compiles, pays out or is checked.

One small context per job, so that a rule type's class holds its own behaviour and the engine's loops
only call it: `Scale` (rates as integers, scalar engine), `OrderPricing` (one order, scalar),
`PeriodVolumes` (one period, mappings), `PeriodArrays` (one period, arrays), `BatchScale` and
`Walk` (the batch engine), `RankFacts` (the compliance check).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from tuishou.incentives.engine.errors import BatchEngineError
from tuishou.incentives.engine.reader import RankRate

# --- the scalar engine -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scale:
    """A plan's rates as integers over one `denominator`, and its ranks as indexes (lowest = 0)."""

    rank_ids: tuple[str, ...]
    rank_index: dict[str, int]
    denominator: int

    def whole(self, value: Decimal) -> int:
        """``value × denominator``, an integer for every rate of the plan."""
        return int(value * self.denominator)

    def by_rank(self, rate: RankRate) -> tuple[int, ...]:
        """The integer rate of each rank, lowest first (0 for a rank a keyed rate leaves out)."""
        if isinstance(rate, dict):
            return tuple(self.whole(rate.get(rank_id, Decimal(0))) for rank_id in self.rank_ids)
        return (self.whole(rate),) * len(self.rank_ids)


class OrderPricing:
    """One order being priced by the scalar engine; rules call `pay` for each payout.

    ``chain`` is p0 first (after compression); a rate ``r`` (over ``d``) on B pays
    ``r * num // dd`` fen, B in fen being ``num / den`` and ``dd = d × den``. ``income`` holds, per
    chain position, the rounded payouts so far (kept only when a peer rule pays on income).
    """

    __slots__ = ("chain", "d", "dd", "income", "length", "num", "paid", "self_purchase")

    def __init__(self, chain: Sequence[Any], num: int, den: int, d: int, self_purchase: bool,
                 needs_income: bool) -> None:
        self.chain = chain
        self.length = len(chain)
        self.num = num
        self.d = d
        self.dd = d * den
        self.self_purchase = self_purchase
        self.income = [0] * self.length if needs_income else None
        self.paid: list[tuple[int, str, int]] = []  # (chain position, rule label, fen)

    def pay(self, position: int, label: str, fen: int) -> None:
        """Record a payout of `fen` to the promoter at chain `position`."""
        self.paid.append((position, label, fen))
        if self.income is not None:
            self.income[position] += fen


@dataclass
class PeriodVolumes:
    """One period's volumes for the scalar period rules, as integers at ``scale``.

    ``order`` lists promoters bottom-up (downlines before sponsors); an integer volume ``v`` at a
    rate ``r`` (over the plan's denominator) pays ``r * v * 100 // to_fen`` fen.
    """

    order: list[str]
    sponsors: Mapping[str, str | None]
    ranks: Mapping[str, int]
    pv: dict[str, int]
    self_pv: dict[str, int]
    scale: int
    to_fen: int
    _gv: dict[str, int] | None = None

    def group_volume(self, pv: dict[str, int] | None = None) -> dict[str, int]:
        """GV: PV summed over each subtree (of `pv`, else of every order; the latter computed once)."""
        if pv is None and self._gv is not None:
            return self._gv
        gv = dict(self.pv if pv is None else pv)
        for pid in self.order:  # downlines before their sponsor
            sponsor = self.sponsors[pid]
            if sponsor is not None:
                gv[sponsor] += gv[pid]
        if pv is None:
            self._gv = gv
        return gv


@dataclass
class PeriodArrays:
    """One period's volumes for every promoter at once (the simulator), in minor units.

    ``members`` masks the community's promoters this period; ``subtree(values)`` sums values over
    each promoter's subtree.
    """

    parent: np.ndarray
    members: np.ndarray
    ranks: np.ndarray
    volume: np.ndarray
    self_volume: np.ndarray
    denominator: int
    subtree: Callable[[np.ndarray], np.ndarray]
    _gv: np.ndarray | None = None

    def group_volume(self) -> np.ndarray:
        """GV over every order of the period (computed once)."""
        if self._gv is None:
            self._gv = self.subtree(self.volume)
        return self._gv


# --- the batch engine ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchScale:
    """Rates as integer numerators over a power-of-ten ``scale``, ranks as indexes."""

    rank_index: dict[str, int]
    scale: int

    def numerator(self, rate: Decimal) -> int:
        """``rate × scale`` as an exact integer."""
        value = rate * self.scale
        if value != value.to_integral_value():
            raise BatchEngineError(f"rate {rate} is not a multiple of 1/{self.scale}")
        return int(value)

    def per_rank(self, rate: RankRate) -> np.ndarray:
        """The numerator of each rank, lowest first."""
        size = len(self.rank_index)
        if isinstance(rate, dict):
            values = np.zeros(size, dtype=np.int64)
            for rank_id, value in rate.items():
                values[self.rank_index[rank_id]] = self.numerator(value)
            return values
        return np.full(size, self.numerator(rate), dtype=np.int64)


Paid = tuple[np.ndarray | None, np.ndarray] | None
"""A rule's payouts at one level: (positions among the open orders, or None for all of them; amounts)."""


@dataclass(eq=False)
class Walk:
    """The open orders of a batch walk, the level being priced, and each rule's state.

    ``order``, ``node`` (the promoter at this level) and ``base`` are compacted as orders drop out,
    together with every array in ``state`` (keyed by the rule's position in the plan).
    ``node_rank`` and ``earned`` (this level's payouts so far, for peer bonuses on income) are set
    for each level.
    """

    order: np.ndarray
    node: np.ndarray
    base: np.ndarray
    self_purchase: np.ndarray  # per input order, indexed by ``order``
    scale: int
    level: int = 0
    node_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    earned: np.ndarray | None = None
    state: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)

    def keep(self, index: np.ndarray) -> None:
        """Keep only the open orders at ``index`` (positions, ascending)."""
        self.order = self.order.take(index)
        self.node = self.node.take(index)
        self.base = self.base.take(index)
        for values in self.state.values():
            for key in values:
                values[key] = values[key].take(index)

    def share(self, base: np.ndarray, rate: np.ndarray | int) -> np.ndarray:
        """``rate × B`` rounded down to the minor unit, B and the result in minor units."""
        return base * rate // self.scale


# --- the compliance check ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RankFacts:
    """A plan's ranks as the compliance check reasons about them (indexes, lowest = 0)."""

    rank_ids: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.rank_ids)

    def rates(self, rate: RankRate) -> list[Decimal]:
        """The rate of each rank, lowest first."""
        if isinstance(rate, dict):
            return [rate.get(rank_id, Decimal(0)) for rank_id in self.rank_ids]
        return [rate] * self.count

    def at_or_above(self, rank_id: str) -> set[int]:
        """Indexes of `rank_id` and every rank above it."""
        return set(range(self.rank_ids.index(rank_id), self.count))

    def everyone(self) -> set[int]:
        """Every rank's index."""
        return set(range(self.count))
