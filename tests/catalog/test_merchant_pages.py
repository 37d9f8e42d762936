"""The merchant portal's catalog pages: the product list (search, filters, sorting, CSV, a bounded number of
queries), creating and editing a product with SKUs, stock and pictures through the catalog services, each
form's errors beside its field with nothing written, and another merchant's product answering 404."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from PIL import Image

from tests.catalog import factories as cf
from tests.merchants import factories as mf
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Product, ProductImage, Sku
from tuishou.merchants.models import MerchantStaff

pytestmark = pytest.mark.django_db
S = Product.Status
INCOMPLETE = "请先添加并启用至少一个 SKU。"
SKU = {"spec_name": "500g 单瓶", "code": "HONEY-500", "price": "88.00", "supply_price": "49.00",
       "commission_mode": "percent", "commission_rate": "15", "commission_amount": "", "stock": "120"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shop():
    return mf.merchant(name="山野优品")


@pytest.fixture
def owner(shop):
    return mf.owner_of(shop)


def test_create_a_product_add_an_sku_and_a_picture_then_submit(shop, owner):
    client = _client(owner)
    resp = client.post("/merchant/products/new/", {"title": "高山蜂蜜 500g", "category": "冲调",
                                                   "description": "中华蜂百花蜜"})
    product = Product.objects.get()
    assert resp.status_code == 302 and resp.url == f"/merchant/products/{product.pk}/"
    assert (product.merchant, product.status, product.title) == (shop, S.DRAFT, "高山蜂蜜 500g")
    assert client.post(f"/merchant/products/{product.pk}/skus/", SKU).status_code == 302
    sku = Sku.objects.get()
    assert (sku.spec_name, sku.code, sku.price, sku.supply_price, sku.stock, sku.commission_mode,
            sku.commission_rate, sku.commission_amount) == (
        "500g 单瓶", "HONEY-500", Decimal("88.00"), Decimal("49.00"), 120, "percent", Decimal("0.1500"), None)
    picture = placeholder_image("蜂蜜", seed=1)
    picture.name = "honey.png"
    assert client.post(f"/merchant/products/{product.pk}/images/", {"image": picture}).status_code == 302
    assert ProductImage.objects.filter(product=product).count() == 1
    assert client.post(f"/merchant/products/{product.pk}/submit/").status_code == 302
    product.refresh_from_db()
    assert product.status == S.PENDING_REVIEW
    page = client.get(f"/merchant/products/{product.pk}/").content.decode()
    assert "审核中" in page and "15% of the price" not in page and "售价的 15%" in page


def test_a_fixed_commission_sku_and_the_edit_page_show_what_is_stored(shop, owner):
    product = cf.product(merchant=shop)
    client = _client(owner)
    fixed = {**SKU, "commission_mode": "fixed", "commission_rate": "", "commission_amount": "8.00"}
    assert client.post(f"/merchant/products/{product.pk}/skus/", fixed).status_code == 302
    sku = Sku.objects.get()
    assert (sku.commission_mode, sku.commission_rate, sku.commission_amount) == ("fixed", None, Decimal("8.00"))
    resp = client.post(f"/merchant/products/{product.pk}/skus/{sku.pk}/", {**fixed, "price": "99.00"})
    assert resp.status_code == 302
    sku.refresh_from_db()
    assert sku.price == Decimal("99.00")


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"supply_price": "90.00"}, "supply_price", "供货价 90.00 高于零售价 88.00"),
    ({"commission_rate": ""}, "commission_rate", None),
    ({"commission_mode": "fixed", "commission_rate": "", "commission_amount": "100.00"}, "commission_amount", None),
    ({"price": "abc"}, "price", None),
    ({"stock": "-1"}, "stock", None),
    ({"code": "TAKEN"}, "code", "TAKEN"),
])
def test_sku_form_errors_show_beside_the_field_keep_the_input_and_write_nothing(shop, owner, changes, field,
                                                                                message):
    product = cf.product(merchant=shop)
    cf.sku(product=product, code="TAKEN")
    resp = _client(owner).post(f"/merchant/products/{product.pk}/skus/", {**SKU, **changes})
    assert resp.status_code == 400
    page = resp.content.decode()
    assert f'id="id_{field}_error"' in page
    if message:
        assert message in page
    assert 'value="500g 单瓶"' in page  # what was typed is kept
    assert Sku.objects.count() == 1


def test_product_form_errors_and_submit_without_an_sku(shop, owner):
    client = _client(owner)
    resp = client.post("/merchant/products/new/", {"title": "  ", "category": "冲调"})
    assert resp.status_code == 400 and 'id="id_title_error"' in resp.content.decode()
    assert Product.objects.count() == 0
    product = cf.product(merchant=shop)
    resp = client.post(f"/merchant/products/{product.pk}/submit/", follow=True)
    assert INCOMPLETE in resp.content.decode()
    product.refresh_from_db()
    assert product.status == S.DRAFT


def test_a_bad_picture_is_refused_beside_the_field(shop, owner):
    product = cf.product(merchant=shop)
    fake = io.BytesIO(b"not a picture")
    fake.name = "x.png"
    resp = _client(owner).post(f"/merchant/products/{product.pk}/images/", {"image": fake})
    assert resp.status_code == 400 and 'id="id_image_error"' in resp.content.decode()
    assert ProductImage.objects.count() == 0


def test_stock_is_set_only_while_it_is_what_the_page_showed(shop, owner):
    product = cf.on_shelf(merchant=shop)
    sku = product.skus.get()
    client = _client(owner)
    prefix = f"sku{sku.pk}"
    url = f"/merchant/products/{product.pk}/skus/{sku.pk}/stock/"
    assert client.post(url, {f"{prefix}-stock": "7", f"{prefix}-expected": "100"}).status_code == 302
    sku.refresh_from_db()
    assert sku.stock == 7
    resp = client.post(url, {f"{prefix}-stock": "50", f"{prefix}-expected": "100"})  # sold meanwhile
    page = resp.content.decode()
    assert resp.status_code == 400 and "库存已被修改，当前为 7。" in page
    assert f'name="{prefix}-expected" value="7"' in page and f'name="{prefix}-stock" value="50"' in page
    sku.refresh_from_db()
    assert sku.stock == 7
    product.refresh_from_db()
    assert product.status == S.ON_SHELF  # stock needs no review


def test_shelve_and_unshelve_with_a_reason(shop, owner):
    product = cf.product(merchant=shop, status=S.APPROVED)
    cf.sku(product=product)
    client = _client(owner)
    client.post(f"/merchant/products/{product.pk}/shelve/")
    product.refresh_from_db()
    assert product.status == S.ON_SHELF
    client.post(f"/merchant/products/{product.pk}/unshelve/", {"reason": "换季"})
    product.refresh_from_db()
    assert product.status == S.OFF_SHELF
    assert product.status_changes.last().reason == "换季"


def test_another_merchants_product_answers_404_and_a_non_member_gets_the_explanation(shop, owner):
    theirs = cf.on_shelf(merchant=mf.merchant(name="别家"))
    sku = theirs.skus.get()
    client = _client(owner)
    for url in (f"/merchant/products/{theirs.pk}/", f"/merchant/products/{theirs.pk}/skus/{sku.pk}/",
                "/merchant/products/999999/"):
        assert client.get(url).status_code == 404, url
    for url in (f"/merchant/products/{theirs.pk}/submit/", f"/merchant/products/{theirs.pk}/skus/",
                f"/merchant/products/{theirs.pk}/bogus/", f"/merchant/products/{theirs.pk}/images/",
                f"/merchant/products/{theirs.pk}/skus/{sku.pk}/stock/"):
        assert client.post(url, {**SKU, f"sku{sku.pk}-stock": "1", f"sku{sku.pk}-expected": "100"}).status_code == 404
    assert Sku.objects.get().stock == 100 and Sku.objects.count() == 1
    assert _client(mf.user()).get("/merchant/products/").status_code == 403
    assert Client().get("/merchant/products/").status_code == 302  # sign in first


def test_switching_merchant_by_query_parameter_is_remembered(shop, owner):
    second = mf.merchant(name="洁净家居")
    MerchantStaff.objects.create(merchant=second, user=owner, role="staff")
    cf.product(merchant=shop, title="山野的货")
    cf.product(merchant=second, title="洁净的货")
    client = _client(owner)
    assert "山野的货" in client.get("/merchant/products/").content.decode()
    page = client.get(f"/merchant/products/?merchant={second.pk}").content.decode()
    assert "洁净的货" in page and "山野的货" not in page
    assert "洁净的货" in client.get("/merchant/products/").content.decode()  # remembered in the session
    assert client.get(f"/merchant/products/?merchant={mf.merchant().pk}").status_code == 404


def test_list_search_filter_sort_and_csv(shop, owner):
    honey = cf.product(merchant=shop, title="高山蜂蜜", status=S.ON_SHELF)
    cf.sku(product=honey, price="59.90", stock=3, code="HNY-1")
    tea = cf.product(merchant=shop, title="普洱茶饼", status=S.DRAFT, category="茶饮")
    cf.sku(product=tea, price="168.00", stock=300)
    client = _client(owner)
    page = client.get("/merchant/products/?q=HNY").content.decode()
    assert f'data-testid="product-{honey.pk}"' in page and f'data-testid="product-{tea.pk}"' not in page
    page = client.get("/merchant/products/?stock=low").content.decode()
    assert f'data-testid="product-{honey.pk}"' in page and f'data-testid="product-{tea.pk}"' not in page
    page = client.get("/merchant/products/?status=draft").content.decode()
    assert f'data-testid="product-{tea.pk}"' in page and f'data-testid="product-{honey.pk}"' not in page
    page = client.get("/merchant/products/?sort=price").content.decode()
    assert page.index(f"product-{honey.pk}") < page.index(f"product-{tea.pk}")
    resp = client.get("/merchant/products/?sort=price&export=csv")
    lines = b"".join(resp.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "编号,商品,分类,状态,起售价,库存,SKU 数,库存紧张的 SKU,驳回理由,更新时间"
    assert [line.split(",")[:8] for line in lines[1:]] == [
        [str(honey.pk), "高山蜂蜜", "食品", "在售", "59.90", "3", "1", "1"],
        [str(tea.pk), "普洱茶饼", "茶饮", "草稿", "168.00", "300", "1", "0"]]


def test_the_product_list_runs_a_fixed_number_of_queries(shop, owner, django_assert_max_num_queries):
    client = _client(owner)

    def add(n):
        for i in range(n):
            item = cf.product(merchant=shop, title=f"商品{i}")
            cf.sku(product=item)
            cf.sku(product=item, stock=2)
            ProductImage.objects.create(product=item, image=placeholder_image(item.title, seed=i), position=0)

    add(2)
    with django_assert_max_num_queries(18):
        assert client.get("/merchant/products/").status_code == 200
    add(18)
    with django_assert_max_num_queries(18):
        assert client.get("/merchant/products/").status_code == 200


def test_the_product_page_runs_a_fixed_number_of_queries(shop, owner, django_assert_max_num_queries):
    product = cf.product(merchant=shop)
    for _ in range(8):
        cf.sku(product=product)
    client = _client(owner)
    with django_assert_max_num_queries(18):
        assert client.get(f"/merchant/products/{product.pk}/").status_code == 200


def test_an_image_is_a_real_picture(shop):  # the helper the tests above use draws a real PNG
    assert Image.open(placeholder_image("x", seed=1)).format == "PNG"


def test_the_pages_read_in_english_too(shop, owner):
    product = cf.product(merchant=shop, status=S.REJECTED, reject_reason="缺少生产日期")
    cf.sku(product=product, commission_rate="0.1250")
    client = _client(owner)
    client.cookies["django_language"] = "en"
    page = client.get(f"/merchant/products/{product.pk}/").content.decode()
    assert "Rejected by the reviewer:" in page and "12.5% of the price" in page and "Submit for review" in page
    resp = client.post(f"/merchant/products/{product.pk}/skus/", {**SKU, "supply_price": "90.00"})
    assert "The supply price 90.00 is above the retail price 88.00." in resp.content.decode()
