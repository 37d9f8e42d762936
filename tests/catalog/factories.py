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


def on_shelf(*, merchant: Merchant, price: str = "19.90", in_hot_zone: bool = False, hot_price=None,
             **fields) -> Product:
    """A product for sale with one SKU; ``in_hot_zone``: in a running 爆品 campaign (at ``hot_price``, else at
    its retail price)."""
    item = product(merchant=merchant, status=Product.Status.ON_SHELF, **fields)
    sku(product=item, price=price)
    if in_hot_zone or hot_price is not None:
        hot_campaign(item, price=hot_price)
    return item


def hot_campaign(item: Product, *, price=None, allocation: int | None = None, starts_at=None, ends_at=None,
                 status: str = "launched", **fields):
    """A 爆品 campaign of ``item`` put straight into ``status`` (launched: running now for a week), every active
    SKU at ``price`` (default: its retail price). Tests of the campaign services go through the services."""
    from datetime import timedelta

    from django.utils import timezone

    from tuishou.campaigns.models import Campaign, CampaignPrice

    now = timezone.now()
    skus = list(item.skus.filter(active=True).order_by("pk"))
    campaign = Campaign.objects.create(
        product=item, title=fields.pop("title", f"爆品 {item.title}"), pitch=fields.pop("pitch", "限时爆品，手慢无"),
        starts_at=starts_at or now - timedelta(hours=1), ends_at=ends_at or now + timedelta(days=7),
        allocation=allocation if allocation is not None else sum(s.stock for s in skus), status=status,
        launched_at=now if status != "draft" else None, **fields)
    CampaignPrice.objects.bulk_create([CampaignPrice(campaign=campaign, sku=s,
                                                     price=Decimal(str(price)) if price is not None else s.price)
                                       for s in skus])
    return campaign
