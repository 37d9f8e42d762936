"""Reads for risk: the flags an operator works through, one flag with its evidence, the rules in force, and
which orders' commissions are held (asked by settlement)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from tuishou.accounts.models import User
from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import NotFound
from tuishou.core.masking import address_masked, name_masked, phone_masked
from tuishou.orders.models import Order
from tuishou.risk import rules as R
from tuishou.risk.errors import RiskError
from tuishou.risk.models import RiskFlag, RiskFlagOrder, RiskRule

READERS = ("risk", "finance")  # with admin: who sees the risk queue (finance: why commissions are held)


def held_orders() -> QuerySet:
    """Order ids whose commissions settlement must not settle: orders of an open flag (held until an operator
    decides) or of a rejected one (forfeited). A subquery (``values``), so settlement's due query stays one
    statement on both databases."""
    return (RiskFlagOrder.objects.filter(flag__status__in=(RiskFlag.Status.OPEN, RiskFlag.Status.REJECTED))
            .values("order_id"))


def forfeited_order_ids(order_ids=None) -> set[int]:
    """Ids of orders whose commissions a rejected flag forfeited (of ``order_ids`` when given)."""
    rows = RiskFlagOrder.objects.filter(flag__status=RiskFlag.Status.REJECTED)
    if order_ids is not None:
        rows = rows.filter(order_id__in=list(order_ids))
    return set(rows.values_list("order_id", flat=True))


def flag_queue_query(*, actor, rule: str = "", status: str = "", community_id: int | None = None) -> QuerySet:
    """Flags for the risk queue, newest first, with their community, promoter and order count. Risk, finance."""
    require_operator(actor, *READERS)
    rows = (RiskFlag.objects.select_related("community", "promoter__user", "decided_by")
            .annotate(order_count=Count("flag_orders")).order_by("-created_at", "-id"))
    if rule:
        rows = rows.filter(rule=rule)
    if status:
        rows = rows.filter(status=status)
    if community_id:
        rows = rows.filter(community_id=community_id)
    return rows


@dataclass(frozen=True)
class FlagOrder:
    pk: int
    number: str
    status: str
    total: Decimal
    paid_at: object
    buyer: str
    buyer_joined: object
    recipient: str
    phone: str
    address: str
    share_code: str
    self_purchase: bool


@dataclass(frozen=True)
class FlagAccount:
    pk: int
    name: str
    phone: str
    joined: object


@dataclass(frozen=True)
class FlagDetail:
    flag: RiskFlag
    orders: list[FlagOrder]
    accounts: list[FlagAccount]
    total: Decimal


ACCOUNTS_SHOWN = 200


def flag_detail(*, actor, flag_id: int) -> FlagDetail:
    """One flag with its evidence: the orders (buyer, masked recipient, phone and address) and the accounts
    (masked). Risk, finance; ``risk.flag_not_found``."""
    require_operator(actor, *READERS)
    flag = (RiskFlag.objects.select_related("community", "promoter__user", "decided_by")
            .filter(pk=flag_id).first())
    if flag is None:
        raise NotFound(RiskError.FLAG_NOT_FOUND, flag_id=flag_id, details={"flag_id": flag_id})
    orders = [FlagOrder(pk=o.pk, number=o.number, status=o.status, total=o.total, paid_at=o.paid_at,
                        buyer=o.buyer.display_name or phone_masked(o.buyer.phone or ""),
                        buyer_joined=o.buyer.date_joined, recipient=name_masked(o.recipient_name),
                        phone=phone_masked(o.recipient_phone),
                        address=f"{address_masked(province=o.province, city=o.city)}{o.district}",
                        share_code=o.share_code, self_purchase=o.self_purchase)
              for o in Order.objects.filter(pk__in=RiskFlagOrder.objects.filter(flag=flag).values("order_id"))
              .select_related("buyer").order_by("paid_at", "pk")]
    users = User.objects.filter(pk__in=flag.account_ids[:ACCOUNTS_SHOWN]).order_by("date_joined", "pk")
    accounts = [FlagAccount(pk=u.pk, name=u.display_name or name_masked(u.username),
                            phone=phone_masked(u.phone or ""), joined=u.date_joined) for u in users]
    return FlagDetail(flag=flag, orders=orders, accounts=accounts,
                      total=sum((o.total for o in orders), Decimal("0.00")))


@dataclass(frozen=True)
class RuleSetting:
    rule: R.Rule
    enabled: bool
    values: dict[str, Decimal]
    updated_at: object
    updated_by: object


def rule_settings(*, actor) -> list[RuleSetting]:
    """Every rule with its thresholds in force (defaults where an operator changed nothing). Risk, finance."""
    require_operator(actor, *READERS)
    rows = {row.code: row for row in RiskRule.objects.select_related("updated_by")}
    return [RuleSetting(rule=rule, enabled=rows[code].enabled if code in rows else True,
                        values=rule.effective(rows[code].params if code in rows else None),
                        updated_at=rows[code].updated_at if code in rows else None,
                        updated_by=rows[code].updated_by if code in rows else None)
            for code, rule in R.RULES.items()]
