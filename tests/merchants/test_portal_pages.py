"""The merchant portal's overview and staff page: exact figures, each form's error beside its field with
nothing written, only the owner changes the staff, a bounded number of queries."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.catalog import factories as cf
from tests.merchants import factories as mf
from tuishou.catalog.models import Product
from tuishou.merchants.models import MerchantStaff
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
S = Product.Status


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_overview_counts_products_by_status_and_low_stock():
    shop = mf.merchant()
    on_sale = cf.on_shelf(merchant=shop)
    cf.sku(product=on_sale, stock=2)
    cf.product(merchant=shop, status=S.PENDING_REVIEW)
    cf.product(merchant=shop, status=S.REJECTED, reject_reason="缺少资质")
    page = _client(mf.owner_of(shop)).get("/merchant/").content.decode()
    assert '<div class="value" data-testid="on-sale">1</div>' in page
    assert '<div class="value" data-testid="low-stock">1</div>' in page
    assert '<div class="value" data-testid="to-ship">0</div>' in page
    assert '<div class="value" data-testid="open-cases">0</div>' in page
    assert '<div class="value" data-testid="settled">¥0.00</div>' in page
    for href in ("/merchant/orders/", "/merchant/after-sales/", "/merchant/statements/", "/merchant/payouts/",
                 "/merchant/products/?status=rejected", "/merchant/staff/"):
        assert f'href="{href}"' in page


def test_the_owner_adds_changes_and_removes_staff_on_the_page():
    shop = mf.merchant()
    owner = mf.owner_of(shop)
    clerk = mf.user(phone="13911112222", display_name="小李")
    client = _client(owner)
    assert client.post("/merchant/staff/", {"phone": "13911112222", "role": "staff"}).status_code == 302
    assert "小李" in client.get("/merchant/staff/").content.decode()
    assert client.post(f"/merchant/staff/{clerk.pk}/role/", {f"u{clerk.pk}-role": "owner"}).status_code == 302
    assert MerchantStaff.objects.get(user=clerk).role == "owner"
    assert client.post(f"/merchant/staff/{clerk.pk}/remove/").status_code == 302
    assert list(MerchantStaff.objects.values_list("user_id", flat=True)) == [owner.pk]
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "merchants.staff_added", "merchants.staff_role_set", "merchants.staff_removed"]


@pytest.mark.parametrize(("phone", "message"), [
    ("12345", "不是有效的手机号码"), ("13922223333", "没有使用该手机号注册的用户"), ("owner", "此人已是该商家的员工"),
])
def test_add_staff_errors_beside_the_phone_keep_the_input_and_write_nothing(phone, message):
    shop = mf.merchant()
    owner = mf.owner_of(shop)
    phone = owner.phone if phone == "owner" else phone
    resp = _client(owner).post("/merchant/staff/", {"phone": phone, "role": "staff"})
    page = resp.content.decode()
    assert resp.status_code == 400 and 'id="id_phone_error"' in page and f'value="{phone}"' in page
    assert message in page
    assert MerchantStaff.objects.count() == 1 and AuditEntry.objects.count() == 0


def test_the_last_owner_cannot_be_demoted_and_staff_cannot_manage_staff():
    shop = mf.merchant()
    owner = mf.owner_of(shop)
    resp = _client(owner).post(f"/merchant/staff/{owner.pk}/role/", {f"u{owner.pk}-role": "staff"})
    assert resp.status_code == 400 and "商家至少要保留一名店主。" in resp.content.decode()
    clerk = mf.user()
    MerchantStaff.objects.create(merchant=shop, user=clerk, role="staff")
    client = _client(clerk)
    page = client.get("/merchant/staff/").content.decode()
    assert "添加员工" not in page
    resp = client.post("/merchant/staff/", {"phone": "13911112222", "role": "staff"})
    assert resp.status_code == 400 and "只有商家的店主可以进行此操作。" in resp.content.decode()
    assert client.post(f"/merchant/staff/{owner.pk}/remove/").status_code == 302
    assert MerchantStaff.objects.count() == 2 and AuditEntry.objects.count() == 0
    assert _client(owner).post("/merchant/staff/999999/remove/").status_code == 404


def test_staff_and_overview_pages_run_a_fixed_number_of_queries(django_assert_max_num_queries):
    shop = mf.merchant()
    owner = mf.owner_of(shop)
    client = _client(owner)
    client.get("/merchant/")
    for _ in range(10):
        MerchantStaff.objects.create(merchant=shop, user=mf.user(), role="staff")
    with django_assert_max_num_queries(16):
        assert client.get("/merchant/staff/").status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get("/merchant/").status_code == 200


def test_the_staff_list_heads_a_persons_name_姓名_and_since_加入时间():
    # bare "Name"/"Since" are other apps' 名称 / 生效日期 (a plan's); a staff member takes the person's words
    shop = mf.merchant()
    page = _client(mf.owner_of(shop)).get("/merchant/staff/").content.decode()
    assert '<th scope="col">姓名</th>' in page and '<th scope="col">加入时间</th>' in page
    assert "名称" not in page and "生效日期" not in page
