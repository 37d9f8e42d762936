"""The doors into the platform in a real browser on a phone (Debian's Chromium, 390×844): a visitor opens a
promoter's share link, signs up as a customer (no invite code) and is bound to that promoter, signs out, signs in
again, switches the language to English and back; a promoter's invitee signs up with the code prefilled.

Screenshots go to tests/artifacts/signup/ (git-ignored) and every page is checked for what a person on a phone
notices first: nothing is wider than the screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.catalog import factories as cf
from tests.merchants import factories as mf
from tests.network import factories as nf
from tests.sms import fill_signup_code
from tuishou.accounts.services import user_create
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import ProductImage
from tuishou.network.models import Promoter
from tuishou.stores.models import ConsumerBinding, ShareLink
from tuishou.stores.services import share_link_get_or_create

PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-password"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "signup"


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


class Shots:
    def __init__(self, page, name: str) -> None:
        self.page, self.folder, self.count = page, ARTIFACTS / name, 0
        self.folder.mkdir(parents=True, exist_ok=True)

    def take(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a {PHONE['width']}px screen"


def _storefront() -> None:
    shop = mf.merchant(name="山野优品")
    for i, (title, price, hot, inspected) in enumerate([
            ("云南高山野生土蜂蜜 500g", "59.90", True, True), ("明前龙井 250g 礼盒", "128.00", False, True),
            ("五常稻花香大米 5kg", "69.00", True, False), ("新疆阿克苏冰糖心苹果 5斤", "39.90", False, False)]):
        item = cf.on_shelf(merchant=shop, title=title, price=price, in_hot_zone=hot, inspected=inspected,
                           category="食品" if i != 1 else "茶叶")
        ProductImage.objects.create(product=item, image=placeholder_image(title[:2], seed=i), position=0)


@pytest.mark.django_db(transaction=True)
def test_visitor_from_a_share_link_signs_up_signs_out_signs_in_and_switches_language(live_server, phone):
    _storefront()
    promoter = nf.root(display_name="阿花")
    link = share_link_get_or_create(promoter=promoter, target=ShareLink.Target.STORE)
    shots, site = Shots(phone, "consumer"), live_server.url

    phone.goto(f"{site}/s/{link.code}")
    phone.wait_for_url(re.compile(r"/m/\w+$"))
    phone.goto(f"{site}/")
    assert "爆品区" in phone.inner_text("main") and "验货区" in phone.inner_text("main")
    shots.take("home")

    phone.locator(".appbar .tools a", has_text="登录").tap()
    phone.wait_for_url(re.compile(r"/account/login/"))
    phone.get_by_role("link", name="注册购物").tap()
    phone.wait_for_url(re.compile(r"/account/signup/"))
    assert phone.locator("#id_invite_code").count() == 0
    phone.fill("#id_phone", "13812345678")
    fill_signup_code(phone, "13812345678")
    phone.fill("#id_password", "short")
    phone.locator("main button.block[type=submit]").tap()
    phone.wait_for_selector("#id_password_error")
    assert "密码太短，至少需要 8 个字符。" in phone.inner_text("#id_password_error")
    assert phone.input_value("#id_phone") == "13812345678"
    shots.take("signup-error")
    phone.fill("#id_password", PASSWORD)
    phone.fill("#id_display_name", "小王")
    phone.locator("main button.block[type=submit]").tap()
    phone.wait_for_url(f"{site}/")
    assert "欢迎！你的账号已开通。" in phone.inner_text("main")
    shots.take("signed-up-home")
    binding = ConsumerBinding.objects.get()
    assert (binding.consumer.phone, binding.promoter_id) == ("13812345678", promoter.pk)

    phone.goto(f"{site}/me/")
    assert "138****5678" in phone.inner_text("main") and "小王" in phone.inner_text("main")
    shots.take("me")
    phone.get_by_role("button", name="退出登录").tap()
    phone.wait_for_url(f"{site}/")

    phone.goto(f"{site}/account/login/")
    phone.fill("#id_username", "13812345678")
    phone.fill("#id_password", "wrong-password")
    phone.locator("main button[type=submit]").tap()
    phone.wait_for_selector(".alert.error")
    assert "手机号、用户名或密码不正确。" in phone.inner_text(".alert.error")
    shots.take("login-error")
    phone.fill("#id_password", PASSWORD)
    phone.locator("main button[type=submit]").tap()
    phone.wait_for_url(f"{site}/")

    phone.get_by_role("button", name="English").tap()
    phone.wait_for_selector("html[lang=en]")
    assert "Hot products" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.lang") == "en"
    phone.goto(f"{site}/me/")
    assert "Sign out" in phone.inner_text("main")  # remembered in the cookie
    shots.take("me-english")
    phone.get_by_role("button", name="简体中文").tap()
    phone.wait_for_selector("html[lang=zh-CN]")
    assert phone.url == f"{site}/me/"
    assert "退出登录" in phone.inner_text("main")


@pytest.mark.django_db(transaction=True)
def test_an_invitee_signs_up_as_a_promoter_with_the_code_prefilled(live_server, phone):
    inviter = nf.root(display_name="阿花")
    shots, site = Shots(phone, "promoter"), live_server.url

    phone.goto(f"{site}/account/signup/?invite={inviter.invite_code}")
    assert phone.input_value("#id_invite_code") == inviter.invite_code
    assert "注册成为推手" in phone.inner_text(".appbar")
    phone.fill("#id_phone", "13912345678")
    fill_signup_code(phone, "13912345678")
    phone.fill("#id_password", PASSWORD)
    phone.fill("#id_display_name", "小李")
    shots.take("signup-prefilled")
    phone.locator("main button.block[type=submit]").tap()
    phone.wait_for_url(re.compile(r"/centre/$"))
    promoter = Promoter.objects.get(user__phone="13912345678")
    assert (promoter.sponsor_id, promoter.joined_via) == (inviter.pk, "invite")

    phone.goto(f"{site}/me/")
    assert phone.get_by_role("button", name="消费者").count() == 1  # the role switcher: promoter and customer
    shots.take("me-promoter")
    phone.get_by_role("button", name="消费者").tap()
    phone.wait_for_url(f"{site}/")


@pytest.mark.django_db(transaction=True)
def test_a_visitor_buys_from_the_storefront_product_page_through_sign_in_and_checkout(live_server, phone):
    _storefront()
    user_create(phone="13812345678", password=PASSWORD, display_name="小王")
    shots, site = Shots(phone, "storefront"), live_server.url

    phone.goto(f"{site}/")
    phone.locator("main a", has_text="明前龙井 250g 礼盒").first.tap()
    phone.wait_for_url(re.compile(r"/goods/\d+/$"))
    main = phone.inner_text("main")
    assert "已验货" in main and "¥128.00" in main and "库存 100" in main and "立即购买" in main
    shots.take("product")
    phone.fill("#quantity", "2")
    phone.get_by_role("button", name="立即购买").tap()
    phone.wait_for_url(re.compile(r"/account/login/\?next="))
    phone.fill("#id_username", "13812345678")
    phone.fill("#id_password", PASSWORD)
    phone.locator("main button[type=submit]").tap()
    phone.wait_for_url(re.compile(r"/checkout/\?sku=\d+&quantity=2&share=$"))
    main = phone.inner_text("main")
    assert "明前龙井 250g 礼盒" in main and "¥256.00" in main
    shots.take("checkout")
