"""Buying through a promoter's link on a phone, in a real browser: share link → product page → sign in →
checkout → sandbox pay page → my orders (paid) → the merchant ships → confirm receipt.

Each page is screenshotted to the test's ``tmp_path`` (``NN-name.png``) and checked for what a person on a phone
notices first: the page is Chinese and nothing is wider than the screen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.orders import factories as f
from tuishou.accounts.services import user_create
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import ProductImage, Sku
from tuishou.network.models import Promoter
from tuishou.orders.fulfilment import order_ship
from tuishou.orders.models import Order
from tuishou.payments import sandbox
from tuishou.stores.models import AttributionVisit, ConsumerBinding, ShareLink
from tuishou.stores.services import share_link_get_or_create, store_item_add, store_update

PHONE = {"width": 390, "height": 844}  # an iPhone 12–14 screen, in CSS pixels
PASSWORD = "a-long-password"
ADDRESS = {"#name": "王小明", "#phone": "13812345678", "#province": "浙江省", "#city": "杭州市",
           "#district": "西湖区", "#detail": "文三路 100 号 2 幢 301 室"}


@pytest.fixture(autouse=True)
def _well_behaved_sandbox():
    from tuishou.incentives.selectors import _frozen_engine_plan

    sandbox.sandbox_behave()
    _frozen_engine_plan.cache_clear()
    yield
    sandbox.sandbox_behave()
    _frozen_engine_plan.cache_clear()


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


class Shots:
    """Screenshots of each page in order, each after the phone checks."""

    def __init__(self, page, folder) -> None:
        self.page, self.folder, self.count = page, folder, 0

    def take(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a {PHONE['width']}px screen"
        assert self.page.evaluate("document.documentElement.lang").startswith("zh"), name


def _promoter_with_a_product(display_name: str = "小李"):
    """A plan in force; a promoter (under a community root) whose store carries an on-shelf product with a
    picture and their own recommendation; the promoter's share link to it."""
    version = f.plan()
    promoter = f.invitee(f.root("阿花"), display_name)
    promoter.user.set_password(PASSWORD)
    promoter.user.save(update_fields=["password"])
    honey = f.sku(price="59.90", stock=5, rate="0.2000", title="云南高山野生土蜂蜜 农家自产 500g 玻璃瓶装",
                  spec_name="500g×2瓶")
    ProductImage.objects.create(product_id=honey.product_id, image=placeholder_image("蜂蜜", seed=7))
    store_update(user=promoter.user, title="小李的生活好物", slogan="只卖自己吃过的")
    store_item_add(user=promoter.user, product_id=honey.product_id, title="妈妈都说好的蜂蜜",
                   recommendation="每天早上一勺，温水冲着喝。\n结晶是真蜜的表现，放心吃。")
    link = f.share_link(promoter, honey.product_id)
    return version, promoter, honey, link


def _buy(page, shots: Shots, site: str, link: ShareLink, phone_number: str) -> None:
    """From the share link to the sandbox's success: product page, buy, sign in, address, submit, pay."""
    page.goto(f"{site}/s/{link.code}")
    page.wait_for_url(re.compile(rf"/p/{link.code}$"))
    assert "¥59.90" in page.inner_text("main")
    shots.take("product")

    page.locator("a.buy").first.tap()
    page.wait_for_url(re.compile(r"/orders/login/\?next="))
    shots.take("login")
    page.fill("#id_username", phone_number)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").tap()
    page.wait_for_url(re.compile(rf"/checkout/\?sku=\d+&share={link.code}$"))
    shots.take("checkout")

    page.fill("#quantity", "2")
    assert page.inner_text("#total") == "¥119.80"  # the page's running total; the server prices the order
    page.fill("#quantity", "1")
    for selector, value in ADDRESS.items():
        page.fill(selector, value)
    page.locator("button[type=submit]").tap()
    page.wait_for_url(re.compile(r"/sandbox-pay/sbx_\w+$"))
    assert "¥59.90" in page.inner_text("main")
    shots.take("sandbox-pay")

    page.locator("button.pay").tap()
    page.wait_for_url(re.compile(r"/orders/$"))
    # Callbacks are sent after the pay page's transaction commits; a delayed one waits in the outbox.
    sandbox.sandbox_callbacks_deliver_due(now=timezone.now() + timedelta(hours=1))
    page.reload()


@pytest.mark.django_db(transaction=True)
def test_a_consumer_buys_through_a_promoters_link_on_a_phone(site, phone, tmp_path):
    # given a promoter's link to an on-shelf product, and a consumer with an account who has not signed in
    version, seller, honey, link = _promoter_with_a_product()
    consumer = user_create(phone="13812345678", password=PASSWORD, display_name="小王")
    shots = Shots(phone, tmp_path)

    # when the consumer opens the link, buys, signs in, gives an address and pays in the sandbox
    _buy(phone, shots, site, link, "13812345678")

    # then my orders show the order as paid
    order = Order.objects.get()
    card = phone.locator(f"[data-order='{order.number}']")
    assert "已付款" in card.inner_text()
    assert "¥59.90" in card.inner_text()
    shots.take("orders-paid")

    # and the visit made before signing in was claimed: the consumer is bound to the promoter
    assert list(AttributionVisit.objects.filter(user=None).values_list("id", flat=True)) == []
    assert list(ConsumerBinding.objects.values_list("consumer_id", "promoter_id")) == [(consumer.pk, seller.pk)]

    # when the merchant ships and the consumer confirms receipt on the page
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰速运", tracking_number="SF1234567890")
    phone.reload()
    assert "已发货" in card.inner_text()
    assert "SF1234567890" in card.inner_text()
    shots.take("orders-shipped")
    with phone.expect_navigation(url=re.compile(r"/orders/$")):
        card.locator("button", has_text="确认收货").tap()
    assert "已收货" in phone.locator(f"[data-order='{order.number}']").inner_text()
    shots.take("orders-received")

    # then the order is received, credits the promoter under the plan in force, and carries the share link
    order = Order.objects.get()
    assert (order.status, order.buyer_id, order.promoter_id, order.self_purchase, order.plan_version_id,
            order.share_link_id, order.total) == (
        "received", consumer.pk, seller.pk, False, version.pk, link.pk, f.money("59.90"))
    assert (order.recipient_name, order.address_detail) == ("王小明", "文三路 100 号 2 幢 301 室")
    assert list(order.status_changes.values_list("to_status", flat=True)) == ["paid", "shipped", "received"]
    assert Sku.objects.get(pk=honey.pk).stock == 4
    assert Promoter.objects.get(pk=seller.pk).stage == "ordinary"
    assert shots.count == 7


@pytest.mark.django_db(transaction=True)
def test_a_promoter_buying_through_their_own_link_is_a_self_purchase(site, phone, tmp_path):
    # given a promoter's link to a product
    version, seller, _, link = _promoter_with_a_product()
    shots = Shots(phone, tmp_path)

    # when the promoter opens their store's link on their phone and taps the product
    store_link = share_link_get_or_create(promoter=seller, target=ShareLink.Target.STORE)
    phone.goto(f"{site}/s/{store_link.code}")
    phone.wait_for_url(re.compile(r"/m/\w+$"))
    assert "小李的生活好物" in phone.inner_text("header")
    assert "¥59.90" in phone.inner_text("ul.items")
    shots.take("store")
    phone.locator("ul.items a").first.tap()
    phone.wait_for_url(re.compile(rf"/p/{link.code}$"))

    # and buys through their own link
    _buy(phone, shots, site, link, seller.user.phone)

    # then the order is theirs, paid, a self-purchase credited to themselves through their link
    order = Order.objects.get()
    assert "已付款" in phone.locator(f"[data-order='{order.number}']").inner_text()
    assert (order.status, order.buyer_id, order.promoter_id, order.self_purchase, order.plan_version_id,
            order.share_link_id, order.attribution_reason) == (
        "paid", seller.user_id, seller.pk, True, version.pk, link.pk, "own_link")
    # and nobody got bound to anybody
    assert ConsumerBinding.objects.count() == 0
    assert shots.count == 5
