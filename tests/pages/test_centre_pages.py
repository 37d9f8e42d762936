"""The promoter centre's pages through Django's test client: exact content, the not-a-promoter page, someone
else's object as the 404 page, forms that keep what was typed, and query counts that do not grow with rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.orders import factories as f
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import ProductImage
from tuishou.settlement.models import Commission
from tuishou.stores.models import StoreItem
from tuishou.stores.services import store_item_add, store_update
from tuishou.wallets.models import Withdrawal

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password"


def world(after_commit=None, *, sold: bool = True, plan: str = f.PLAN):
    """A plan in force; 阿花 (root) → 小李 (the promoter under test); 小李's store with a honey on sale; a
    consumer who bought 2 jars through 小李's link (B = 2 × 59.90 × 0.2 = 23.96; 小李 earns 30%: 7.18)."""
    version = f.plan(plan)
    root = f.root("阿花")
    promoter = f.invitee(root, "小李")
    promoter.user.set_password(PASSWORD)
    promoter.user.save(update_fields=["password"])
    honey = f.sku(price="59.90", stock=20, rate="0.2000", title="云南高山蜂蜜")
    ProductImage.objects.create(product_id=honey.product_id, image=placeholder_image("蜂蜜", seed=7))
    store_update(user=promoter.user, title="小李的好物", slogan="只卖自己吃过的")
    store_item_add(user=promoter.user, product_id=honey.product_id, recommendation="每天一勺")
    link = f.share_link(promoter, honey.product_id)
    order = None
    if sold:
        order = f.paid_order(after_commit, person=f.buyer("小王"), item=honey, quantity=2, share_code=link.code)
    return {"version": version, "root": root, "promoter": promoter, "honey": honey, "link": link, "order": order}


def signed_in(client, promoter):
    client.force_login(promoter.user)
    return client


def test_a_consumer_who_is_not_a_promoter_is_told_how_to_become_one(client):
    client.force_login(f.buyer("小王"))
    response = client.get("/centre/")
    assert response.status_code == 200
    assert "你还不是推手" in response.content.decode()
    assert 'href="/me/"' in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/centre/commissions/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/centre/commissions/"


def test_overview_shows_balances_earnings_and_the_menu(client, after_commit):
    w = world(after_commit)
    html = signed_in(client, w["promoter"]).get("/centre/").content.decode()
    assert 'data-testid="pending">¥7.18<' in html
    assert 'data-testid="withdrawable">¥0.00<' in html
    assert 'data-testid="today">¥7.18<' in html
    assert 'data-testid="month">¥7.18<' in html
    for url in ("/centre/commissions/", "/centre/pool/", "/centre/store/", "/centre/links/", "/centre/invite/",
                "/centre/team/", "/centre/rank/", "/centre/mentor/", "/centre/customers/", "/centre/wallet/",
                "/centre/messages/"):
        assert f'href="{url}"' in html


def test_commissions_say_why_each_was_paid(client, after_commit):
    w = world(after_commit)
    html = signed_in(client, w["promoter"]).get("/centre/commissions/").content.decode()
    assert f"订单 {w['order'].number}" in html
    assert "直推佣金：你自己客户的订单，佣金基数 ¥23.96 × ≈30%" in html
    assert "¥7.18" in html
    root_html = signed_in(client, w["root"]).get("/centre/commissions/").content.decode()
    assert "团队佣金：你的第 1 级团队成员的订单，佣金基数 ¥23.96 × ≈10%" in root_html


def test_commissions_name_a_rule_by_its_kind_never_by_the_plans_own_id(client, after_commit):
    # the plan names its rules (ids for its authors and its findings): the promoter reads what kind of rule paid
    named = f.PLAN.replace("{type: direct,", "{type: direct, id: sales_commission,").replace(
        "{type: tiers,", "{type: tiers, id: referral_commission,")
    w = world(after_commit, plan=named)
    assert set(Commission.objects.values_list("rule", flat=True)) == {"sales_commission", "referral_commission"}
    html = signed_in(client, w["promoter"]).get("/centre/commissions/").content.decode()
    assert "直推佣金：你自己客户的订单，佣金基数 ¥23.96 × ≈30%" in html
    assert "方案「店主分销方案」第 1 版 · 规则 直推佣金" in html and "sales_commission" not in html
    root_html = signed_in(client, w["root"]).get("/centre/commissions/").content.decode()
    assert "团队佣金：你的第 1 级团队成员的订单，佣金基数 ¥23.96 × ≈10%" in root_html
    assert "规则 固定层级" in root_html and "referral_commission" not in root_html


def test_commissions_filter_by_status(client, after_commit):
    w = world(after_commit)
    c = signed_in(client, w["promoter"])
    assert "¥7.18" in c.get("/centre/commissions/?status=pending").content.decode()
    html = c.get("/centre/commissions/?status=available").content.decode()
    assert "¥7.18" not in html.split("</nav>", 2)[-1]
    assert "没有这个状态的佣金" in html


def test_an_unknown_status_filter_shows_everything(client, after_commit):
    w = world(after_commit)
    html = signed_in(client, w["promoter"]).get("/centre/commissions/?status=bogus").content.decode()
    assert f"订单 {w['order'].number}" in html


def test_pool_shows_the_estimated_commission_and_adds_to_the_store(client):
    w = world(sold=False)
    other = f.sku(price="100.00", rate=None, fixed="30.00", title="有机茶叶")
    c = signed_in(client, w["promoter"])
    html = c.get("/centre/pool/?sort=commission").content.decode()
    # 30% of B: the tea's B is 30.00 → 9.00; the honey's is 11.98 → 3.59; highest commission first
    assert html.index("有机茶叶") < html.index("云南高山蜂蜜")
    assert '预估佣金 ¥9.00' in html and '预估佣金 ¥3.59' in html
    response = c.post(f"/centre/pool/{other.product_id}/add/", {"next": "/centre/pool/"})
    assert response.status_code == 302 and response["Location"] == "/centre/pool/"
    assert StoreItem.objects.filter(store__promoter=w["promoter"], product_id=other.product_id).exists()


def test_pool_add_over_htmx_answers_the_button_fragment(client):
    w = world(sold=False)
    other = f.sku(price="10.00", title="茶")
    response = signed_in(client, w["promoter"]).post(f"/centre/pool/{other.product_id}/add/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<div class="pick" id="pick-{other.product_id}">')
    assert "已在小店" in html


def test_pool_add_of_a_product_off_the_shelf_says_why_and_adds_nothing(client):
    w = world(sold=False)
    draft = f.sku(price="10.00", title="草稿", status="draft")
    c = signed_in(client, w["promoter"])
    response = c.post(f"/centre/pool/{draft.product_id}/add/", HTTP_HX_REQUEST="true")
    assert "error" in response.content.decode()
    assert not StoreItem.objects.filter(product_id=draft.product_id).exists()


def test_store_edit_reorder_and_remove(client):
    w = world(sold=False)
    tea = f.sku(price="10.00", title="茶")
    store_item_add(user=w["promoter"].user, product_id=tea.product_id)
    c = signed_in(client, w["promoter"])
    honey_item, tea_item = StoreItem.objects.filter(store__promoter=w["promoter"]).order_by("position")
    assert c.post(f"/centre/store/items/{tea_item.pk}/up/").status_code == 302
    assert list(StoreItem.objects.order_by("position").values_list("pk", flat=True)) == [tea_item.pk, honey_item.pk]
    response = c.post(f"/centre/store/items/{honey_item.pk}/", {"title": "", "recommendation": "真好吃"})
    assert response.status_code == 302
    assert StoreItem.objects.get(pk=honey_item.pk).recommendation == "真好吃"
    c.post(f"/centre/store/items/{tea_item.pk}/remove/")
    assert list(StoreItem.objects.values_list("pk", flat=True)) == [honey_item.pk]


def test_store_title_error_is_beside_the_field_and_keeps_the_text(client):
    w = world(sold=False)
    response = signed_in(client, w["promoter"]).post("/centre/store/", {"title": "   ", "slogan": "新口号"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_title_error"' in html
    assert 'value="新口号"' in html


def test_someone_elses_store_item_is_the_404_page(client):
    w = world(sold=False)
    item = StoreItem.objects.get()
    stranger = f.invitee(w["root"], "路人")
    c = signed_in(client, stranger)
    assert c.get(f"/centre/store/items/{item.pk}/").status_code == 404
    assert c.post(f"/centre/store/items/{item.pk}/remove/").status_code == 404
    assert c.post(f"/centre/store/items/{item.pk}/up/").status_code == 404
    assert StoreItem.objects.filter(pk=item.pk).exists()


def test_links_show_clicks_visitors_orders_and_conversion(client, after_commit):
    w = world(after_commit)
    c = signed_in(client, w["promoter"])
    c.get(f"/s/{w['link'].code}")
    html = c.get("/centre/links/").content.decode()
    assert f"/s/{w['link'].code}" in html
    assert f'/s/{w["link"].code}/poster.png' in html
    assert '<div class="value">1</div><div class="label">点击</div>' in html
    assert '<div class="value">100.0%</div>' in html


def test_invite_page_and_poster(client):
    w = world(sold=False)
    c = signed_in(client, w["promoter"])
    html = c.get("/centre/invite/").content.decode()
    assert w["promoter"].invite_code in html
    assert f"/account/signup/?invite={w['promoter'].invite_code}" in html
    poster = c.get("/centre/invite/poster.png")
    assert poster["Content-Type"] == "image/png" and poster.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_team_page_counts_levels_and_new_members(client):
    w = world(sold=False)
    a = f.invitee(w["promoter"], "甲")
    f.invitee(a, "乙")
    html = signed_in(client, w["root"]).get("/centre/team/").content.decode()
    assert 'data-testid="team-size">3<' in html
    assert 'data-testid="new-this-month">3<' in html
    assert "第 1 级" in html and "第 3 级" in html
    assert "小李" in html


def test_rank_page_shows_each_requirement(client, after_commit):
    w = world(after_commit)
    html = signed_in(client, w["promoter"]).get("/centre/rank/").content.decode()
    assert 'data-testid="rank">会员<' in html
    assert "下一等级：店主" in html
    assert "¥23.96 / ¥100.00" in html
    assert "还差 ¥76.04" in html
    assert "个人业绩</span>" in html
    assert 'aria-valuenow="23"' in html


def test_wallet_withdrawal_errors_are_beside_the_field(client, after_commit):
    w = world(after_commit)
    c = signed_in(client, w["promoter"])
    response = c.post("/centre/wallet/", {"amount": "50.00", "method": "alipay", "account": "13800000000",
                                          "name": "李四", "bank": "", "key": "k1"})
    html = response.content.decode()
    assert 'id="id_amount_error"' in html
    assert 'value="13800000000"' in html
    assert Withdrawal.objects.count() == 0


def test_wallet_fee_fragment(client):
    w = world(sold=False)
    html = signed_in(client, w["promoter"]).get("/centre/wallet/fee/?amount=100.00").content.decode()
    assert "手续费 ¥1.00 · 到账 ¥99.00" in html


def test_customers_show_masked_phone_and_purchases(client, after_commit):
    w = world(after_commit)
    html = signed_in(client, w["promoter"]).get("/centre/customers/").content.decode()
    buyer = w["order"].buyer
    assert f"{buyer.phone[:3]}****{buyer.phone[-4:]}" in html
    assert buyer.phone not in html
    assert "1 笔订单，最近：云南高山蜂蜜" in html
    assert "¥119.80" in html


def test_mentor_page_for_an_invited_promoter_explains_why_there_is_no_switch(client):
    w = world(sold=False)
    html = signed_in(client, w["promoter"]).get("/centre/mentor/").content.decode()
    assert "阿花" in html
    assert "不能更换导师" in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _more(w, after_commit, count: int, start: int) -> None:
    """More of everything the centre lists: goods in the pool and the store, links with orders, customers,
    commissions, team members, wallet movements."""
    for n in range(start, start + count):
        tea = f.sku(price="20.00", title=f"茶 {n}")
        ProductImage.objects.create(product_id=tea.product_id, image=placeholder_image("茶", seed=n))
        store_item_add(user=w["promoter"].user, product_id=tea.product_id)
        link = f.share_link(w["promoter"], tea.product_id)
        f.paid_order(after_commit, person=f.buyer(f"客{n}"), item=tea, quantity=1, share_code=link.code)
        f.invitee(w["promoter"], f"徒{n}")


@pytest.mark.parametrize("url", ["/centre/", "/centre/commissions/", "/centre/pool/", "/centre/store/",
                                 "/centre/links/", "/centre/team/", "/centre/customers/", "/centre/wallet/",
                                 "/centre/wallet/?tab=history", "/centre/rank/", "/centre/mentor/"])
def test_query_count_does_not_grow_with_rows(client, after_commit, url):
    w = world(after_commit)
    _more(w, after_commit, 1, 0)
    c = signed_in(client, w["promoter"])
    c.get(url)  # warm the plan cache
    few = _queries(c, url)
    _more(w, after_commit, 4, 1)
    assert Commission.objects.filter(promoter=w["promoter"]).count() == 6
    many = _queries(c, url)
    assert many <= few, f"{url}: {few} queries with two rows, {many} with six"


def test_money_is_decimal_in_the_overview_context(client, after_commit):
    w = world(after_commit)
    response = signed_in(client, w["promoter"]).get("/centre/")
    assert response.context["summary"].pending == Decimal("7.18")


def test_centre_in_english(client, after_commit):
    w = world(after_commit)
    c = signed_in(client, w["promoter"])
    c.cookies["django_language"] = "en"
    html = c.get("/centre/").content.decode()
    assert "Withdrawable" in html and "Earned today" in html and "可提现" not in html
    html = c.get("/centre/commissions/").content.decode()
    assert ("direct commission on a sale credited to you: your own customer&#x27;s order, commission base "
            "¥23.96 × ≈30%") in html
    assert "Pending" in html and "待结算" not in html


def test_wallet_withdrawal_is_requested_and_listed(client):
    from tests.wallets.factories import fund

    w = world(sold=False)
    fund(w["promoter"], "100.00")
    c = signed_in(client, w["promoter"])
    form = {"amount": "60.00", "method": "bank_card", "account": "6222 0212 3456 7890", "name": "李四",
            "bank": "工商银行", "key": "same-key"}
    response = c.post("/centre/wallet/", form)
    assert response.status_code == 302 and response["Location"] == "/centre/wallet/"
    assert c.post("/centre/wallet/", form).status_code == 302  # sent twice (a double tap): one withdrawal
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net, withdrawal.status) == (
        Decimal("60.00"), Decimal("1.00"), Decimal("59.00"), "requested")
    html = c.get("/centre/wallet/").content.decode()
    assert "**** **** **** 7890 *四" in html and "审核中" in html
    history = c.get("/centre/wallet/?tab=history").content.decode()
    assert "申请提现，余额冻结" in history and "-¥60.00" in history


def test_wallet_payee_error_is_beside_its_field_in_chinese(client):
    from tests.wallets.factories import fund

    w = world(sold=False)
    fund(w["promoter"], "100.00")
    response = signed_in(client, w["promoter"]).post("/centre/wallet/", {
        "amount": "60.00", "method": "bank_card", "account": "12", "name": "李四", "bank": "工商银行", "key": "k"})
    html = response.content.decode()
    message = "银行卡号为 12 到 19 位数字"
    assert f'<div class="error" id="id_account_error">{message}</div>' in html
    assert Withdrawal.objects.count() == 0


def test_mentor_switch_refused_by_policy_is_beside_the_field_and_a_pending_request_is_listed(client):
    from tuishou.accounts.services import user_create
    from tuishou.network import services as network_services
    from tuishou.network.models import Mentor, MentorSwitchRequest, NetworkPolicy

    f.plan()
    top = f.root("导师长")
    network_services.network_policy_get()
    NetworkPolicy.objects.filter(pk=1).update(invite_code_required=False, switch_cooldown_days=30)
    Mentor.objects.create(promoter=f.invitee(top, "王导师"))
    other = Mentor.objects.create(promoter=f.invitee(top, "陈导师"))
    f.invitee(other.promoter)
    placed = network_services.promoter_register(user=user_create(phone="13700002222", password=None), invite_code=None)
    c = signed_in(client, placed)
    html = c.post("/centre/mentor/", {"to_mentor": str(other.pk), "reason": "想换"}).content.decode()
    assert 'id="id_to_mentor_error"' not in html  # the cooldown is about the person, not the chosen mentor
    assert "距上次更换导师时间太短，请稍后再试。" in html
    assert "想换" in html
    assert MentorSwitchRequest.objects.count() == 0
    NetworkPolicy.objects.filter(pk=1).update(switch_cooldown_days=0, switch_requires_approval=True)
    assert c.post("/centre/mentor/", {"to_mentor": str(other.pk), "reason": ""}).status_code == 302
    html = c.get("/centre/mentor/").content.decode()
    assert "申请已提交，等待平台审核。" in html and "待审核" in html
