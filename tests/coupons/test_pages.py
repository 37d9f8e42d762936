"""The redirect, the pages and the API of coupon goods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.coupons.conftest import report, sandbox_report
from tuishou.coupons.models import CouponOrder, CouponPick, ReportImport

pytestmark = pytest.mark.django_db


def test_the_redirect_counts_the_click_and_carries_the_tracking_code(client, world):
    pick = world["picks"][0]
    response = client.get(f"/c/{pick.tracking_code}/go")
    assert response.status_code == 302
    assert response["Location"] == f"{pick.item.external_link}?pid={pick.tracking_code}"
    client.get(f"/c/{pick.tracking_code}/go")
    assert CouponPick.objects.get(pk=pick.pk).clicks == 2


def test_the_redirect_refuses_unknown_codes(client, world):
    assert client.get("/c/tsnosuchcode0000/go").status_code == 404
    assert sum(CouponPick.objects.values_list("clicks", flat=True)) == 0


def test_the_store_shows_coupon_cards_with_the_button(client, world):
    from tuishou.stores.services import store_get_or_create

    store = store_get_or_create(promoter=world["seller"])
    page = client.get(f"/m/{store.code}").content.decode()
    assert f"/c/{world['picks'][0].tracking_code}/go" in page
    assert world["items"][0].title in page


def test_the_centre_pool_shows_coupon_items_with_the_estimate(client, world, django_assert_max_num_queries):
    client.force_login(world["seller"].user)
    with django_assert_max_num_queries(40):
        response = client.get("/centre/coupons/")
    assert response.status_code == 200
    assert world["items"][0].title in response.content.decode()
    assert client.get("/centre/coupons/mine/").status_code == 200


def test_the_ops_desk_imports_an_uploaded_report_and_shows_its_rows(client, world, ops):
    client.force_login(ops)
    assert client.get("/ops/coupons/").status_code == 200
    data = report([{"order_id": "E1", "tracking_code": world["picks"][0].tracking_code, "status": "paid"},
                   {"order_id": "E2", "tracking_code": "tsNOTOURS", "status": "paid"}])
    response = client.post("/ops/coupons/", {"action": "report", "file": SimpleUploadedFile("r.csv", data)})
    record = ReportImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ops/coupons/imports/{record.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "unknown_code" in page
    skips = client.get(f"/ops/coupons/imports/{record.pk}/skips.csv").content.decode("utf-8-sig")
    assert skips.splitlines()[1].startswith("3,E2,paid,tsNOTOURS,unknown_code")
    assert client.get("/ops/coupons/imports/").status_code == 200


def test_the_ops_desk_refuses_a_header_it_cannot_read(client, world, ops):
    client.force_login(ops)
    response = client.post("/ops/coupons/", {"action": "report",
                                             "file": SimpleUploadedFile("r.csv", b"a,b\n1,2\n")})
    assert response.status_code == 200
    assert not ReportImport.objects.exists()


def test_the_sandbox_report_imports_through_the_api_once(client, world, ops):
    client.force_login(ops)
    codes = [p.tracking_code for p in world["picks"]]
    data = sandbox_report(codes, date(2026, 9, 1), date(2026, 12, 3))
    first = client.post("/api/v1/coupons/report-imports", {"file": SimpleUploadedFile("r.csv", data)})
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["imported"] > 0 and body["skipped_by_reason"]["unknown_code"] == 2
    assert body["skipped_by_reason"]["malformed"] == 3
    orders = CouponOrder.objects.count()
    again = client.post("/api/v1/coupons/report-imports", {"file": SimpleUploadedFile("r.csv", data)}).json()
    assert again["imported"] == 0 and again["reversed"] == 0 and CouponOrder.objects.count() == orders


def test_the_api_answers_bad_input_with_a_stable_code(client, world, ops):
    client.force_login(world["seller"].user)
    assert client.post("/api/v1/coupons/picks", {"item_id": 999999},
                       content_type="application/json").json()["code"] == "coupons.item_unknown"
    again = client.post("/api/v1/coupons/picks", {"item_id": world["items"][0].pk}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "coupons.pick_exists")
    assert client.post("/api/v1/coupons/report-imports",
                       {"file": SimpleUploadedFile("r.csv", b"x")}).status_code == 403
    client.force_login(ops)
    bad = client.post("/api/v1/coupons/report-imports", {"file": SimpleUploadedFile("r.csv", b"\xff\xfe")})
    assert (bad.status_code, bad.json()["code"]) == (400, "coupons.file_unreadable")
    items = client.get("/api/v1/coupons/items")
    assert items.status_code in (200, 404)


def test_the_ops_list_names_the_platform_and_shows_the_rate_as_a_percentage(client, world, ops):
    from tuishou.coupons.listings import _platform, _rate

    item = world["items"][0]
    item.commission_rate, item.platform = Decimal("0.0625"), "sandbox"
    assert (_rate(item), _platform(item)) == ("6.25%", "沙箱平台")  # the default language
    item.commission_rate, item.platform = Decimal("0.1500"), "acme"
    assert (_rate(item), _platform(item)) == ("15%", "acme")
    client.force_login(ops)
    page = client.get("/ops/coupons/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    shown = world["items"][0]
    assert f"{(shown.commission_rate * 100).normalize():f}%" in page and "0.1500" not in page
