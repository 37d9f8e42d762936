"""Reads of what a buyer is about to buy: the cart grouped by merchant (购物车, 按店铺分组) and the buy-now
preview of one SKU, each priced now by the catalog (the 爆品 price in its window) with its totals.

Totals are computed only from quantities the services accepted (a cart line's stored quantity, or a buy-now
quantity that passed ``quantity_in_stock``): a page never shows the total of a quantity that cannot be bought.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from tuishou.campaigns.pricing import running_price_subquery
from tuishou.catalog.models import Product, ProductImage, Sku
from tuishou.catalog.selectors import sku_selling_price
from tuishou.merchants.models import Merchant
from tuishou.orders.models import CartLine
from tuishou.orders.services import quantity_in_stock, sku_available

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BasketRow:
    """One SKU to buy: what it is, how many, its price now, and whether it can still be bought."""

    sku: Sku
    quantity: int
    unit_price: Decimal
    amount: Decimal
    share_code: str
    image_url: str | None
    line_id: int | None = None
    problem: str = ""  # why it cannot be bought now ("off the shelf", "only 3 left"); empty when it can


@dataclass
class BasketGroup:
    """One merchant's rows: one order per merchant at checkout (拆单)."""

    merchant: Merchant
    rows: list[BasketRow] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((r.amount for r in self.rows if not r.problem), ZERO)


@dataclass(frozen=True)
class Basket:
    groups: list[BasketGroup]

    @property
    def rows(self) -> list[BasketRow]:
        return [r for g in self.groups for r in g.rows]

    @property
    def total(self) -> Decimal:
        return sum((g.subtotal for g in self.groups), ZERO)

    @property
    def count(self) -> int:
        return sum(r.quantity for r in self.rows if not r.problem)

    @property
    def can_checkout(self) -> bool:
        return bool(self.rows) and not any(r.problem for r in self.rows)


def _images() -> Prefetch:
    return Prefetch("sku__product__images", queryset=ProductImage.objects.order_by("position", "id"))


def _problem(sku: Sku, quantity: int) -> str:
    if (not sku.active or sku.product.status != Product.Status.ON_SHELF
            or sku.product.merchant.status != Merchant.Status.ACTIVE):
        return "unavailable"
    if quantity > sku.stock:
        return "short"
    return ""


def _group(rows: list[BasketRow]) -> Basket:
    groups: dict[int, BasketGroup] = {}
    for row in rows:
        merchant = row.sku.product.merchant
        groups.setdefault(merchant.pk, BasketGroup(merchant=merchant)).rows.append(row)
    return Basket(groups=list(groups.values()))


def _row(sku: Sku, *, quantity: int, share_code: str, line_id: int | None = None,
         price: Decimal | None = None) -> BasketRow:
    price = sku_selling_price(sku) if price is None else price
    images = list(sku.product.images.all())
    return BasketRow(sku=sku, quantity=quantity, unit_price=price, amount=price * quantity, share_code=share_code,
                     image_url=images[0].image.url if images else None, line_id=line_id,
                     problem=_problem(sku, quantity))


def cart_basket(*, user) -> Basket:
    """The user's cart, grouped by merchant in the order lines were added; a line that can no longer be bought
    (off the shelf, not enough stock) carries its ``problem`` and counts in no total. Three queries."""
    lines = (CartLine.objects.filter(user_id=user.pk).select_related("sku__product__merchant")
             .prefetch_related(_images()).order_by("pk"))
    lines = lines.annotate(campaign_price=running_price_subquery("sku_id", now=timezone.now()))  # 爆品 prices
    return _group([_row(line.sku, quantity=line.quantity, share_code=line.share_code, line_id=line.pk,
                        price=line.sku.price if line.campaign_price is None else line.campaign_price)
                   for line in lines])


def cart_count(*, user) -> int:
    """How many lines the cart holds (the cart tab's badge)."""
    return CartLine.objects.filter(user_id=user.pk).count()


def buy_now_basket(*, sku_id: int, quantity: int, share_code: str = "") -> Basket:
    """The basket of 立即购买: one SKU for sale now and a quantity it has in stock.

    Raises ``orders.sku_unavailable``, ``orders.quantity_invalid``, ``orders.out_of_stock`` — before any total.
    """
    sku = sku_available(sku_id)
    quantity = quantity_in_stock(sku=sku, quantity=quantity)
    sku = (Sku.objects.select_related("product__merchant")
           .prefetch_related(Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id")))
           .get(pk=sku.pk))
    return _group([_row(sku, quantity=quantity, share_code=share_code)])
