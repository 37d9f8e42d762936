"""The merchant portal and the review queue in a real browser at a desk (Debian's Chromium, 1440×900): the
merchant creates a product with an SKU and a picture and submits it, an operator approves it from the review
queue, the merchant puts it on sale and it is in the storefront. Screenshots to ``tests/artifacts/merchant/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.merchants import factories as mf
from tests.pages.signing import sign_in
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Product

DESK = {"width": 1440, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "merchant"
PASSWORD = "tuishou-demo"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(browser, live_server):
    contexts = []

    def open_page():
        context = browser.new_context(locale="zh-CN", viewport=DESK, base_url=live_server.url)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


class Shots:
    def __init__(self, folder: Path) -> None:
        self.folder, self.count = folder, 0
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str) -> None:
        page.wait_for_load_state("load")
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= DESK["width"], f"{name}: the page is {width}px wide on a {DESK['width']}px screen"


def test_a_product_is_created_submitted_approved_and_put_on_sale(desk, tmp_path):
    owner = user_create(phone="13800000010", password=PASSWORD, display_name="山野优品·王店长")
    shop = mf.merchant(owner=owner, name="山野优品农业有限公司")
    operator = user_create(phone="13800000001", password=PASSWORD, display_name="平台管理员")
    operator_role_grant(actor=None, user=operator, role="admin")
    picture = tmp_path / "honey.png"
    picture.write_bytes(placeholder_image("高山蜂蜜", seed=7).read())
    shots = Shots(ARTIFACTS / "create-review-sell")

    merchant = desk()
    sign_in(merchant, owner.phone, "/merchant/", password=PASSWORD)
    assert "待发货" in merchant.inner_text("main") and "待处理售后" in merchant.inner_text("main")
    shots.take(merchant, "overview")

    merchant.locator(".desk-side a[href='/merchant/products/']").click()
    merchant.get_by_role("link", name="新建商品").first.click()
    merchant.fill("#id_title", "高山蜂蜜 500g 玻璃瓶")
    merchant.fill("#id_category", "冲调")
    merchant.fill("#id_description", "海拔 2000 米中华蜂百花蜜，一年一取。")
    shots.take(merchant, "new-product")
    merchant.get_by_role("button", name="保存草稿").click()
    merchant.wait_for_url(re.compile(r"/merchant/products/\d+/$"))
    product = Product.objects.get()
    assert product.merchant == shop

    # an SKU: a typo first (supply above retail), shown beside the field and kept, then corrected
    form = merchant.locator("[data-testid=sku-form]")
    form.locator("#id_spec_name").fill("500g 单瓶")
    form.locator("#id_code").fill("HONEY-500")
    form.locator("#id_price").fill("88.00")
    form.locator("#id_supply_price").fill("98.00")
    form.locator("#id_commission_rate").fill("15")
    form.locator("#id_stock").fill("120")
    form.get_by_role("button", name="添加 SKU").click()
    assert "供货价 98.00 高于零售价 88.00" in merchant.inner_text("#id_supply_price_error")
    assert merchant.input_value("#id_spec_name") == "500g 单瓶"
    shots.take(merchant, "sku-error-beside-the-field")
    merchant.fill("#id_supply_price", "49.00")
    merchant.get_by_role("button", name="添加 SKU").click()
    assert "售价的 15%" in merchant.inner_text("[data-testid=sku-HONEY-500]")

    merchant.set_input_files("#id_image", str(picture))
    merchant.get_by_role("button", name="上传").click()
    merchant.wait_for_selector("#images img")
    merchant.locator("[data-testid=action-submit]").click()
    assert "已提交" in merchant.inner_text("main")
    shots.take(merchant, "submitted")
    product.refresh_from_db()
    assert product.status == "pending_review"

    ops = desk()
    sign_in(ops, operator.phone, "/ops/reviews/", password=PASSWORD)
    assert "高山蜂蜜 500g 玻璃瓶" in ops.inner_text("main")
    shots.take(ops, "review-queue")
    ops.get_by_role("link", name="高山蜂蜜 500g 玻璃瓶").click()
    assert "售价的 15%" in ops.inner_text("main")
    shots.take(ops, "review")
    ops.locator("[data-testid=approve]").click()
    ops.wait_for_url(re.compile(r"/ops/reviews/$"))
    assert "已通过" in ops.inner_text("main")

    merchant.reload()
    merchant.locator("[data-testid=action-shelve]").click()
    assert "已上架" in merchant.inner_text("main")
    shots.take(merchant, "on-sale")
    product.refresh_from_db()
    assert product.status == "on_shelf"
    merchant.goto(f"/goods/{product.pk}/")
    assert "高山蜂蜜 500g 玻璃瓶" in merchant.inner_text("main") and "¥88.00" in merchant.inner_text("main")
    shots.take(merchant, "in-the-storefront")

    merchant.goto("/merchant/products/?status=on_shelf")
    shots.take(merchant, "product-list")
    merchant.set_viewport_size({"width": 390, "height": 844})  # on a phone: a card per product, nothing sideways
    merchant.reload()
    assert merchant.evaluate("document.documentElement.scrollWidth") == 390
    assert merchant.locator(".table-wrap:has(#merchant-products)").evaluate("el => el.scrollWidth <= el.clientWidth")
    card = merchant.locator(f"[data-testid=product-{product.pk}]")
    labels = card.locator("td[data-label]").evaluate_all(
        "tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert labels == ['"商品"', '"状态"', '"起售价"', '"库存"', '"SKU 数"', '"更新时间"']
    shots.take(merchant, "product-list-on-a-phone")
