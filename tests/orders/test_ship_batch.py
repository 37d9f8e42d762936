"""Batch shipping (批量发货): the export of orders to ship comes back with carriers and tracking numbers filled in;
every filled row ships, or none when a row is refused (each refusal listed with its line and reason)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.orders import factories as f
from tuishou.orders.models import Order, OrderStatusChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(client, after_commit):
    item = f.sku(stock=20)
    staff = f.owner(item.product.merchant)
    client.force_login(staff)
    return staff, [f.paid_order(after_commit, item=item) for _ in range(3)]


def _exported(client) -> list[list[str]]:
    export = client.get("/merchant/orders/?tab=to_ship&export=csv")
    return list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))


def _upload(client, rows: list[list[str]], encoding: str = "utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload = SimpleUploadedFile("ship.csv", buffer.getvalue().encode(encoding), content_type="text/csv")
    return client.post("/merchant/orders/ship-batch/", {"file": upload}, follow=True)


def test_the_filled_export_ships_its_filled_rows(client, shop):
    _staff, _orders = shop
    rows = _exported(client)
    carrier, tracking = rows[0].index("快递公司"), rows[0].index("运单号")
    rows[1][carrier], rows[1][tracking] = "顺丰速运", "SF100000000001"
    rows[2][carrier], rows[2][tracking] = "京东物流", "JDVA00000000002"

    response = _upload(client, rows, encoding="gb18030")  # as Excel saves a Chinese CSV

    assert "已发货 2 个订单。" in response.content.decode()
    assert [(o.status, o.carrier, o.tracking_number) for o in Order.objects.order_by("pk")] == [
        ("shipped", "顺丰速运", "SF100000000001"), ("shipped", "京东物流", "JDVA00000000002"), ("paid", "", "")]


def test_one_refused_row_ships_nothing_and_each_refusal_is_listed(client, shop, after_commit):
    _staff, orders = shop
    theirs = f.paid_order(after_commit)
    rows = [["订单号", "快递公司", "运单号"], [orders[0].number, "顺丰速运", "SF100000000001"],
            [orders[1].number, "顺丰速运", "SF#1"], [theirs.number, "顺丰速运", "SF100000000003"],
            [orders[0].number, "圆通速递", "YT100000000004"], [orders[2].number, "", "ZT100000000005"]]

    response = _upload(client, rows)

    assert response.status_code == 400
    assert [(r["line"], r["number"], r["message"]) for r in response.context["refusals"]] == [
        (3, orders[1].number, "运单号应为 3 到 30 位字母、数字或连字符，'SF#1' 不符合。"),
        (4, theirs.number, f"订单 {theirs.number} 不存在。"),
        (5, orders[0].number, f"订单 {orders[0].number} 不存在。"),
        (6, orders[2].number, "carrier 为必填项。")]
    assert set(Order.objects.values_list("status", flat=True)) == {"paid"}
    assert OrderStatusChange.objects.filter(to_status="shipped").count() == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"just some text\n", "请上传包含“订单号”“快递公司”“运单号”三列的 CSV 文件（不超过 1 MB、1000 行）。"),
    ("订单号,快递公司,运单号\n123,,\n".encode(), "文件中没有填写运单号的行。"),
    (b"\xff\xfe\x00\x00bad", "请上传包含“订单号”“快递公司”“运单号”三列的 CSV 文件（不超过 1 MB、1000 行）。"),
])
def test_a_file_that_is_not_the_list_is_refused_beside_the_field(client, shop, content, message):
    response = client.post("/merchant/orders/ship-batch/",
                           {"file": SimpleUploadedFile("x.csv", content, content_type="text/csv")})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [message]
    assert set(Order.objects.values_list("status", flat=True)) == {"paid"}
