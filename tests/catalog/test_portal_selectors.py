"""Reads behind the merchant portal's catalog pages and the operators' review queue: exact counts, low stock,
another merchant's product is unknown, only ops operators see the queue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.catalog import factories as cf
from tests.merchants import factories as mf
from tuishou.catalog import selectors
from tuishou.catalog.models import Product
from tuishou.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
S = Product.Status


def test_counts_by_status_and_low_stock_skus():
    shop = mf.merchant()
    for status in (S.DRAFT, S.DRAFT, S.PENDING_REVIEW, S.ON_SHELF):
        item = cf.product(merchant=shop, status=status)
    cf.sku(product=item, stock=10)  # at the threshold: low
    cf.sku(product=item, stock=11)
    cf.sku(product=item, stock=0, active=False)  # not sold: not flagged
    cf.on_shelf(merchant=mf.merchant())  # another merchant's
    counts = selectors.merchant_product_counts(user=mf.owner_of(shop), merchant_id=shop.pk)
    assert counts == {"draft": 2, "pending_review": 1, "rejected": 0, "approved": 0, "on_shelf": 1, "off_shelf": 0,
                      "low_stock": 1}


def test_product_rows_carry_prices_stock_and_low_stock():
    shop = mf.merchant()
    item = cf.product(merchant=shop, title="高山蜂蜜")
    cf.sku(product=item, price="59.90", stock=3)
    cf.sku(product=item, price="39.90", stock=20)
    cf.product(merchant=shop, title="空草稿")
    rows = {p.title: (p.min_price, p.total_stock, p.sku_count, p.low_stock)
            for p in selectors.merchant_product_rows(user=mf.owner_of(shop), merchant_id=shop.pk)}
    assert rows == {"高山蜂蜜": (Decimal("39.90"), 23, 2, 1), "空草稿": (None, None, 0, 0)}


def test_another_merchants_product_and_sku_are_unknown():
    shop, other = mf.merchant(), mf.merchant()
    theirs = cf.on_shelf(merchant=other)
    with pytest.raises(NotFound) as err:
        selectors.product_for_merchant_page(user=mf.owner_of(shop), product_id=theirs.pk)
    assert err.value.code == "catalog.product_unknown"
    mine = cf.product(merchant=shop)
    with pytest.raises(NotFound) as err:
        selectors.sku_for_merchant_page(user=mf.owner_of(shop), product_id=mine.pk, sku_id=theirs.skus.get().pk)
    assert err.value.code == "catalog.sku_unknown"


def test_review_queue_for_ops_only_oldest_first_and_by_status():
    shop = mf.merchant()
    first = cf.product(merchant=shop, status=S.PENDING_REVIEW, title="先提交")
    second = cf.product(merchant=shop, status=S.PENDING_REVIEW, title="后提交")
    Product.objects.filter(pk=first.pk).update(updated_at=second.updated_at - timedelta(minutes=5))
    cf.product(merchant=shop, status=S.REJECTED, title="已驳回", reject_reason="缺少资质")
    ops = mf.operator("ops")
    assert [p.title for p in selectors.reviews_for_operator(user=ops)] == ["先提交", "后提交"]
    assert [p.title for p in selectors.reviews_for_operator(user=ops, status="rejected")] == ["已驳回"]
    with pytest.raises(InvalidInput) as err:
        selectors.reviews_for_operator(user=ops, status="draft")
    assert err.value.code == "catalog.status_unknown"
    with pytest.raises(PermissionDenied):
        selectors.reviews_for_operator(user=mf.operator("finance"))
    with pytest.raises(PermissionDenied):
        selectors.product_for_review(user=mf.owner_of(shop), product_id=first.pk)

