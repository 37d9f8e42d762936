"""Campaign figures by community and team (exact), the API (operators write, promoters read running campaigns,
bad input a 4xx with a stable code) and the pages: /ops/campaigns/ (list, new, detail, CSV), /agency/campaigns/
(its own community only) and the banner in the promoter centre."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.campaigns import factories as cf
from tests.network import factories as nf
from tests.orders import factories as of
from tuishou.campaigns.models import Campaign
from tuishou.campaigns.selectors import campaign_figures
from tuishou.network.models import CommunityStaff
from tuishou.stores.models import ShareClick

pytestmark = pytest.mark.django_db


def _clicks(link, n: int, *, at=None):
    for i in range(n):
        ShareClick.objects.create(link=link, visitor_key=f"v{link.pk}-{i}-{at}", at=at or timezone.now())


@pytest.fixture
def sold(after_commit):
    """Official: 阿花 → 小李 → 小张; 星火: its head. Two paid orders, one unpaid, clicks in and out of the window."""
    of.plan()
    head = of.root("阿花")
    leader = of.invitee(head, "小李")
    member = of.invitee(leader, "小张")
    xinghuo = nf.agency()
    agency_head = nf.root(xinghuo, "星火老大")
    item = cf.product()
    small, big = item.skus.order_by("pk")
    campaign = cf.running(item)
    member_link, head_link = of.share_link(member, item.pk), of.share_link(head, item.pk)
    _clicks(member_link, 3)
    _clicks(head_link, 1)
    _clicks(of.share_link(agency_head, item.pk), 2)
    _clicks(head_link, 1, at=campaign.starts_at - timedelta(minutes=1))  # before the window: not counted
    of.pay(after_commit, of.checkout(of.buyer(), [(small, 2)], share_code=member_link.code))
    of.pay(after_commit, of.checkout(of.buyer(), [(big, 1)], share_code=head_link.code))
    of.checkout(of.buyer(), [(small, 1)], share_code=member_link.code)  # not paid: not in the figures
    return {"campaign": campaign, "xinghuo": xinghuo, "head": head, "item": item}


def _row(f):
    return (f.name, f.clicks, f.orders, f.units, f.gmv, f.commissions)


def test_figures_by_community_and_team_are_exact(sold):
    figures = campaign_figures(campaign=sold["campaign"])
    official, xinghuo = figures.communities
    # 小张's order: B 10.00 (2 × 5.00), direct 30% to 小张 3.00 and the tier 10% to 小李 1.00
    # 阿花's own: B 5.00, direct 30% 1.50
    assert _row(official) == ("官方社群" if official.name == "官方社群" else official.name, 4, 2, 3,
                              Decimal("158.80"), Decimal("5.50"))
    assert [_row(t) for t in official.teams] == [
        ("小李", 3, 1, 2, Decimal("79.80"), Decimal("4.00")),
        ("阿花（团长自营）", 1, 1, 1, Decimal("79.00"), Decimal("1.50"))]  # zh-hans, the default
    assert _row(xinghuo) == ("星火社群", 2, 0, 0, Decimal("0.00"), Decimal("0.00"))
    assert _row(figures.total)[1:] == (6, 2, 3, Decimal("158.80"), Decimal("5.50"))
    only = campaign_figures(campaign=sold["campaign"], community_id=sold["xinghuo"].pk)
    assert [c.name for c in only.communities] == ["星火社群"] and only.total.clicks == 2


def _json(client, method, url, body=None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_the_api_creates_launches_ends_and_reads_figures_with_stable_codes(client):
    of.root("阿花")
    item = cf.product()
    small, big = item.skus.order_by("pk")
    body = {**cf.terms(prices={str(small.pk): "39.90", str(big.pk): "79.00"}), "product_id": item.pk}
    body = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in body.items()}
    client.force_login(of.buyer())
    resp = _json(client, "post", "/api/v1/campaigns", body)
    assert (resp.status_code, resp.json()["code"]) == (403, "auth.forbidden")
    client.force_login(of.operator("ops"))
    resp = _json(client, "post", "/api/v1/campaigns", {**body, "prices": {str(small.pk): "59.91", str(big.pk): "79"}})
    assert (resp.status_code, resp.json()["code"], resp.json()["details"]["field"]) == (
        400, "campaigns.price_above_retail", f"prices.{small.pk}")
    resp = _json(client, "post", "/api/v1/campaigns", {**body, "allocation": 1000})
    assert (resp.status_code, resp.json()["code"]) == (400, "campaigns.allocation_above_stock")
    resp = _json(client, "post", "/api/v1/campaigns", {**body, "allocation": "many"})
    assert resp.status_code == 422 and Campaign.objects.count() == 0
    resp = _json(client, "post", "/api/v1/campaigns", body)
    assert resp.status_code == 201
    created = resp.json()
    assert (created["status"], created["left"], created["commission_amount"], created["prices"][0]) == (
        "draft", 10, "5.00", {"sku_id": small.pk, "spec_name": "500g", "retail_price": "59.90", "price": "39.90"})
    launched = _json(client, "post", f"/api/v1/campaigns/{created['id']}/launch").json()
    assert (launched["status"], launched["communities_reached"]) == ("launched", 1)
    again = _json(client, "post", f"/api/v1/campaigns/{created['id']}/launch")
    assert (again.status_code, again.json()["code"]) == (409, "campaigns.transition_invalid")
    assert _json(client, "get", "/api/v1/campaigns/999999").status_code == 404
    figures = client.get(f"/api/v1/campaigns/{created['id']}/figures").json()
    assert figures["total"] == {"key": "total", "name": "蜂蜜爆品日", "clicks": 0, "orders": 0, "units": 0,
                                "gmv": "0.00", "commissions": "0.00", "teams": []}
    client.force_login(of.buyer())
    running = client.get("/api/v1/campaigns/running").json()
    assert [(r["id"], r["lowest_price"], r["retail_price"], r["left"]) for r in running] == [
        (created["id"], "39.90", "59.90", 10)]
    assert client.get(f"/api/v1/campaigns/{created['id']}/figures").status_code == 404
    client.force_login(of.operator("ops"))
    ended = _json(client, "post", f"/api/v1/campaigns/{created['id']}/end", {"reason": "商家断货"})
    assert ended.json()["status"] == "ended"
    client.force_login(of.buyer())
    assert client.get("/api/v1/campaigns/running").json() == []


def test_operator_pages_list_create_detail_and_csv(sold, client, django_assert_max_num_queries):
    client.force_login(of.operator("ops"))
    with django_assert_max_num_queries(15):
        page = client.get("/ops/campaigns/")
    assert page.status_code == 200 and "蜂蜜爆品日" in page.content.decode()
    assert client.get("/ops/campaigns/?export=csv").status_code == 200
    with django_assert_max_num_queries(25):
        detail = client.get(f"/ops/campaigns/{sold['campaign'].pk}/")
    text = detail.content.decode()
    assert detail.status_code == 200 and "小李" in text and "158.80" in text
    csv_text = client.get(f"/ops/campaigns/{sold['campaign'].pk}/?export=csv").content.decode("utf-8-sig")
    assert "小李,3,1,2,79.80,4.00" in csv_text
    other = cf.product(title="普洱茶饼")
    form = client.get("/ops/campaigns/new/")
    assert form.status_code == 200 and "普洱茶饼" in form.content.decode()
    now = timezone.localtime()
    fields = {"product_id": other.pk, "title": "茶饼爆品", "price": "60.00", "allocation": 5,
              "starts_at": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
              "ends_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"), "commission_mode": "sku",
              "commission_rate": "", "commission_amount": "", "pitch": "好茶限时特价"}
    bad = client.post("/ops/campaigns/new/", fields)
    assert (bad.status_code == 200 and "supply price" in bad.content.decode()) or "供货价" in bad.content.decode()
    assert Campaign.objects.filter(title="茶饼爆品").count() == 0 and "好茶限时特价" in bad.content.decode()
    done = client.post("/ops/campaigns/new/", {**fields, "price": "58.00"})
    created = Campaign.objects.get(title="茶饼爆品")
    assert done.status_code == 302 and done["Location"] == f"/ops/campaigns/{created.pk}/"
    client.post(f"/ops/campaigns/{created.pk}/", {"action": "launch"})
    assert Campaign.objects.get(pk=created.pk).status == "launched"
    client.post(f"/ops/campaigns/{created.pk}/", {"action": "end", "reason": "活动调整"})
    assert Campaign.objects.get(pk=created.pk).status == "ended"
    client.force_login(of.buyer())
    assert client.get("/ops/campaigns/").status_code == 404
    assert client.get(f"/ops/campaigns/{created.pk}/").status_code == 404


def test_agency_staff_see_their_own_communitys_figures_only(sold, client):
    staff = nf.user("星火运营")
    CommunityStaff.objects.create(user=staff, community=sold["xinghuo"])
    client.force_login(staff)
    page = client.get("/agency/campaigns/")
    assert page.status_code == 200 and "蜂蜜爆品日" in page.content.decode()
    detail = client.get(f"/agency/campaigns/{sold['campaign'].pk}/").content.decode()
    assert "星火社群" in detail and "小李" not in detail and "官方社群" not in detail
    # a column of amounts reads 佣金 (佣金明细 is the promoter's page of commissions); the way back to the list
    assert 'data-label="佣金"' in detail and "佣金明细" not in detail
    assert f'data-testid="back" href="/agency/campaigns/?community={sold["xinghuo"].pk}"' in detail
    resp = client.get(f"/api/v1/campaigns/{sold['campaign'].pk}/figures?community_id={sold['head'].community_id}")
    assert resp.status_code == 404


def test_the_promoter_centre_shows_running_campaigns_at_the_top_of_the_pool(sold, client):
    client.force_login(sold["head"].user)
    page = client.get("/centre/pool/").content.decode()
    banner = page.index("campaign-banner")
    assert "蜂蜜爆品日" in page[banner:] and "39.90" in page[banner:]


def test_the_campaign_lists_head_the_product_column_商品_not_商品详情(sold, client):
    # a stale "Product" of the stores catalog (商品详情, the product page's old heading) won over campaigns' 商品
    staff = nf.user("星火运营")
    CommunityStaff.objects.create(user=staff, community=sold["xinghuo"])
    client.force_login(staff)
    agency = client.get("/agency/campaigns/").content.decode()
    assert "<th>商品</th>" in agency and "商品详情" not in agency
    client.force_login(of.operator("ops"))
    ops = client.get("/ops/campaigns/").content.decode()
    assert ">商品</th>" in ops and "商品详情" not in ops
