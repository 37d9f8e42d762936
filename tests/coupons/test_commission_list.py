"""Coupon commissions are in the promoter's one list of commissions (佣金明细) among those of the platform's own
orders: newest first by when each was earned (a coupon commission by its order's payment on the external platform,
not by when the report was imported), filtered by the same statuses, each saying why it was paid."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.coupons.conftest import report
from tests.orders import factories as of
from tuishou.coupons import services
from tuishou.coupons.models import CouponCommission, CouponOrder
from tuishou.settlement.models import Commission
from tuishou.settlement.selectors import commission_rows_loaded, promoter_all_commissions_query
from tuishou.wallets.selectors import wallet_history

pytestmark = pytest.mark.django_db


def _both(world, ops, after_commit):
    """小李 earns on a platform order through his link, then on a coupon order (E1, B = 20.00)."""
    seller = world["seller"]
    honey = of.sku(price="59.90", stock=5)
    link = of.share_link(seller, honey.product_id)
    of.paid_order(after_commit, item=honey, quantity=2, share_code=link.code)
    code = world["picks"][0].tracking_code
    services.order_report_import(actor=ops, source="upload", file_name="report.csv",
                                 data=report([{"order_id": "E1", "tracking_code": code, "status": "paid"}]))
    return (Commission.objects.get(promoter=seller), CouponCommission.objects.get(promoter=seller))


def test_the_list_holds_coupon_commissions_by_their_orders_payment_and_filters_them_by_status(world, ops,
                                                                                               after_commit):
    # the coupon order E1 was paid on 2026-12-01, before the platform order, though imported after it
    order_commission, coupon_commission = _both(world, ops, after_commit)
    assert coupon_commission.created_at > order_commission.created_at
    seller = world["seller"]
    rows = commission_rows_loaded(promoter_all_commissions_query(promoter=seller))
    assert [(source, c.pk) for source, c in rows] == [("order", order_commission.pk),
                                                      ("coupon", coupon_commission.pk)]
    assert [(source, str(c.amount)) for source, c in rows] == [("order", "7.18"), ("coupon", "6.00")]
    assert [row["at"] for row in promoter_all_commissions_query(promoter=seller)] == [
        order_commission.created_at, coupon_commission.order.paid_at]
    pending = commission_rows_loaded(promoter_all_commissions_query(promoter=seller, status="pending"))
    assert [source for source, _ in pending] == ["order", "coupon"]
    assert list(promoter_all_commissions_query(promoter=seller, status="available")) == []
    sponsor = commission_rows_loaded(promoter_all_commissions_query(promoter=world["sponsor"]))
    assert [(source, str(c.amount)) for source, c in sponsor] == [("order", "2.39"), ("coupon", "2.00")]


def test_a_coupon_order_paid_after_a_platform_order_is_listed_before_it(world, ops, after_commit):
    seller = world["seller"]
    code = world["picks"][0].tracking_code
    services.order_report_import(actor=ops, source="upload", file_name="report.csv",
                                 data=report([{"order_id": "E9", "tracking_code": code, "status": "paid",
                                               "paid_at": "2026-12-01 10:00:00"}]))
    honey = of.sku(price="59.90", stock=5)
    of.paid_order(after_commit, item=honey, quantity=2, share_code=of.share_link(seller, honey.product_id).code)
    # (a report's payment time is never in the future: move it past the platform order's payment by hand)
    CouponOrder.objects.filter(external_order_id="E9").update(paid_at=timezone.now() + timezone.timedelta(hours=1))

    rows = commission_rows_loaded(promoter_all_commissions_query(promoter=seller))

    assert [source for source, _ in rows] == ["coupon", "order"]


def test_the_centre_page_shows_a_coupon_commission_dated_by_its_payment_and_why(client, world, ops, after_commit):
    _both(world, ops, after_commit)
    client.force_login(world["seller"].user)
    html = client.get("/centre/commissions/").content.decode()
    title = world["items"][0].title
    assert "券订单 E1" in html
    assert f"券商品 {title}：平台佣金 ¥20.00 × 30%" in html
    assert "付款于 2026-12-01 10:00" in html
    assert html.index("¥7.18") < html.index("¥6.00")
    assert "平台结算该订单后可提现" in html


def test_the_api_lists_the_same_rows_as_the_page_coupon_commissions_with_their_order(client, world, ops,
                                                                                    after_commit):
    order_commission, coupon_commission = _both(world, ops, after_commit)
    seller = world["seller"]
    client.force_login(seller.user)

    body = client.get("/api/v1/settlement/commissions/mine").json()

    page = commission_rows_loaded(promoter_all_commissions_query(promoter=seller))
    assert [(c["kind"], c["id"]) for c in body["commissions"]] == [("order", order_commission.pk),
                                                                   ("coupon", coupon_commission.pk)]
    assert [c.pk for _, c in page] == [c["id"] for c in body["commissions"]]
    coupon = body["commissions"][1]
    order = coupon_commission.order
    assert coupon == {
        "id": coupon_commission.pk, "kind": "coupon", "at": "2026-12-01T02:00:00Z", "order_id": None,
        "order_number": None, "period": "", "promoter_id": seller.pk, "rule": coupon_commission.rule,
        "plan_key": order.plan_version.plan_key, "plan_version": order.plan_version.version, "base": "20.00",
        "rate": "0.300000", "accrued_amount": "6.00", "cancelled_amount": "0.00", "clawed_back_amount": "0.00",
        "amount": "6.00", "status": "pending", "due_at": None, "settled_at": None,
        "created_at": coupon["created_at"],
        "coupon_order": {"platform": order.platform, "external_order_id": "E1", "item_title": world["items"][0].title,
                         "paid_at": "2026-12-01T02:00:00Z"}}
    assert (body["commissions"][0]["order_number"], body["commissions"][0]["amount"],
            body["commissions"][0]["coupon_order"]) == (order_commission.order.number, "7.18", None)
    assert body["summary"] == {"pending": "13.18", "available": "0.00", "withdrawable": "0.00"}
    paged = client.get("/api/v1/settlement/commissions/mine?limit=1&offset=1").json()["commissions"]
    assert [(c["kind"], c["id"]) for c in paged] == [("coupon", coupon_commission.pk)]
    by_order = client.get(f"/api/v1/settlement/commissions/mine?order_id={order_commission.order_id}").json()
    assert [c["kind"] for c in by_order["commissions"]] == ["order"]
    assert client.get("/api/v1/settlement/commissions/mine?status=available").json()["commissions"] == []


def test_the_api_documents_the_kinds_of_commission(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["MyCommissionOut"]

    assert schema["properties"]["kind"]["enum"] == ["order", "period", "coupon"]
    assert "coupon goods order" in schema["properties"]["kind"]["description"]
    assert "coupon_order" in schema["properties"]


def test_the_wallet_history_names_a_coupon_order_by_its_platforms_order_id(world, ops, after_commit, client):
    order_commission, _coupon_commission = _both(world, ops, after_commit)
    seller = world["seller"]
    _total, page = wallet_history(seller)
    assert [(m.order_kind, m.order_number, str(m.amount)) for m in page] == [
        ("coupon", "E1", "6.00"), ("order", order_commission.order.number, "7.18")]
    assert page[0].order_ref.startswith("coupon:")
    client.force_login(seller.user)
    html = client.get("/centre/wallet/?tab=history", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "券订单 E1" in html and f"订单 {order_commission.order.number}" in html
    assert "coupon:" not in html
