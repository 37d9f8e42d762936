"""What a promoter would earn (预估佣金) from selling a product, under the plan in force in their community.

A read: one unit of each SKU at its selling price now, the SKU's commission base B, the promoter's chain today,
and the per-order rules of the version in force priced by the incentive engine
(``incentives.payouts.order_payouts_compute``, the same pricing the payout preview of the plans API uses).
Only the promoter's own payout counts (they are p0, selling to a customer, not buying themselves).
"""

from __future__ import annotations

from decimal import Decimal

from tuishou.catalog.commission import commission_base
from tuishou.catalog.models import Product
from tuishou.catalog.selectors import sku_selling_price
from tuishou.core.errors import DomainError
from tuishou.incentives.payouts import chain_snapshot, order_payouts_compute
from tuishou.incentives.selectors import plan_version_in_force
from tuishou.network.models import Promoter

ZERO = Decimal("0.00")


def promoter_of(user) -> Promoter | None:
    """The signed-in user's promoter row, or None (anonymous visitors and consumers earn nothing)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Promoter.objects.filter(user_id=user.pk).first()


def product_earnings(*, promoter: Promoter | None, product: Product) -> dict[int, Decimal]:
    """SKU id → what ``promoter`` would earn from one unit sold through their link; empty when there is no
    promoter, no plan in force, or the engine refuses (a page shows no figure rather than a wrong one)."""
    if promoter is None:
        return {}
    version = plan_version_in_force(community_id=promoter.community_id)
    if version is None:
        return {}
    chain = chain_snapshot(promoter_id=promoter.pk)
    earnings: dict[int, Decimal] = {}
    for sku in product.skus.all():
        price = sku_selling_price(sku)
        try:
            base = commission_base(sku.commission_mode, sku.commission_rate, sku.commission_amount,
                                   paid_amount=price, quantity=1)
            payouts = order_payouts_compute(version=version, order_ref="preview", chain=chain, base=base,
                                            self_purchase=False)
        except (DomainError, ValueError):
            continue
        earnings[sku.pk] = sum((p.amount for p in payouts if p.promoter_id == promoter.pk), ZERO)
    return earnings
