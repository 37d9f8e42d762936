"""API shapes for the catalog. Amounts go in and out as decimal strings ("19.90"), rates as "0.1000"."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema

from tuishou.catalog.models import Product, Sku
from tuishou.catalog.selectors import (
    product_hot_price,
    product_running_campaign,
    sku_selling_price,
    sku_selling_prices,
)
from tuishou.core.inputs import Count, Id, Reason, Title
from tuishou.core.inputs import OptionalReasonIn as ReasonIn  # noqa: F401 (the routes' shape of a reason)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# ---- in ------------------------------------------------------------------------------------------------------

class ProductIn(Schema):
    merchant_id: Id
    title: Title
    category: str
    description: str = ""


class ProductPatch(Schema):
    title: Title | None = None
    category: str | None = None
    description: str | None = None


class SkuIn(Schema):
    spec_name: str
    code: str
    price: str
    supply_price: str
    commission_mode: str
    commission_rate: str | None = None
    commission_amount: str | None = None
    stock: Count = 0
    active: bool = True


class SkuPatch(Schema):
    spec_name: str | None = None
    code: str | None = None
    price: str | None = None
    supply_price: str | None = None
    commission_mode: str | None = None
    commission_rate: str | None = None
    commission_amount: str | None = None
    active: bool | None = None


class StockIn(Schema):
    stock: Count
    expected: Count | None = None



class InspectedIn(Schema):
    inspected: bool
    reason: Reason = ""


# ---- out -----------------------------------------------------------------------------------------------------

class MerchantRef(Schema):
    id: int
    name: str


class ImageOut(Schema):
    id: int
    url: str
    position: int


class SkuPublicOut(Schema):
    id: int
    spec_name: str
    price: str
    selling_price: str
    stock: int
    commission_mode: str
    commission_rate: str | None
    commission_amount: str | None


class SkuOut(SkuPublicOut):
    code: str
    supply_price: str
    active: bool


class ProductCardOut(Schema):
    id: int
    title: Title
    category: str
    merchant: MerchantRef
    min_price: str | None
    hot_price: str | None
    hot_ends_at: datetime | None
    in_hot_zone: bool
    inspected: bool
    total_stock: int
    cover: str | None


class ProductDetailOut(ProductCardOut):
    description: str
    images: list[ImageOut]
    skus: list[SkuPublicOut]


class ProductManageOut(Schema):
    id: int
    merchant: MerchantRef
    title: Title
    category: str
    description: str
    status: str
    reject_reason: str
    min_price: str | None
    in_hot_zone: bool
    hot_price: str | None
    hot_starts_at: datetime | None
    hot_ends_at: datetime | None
    inspected: bool
    inspected_at: datetime | None
    images: list[ImageOut]
    skus: list[SkuOut]


class PoolPage(Schema):
    count: int
    items: list[ProductCardOut]


# ---- presenters ----------------------------------------------------------------------------------------------

def image_out(image) -> dict:
    return {"id": image.pk, "url": image.image.url, "position": image.position}


def sku_out(sku: Sku, *, product: Product, staff: bool = False, price: Decimal | None = None) -> dict:
    """An SKU as promoters see it (``staff``: with code, supply price and the active flag)."""
    body = {
        "id": sku.pk, "spec_name": sku.spec_name, "price": str(sku.price),
        "selling_price": str(sku_selling_price(sku) if price is None else price),
        "stock": sku.stock, "commission_mode": sku.commission_mode,
        "commission_rate": None if sku.commission_rate is None else str(sku.commission_rate),
        "commission_amount": _money(sku.commission_amount),
    }
    if staff:
        body.update(code=sku.code, supply_price=str(sku.supply_price), active=sku.active)
    return body


def product_card(product: Product) -> dict:
    """A product in the supply pool (needs the ``supply_pool`` annotations)."""
    images = list(product.images.all())
    return {
        "id": product.pk, "title": product.title, "category": product.category,
        "merchant": {"id": product.merchant_id, "name": product.merchant.name},
        "min_price": _money(product.min_price),
        "hot_price": _money(product.hot_price), "hot_ends_at": product.hot_ends_at,
        "in_hot_zone": product.hot, "inspected": product.inspected,
        "total_stock": product.total_stock or 0,
        "cover": images[0].image.url if images else None,
    }


def product_detail(product: Product) -> dict:
    """A product for sale with its active SKUs and all its pictures."""
    prices = sku_selling_prices(product.skus.all())
    return {**product_card(product), "description": product.description,
            "images": [image_out(i) for i in product.images.all()],
            "skus": [sku_out(s, product=product, price=prices[s.pk]) for s in product.skus.all()]}


def _hot_fields(product: Product) -> dict:
    """爆品区 as the product's running campaign has it (``tuishou.campaigns``)."""
    campaign = product_running_campaign(product)
    return {"in_hot_zone": campaign is not None, "hot_price": _money(product_hot_price(product)),
            "hot_starts_at": campaign.starts_at if campaign else None,
            "hot_ends_at": campaign.ends_at if campaign else None}


def product_manage(product: Product) -> dict:
    """A product as its merchant's staff and operators see it: every SKU, status and zone fields."""
    return {
        "id": product.pk, "merchant": {"id": product.merchant_id, "name": product.merchant.name},
        "title": product.title, "category": product.category, "description": product.description,
        "status": product.status, "reject_reason": product.reject_reason,
        "min_price": _money(getattr(product, "min_price", None)),
        **_hot_fields(product),
        "inspected": product.inspected, "inspected_at": product.inspected_at,
        "images": [image_out(i) for i in product.images.all()],
        "skus": [sku_out(s, product=product, staff=True) for s in product.skus.all()],
    }
