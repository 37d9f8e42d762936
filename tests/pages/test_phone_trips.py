"""What a person trips over on a phone (Debian's Chromium, 390×844, touch, zh-CN), found by doing the merchant's
and the buyer's jobs by hand:

- a form sent back with an error reopens where the error is (the shipping form and the answer to an after-sales
  case sit below the fold: the page used to reopen at its top with nothing seen to have happened);
- a choice in a list of radio buttons is a whole line high, not a 13-pixel dot;
- "added to cart" shows just above the bar whose button was tapped, not below the fold behind it;
- the merchant's staff page says 添加员工 (the agency's 添加运营人员 won the shared message id);
- the SKU form says what an SKU code is; its edit link and a picture's remove are buttons, not bare words;
- 暂不 on the page confirming a cancellation is a button a finger can hit, not 21 pixels of text.

Screenshots to ``tests/artifacts/phone-trips/<test>/``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.orders import factories as f
from tests.pages.signing import sign_in
from tests.pages.test_buying import PASSWORD, PHONE, _promoter_with_a_product
from tests.pages.test_merchant_orders_browser import shop  # noqa: F401 — the fixture
from tuishou.accounts.services import user_create
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import ProductImage
from tuishou.orders.models import AfterSalesCase, Order

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "phone-trips"
pytestmark = pytest.mark.django_db(transaction=True)

IN_VIEW = "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"


@pytest.fixture
def phone(browser, live_server, request):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  base_url=live_server.url)
    page = context.new_page()
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    page.shot = lambda name: page.screenshot(path=str(folder / f"{name}.png"))
    yield page
    context.close()


def test_a_refused_form_reopens_at_its_error_on_a_phone(phone, shop):  # noqa: F811 — the fixture
    owner, orders, cases = shop
    sign_in(phone, owner.phone, f"/merchant/orders/{orders[0].number}/", password=PASSWORD)
    phone.get_by_role("button", name="确认发货").tap()
    error = phone.locator("#id_tracking_number_error")
    assert error.inner_text() == "这个字段是必填项。"
    assert error.evaluate(IN_VIEW), "the refusal is below the fold"
    assert phone.evaluate("document.activeElement.id") == "id_tracking_number"
    assert Order.objects.get(pk=orders[0].pk).status == "paid"
    phone.shot("ship-refused")

    phone.goto(f"/merchant/after-sales/{cases[1].pk}/")
    choice = phone.locator("label[for=id_decision_2]")
    assert choice.bounding_box()["height"] >= 44, "the choice is too small a target for a finger"
    choice.tap()
    assert phone.is_checked("#id_decision_2")
    phone.get_by_role("button", name="提交答复").tap()
    error = phone.locator("#id_answer_error")
    assert error.inner_text() == "请告诉买家拒绝的理由。"
    assert error.evaluate(IN_VIEW), "the refusal is below the fold"
    assert AfterSalesCase.objects.get(pk=cases[1].pk).status == "open"
    phone.shot("answer-refused")


def test_added_to_cart_shows_above_the_buy_bar_on_a_phone(phone):
    _version, _promoter, _honey, link = _promoter_with_a_product()
    user_create(phone="13812345678", password=PASSWORD, display_name="小王")
    sign_in(phone, "13812345678", f"/p/{link.code}", password=PASSWORD)
    phone.get_by_role("button", name="加入购物车").tap()
    added = phone.locator("#buy-feedback .alert.success")
    added.wait_for()
    assert added.evaluate(IN_VIEW), "the confirmation is below the fold"
    bar_top = phone.locator(".buybar").bounding_box()["y"]
    box = added.bounding_box()
    assert box["y"] + box["height"] <= bar_top, "the confirmation is behind the buy bar"
    phone.shot("added-to-cart")
    phone.get_by_role("link", name="去购物车").tap()
    phone.wait_for_url(re.compile(r"/cart/$"))


def test_the_way_back_from_cancelling_is_a_button_on_a_phone(phone):
    buyer = user_create(phone="13812345678", password=PASSWORD, display_name="小王")
    order = f.checkout(buyer, [(f.sku(), 1)]).orders.get()
    sign_in(phone, buyer.phone, f"/orders/{order.number}/cancel/", password=PASSWORD)
    not_now = phone.get_by_role("link", name="暂不")
    assert not_now.bounding_box()["height"] >= 44, "暂不 is too small a target for a finger"
    phone.shot("cancel-confirm")
    not_now.tap()
    phone.wait_for_url(re.compile(rf"/orders/{order.number}/$"))
    assert Order.objects.get(pk=order.pk).status == "created"


def test_the_merchant_staff_and_sku_forms_say_what_they_mean(phone):
    item = f.sku(title="云南高山蜂蜜", spec_name="500g×2瓶", status="draft")
    ProductImage.objects.create(product_id=item.product_id, image=placeholder_image("蜂蜜", seed=7))
    owner = f.owner(item.product.merchant)
    owner.set_password(PASSWORD)
    owner.save(update_fields=["password"])
    sign_in(phone, owner.phone, "/merchant/staff/", password=PASSWORD)
    main = phone.inner_text("main")
    assert "添加员工" in main and "运营人员" not in main and "店主" not in main
    assert phone.get_by_role("button", name="添加", exact=True).is_visible()
    phone.shot("staff")

    phone.goto(f"/merchant/products/{item.product_id}/")
    phone.locator("summary", has_text="添加 SKU").tap()
    help_text = phone.locator(".field:has(#id_code) .help")
    assert help_text.inner_text() == "您自己给这个规格编的货号，每个规格不同，例如：PU-100G。"
    phone.shot("sku-form")
    for name in ("编辑", "删除"):  # the SKU's edit link, the picture's remove button: buttons, not bare words
        target = phone.locator(f"main a:text-is('{name}'), main button:text-is('{name}')").first
        assert target.bounding_box()["height"] >= 32, name
