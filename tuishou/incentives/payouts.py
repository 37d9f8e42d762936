"""The payout service: what an order pays, and to whom, under the plan version it was sold under.

The orders issue snapshots an order's chain (the credited promoter p0 and every sponsor up to the
root, with their ranks and activity) when the order is paid, and the plan version in force; the money
issue books what ``order_payouts_compute`` returns, and recomputes it on a refund from the same
snapshot with the reduced base — so a later rank change or plan version never rewrites an old order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

from tuishou.core.errors import InvalidInput
from tuishou.incentives.engine import Member, order_payouts
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.selectors import engine_plan
from tuishou.network.selectors import chain_for_path, promoter_chain


@dataclass(frozen=True)
class ChainLink:
    """One promoter on an order's chain as it stood at payment: p0 first."""

    promoter_id: int
    rank: str
    active: bool = True

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class OrderPayout:
    """One payout of one order: the recipient, the rule (its id or type), the rate's result."""

    promoter_id: int
    rule: str
    amount: Decimal


def chain_snapshot(*, promoter_id: int, path: bytes | None = None) -> list[ChainLink]:
    """The chain of a promoter now (p0 = the promoter, then sponsors up to the root): one indexed read.

    ``path``: the promoter's tree path when the caller read it with its own rows (saves reading it by id).
    """
    rows = chain_for_path(path) if path is not None else []
    if not rows or rows[0]["id"] != promoter_id:  # no path given, or the promoter moved since it was read
        rows = promoter_chain(promoter_id)
    return [ChainLink(promoter_id=row["id"], rank=row["rank"] or "", active=row.get("active", True))
            for row in rows]


def order_payouts_compute(*, version: PlanVersion, order_ref: str, chain: Sequence[ChainLink], base: Decimal,
                          self_purchase: bool) -> list[OrderPayout]:
    """Price an order's per-order rules under ``version`` from its snapshotted chain and its base B.

    A rank the version does not define (a chain snapshotted under another plan) counts as the lowest.
    """
    if base < 0:
        raise InvalidInput(IncentiveError.BASE_NEGATIVE)
    if not chain:
        raise InvalidInput(IncentiveError.CHAIN_EMPTY)
    plan = engine_plan(version)
    index = plan.compiled.rank_index
    members = [Member(id=str(link.promoter_id), rank=index.get(link.rank, 0), active=link.active) for link in chain]
    payouts = order_payouts(plan, order_id=order_ref, chain=members, base=base, self_purchase=self_purchase)
    return [OrderPayout(promoter_id=int(p.promoter), rule=p.rule, amount=p.amount) for p in payouts]
