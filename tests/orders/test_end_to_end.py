from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from tests.orders import factories as f
from tuishou.network.models import Promoter
from tuishou.orders import events
from tuishou.orders.fulfilment import orders_complete
from tuishou.orders.models import Order

pytestmark = pytest.mark.django_db


def test_a_consumer_arriving_through_a_share_link_buys_pays_receives_and_the_order_completes(
        client, after_commit, emitted):
    # given a plan in force, a temporary shopkeeper who shares a product
    version = f.plan()
    top = f.root("阿花")
    seller = f.invitee(top, "小李")
    honey = f.sku(price="59.90", stock=5, rate="0.2000")
    link = f.share_link(seller, honey.product_id)
    consumer = f.buyer("小王")
    client.force_login(consumer)

    # when the consumer opens the link, checks out on the plain page and pays in the sandbox
    opened = client.get(f"/s/{link.code}")
    assert (opened.status_code, opened["Location"]) == (302, f"/p/{link.code}")
    page = client.post("/checkout/", {"sku": honey.pk, "share": link.code, "idempotency_key": "e2e-key-0001",
                                      "quantity": "1", "address": "new", "new-name": "王小明",
                                      "new-phone": "13812345678", "new-province": "浙江省", "new-city": "杭州市",
                                      "new-district": "西湖区", "new-detail": "文三路 100 号"})
    pay_path = urlsplit(page["Location"]).path
    with after_commit():
        paid = client.post(pay_path, {"action": "pay"})
    assert paid.status_code == 302
    order = Order.objects.get()
    assert (order.status, order.promoter_id, order.plan_version_id, order.self_purchase) == (
        "paid", seller.pk, version.pk, False)
    assert Promoter.objects.get(pk=seller.pk).stage == "ordinary"

    # the merchant ships, the consumer confirms
    client.force_login(f.owner(order.merchant))
    client.post(f"/api/v1/orders/{order.pk}/ship", {"carrier": "顺丰", "tracking_number": "SF100"},
                content_type="application/json")
    client.force_login(consumer)
    client.post(f"/orders/{order.number}/receive/")
    order = f.refreshed(order)
    assert order.status == "received"

    # then once the after-sales window has passed the order is completed
    assert orders_complete(now=order.received_at + timedelta(days=7)) == 1
    order = f.refreshed(order)
    assert order.status == "completed"
    assert [type(e).__name__ for e in emitted] == ["OrderPaid", "OrderCompleted"]
    assert emitted[1] == events.OrderCompleted(
        order_id=order.pk, order_number=order.number, promoter_id=seller.pk, plan_version_id=version.pk,
        commission_base=Decimal("11.98"), paid_amount=Decimal("59.90"), completed_at=order.completed_at)
    assert list(order.status_changes.values_list("to_status", flat=True)) == [
        "paid", "shipped", "received", "completed"]
