"""The public pages: store page, product page with buy links, 404 for unknown codes; and the back office."""

from __future__ import annotations

import pytest

from tests.stores import factories as f
from tuishou.catalog.models import Product
from tuishou.stores import services
from tuishou.stores.models import ShareLink, Store

pytestmark = pytest.mark.django_db


def _store_with_items():
    promoter = f.root("阿花")
    services.store_update(user=promoter.user, title="花花优选", slogan="只卖自己吃过的")
    honey = f.product(title="云南高山蜂蜜", price="59.90")
    tea = f.product(title="普洱茶饼", price="128.00")
    hidden = f.product(title="不想卖了")
    items = [services.store_item_add(user=promoter.user, product_id=p.pk, title=t, recommendation=r)
             for p, t, r in ((honey, "妈妈都说好的蜂蜜", "每天一勺"), (tea, "", "越陈越香"), (hidden, "", ""))]
    services.store_item_hidden_set(user=promoter.user, item_id=items[2].pk, hidden=True)
    services.store_items_reorder(user=promoter.user, item_ids=[items[1].pk, items[0].pk, items[2].pk])
    return promoter, honey, tea


def test_store_page_shows_visible_items_in_order(client):
    promoter, honey, _ = _store_with_items()
    store = Store.objects.get(promoter=promoter)

    response = client.get(f"/m/{store.code}")

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("花花优选", "店主：阿花", "只卖自己吃过的", "妈妈都说好的蜂蜜", "每天一勺", "¥59.90", "普洱茶饼",
                 "¥128.00", '<meta name="viewport"'):
        assert text in html, text
    assert "不想卖了" not in html
    assert html.index("普洱茶饼") < html.index("妈妈都说好的蜂蜜")
    honey_code = ShareLink.objects.get(promoter=promoter, product=honey).code
    assert f'href="/p/{honey_code}"' in html


def test_product_page_has_skus_prices_and_buy_links_with_the_share_code(client):
    promoter, honey, _ = _store_with_items()
    link = ShareLink.objects.get(promoter=promoter, product=honey)
    sku = honey.skus.get()

    response = client.get(f"/p/{link.code}")

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("妈妈都说好的蜂蜜", "每天一勺", "¥59.90", "推荐人：阿花", sku.spec_name,
                 f'href="/checkout/?sku={sku.pk}&amp;share={link.code}"'):
        assert text in html, text


def test_product_page_of_a_product_off_the_shelf_is_404(client):
    promoter, honey, _ = _store_with_items()
    link = ShareLink.objects.get(promoter=promoter, product=honey)
    Product.objects.filter(pk=honey.pk).update(status=Product.Status.OFF_SHELF)

    response = client.get(f"/p/{link.code}")

    assert response.status_code == 404
    assert "找不到这个商品" in response.content.decode()


@pytest.mark.parametrize("url", ["/m/abcdefg", "/m/0", "/p/abcdefg", "/p/不存在"])
def test_unknown_codes_are_404_pages(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "找不到" in response.content.decode()


def test_store_link_code_is_not_a_product_page(client):
    promoter = f.root("阿花")
    link = services.share_link_get_or_create(promoter=promoter, target="store")

    assert client.get(f"/p/{link.code}").status_code == 404


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
