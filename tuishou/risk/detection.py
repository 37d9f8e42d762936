"""The detection of risk flags (刷单, self-dealing): each rule of ``tuishou.risk.rules`` as a query over the facts.

Every function reads the rule's thresholds in force and answers a ``Finding`` (what fired, on which subject,
with which orders and accounts, and the figures seen) or None; ``services.flag_raise`` turns a finding into a
flag. A rule fires when its figure reaches the threshold: ``>=``, so exactly at it and never below.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from tuishou.core.masking import address_masked, phone_masked
from tuishou.network.models import Promoter
from tuishou.orders.models import Order
from tuishou.risk import hooks
from tuishou.risk import rules as R
from tuishou.risk.models import RiskRule

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Finding:
    rule: str
    subject_key: str
    subject_label: str
    community_id: int | None
    promoter_id: int | None
    order_ids: tuple[int, ...] = ()
    account_ids: tuple[int, ...] = ()
    evidence: dict = field(default_factory=dict)


def thresholds(code: str) -> dict[str, Decimal] | None:
    """The rule's thresholds in force, or None when an operator switched it off."""
    rule = R.RULES[code]
    row = RiskRule.objects.filter(code=code).first()
    if row is not None and not row.enabled:
        return None
    return rule.effective(row.params if row is not None else None)


def _figures(params: dict[str, Decimal]) -> dict[str, str]:
    return {name: str(value) for name, value in params.items()}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def new_account_cluster(order: Order) -> Finding | None:
    """(a) New accounts (registered ``account_age_days`` before buying) buying through the order's share link — or,
    without a link, credited to its promoter — within ``window_hours`` up to this order: ``min_accounts`` fire."""
    params = thresholds(R.NEW_ACCOUNT_CLUSTER)
    if params is None or order.promoter_id is None or order.paid_at is None:
        return None
    age = timedelta(days=int(params["account_age_days"]))
    start = order.paid_at - timedelta(hours=int(params["window_hours"]))
    group = ({"share_link_id": order.share_link_id} if order.share_link_id
             else {"promoter_id": order.promoter_id, "share_link__isnull": True})
    rows = (Order.objects.filter(**group, paid_at__gte=start, paid_at__lte=order.paid_at, self_purchase=False)
            .values_list("pk", "buyer_id", "paid_at", "buyer__date_joined").order_by("pk"))
    new = [(pk, buyer) for pk, buyer, paid_at, joined in rows if joined is not None and paid_at - joined <= age]
    buyers = sorted({buyer for _, buyer in new})
    if len(buyers) < params["min_accounts"]:
        return None
    promoter = Promoter.objects.select_related("user").get(pk=order.promoter_id)
    if order.share_link_id:
        key, label = f"link:{order.share_link_id}", f"{order.share_code or order.share_link_id} · {_name(promoter)}"
    else:
        key, label = f"promoter:{promoter.pk}", _name(promoter)
    return Finding(rule=R.NEW_ACCOUNT_CLUSTER, subject_key=key, subject_label=label,
                   community_id=promoter.community_id, promoter_id=promoter.pk,
                   order_ids=tuple(pk for pk, _ in new), account_ids=tuple(buyers),
                   evidence={"new_accounts": len(buyers), "orders": len(new), **_figures(params)})


def shared_destination(order: Order) -> list[Finding]:
    """(b) Orders credited to the order's promoter from ``min_accounts`` different buyer accounts to the order's
    phone, or to its address, within ``window_days`` up to this order: one finding per destination that reached
    it. (Accounts of one household ordering through different promoters earn nobody a commission twice.)"""
    params = thresholds(R.SHARED_DESTINATION)
    if params is None or order.paid_at is None or order.promoter_id is None:
        return []
    start = order.paid_at - timedelta(days=int(params["window_days"]))
    paid = Order.objects.filter(promoter_id=order.promoter_id, paid_at__gte=start, paid_at__lte=order.paid_at)
    destinations = (
        ("phone", {"recipient_phone": order.recipient_phone}, order.recipient_phone,
         phone_masked(order.recipient_phone)),
        ("address", {"province": order.province, "city": order.city, "district": order.district,
                     "address_detail": order.address_detail},
         "|".join((order.province, order.city, order.district, " ".join(order.address_detail.split()))),
         f"{address_masked(province=order.province, city=order.city)}{order.district}…"),
    )
    findings = []
    for kind, match, raw, label in destinations:
        if not raw.strip("|"):
            continue
        rows = list(paid.filter(**match).values_list("pk", "buyer_id").order_by("pk"))
        buyers = sorted({buyer for _, buyer in rows})
        if len(buyers) < params["min_accounts"]:
            continue
        key = f"promoter:{order.promoter_id}:{kind}:{_digest(raw)}"
        findings.append(Finding(rule=R.SHARED_DESTINATION, subject_key=key, subject_label=label,
                                community_id=order.community_id,
                                promoter_id=order.promoter_id, order_ids=tuple(pk for pk, _ in rows),
                                account_ids=tuple(buyers),
                                evidence={"destination": kind, "accounts": len(buyers), "orders": len(rows),
                                          **_figures(params)}))
    return findings


def refund_after_settlement(order: Order, *, refunded_at: datetime) -> Finding | None:
    """(c) The order refunded within ``within_hours`` of its commissions' settlement (settlement answers when)."""
    params = thresholds(R.REFUND_AFTER_SETTLEMENT)
    if params is None or order.promoter_id is None:
        return None
    settled = [at for at in hooks.ORDER_SETTLED_AT.notify(order.pk) if at is not None]
    if not settled:
        return None
    settled_at = min(settled)
    gap = refunded_at - settled_at
    if gap < timedelta(0) or gap > timedelta(hours=int(params["within_hours"])):
        return None
    promoter = Promoter.objects.select_related("user").get(pk=order.promoter_id)
    return Finding(rule=R.REFUND_AFTER_SETTLEMENT, subject_key=f"promoter:{promoter.pk}",
                   subject_label=_name(promoter), community_id=order.community_id, promoter_id=promoter.pk,
                   order_ids=(order.pk,), account_ids=(order.buyer_id,),
                   evidence={"hours_after_settlement": round(gap.total_seconds() / 3600, 1), **_figures(params)})


def self_purchase_ratio(promoter_id: int, *, at: datetime) -> Finding | None:
    """(d) The promoter's own purchases (self-purchase orders, or orders their own account placed) over
    ``window_days`` up to ``at`` reach ``min_amount`` and ``min_ratio`` times their sales to others."""
    params = thresholds(R.SELF_PURCHASE_RATIO)
    if params is None:
        return None
    promoter = Promoter.objects.select_related("user").get(pk=promoter_id)
    start = at - timedelta(days=int(params["window_days"]))
    rows = (Order.objects.filter(promoter_id=promoter_id, paid_at__gte=start, paid_at__lte=at)
            .values_list("pk", "buyer_id", "self_purchase", "total", "refunded_amount").order_by("pk"))
    own, others, own_orders = ZERO, ZERO, []
    for pk, buyer_id, self_purchase, total, refunded in rows:
        if self_purchase or buyer_id == promoter.user_id:
            own += total - refunded
            own_orders.append(pk)
        else:
            others += total - refunded
    if own <= 0 or own < params["min_amount"] or own < params["min_ratio"] * others:
        return None
    return Finding(rule=R.SELF_PURCHASE_RATIO, subject_key=f"promoter:{promoter.pk}", subject_label=_name(promoter),
                   community_id=promoter.community_id, promoter_id=promoter.pk, order_ids=tuple(own_orders),
                   account_ids=(promoter.user_id,),
                   evidence={"self_purchases": str(own), "sales_to_others": str(others),
                             "ratio": str((own / others).quantize(Decimal("0.01"))) if others else "∞",
                             **_figures(params)})


def signup_velocity(promoter_id: int) -> Finding | None:
    """(e) ``min_signups`` promoters joined under the new promoter's sponsor within ``window_hours`` up to them."""
    params = thresholds(R.SIGNUP_VELOCITY)
    if params is None:
        return None
    joined = Promoter.objects.filter(pk=promoter_id).values_list("sponsor_id", "created_at").first()
    if joined is None or joined[0] is None:
        return None
    sponsor_id, created_at = joined
    start = created_at - timedelta(hours=int(params["window_hours"]))
    rows = list(Promoter.objects.filter(sponsor_id=sponsor_id, created_at__gte=start, created_at__lte=created_at)
                .values_list("user_id", flat=True).order_by("pk"))
    if len(rows) < params["min_signups"]:
        return None
    sponsor = Promoter.objects.select_related("user").get(pk=sponsor_id)
    return Finding(rule=R.SIGNUP_VELOCITY, subject_key=f"promoter:{sponsor.pk}", subject_label=_name(sponsor),
                   community_id=sponsor.community_id, promoter_id=sponsor.pk, account_ids=tuple(rows),
                   evidence={"signups": len(rows), **_figures(params)})


def _name(promoter: Promoter) -> str:
    user = promoter.user
    return f"{user.display_name or phone_masked(user.phone or '')} ({promoter.invite_code})"
