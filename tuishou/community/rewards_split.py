"""How a materials reward pool is split among authors (素材奖励分配) — pure Python, no Django import.

The formula, for one period with pool ``P``, a cap share ``c`` (0 < c ≤ 1) and eligible authors ``a`` with
weights ``w_a`` (their decayed citation-led orders in the period, see ``rewards``):

1. **Cap.** No author receives more than ``cap = floor_fen(P × c)``.
2. **Proportional, capped, redistributed (water-filling).** Every uncapped author's share is
   ``R × w_a / Σ w`` of what is still to share ``R`` (at first ``P``). An author whose share reaches the cap is
   fixed at the cap, ``R`` drops by the cap, and the rest is shared again among the others, until nobody new
   reaches it. What a cap cuts off is therefore **redistributed** to the uncapped authors.
3. **Fen.** Each uncapped share is floored to the fen; the fens left over (fewer than the number of uncapped
   authors) go one each to the largest fractional remainders (ties: the smaller author id). An uncapped share is
   below the cap, so one more fen never lifts it above.
4. **Return.** Only what nobody may take **returns** to the platform: the whole pool when no author is eligible,
   or ``P − n × cap`` when every eligible author is at the cap. Always ``Σ paid + returned == P``, to the fen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Split:
    amounts: dict[int, Decimal]     # author id → amount paid (only positive amounts)
    capped: frozenset[int]          # authors held at the cap
    returned: Decimal               # back to the platform
    cap: Decimal


def floor_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_FLOOR)


def pool_split(*, pool: Decimal, weights: Mapping[int, Decimal], cap_share: Decimal) -> Split:
    """Split ``pool`` among ``weights`` (author id → weight ≥ 0; zero weights take nothing) by the formula above."""
    if pool < ZERO or pool != pool.quantize(FEN):
        raise ValueError(f"pool must be a non-negative amount in fen, got {pool}")
    if not ZERO < cap_share <= 1:
        raise ValueError(f"cap share must be in (0, 1], got {cap_share}")
    cap = floor_fen(pool * cap_share)
    active = {author: Decimal(w) for author, w in weights.items() if w > 0}
    fixed: dict[int, Decimal] = {}
    remaining = pool
    with localcontext() as context:
        context.prec = 40
        shares: dict[int, Decimal] = {}
        while active:
            total = sum(active.values())
            shares = {author: remaining * w / total for author, w in active.items()}
            over = sorted(author for author, share in shares.items() if share >= cap)
            if not over:
                break
            for author in over:
                fixed[author] = cap
                remaining -= cap
                del active[author]
            shares = {}
        floors = {author: floor_fen(share) for author, share in shares.items()}
        left = int((remaining - sum(floors.values(), ZERO)) / FEN) if shares else 0
        order = sorted(shares, key=lambda a: (-(shares[a] - floors[a]), a))
        for author in order[:min(left, len(order))]:
            floors[author] += FEN
    amounts = {author: amount for author, amount in {**fixed, **floors}.items() if amount > 0}
    returned = pool - sum(amounts.values(), ZERO)
    return Split(amounts=dict(sorted(amounts.items())), capped=frozenset(fixed), returned=returned, cap=cap)
