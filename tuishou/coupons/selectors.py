"""Reads of coupon goods: the live items, a promoter's picks and commissions, imports and their rows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import NotFound
from tuishou.coupons.errors import CouponError
from tuishou.coupons.models import (
    CouponCommission,
    CouponItem,
    CouponOrder,
    CouponPick,
    FeedImport,
    ReportImport,
    ReportRow,
)
from tuishou.incentives.payouts import chain_snapshot
from tuishou.incentives.selectors import plan_version_in_force
from tuishou.network.models import Promoter
from tuishou.settlement.recompute import order_payouts_for


def live_items(*, search: str = "", category: str = "") -> QuerySet[CouponItem]:
    """Coupon items still valid (an expired one is gone from the pool and the stores), newest first."""
    items = CouponItem.objects.filter(valid_until__gt=timezone.now())
    if search:
        items = items.filter(title__icontains=search[:100])
    if category:
        items = items.filter(category=category)
    return items.order_by("-id")


def all_items() -> QuerySet[CouponItem]:
    return CouponItem.objects.order_by("-id")


def item_categories() -> list[str]:
    return sorted(set(live_items().exclude(category="").values_list("category", flat=True)))


def coupon_estimates(promoter: Promoter, items) -> dict[int, Decimal]:
    """预估佣金: item id → what ``promoter`` earns (as the seller) from one purchase at the price after coupon,
    under the community's plan in force, on B = the platform's commission."""
    version = plan_version_in_force(community_id=promoter.community_id)
    if version is None:
        return {}
    chain = chain_snapshot(promoter_id=promoter.pk)
    out = {}
    for item in items:
        base = item.external_commission
        priced = order_payouts_for(version=version, order_ref=f"estimate:{item.pk}", chain=chain,
                                   self_purchase=False, paid=base, commission_base=base)
        out[item.pk] = sum((amount for (pid, _), amount in priced.payouts.items() if pid == promoter.pk),
                           Decimal("0.00"))
    return out


def promoter_picks(promoter: Promoter) -> QuerySet[CouponPick]:
    """The coupon items in the promoter's store, live ones only."""
    return (CouponPick.objects.filter(promoter=promoter, removed=False, item__valid_until__gt=timezone.now())
            .select_related("item").order_by("-id"))


def picked_item_ids(promoter: Promoter) -> set[int]:
    return set(CouponPick.objects.filter(promoter=promoter, removed=False).values_list("item_id", flat=True))


def store_coupon_picks(promoter_id: int) -> list[CouponPick]:
    """What a store's visitors see: the live coupon items of the store's promoter."""
    return list(CouponPick.objects.filter(promoter_id=promoter_id, removed=False,
                                          item__valid_until__gt=timezone.now())
                .select_related("item").order_by("-id")[:50])


def promoter_coupon_commissions(promoter: Promoter) -> QuerySet[CouponCommission]:
    return (CouponCommission.objects.filter(promoter=promoter)
            .select_related("order", "order__item").order_by("-id"))


def coupon_commission_rows(promoter: Promoter, status: str | None) -> QuerySet[CouponCommission]:
    """The promoter's coupon commissions (of ``status``, if given), for settlement's list of every commission."""
    rows = CouponCommission.objects.filter(promoter=promoter)
    return rows.filter(status=status) if status else rows


def coupon_commissions_by_id(ids: list[int]) -> dict[int, CouponCommission]:
    return CouponCommission.objects.select_related("order", "order__item", "order__plan_version").in_bulk(ids)


def feed_imports(*, actor) -> QuerySet[FeedImport]:
    require_operator(actor)
    return FeedImport.objects.order_by("-id")


def report_imports(*, actor) -> QuerySet[ReportImport]:
    require_operator(actor)
    return ReportImport.objects.select_related("actor").order_by("-id")


def report_import_get(*, actor, report_id: int) -> ReportImport:
    require_operator(actor)
    report = ReportImport.objects.filter(pk=report_id).first()
    if report is None:
        raise NotFound(CouponError.IMPORT_UNKNOWN)
    return report


def report_rows(*, report: ReportImport, outcome: str = "", skipped_only: bool = False) -> QuerySet[ReportRow]:
    rows = report.lines.order_by("line")
    if skipped_only:
        return rows.filter(outcome=ReportRow.Outcome.SKIPPED)
    return rows.filter(outcome=outcome) if outcome else rows


def items_for_ops(*, actor, search: str = "") -> QuerySet[CouponItem]:
    require_operator(actor)
    items = CouponItem.objects.order_by("-id")
    return items.filter(Q(title__icontains=search) | Q(external_id=search)) if search else items


def coupon_order_numbers(refs: list[str]) -> dict[str, str]:
    """``{"coupon:<id>": the platform's order id}`` for the refs on a wallet page (one query)."""
    ids = {int(ref.split(":")[1]): ref for ref in refs if ref.split(":")[1].isdigit()}
    return {ids[pk]: number for pk, number in
            CouponOrder.objects.filter(pk__in=ids).values_list("pk", "external_order_id")}
