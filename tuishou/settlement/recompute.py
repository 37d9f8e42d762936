"""What an order pays under its snapshotted plan version and chain, on a given paid amount and B.

Accrual, refunds and reconciliation all price an order through ``order_payouts_for``, so the three can
never disagree about what the plan says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tuishou.incentives.models import PlanVersion
from tuishou.incentives.payouts import ChainLink, order_payouts_compute
from tuishou.incentives.selectors import engine_plan
from tuishou.settlement.models import SettleAfter
from tuishou.settlement.split import PayoutKey, payouts_by_key


@dataclass(frozen=True)
class Priced:
    """An order's payouts under its plan: keyed by (recipient, rule), with the base the rates applied to."""

    payouts: dict[PayoutKey, Decimal]
    plan_base: Decimal


def chain_links(chain: Iterable[Mapping | object]) -> list[ChainLink]:
    """The order's snapshotted chain (``Order.chain`` dicts or ``events.ChainMember``) as engine links."""
    links = []
    for member in chain:
        if isinstance(member, Mapping):
            links.append(ChainLink(promoter_id=int(member["promoter_id"]), rank=member.get("rank") or "",
                                   active=member.get("active", True)))
        else:
            links.append(ChainLink(promoter_id=member.promoter_id, rank=member.rank, active=member.active))
    return links


def plan_base(version: PlanVersion, *, paid: Decimal, commission_base: Decimal) -> Decimal:
    """The base the plan's rates apply to: the paid amount under ``base: paid``, else B."""
    return paid if engine_plan(version).base == "paid" else commission_base


def order_payouts_for(*, version: PlanVersion | None, order_ref: str, chain: list[ChainLink], self_purchase: bool,
                      paid: Decimal, commission_base: Decimal) -> Priced:
    """The payouts of an order (none without a plan or a credited promoter)."""
    if version is None or not chain:
        return Priced(payouts={}, plan_base=commission_base)
    base = plan_base(version, paid=paid, commission_base=commission_base)
    payouts = order_payouts_compute(version=version, order_ref=order_ref, chain=chain, base=base,
                                    self_purchase=self_purchase)
    return Priced(payouts=payouts_by_key((p.promoter_id, p.rule, p.amount) for p in payouts), plan_base=base)


def settlement_terms(version: PlanVersion | None) -> tuple[int, str]:
    """(freeze_days, after) of the plan's ``settlement`` setting; (0, received) without one.

    Settlement also waits for the platform's after-sales window, so a freeze of 0 still means
    "not before the window has closed".
    """
    settlement = engine_plan(version).settlement if version is not None else None
    if settlement is None:
        return 0, SettleAfter.RECEIVED
    return settlement.freeze_days, settlement.after
