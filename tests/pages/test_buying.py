"""The consumer's golden path on a phone, in a real browser (Debian's Chromium, 390×844): a share link → the
product page → sign in → add to cart → the cart (a quantity of 999999 refused beside the line) → checkout with
a new address → the sandbox's pay page → "payment being confirmed" turning into "paid" when the signed callback
lands → the merchant ships (service) → confirm receipt after its confirmation page → a partial refund with a
photo → the refunded amount. And a promoter buying through their own store's link is a self-purchase.

Every step is screenshotted to ``tests/artifacts/buying/<test>/NN-name.png`` after the phone checks: the page is
Chinese and nothing is wider than the screen."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.orders import factories as f
from tuishou.accounts.services import user_create
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import ProductImage, Sku
from tuishou.orders import aftersales
from tuishou.orders.fulfilment import order_ship
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.payments import sandbox
from tuishou.stores.models import ShareLink
from tuishou.stores.services import share_link_get_or_create, store_item_add, store_update

PHONE = {"width": 390, "height": 844}  # an iPhone 12–14 screen, in CSS pixels
PASSWORD = "a-long-password"
ADDRESS = {"#id_new-name": "王小明", "#id_new-phone": "13812345678", "#id_new-province": "浙江省",
           "#id_new-city": "杭州市", "#id_new-district": "西湖区", "#id_new-detail": "文三路 100 号 2 幢 301 室"}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "buying"
# Callbacks wait in the sandbox's outbox until the test lets them through, as a slow real gateway's would.
SLOW_GATEWAY = sandbox.SandboxBehaviour(delay_seconds=(3600, 3600))


@pytest.fixture(autouse=True)
def _slow_sandbox():
    sandbox.sandbox_behave(SLOW_GATEWAY)
    yield
    sandbox.sandbox_behave()


@pytest.fixture
def phone(browser):
    """A page in a phone-sized, touch, zh-CN browser context."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site(live_server, settings):
    """The live server, with the sandbox's pay links pointing at it."""
    settings.TUISHOU_PUBLIC_URL = live_server.url
    return live_server.url


@pytest.fixture
def shots(phone, request):
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Shots(phone, folder)


class Shots:
    """Screenshots of each page in order, each after the phone checks."""

    def __init__(self, page, folder: Path) -> None:
        self.page, self.folder, self.count = page, folder, 0

    def take(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a {PHONE['width']}px screen"
        assert self.page.evaluate("document.documentElement.lang").startswith("zh"), name


def _callbacks_land() -> None:
    """The gateway's delayed callbacks arrive (signed, through the webhook)."""
    sandbox.sandbox_callbacks_deliver_due(now=timezone.now() + timedelta(hours=2))


def _promoter_with_a_product(display_name: str = "小李"):
    """A plan in force; a promoter whose store carries an on-shelf, inspected product with a picture and their
    own recommendation; the promoter's share link to it."""
    version = f.plan()
    promoter = f.invitee(f.root("阿花"), display_name)
    promoter.user.set_password(PASSWORD)
    promoter.user.save(update_fields=["password"])
    honey = f.sku(price="59.90", stock=5, rate="0.2000", title="云南高山野生土蜂蜜 农家自产 500g 玻璃瓶装",
                  spec_name="500g×2瓶")
    honey.product.inspected = True
    honey.product.save(update_fields=["inspected"])
    ProductImage.objects.create(product_id=honey.product_id, image=placeholder_image("蜂蜜", seed=7))
    store_update(user=promoter.user, title="小李的生活好物", slogan="只卖自己吃过的")
    store_item_add(user=promoter.user, product_id=honey.product_id, title="妈妈都说好的蜂蜜",
                   recommendation="每天早上一勺，温水冲着喝。\n结晶是真蜜的表现，放心吃。")
    link = f.share_link(promoter, honey.product_id)
    return version, promoter, honey, link


def _sign_in(page, shots: Shots, phone_number: str) -> None:
    page.wait_for_url(re.compile(r"/account/login/\?next="))
    shots.take("sign-in")
    page.fill("#id_username", phone_number)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").tap()


def _to_the_cart_and_pay(page, shots: Shots, *, quantity: str) -> str:
    """From a product page the buyer is signed in on: add to cart, the cart, checkout, pay; the order number."""
    page.get_by_role("button", name="加入购物车").tap()
    page.locator("#buy-feedback .alert.success").wait_for()
    shots.take("added-to-cart")
    page.get_by_role("link", name="去购物车").tap()
    page.wait_for_url(re.compile(r"/cart/$"))
    shots.take("cart")

    qty = page.locator(".cart-line input[name=quantity]")
    qty.fill("999999")
    qty.press("Enter")
    page.locator(".cart-line .error-text[role=alert]").wait_for()
    assert "9999" in page.inner_text(".cart-line .error-text[role=alert]")
    assert page.inner_text("#cart-total") == "¥59.90"  # the refused quantity priced nothing
    shots.take("cart-refuses-999999")
    page.locator(".cart-line input[name=quantity]").fill(quantity)
    page.locator(".cart-line input[name=quantity]").press("Enter")
    # Locator assertions, not wait_for_function: a string evaluated in the page is an eval the CSP refuses.
    expect(page.locator("#cart-total")).to_have_text(f"¥{59.90 * int(quantity):.2f}")

    page.get_by_role("link", name="去结算").tap()
    page.wait_for_url(re.compile(r"/checkout/$"))
    for selector, value in ADDRESS.items():
        page.fill(selector, value)
    shots.take("checkout")
    page.get_by_role("button", name="提交订单并支付").tap()
    page.wait_for_url(re.compile(r"/sandbox-pay/sbx_\w+$"))
    shots.take("sandbox-pay")

    page.locator("button.pay").tap()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    return page.url.rstrip("/").rsplit("/", 1)[1]


@pytest.mark.django_db(transaction=True)
def test_a_consumer_buys_through_a_share_link_pays_receives_and_gets_a_partial_refund(site, phone, shots, tmp_path):
    # given a promoter's link to an inspected product, and a consumer with an account who is not signed in
    version, seller, honey, link = _promoter_with_a_product()
    consumer = user_create(phone="13812345678", password=PASSWORD, display_name="小王")

    # when the consumer opens the link, they see the product with its badge and the promoter's words
    phone.goto(f"{site}/s/{link.code}")
    phone.wait_for_url(re.compile(rf"/p/{link.code}$"))
    main = phone.inner_text("main")
    assert "¥59.90" in main and "验货" in main and "结晶是真蜜的表现" in main and "库存 5" in main
    shots.take("product")

    # and adding to the cart asks them to sign in, then brings them back to the product
    phone.get_by_role("button", name="加入购物车").tap()
    _sign_in(phone, shots, "13812345678")
    phone.wait_for_url(re.compile(rf"/p/{link.code}$"))

    # and they buy two jars from the cart with a new address and pay in the sandbox
    number = _to_the_cart_and_pay(phone, shots, quantity="2")

    # then the order is being confirmed (not awaiting payment, no pay button) until the callback lands
    status = phone.locator("#order-status")
    assert "支付确认中" in status.inner_text() and "去支付" not in phone.inner_text("main")
    shots.take("payment-being-confirmed")
    _callbacks_land()
    expect(phone.locator("#order-status")).to_contain_text("已付款", timeout=10_000)
    assert "支付确认中" not in phone.inner_text("main")
    shots.take("paid")

    # when the merchant ships through the service, the order shows the carrier and tracking number
    order = Order.objects.get(number=number)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰速运", tracking_number="SF1234567890")
    phone.reload()
    assert "SF1234567890" in phone.inner_text("main") and "已发货" in phone.inner_text("#order-status")
    shots.take("shipped")

    # and confirming receipt takes a confirmation first
    phone.get_by_role("link", name="确认收货").tap()
    phone.wait_for_url(re.compile(rf"/orders/{number}/receive/$"))
    assert Order.objects.get(pk=order.pk).status == "shipped"
    shots.take("confirm-receipt")
    phone.get_by_role("button", name="确认，已收到").tap()
    phone.wait_for_url(re.compile(rf"/orders/{number}/$"))
    assert "已收货" in phone.inner_text("#order-status")
    shots.take("received")

    # when they ask for a refund of one jar with a photo
    photo = tmp_path / "broken.png"
    photo.write_bytes(placeholder_image("碎了", seed=9).read())
    phone.get_by_role("link", name="申请售后").tap()
    line = order.lines.get()
    phone.select_option(f"#id_line_{line.pk}", "1")
    phone.fill("#id_reason", "有一瓶在路上摔碎了")
    phone.set_input_files("#id_photos", str(photo))
    shots.take("after-sales-request")
    phone.get_by_role("button", name="提交申请").tap()
    phone.wait_for_url(re.compile(rf"/orders/{number}/$"))
    assert "等待商家处理" in phone.inner_text("main")
    shots.take("after-sales-waiting")

    # and the merchant accepts and the refund's callback lands
    case = AfterSalesCase.objects.get()
    aftersales.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=True, answer="抱歉，已为您退款")
    _callbacks_land()
    phone.reload()

    # then the order shows the refunded amount and the case's progress
    main = phone.inner_text("main")
    assert "已退款 ¥59.90" in main and "抱歉，已为您退款" in main
    assert phone.inner_text("[data-refunded]") == "¥59.90"
    shots.take("refunded")
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.buyer_id, order.promoter_id, order.self_purchase, order.plan_version_id,
            order.share_link_id, order.total, order.refunded_amount) == (
        "received", consumer.pk, seller.pk, False, version.pk, link.pk, f.money("119.80"), f.money("59.90"))
    assert (order.recipient_name, order.address_detail) == ("王小明", "文三路 100 号 2 幢 301 室")
    assert list(order.status_changes.values_list("to_status", flat=True)) == [
        "paid", "shipped", "received", "refunding", "received"]
    assert (case.photos.count(), Sku.objects.get(pk=honey.pk).stock) == (1, 3)
    assert shots.count == 15


@pytest.mark.django_db(transaction=True)
def test_a_promoter_buying_through_their_own_link_is_a_self_purchase(site, phone, shots):
    # given a promoter's link to a product, and the promoter signed in on their phone
    version, seller, _, link = _promoter_with_a_product()
    store_link = share_link_get_or_create(promoter=seller, target=ShareLink.Target.STORE)
    phone.goto(f"{site}/account/login/?next=/s/{store_link.code}")
    _sign_in(phone, shots, seller.user.phone)

    # when they open their store's link and tap the product
    phone.wait_for_url(re.compile(r"/m/\w+$"))
    assert "小李的生活好物" in phone.inner_text(".store-hero") and "¥59.90" in phone.inner_text(".store-items")
    shots.take("store")
    phone.locator(".store-items a").first.tap()
    phone.wait_for_url(re.compile(rf"/p/{link.code}$"))
    assert "预估佣金 ¥3.59" in phone.inner_text("main")  # 30 % of B = 11.98 under the plan in force
    shots.take("product-with-commission")

    # and buy through their own link
    number = _to_the_cart_and_pay(phone, shots, quantity="1")
    _callbacks_land()
    expect(phone.locator("#order-status")).to_contain_text("已付款", timeout=10_000)

    # then the order is theirs, paid, a self-purchase credited to themselves through their link
    order = Order.objects.get(number=number)
    assert (order.status, order.buyer_id, order.promoter_id, order.self_purchase, order.plan_version_id,
            order.share_link_id, order.attribution_reason) == (
        "paid", seller.user_id, seller.pk, True, version.pk, link.pk, "own_link")


@pytest.mark.django_db(transaction=True)
def test_the_purchase_works_with_javascript_off_and_reads_on_a_desk(site, browser, request):
    # given a product link, and a consumer signed in in a browser without JavaScript
    _, _, _, link = _promoter_with_a_product()
    user_create(phone="13812345678", password=PASSWORD, display_name="小王")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    shots = Shots(page, ARTIFACTS / request.node.name)
    shutil.rmtree(shots.folder, ignore_errors=True)
    shots.folder.mkdir(parents=True)
    shots.take = lambda name: page.screenshot(path=str(shots.folder / f"{name}.png"), full_page=True)
    page.goto(f"{site}/account/login/?next=/p/{link.code}")
    page.fill("#id_username", "13812345678")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/p/{link.code}$"))
    shots.take("desk-product")

    # when they add to the cart with a plain form, change the quantity, check out and pay
    page.get_by_role("button", name="加入购物车").click()
    page.wait_for_url(re.compile(rf"/p/{link.code}$"))
    assert "已加入购物车" in page.inner_text("main")
    page.goto(f"{site}/cart/")
    page.locator(".cart-line input[name=quantity]").fill("999999")
    page.get_by_role("button", name="更新").click()
    assert "9999" in page.inner_text(".cart-line") and page.inner_text("#cart-total") == "¥59.90"
    page.locator(".cart-line input[name=quantity]").fill("2")
    page.get_by_role("button", name="更新").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    assert page.inner_text("#cart-total") == "¥119.80"
    shots.take("desk-cart")
    page.get_by_role("link", name="去结算").click()
    for selector, value in ADDRESS.items():
        page.fill(selector, value)
    page.get_by_role("button", name="提交订单并支付").click()
    page.wait_for_url(re.compile(r"/sandbox-pay/sbx_\w+$"))
    page.locator("button.pay").click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))

    # then the order is being confirmed, and the reload link shows it paid once the callback has landed
    assert "支付确认中" in page.inner_text("#order-status")
    shots.take("desk-being-confirmed")
    _callbacks_land()
    page.get_by_role("link", name="刷新").click()
    assert "已付款" in page.inner_text("#order-status")
    shots.take("desk-paid")
    context.close()
