"""How an order's payment is split (分账), in pure Python (no Django).

What the buyer paid goes to four places: the merchant (the paid amount less the commission base B and
the platform fee), the platform's fee revenue (fee rate × paid amount, rounded down), the promoters'
commissions (the plan's payouts) and the platform's commission margin (B less the payouts: what rounding
and unpaid levels leave). The four add up to the paid amount exactly.

B here is the order's commission base as the merchant's commission settings give it: what the merchant
gives up for distribution. The plan's ``base`` setting only decides what the plan's rates apply to; under
``base: paid`` the payouts may exceed B, and the margin is then negative (the platform pays the rest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tuishou.core.money import round_down

ZERO = Decimal("0.00")

# (recipient promoter id, rule label)
PayoutKey = tuple[int, str]


@dataclass(frozen=True)
class OrderSplit:
    """Where an order's (remaining) paid amount goes. ``paid = merchant + fee + Σ payouts + margin``."""

    paid: Decimal
    commission_base: Decimal
    fee: Decimal
    merchant: Decimal
    payouts: Mapping[PayoutKey, Decimal]
    margin: Decimal

    @property
    def commission_total(self) -> Decimal:
        return sum(self.payouts.values(), ZERO)


def payouts_by_key(payouts: Iterable[tuple[int, str, Decimal]]) -> dict[PayoutKey, Decimal]:
    """Payouts keyed by (recipient, rule), in the order given; two payouts with one key are added up."""
    merged: dict[PayoutKey, Decimal] = {}
    for promoter_id, rule, amount in payouts:
        merged[(promoter_id, rule)] = merged.get((promoter_id, rule), ZERO) + amount
    return {key: amount for key, amount in merged.items() if amount}


def order_split(*, paid: Decimal, commission_base: Decimal, fee_rate: Decimal,
                payouts: Mapping[PayoutKey, Decimal]) -> OrderSplit:
    """Split ``paid`` into the merchant's share, the fee, the payouts and the platform's margin.

    The fee is ``fee_rate × paid`` rounded down to the fen; the merchant gets ``paid − B − fee``; the margin
    is ``B − Σ payouts``. Applied to what is left of an order after refunds, the differences with the split
    before are exactly what a refund takes back from each.
    """
    fee = round_down(fee_rate * paid)
    total = sum(payouts.values(), ZERO)
    return OrderSplit(paid=paid, commission_base=commission_base, fee=fee, merchant=paid - commission_base - fee,
                      payouts=dict(payouts), margin=commission_base - total)


def effective_rate(amount: Decimal, base: Decimal) -> Decimal:
    """``amount ÷ base`` to 6 places, rounded down (0 on a zero base): the rate a commission line snapshots.

    The engine's payout is the exact product rounded down once, and under a differential or a cap it is
    no single rate of the plan; the effective rate says what share of B the line actually got.
    """
    if not base:
        return Decimal("0.000000")
    return (amount / base).quantize(Decimal("0.000001"), rounding="ROUND_DOWN")
