"""The operators' review queue (/ops/reviews/): the queue with filters and CSV, a bounded number of queries,
approve, reject with a reason (required: the error beside the field, nothing written), ops operators only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from tests.catalog import factories as cf
from tests.merchants import factories as mf
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Product, ProductImage
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
S = Product.Status


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pending(shop, title: str, minutes_ago: int = 0) -> Product:
    item = cf.product(merchant=shop, status=S.PENDING_REVIEW, title=title)
    cf.sku(product=item, price="88.00", commission_rate="0.1500")
    Product.objects.filter(pk=item.pk).update(updated_at=item.updated_at - timedelta(minutes=minutes_ago))
    return item


def test_the_queue_lists_pending_products_oldest_first_with_filters_and_csv():
    shop, other = mf.merchant(name="山野优品"), mf.merchant(name="洁净家居")
    honey = _pending(shop, "高山蜂蜜", minutes_ago=30)
    paper = _pending(other, "竹浆抽纸", minutes_ago=10)
    cf.product(merchant=shop, status=S.REJECTED, title="手工红糖", reject_reason="缺少 SC 编号")
    cf.product(merchant=shop, status=S.DRAFT, title="草稿商品")
    client = _client(mf.operator("ops"))
    page = client.get("/ops/reviews/").content.decode()
    assert page.index("高山蜂蜜") < page.index("竹浆抽纸") and "手工红糖" not in page and "草稿商品" not in page
    page = client.get(f"/ops/reviews/?merchant={other.pk}").content.decode()
    assert "竹浆抽纸" in page and "高山蜂蜜" not in page
    page = client.get("/ops/reviews/?status=rejected").content.decode()
    assert "手工红糖" in page and "高山蜂蜜" not in page
    page = client.get("/ops/reviews/?q=洁净").content.decode()
    assert "竹浆抽纸" in page and "高山蜂蜜" not in page
    resp = client.get("/ops/reviews/?export=csv")
    lines = b"".join(resp.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "编号,商品,商家,分类,起售价,SKU 数,状态,提交/变更时间,审核人,驳回理由"
    assert [line.split(",")[:7] for line in lines[1:]] == [
        [str(honey.pk), "高山蜂蜜", "山野优品", "食品", "88.00", "1", "审核中"],
        [str(paper.pk), "竹浆抽纸", "洁净家居", "食品", "88.00", "1", "审核中"]]


def test_the_queue_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    shop = mf.merchant()
    client = _client(mf.operator("ops"))
    client.get("/ops/reviews/")

    def add(n):
        for i in range(n):
            item = _pending(shop, f"商品{i}")
            ProductImage.objects.create(product=item, image=placeholder_image(item.title, seed=i), position=0)

    add(2)
    with django_assert_max_num_queries(16):
        assert client.get("/ops/reviews/").status_code == 200
    add(20)
    with django_assert_max_num_queries(16):
        assert client.get("/ops/reviews/").status_code == 200


def test_approve_then_the_merchant_puts_it_on_sale():
    shop = mf.merchant()
    honey = _pending(shop, "高山蜂蜜")
    ops = mf.operator("ops")
    client = _client(ops)
    assert "售价的 15%" in client.get(f"/ops/reviews/{honey.pk}/").content.decode()
    resp = client.post(f"/ops/reviews/{honey.pk}/approve/")
    assert (resp.status_code, resp.url) == (302, "/ops/reviews/")
    honey.refresh_from_db()
    assert (honey.status, honey.reviewed_by) == (S.APPROVED, ops)
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["catalog.product_approved"]
    again = client.post(f"/ops/reviews/{honey.pk}/approve/", follow=True)  # already reviewed: said, not a 500
    assert again.status_code == 200 and AuditEntry.objects.count() == 1


def test_reject_needs_a_reason_beside_the_field_and_then_the_merchant_reads_it():
    shop = mf.merchant()
    honey = _pending(shop, "高山蜂蜜")
    client = _client(mf.operator("ops"))
    resp = client.post(f"/ops/reviews/{honey.pk}/reject/", {"reason": "   "})
    assert resp.status_code == 400 and 'id="id_reason_error"' in resp.content.decode()
    assert "请填写驳回理由，商家会看到。" in resp.content.decode()
    honey.refresh_from_db()
    assert honey.status == S.PENDING_REVIEW and AuditEntry.objects.count() == 0
    assert client.post(f"/ops/reviews/{honey.pk}/reject/", {"reason": "缺少生产日期"}).status_code == 302
    honey.refresh_from_db()
    assert (honey.status, honey.reject_reason) == (S.REJECTED, "缺少生产日期")
    page = _client(mf.owner_of(shop)).get(f"/merchant/products/{honey.pk}/").content.decode()
    assert "缺少生产日期" in page and "已驳回" in page


def test_only_ops_operators_review_and_an_unknown_product_is_404():
    shop = mf.merchant()
    honey = _pending(shop, "高山蜂蜜")
    for user in (mf.operator("finance"), mf.owner_of(shop)):
        client = _client(user)
        assert client.get("/ops/reviews/").status_code == 403
        assert client.post(f"/ops/reviews/{honey.pk}/approve/").status_code == 403
    honey.refresh_from_db()
    assert honey.status == S.PENDING_REVIEW
    assert _client(mf.operator("admin")).get("/ops/reviews/999999/").status_code == 404
