"""The storefront pages: home with its zones and badges, categories, search, the product page; a fixed number of
queries whatever the number of tiles; unknown things answer the site's 404 page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.catalog import factories as cf
from tests.merchants import factories as mf
from tuishou.accounts.services import user_create
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Product, ProductImage
from tuishou.orders.models import CartLine

pytestmark = pytest.mark.django_db


def _goods(count: int, shop=None, **fields) -> list[Product]:
    shop = shop or mf.merchant()
    made = []
    for i in range(count):
        item = cf.on_shelf(merchant=shop, title=f"商品{i:02d}", **fields)
        ProductImage.objects.create(product=item, image=placeholder_image(item.title, seed=i), position=0)
        made.append(item)
    return made


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_home_shows_zones_with_badges_categories_and_the_hot_price():
    shop = mf.merchant()
    honey = cf.on_shelf(merchant=shop, title="高山蜂蜜", price="59.90", in_hot_zone=True, hot_price=Decimal("39.90"))
    tea = cf.on_shelf(merchant=shop, title="明前龙井", price="128.00", inspected=True, category="茶叶")
    cf.product(merchant=shop, title="草稿商品")  # not for sale: never shown
    page = Client().get("/").content.decode()
    assert "爆品区" in page and "验货区" in page
    assert "高山蜂蜜" in page and "¥39.90" in page and '<span class="badge hot">爆品</span>' in page
    assert "明前龙井" in page and '<span class="badge inspected">已验货</span>' in page
    assert f'href="/goods/{honey.pk}/"' in page and f'href="/goods/{tea.pk}/"' in page
    assert 'href="/c/%E8%8C%B6%E5%8F%B6/"' in page and "草稿商品" not in page


def test_home_query_count_does_not_grow_with_the_tiles():
    client = Client()
    _goods(2, in_hot_zone=True, inspected=True)
    few = _queries(client, "/")
    _goods(25, in_hot_zone=True, inspected=True)
    assert _queries(client, "/") == few
    assert _queries(client, "/c/食品/") <= few
    assert _queries(client, "/search/?q=商品") <= few


def test_home_is_paginated():
    _goods(23)
    client = Client()
    first = client.get("/").content.decode()
    assert 'rel="next"' in first and "第 1 / 2 页" in first
    second = client.get("/?page=2").content.decode()
    assert second.count('class="tile"') == 3


def test_category_and_search_list_only_matching_goods():
    shop = mf.merchant(name="西湖茶庄")
    cf.on_shelf(merchant=shop, title="明前龙井", category="茶叶")
    cf.on_shelf(merchant=shop, title="高山蜂蜜", category="食品")
    tea = Client().get("/c/茶叶/").content.decode()
    assert "明前龙井" in tea and "高山蜂蜜" not in tea and 'aria-current="true">茶叶' in tea
    found = Client().get("/search/?q=龙井").content.decode()
    assert "明前龙井" in found and "高山蜂蜜" not in found
    by_shop = Client().get("/search/?q=西湖").content.decode()
    assert "明前龙井" in by_shop and "高山蜂蜜" in by_shop
    none = Client().get("/search/?q=火星").content.decode()
    assert "没有找到相关商品" in none
    assert "这里还没有商品" in Client().get("/c/不存在/").content.decode()


def test_product_page_is_the_link_page_without_a_promoter_skus_badges_cart_and_buy_now():
    shop = mf.merchant()
    honey = cf.on_shelf(merchant=shop, title="高山蜂蜜", price="59.90", inspected=True, in_hot_zone=True)
    first = honey.skus.get()
    gone = cf.sku(product=honey, price="99.00", stock=0, spec_name="1kg礼盒")

    response = Client().get(f"/goods/{honey.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("高山蜂蜜", "¥59.90", "¥99.00", "500g×2袋", "库存 100", "1kg礼盒", "已售罄",
                 '<span class="badge hot">爆品</span>', '<span class="badge inspected">已验货</span>',
                 'action="/cart/add/"', 'formaction="/checkout/buy/"', f'name="sku" value="{first.pk}" checked',
                 f'name="sku" value="{gone.pk}" disabled', 'name="quantity"', "加入购物车", "立即购买",
                 f'name="next" value="/goods/{honey.pk}/"'):
        assert text in html, text
    assert 'name="share"' not in html and "预估佣金" not in html  # no promoter's link, nobody earns here


def test_the_price_says_from_only_when_the_specs_cost_different_amounts():
    shop = mf.merchant()
    honey = cf.on_shelf(merchant=shop, title="高山蜂蜜", price="59.90")
    cf.sku(product=honey, price="59.90", spec_name="500g×2袋 礼袋装")
    same = Client().get(f"/goods/{honey.pk}/").content.decode()
    cf.sku(product=honey, price="99.00", spec_name="1kg礼盒")
    varies = Client().get(f"/goods/{honey.pk}/").content.decode()
    assert '<span class="money big">¥59.90</span></span>' in same
    assert '<span class="money big">¥59.90</span> <span class="muted">起</span>' in varies


def test_buying_from_the_storefront_product_page_goes_through_the_cart_and_checkout_without_a_share_code():
    honey = cf.on_shelf(merchant=mf.merchant(), title="高山蜂蜜", price="59.90")
    sku = honey.skus.get()
    buyer = user_create(phone="13812345678", password="a-long-password")
    browser = Client()
    browser.force_login(buyer)

    added = browser.post("/cart/add/", {"sku": sku.pk, "quantity": "2", "next": f"/goods/{honey.pk}/"})
    bought = browser.post("/checkout/buy/", {"sku": sku.pk, "quantity": "1"})
    checkout = browser.get(bought["Location"])

    assert (added.status_code, added["Location"]) == (302, f"/goods/{honey.pk}/")
    assert list(CartLine.objects.values_list("user_id", "sku_id", "quantity", "share_code")) == [
        (buyer.pk, sku.pk, 2, "")]
    assert (bought.status_code, bought["Location"]) == (302, f"/checkout/?sku={sku.pk}&quantity=1&share=")
    assert checkout.status_code == 200 and "高山蜂蜜" in checkout.content.decode()


def test_product_page_unknown_or_not_for_sale_is_404():
    shop = mf.merchant()
    draft = cf.product(merchant=shop, title="草稿商品")
    for url in (f"/goods/{draft.pk}/", "/goods/999999/"):
        missing = Client().get(url)
        assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
