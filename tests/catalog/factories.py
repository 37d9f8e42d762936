"""Test data for the catalog: plain functions with sensible defaults."""

from __future__ import annotations

import itertools
from decimal import Decimal

from tuishou.catalog.models import Product, Sku
from tuishou.merchants.models import Merchant

_seq = itertools.count(1)


def product(*, merchant: Merchant, status: str = Product.Status.DRAFT, title: str = "高山蜂蜜",
            category: str = "食品", **fields) -> Product:
    """A product put straight into ``status`` (tests of the pipeline itself go through the services)."""
    return Product.objects.create(merchant=merchant, status=status, title=title, category=category, **fields)


def sku(*, product: Product, price: str = "19.90", supply_price: str = "12.00", stock: int = 100,
        commission_rate: str | None = "0.1000", commission_amount: str | None = None, **fields) -> Sku:
    mode = Sku.CommissionMode.FIXED if commission_amount is not None else Sku.CommissionMode.PERCENT
    return Sku.objects.create(
        product=product, spec_name=fields.pop("spec_name", "500g×2袋"), code=fields.pop("code", f"SKU{next(_seq)}"),
        price=Decimal(price), supply_price=Decimal(supply_price), stock=stock, commission_mode=mode,
        commission_rate=None if mode == Sku.CommissionMode.FIXED else Decimal(commission_rate),
        commission_amount=None if commission_amount is None else Decimal(commission_amount), **fields)


def on_shelf(*, merchant: Merchant, price: str = "19.90", **fields) -> Product:
    """A product for sale with one SKU."""
    item = product(merchant=merchant, status=Product.Status.ON_SHELF, **fields)
    sku(product=item, price=price)
    return item
