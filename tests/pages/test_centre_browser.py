"""The promoter centre in a real browser on a phone (Debian's Chromium, 390×844): pick goods into the store,
edit a recommendation, share (copy the link, open the poster), see the team, switch mentor where allowed,
request a withdrawal. Screenshots of every step go to ``tests/artifacts/centre/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.orders import factories as f
from tests.pages.test_centre_pages import PASSWORD, world
from tests.wallets.factories import fund
from tuishou.accounts.services import user_create
from tuishou.network import services as network_services
from tuishou.network.models import Mentor, MentorSwitchRequest, NetworkPolicy, Promoter
from tuishou.stores.models import StoreItem
from tuishou.wallets.models import Withdrawal

PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "centre"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def after_commit_live(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
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


def sign_in(page, promoter: Promoter, next_url: str = "/centre/") -> None:
    page.goto(f"/account/login/?next={next_url}")
    page.fill("#id_username", promoter.user.phone)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+" + re.escape(next_url) + "$"))


def test_pick_goods_edit_a_recommendation_share_and_see_the_team(phone):
    w = world(sold=False)
    tea = f.sku(price="100.00", rate=None, fixed="30.00", title="有机高山绿茶")
    f.invitee(w["promoter"], "小徒弟")
    shots = Shots(phone, "store-and-share")
    sign_in(phone, w["promoter"])
    assert "可提现" in phone.inner_text("main")
    shots.take("overview")

    # pick the tea from the pool, sorted by commission: one tap, the button says it is in the store (htmx)
    phone.locator("a[href='/centre/pool/']").first.tap()
    phone.select_option("#sort", "commission")
    phone.locator("form[role=search] button[type=submit]").first.tap()
    phone.wait_for_url(re.compile(r"sort=commission"))
    first = phone.locator(".pool-tile").first
    assert "有机高山绿茶" in first.inner_text() and "预估佣金 ¥9.00" in first.inner_text()
    shots.take("pool")
    first.get_by_role("button", name="加入小店").tap()
    first.get_by_text("已在小店").wait_for()
    assert StoreItem.objects.filter(product_id=tea.product_id, store__promoter=w["promoter"]).exists()
    shots.take("pool-picked")

    # edit the tea's recommendation in my store
    phone.goto("/centre/store/")
    row = phone.locator(".store-items li", has_text="有机高山绿茶")
    row.get_by_role("link", name="编辑").tap()
    phone.fill("#id_recommendation", "明前采摘，回甘很好。")
    shots.take("item-edit")
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存").tap()
    assert "明前采摘，回甘很好。" in phone.inner_text("main")
    shots.take("store")

    # share: copy the tea's link, open its poster
    phone.goto("/centre/links/")
    link_row = phone.locator(".share-links li", has_text="有机高山绿茶")
    link_row.get_by_role("button", name="复制链接").tap()
    link_row.get_by_role("button", name="已复制").wait_for()
    copied = phone.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(r"http://[^/]+/s/\w+", copied)
    shots.take("links")
    with phone.expect_popup() as popup:
        link_row.get_by_role("link", name="海报").tap()
    poster = popup.value
    poster.wait_for_load_state()
    assert poster.evaluate("document.images[0].naturalWidth") == 750
    poster.close()

    # the team
    phone.goto("/centre/team/")
    assert "小徒弟" in phone.inner_text("main")
    assert phone.inner_text("[data-testid=team-size]") == "1"
    shots.take("team")


def test_a_placed_promoter_switches_mentor(phone):
    f.plan()
    top = f.root("平台导师长")
    network_services.network_policy_get()
    NetworkPolicy.objects.filter(pk=1).update(invite_code_required=False, switch_cooldown_days=0)
    first = Mentor.objects.create(promoter=f.invitee(top, "王导师"))
    second = Mentor.objects.create(promoter=f.invitee(top, "陈导师"), capacity=50)
    f.invitee(second.promoter, "陈导师的徒弟")  # the least loaded mentor is the first: placement goes there
    user = user_create(phone="13700001111", password=PASSWORD, display_name="新人")
    placed = network_services.promoter_register(user=user, invite_code=None)
    assert placed.sponsor_id == first.promoter_id
    shots = Shots(phone, "mentor")
    sign_in(phone, placed, "/centre/mentor/")
    assert "王导师" in phone.inner_text("[data-testid=mentor]")
    phone.select_option("#id_to_mentor", str(second.pk))
    phone.fill("#id_reason", "想跟陈导师学习选品")
    shots.take("mentor-form")
    with phone.expect_navigation():
        phone.get_by_role("button", name="申请更换").tap()
    assert "已更换导师" in phone.inner_text("main")
    assert "更换次数已用完" in phone.inner_text("main")
    assert "陈导师" in phone.inner_text("[data-testid=mentor]")
    assert Promoter.objects.get(pk=placed.pk).sponsor_id == second.promoter_id
    assert MentorSwitchRequest.objects.get().status == "applied"
    shots.take("mentor-switched")


def test_request_a_withdrawal_with_the_fee_shown(phone):
    w = world(sold=False)
    fund(w["promoter"], "200.00")
    shots = Shots(phone, "wallet")
    sign_in(phone, w["promoter"], "/centre/wallet/")
    assert phone.inner_text("[data-testid=withdrawable]") == "¥200.00"
    phone.fill("#id_amount", "500")
    phone.locator("#fee", has_text="到账 ¥497.00").wait_for()  # htmx: the fee as the amount is typed
    phone.fill("#id_account", "13812348000")
    phone.fill("#id_name", "李小明")
    with phone.expect_navigation():
        phone.get_by_role("button", name="申请提现").tap()
    error = phone.locator("#id_amount_error")
    assert "200.00" in error.inner_text()
    assert phone.input_value("#id_account") == "13812348000"
    assert Withdrawal.objects.count() == 0
    shots.take("wallet-error")
    phone.fill("#id_amount", "150.00")
    with phone.expect_navigation():
        phone.get_by_role("button", name="申请提现").tap()
    assert "提现申请已提交" in phone.inner_text("main")
    assert phone.inner_text("[data-testid=withdrawable]") == "¥50.00"
    assert phone.inner_text("[data-testid=frozen]") == "¥150.00"
    assert "审核中" in phone.inner_text(".list")
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net) == (f.money("150.00"), f.money("1.00"),
                                                                   f.money("149.00"))
    shots.take("wallet-requested")


def test_every_centre_page_on_a_phone_in_chinese_then_english(phone, after_commit_live):
    w = world(after_commit_live)
    f.invitee(w["promoter"], "小徒弟")
    fund(w["promoter"], "30.00")
    shots = Shots(phone, "tour")
    sign_in(phone, w["promoter"])
    pages = ["/centre/", "/centre/commissions/", "/centre/pool/", "/centre/store/", "/centre/links/",
             "/centre/invite/", "/centre/team/", "/centre/rank/", "/centre/mentor/", "/centre/customers/",
             "/centre/wallet/", "/centre/wallet/?tab=history"]
    for url in pages:
        phone.goto(url)
        assert phone.evaluate("document.documentElement.lang") == "zh-CN"
        shots.take("zh" + url.replace("/", "-").replace("?", "-"))
    with phone.expect_navigation():
        phone.get_by_role("button", name="English").tap()
    for url in pages:
        phone.goto(url)
        assert phone.evaluate("document.documentElement.lang") == "en"
        assert not re.search(r"[\u4e00-\u9fff]{2,}", phone.locator("h1, .appbar .title").first.inner_text())
        shots.take("en" + url.replace("/", "-").replace("?", "-"))
    phone.goto("/centre/commissions/")
    assert "direct commission on a sale credited to you" in phone.inner_text("main")


def test_centre_on_a_desk(browser, live_server):
    w = world(sold=False)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    try:
        sign_in(page, w["promoter"])
        folder = ARTIFACTS / "desk"
        folder.mkdir(parents=True, exist_ok=True)
        for n, url in enumerate(["/centre/", "/centre/pool/", "/centre/store/"], start=1):
            page.goto(url)
            page.screenshot(path=str(folder / f"{n:02d}{url.replace('/', '-')}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        context.close()
