"""The public pages: the store page (items in the promoter's order, their recommendations, badges), the product
page (gallery, SKUs with stock and price, quantity, add to cart and buy now carrying the share code, and for a
signed-in promoter the commission they would earn under the plan in force), 404 pages for unknown codes, in
Chinese and English, with query counts that do not grow with the rows shown; and the back office."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.catalog import factories as cf
from tests.orders import factories as of
from tests.stores import factories as f
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Product, ProductImage
from tuishou.stores import services
from tuishou.stores.models import ShareLink, Store

pytestmark = pytest.mark.django_db


def _store_with_items():
    promoter = f.root("阿花")
    services.store_update(user=promoter.user, title="花花优选", slogan="只卖自己吃过的")
    honey = f.product(title="云南高山蜂蜜", price="59.90")
    tea = f.product(title="普洱茶饼", price="128.00")
    hidden = f.product(title="不想卖了")
    Product.objects.filter(pk=honey.pk).update(inspected=True)
    cf.hot_campaign(tea)
    items = [services.store_item_add(user=promoter.user, product_id=p.pk, title=t, recommendation=r)
             for p, t, r in ((honey, "妈妈都说好的蜂蜜", "每天一勺"), (tea, "", "越陈越香"), (hidden, "", ""))]
    services.store_item_hidden_set(user=promoter.user, item_id=items[2].pk, hidden=True)
    services.store_items_reorder(user=promoter.user, item_ids=[items[1].pk, items[0].pk, items[2].pk])
    return promoter, honey, tea


def _more_items(promoter, n: int) -> None:
    for i in range(n):
        product = f.product(title=f"好物 {i}", price="10.00")
        ProductImage.objects.create(product=product, image=placeholder_image(f"{i}", seed=i))
        services.store_item_add(user=promoter.user, product_id=product.pk, title="", recommendation=f"推荐 {i}")


def test_store_page_shows_visible_items_in_order_with_recommendations_and_badges(client):
    promoter, honey, _ = _store_with_items()
    store = Store.objects.get(promoter=promoter)

    response = client.get(f"/m/{store.code}")

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("花花优选", "阿花 精选", "只卖自己吃过的", "妈妈都说好的蜂蜜", "每天一勺", "¥59.90", "普洱茶饼",
                 "越陈越香", "¥128.00", '<span class="badge hot">爆品</span>',
                 '<span class="badge inspected">已验货</span>', 'href="/static/tuishou/app.css"'):
        assert text in html, text
    assert "店主：" not in html
    assert "不想卖了" not in html
    assert html.index("普洱茶饼") < html.index("妈妈都说好的蜂蜜")
    honey_code = ShareLink.objects.get(promoter=promoter, product=honey).code
    assert f'href="/p/{honey_code}"' in html


def test_store_page_in_english_through_the_language_cookie(client):
    promoter, _, _ = _store_with_items()
    client.cookies["django_language"] = "en"

    html = client.get(f"/m/{Store.objects.get(promoter=promoter).code}").content.decode()

    assert '<html lang="en">' in html
    for text in ("Picked by 阿花", '<span class="badge hot">Hot</span>',
                 '<span class="badge inspected">Inspected</span>'):
        assert text in html, text


def test_an_empty_store_says_what_to_do_next(client):
    promoter = f.root("阿花")
    store = services.store_get_or_create(promoter=promoter)

    html = client.get(f"/m/{store.code}").content.decode()

    assert "小店还没有上架商品" in html and 'href="/"' in html


def test_product_page_has_skus_with_stock_and_price_and_forms_that_carry_the_share_code(client):
    promoter, honey, _ = _store_with_items()
    link = ShareLink.objects.get(promoter=promoter, product=honey)
    sku = honey.skus.get()

    response = client.get(f"/p/{link.code}")

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("妈妈都说好的蜂蜜", "阿花 推荐", "每天一勺", "¥59.90", sku.spec_name, f"库存 {sku.stock}",
                 '<span class="badge inspected">已验货</span>', 'action="/cart/add/"', 'formaction="/checkout/buy/"',
                 f'name="share" value="{link.code}"', f'name="sku" value="{sku.pk}" checked', 'name="quantity"',
                 "加入购物车", "立即购买", f'href="/m/{Store.objects.get(promoter=promoter).code}"'):
        assert text in html, text
    assert "预估佣金" not in html  # a visitor is no promoter


def test_product_page_shows_a_signed_in_promoter_what_they_would_earn_under_the_plan_in_force(client):
    of.plan()  # direct 30 % of B for a member, tiers 10 %
    top = of.root("阿花")
    seller = of.invitee(top, "小李")
    honey = of.sku(price="59.90", rate="0.2000")  # B = 11.98
    link = of.share_link(seller, honey.product_id)
    client.force_login(seller.user)

    html = client.get(f"/p/{link.code}").content.decode()

    assert "预估佣金 ¥3.59" in html  # 30 % of 11.98, rounded down; the sponsor's 10 % is not the seller's


def test_product_page_of_a_consumer_or_without_a_plan_shows_no_commission(client):
    seller = of.invitee(of.root("阿花"), "小李")
    honey = of.sku(price="59.90")
    link = of.share_link(seller, honey.product_id)

    client.force_login(seller.user)
    assert "预估佣金" not in client.get(f"/p/{link.code}").content.decode()  # no plan in force
    client.force_login(of.buyer())
    assert "预估佣金" not in client.get(f"/p/{link.code}").content.decode()


def test_product_page_of_a_product_off_the_shelf_is_404(client):
    promoter, honey, _ = _store_with_items()
    link = ShareLink.objects.get(promoter=promoter, product=honey)
    Product.objects.filter(pk=honey.pk).update(status=Product.Status.OFF_SHELF)

    response = client.get(f"/p/{link.code}")

    assert response.status_code == 404
    assert "找不到这个商品" in response.content.decode()


@pytest.mark.parametrize("url", ["/m/abcdefg", "/m/0", "/p/abcdefg", "/p/不存在", "/s/abcdefg"])
def test_unknown_codes_are_404_pages(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "找不到这个" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_store_link_code_is_not_a_product_page(client):
    promoter = f.root("阿花")
    link = services.share_link_get_or_create(promoter=promoter, target="store")

    assert client.get(f"/p/{link.code}").status_code == 404


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_store_page_reads_the_same_number_of_queries_for_3_or_23_items(client):
    promoter, _, _ = _store_with_items()
    url = f"/m/{Store.objects.get(promoter=promoter).code}"
    few = _queries(client, url)
    _more_items(promoter, 20)

    many = _queries(client, url)

    assert many == few <= 8


def test_the_product_page_reads_the_same_number_of_queries_for_1_or_6_pictures_and_skus(client):
    of.plan()
    seller = of.invitee(of.root("阿花"), "小李")
    honey = of.sku(price="59.90")
    link = of.share_link(seller, honey.product_id)
    client.force_login(seller.user)
    _queries(client, f"/p/{link.code}")  # the plan's compiled rules are cached after the first read
    few = _queries(client, f"/p/{link.code}")
    for i in range(5):
        ProductImage.objects.create(product_id=honey.product_id, image=placeholder_image(f"{i}", seed=i))
        honey.pk = None
        honey.code = f"extra-{i}"
        honey.save()

    many = _queries(client, f"/p/{link.code}")

    assert many == few <= 18


def test_back_office_lists_stores_links_and_bindings(admin_client):
    promoter, honey, _ = _store_with_items()
    link = ShareLink.objects.get(promoter=promoter, product=honey)
    services.share_click_record(link=link, visitor_key="k1", user=f.consumer())
    store = Store.objects.get(promoter=promoter)

    pages = ["/admin/stores/store/", f"/admin/stores/store/{store.pk}/change/", "/admin/stores/sharelink/",
             "/admin/stores/consumerbinding/", f"/admin/stores/consumerbinding/?q={promoter.invite_code}",
             "/admin/stores/attributionvisit/"]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page
    assert "妈妈都说好的蜂蜜" in admin_client.get(pages[1]).content.decode()


def test_a_sold_out_product_offers_no_buy_buttons(client):
    promoter, honey, _ = _store_with_items()
    honey.skus.update(stock=0)
    link = ShareLink.objects.get(promoter=promoter, product=honey)

    html = client.get(f"/p/{link.code}").content.decode()

    assert '<span class="btn disabled">已售罄</span>' in html and "立即购买" not in html
