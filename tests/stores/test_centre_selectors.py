"""Reads of the promoter centre in stores and catalog: link figures in one query, customers with what they
bought, the estimated commission of goods in the pool, moving a store item, the pool sorted by commission."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.orders import factories as f
from tuishou.catalog.selectors import supply_categories, supply_pool_by_commission
from tuishou.core.errors import NotFound
from tuishou.stores import selectors
from tuishou.stores.models import StoreItem
from tuishou.stores.services import share_click_record, store_item_add

pytestmark = pytest.mark.django_db


def test_link_figures_clicks_unique_visitors_and_orders(after_commit):
    f.plan()
    promoter = f.invitee(f.root(), "小李")
    honey, tea = f.sku(price="59.90", stock=20), f.sku(price="20.00", title="茶")
    honey_link, tea_link = f.share_link(promoter, honey.product_id), f.share_link(promoter, tea.product_id)
    now = timezone.now()
    for key, days_ago in (("v1", 2), ("v1", 0), ("v2", 0)):  # v1 comes back two days later: a new click
        share_click_record(link=honey_link, visitor_key=key, user=None, at=now - timedelta(days=days_ago))
    f.paid_order(after_commit, item=honey, quantity=1, share_code=honey_link.code)
    rows = {link.code: (link.click_count, link.visitor_count, link.order_count)
            for link in selectors.promoter_links_with_stats(promoter)}
    assert rows == {honey_link.code: (3, 2, 1), tea_link.code: (0, 0, 0)}


def test_customers_with_orders_spent_and_last_purchase(after_commit):
    f.plan()
    root = f.root("阿花")
    promoter = f.invitee(root, "小李")
    honey, tea = f.sku(price="59.90", stock=20, title="蜂蜜"), f.sku(price="20.00", title="绿茶")
    honey_link, tea_link = f.share_link(promoter, honey.product_id), f.share_link(promoter, tea.product_id)
    regular, once = f.buyer("老客"), f.buyer("新客")
    f.paid_order(after_commit, person=regular, item=honey, quantity=2, share_code=honey_link.code)
    f.paid_order(after_commit, person=regular, item=tea, quantity=1, share_code=tea_link.code)
    f.paid_order(after_commit, person=once, item=tea, quantity=3, share_code=tea_link.code)
    rows = {b.consumer_id: (b.order_count, b.spent, b.last_title) for b in selectors.promoter_customers(promoter)}
    assert rows == {regular.pk: (2, Decimal("139.80"), "绿茶"), once.pk: (1, Decimal("60.00"), "绿茶")}
    assert list(selectors.promoter_customers(root)) == []


def test_masked_phone():
    assert selectors.masked_phone("13812345678") == "138****5678"
    assert selectors.masked_phone("") == "—"


def test_pool_estimates_price_what_the_promoter_earns_under_the_plan():
    f.plan()  # direct: member 30%
    promoter = f.invitee(f.root(), "小李")
    honey = f.sku(price="59.90", rate="0.2000")  # B = 11.98 → 3.59 (rounded down)
    tea = f.sku(price="100.00", rate=None, fixed="30.00", title="茶")  # B = 30.00 → 9.00
    products = list(supply_pool_by_commission().prefetch_related("skus"))
    assert selectors.pool_estimates(promoter, products) == {honey.product_id: Decimal("3.59"),
                                                            tea.product_id: Decimal("9.00")}


def test_pool_estimates_are_empty_without_a_plan_in_force():
    promoter = f.invitee(f.root(), "小李")
    f.sku()
    assert selectors.pool_estimates(promoter, list(supply_pool_by_commission().prefetch_related("skus"))) == {}


def test_pool_sorted_by_commission_highest_base_first_and_categories():
    low = f.sku(price="59.90", rate="0.1000", title="低")    # B 5.99
    high = f.sku(price="20.00", rate=None, fixed="8.00", title="高")  # B 8.00
    mid = f.sku(price="100.00", rate="0.0700", title="中")   # B 7.00
    order = [p.pk for p in supply_pool_by_commission(sort="commission")]
    assert order == [high.product_id, mid.product_id, low.product_id]
    assert [p.pk for p in supply_pool_by_commission(sort="newest")] == [mid.product_id, high.product_id,
                                                                       low.product_id]
    assert supply_categories() == sorted({p.category for p in supply_pool_by_commission()})


def test_moving_a_store_item_and_someone_elses_item():
    promoter = f.invitee(f.root(), "小李")
    stranger = f.invitee(f.root("别人"), "路人")
    items = [store_item_add(user=promoter.user, product_id=f.sku(title=t).product_id).pk for t in "甲乙丙"]
    a, b, c = items
    assert selectors.store_item_order_moved(promoter=promoter, item_id=c, up=True) == [a, c, b]
    assert selectors.store_item_order_moved(promoter=promoter, item_id=a, up=True) == [a, b, c]
    assert selectors.store_item_order_moved(promoter=promoter, item_id=c, up=False) == [a, b, c]
    with pytest.raises(NotFound):
        selectors.store_item_order_moved(promoter=stranger, item_id=a, up=True)
    with pytest.raises(NotFound):
        selectors.store_item_of(promoter=stranger, item_id=a)
    assert selectors.store_item_of(promoter=promoter, item_id=b) == StoreItem.objects.get(pk=b)
