"""Test data for campaigns: a product for sale with two SKUs, and campaigns made through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.catalog import factories as catalog_factories
from tests.orders import factories as of
from tuishou.campaigns.services import campaign_create, campaign_launch
from tuishou.catalog.models import Product


def product(*, stock: int = 50, title: str = "云南高山蜂蜜") -> Product:
    """On the shelf: 500g at 59.90 (supply 30.00, 20% commission) and 1kg at 99.00 (supply 50.00, fixed 15.00)."""
    item = catalog_factories.product(merchant=of.shop(), status=Product.Status.ON_SHELF, title=title)
    catalog_factories.sku(product=item, price="59.90", supply_price="30.00", stock=stock, commission_rate="0.2000",
                          spec_name="500g")
    catalog_factories.sku(product=item, price="99.00", supply_price="50.00", stock=stock, commission_rate=None,
                          commission_amount="15.00", spec_name="1kg")
    return item


def terms(**changes) -> dict:
    now = timezone.now()
    return {"title": "蜂蜜爆品日", "pitch": "高山百花蜜，今天限量特价，手慢无！", "starts_at": now,
            "ends_at": now + timedelta(days=3), "allocation": 10, "price": None,
            "prices": None, "commission_mode": "fixed", "commission_amount": "5.00", **changes}


def running(item: Product, *, ops=None, **changes):
    """A campaign created and launched now: 500g at 39.90, 1kg at 79.00, fixed commission base 5.00 a unit."""
    ops = ops or of.operator("ops")
    skus = list(item.skus.order_by("pk"))
    fields = terms(prices={skus[0].pk: "39.90", skus[1].pk: "79.00"}, **changes)
    campaign = campaign_create(actor=ops, product_id=item.pk, **fields)
    return campaign_launch(actor=ops, campaign_id=campaign.pk)
