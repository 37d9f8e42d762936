"""Coupon commissions are in the promoter's one list of commissions (佣金明细) among those of the platform's own
orders: newest first, filtered by the same statuses, each saying why it was paid."""

from __future__ import annotations

import pytest

from tests.coupons.conftest import report
from tests.orders import factories as of
from tuishou.coupons import services
from tuishou.coupons.models import CouponCommission
from tuishou.settlement.models import Commission
from tuishou.settlement.selectors import commission_rows_loaded, promoter_all_commissions_query

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


def test_the_list_holds_coupon_commissions_newest_first_and_filters_them_by_status(world, ops, after_commit):
    order_commission, coupon_commission = _both(world, ops, after_commit)
    seller = world["seller"]
    rows = commission_rows_loaded(promoter_all_commissions_query(promoter=seller))
    assert [(source, c.pk) for source, c in rows] == [("coupon", coupon_commission.pk),
                                                      ("order", order_commission.pk)]
    assert [(source, str(c.amount)) for source, c in rows] == [("coupon", "6.00"), ("order", "7.18")]
    pending = commission_rows_loaded(promoter_all_commissions_query(promoter=seller, status="pending"))
    assert [source for source, _ in pending] == ["coupon", "order"]
    assert list(promoter_all_commissions_query(promoter=seller, status="available")) == []
    sponsor = commission_rows_loaded(promoter_all_commissions_query(promoter=world["sponsor"]))
    assert [(source, str(c.amount)) for source, c in sponsor] == [("coupon", "2.00"), ("order", "2.39")]


def test_the_centre_page_shows_a_coupon_commission_and_why(client, world, ops, after_commit):
    _both(world, ops, after_commit)
    client.force_login(world["seller"].user)
    html = client.get("/centre/commissions/").content.decode()
    title = world["items"][0].title
    assert "券订单 E1" in html
    assert f"券商品 {title}：平台佣金 ¥20.00 × 30%" in html
    assert "¥6.00" in html and "¥7.18" in html
    assert "平台结算该订单后可提现" in html
