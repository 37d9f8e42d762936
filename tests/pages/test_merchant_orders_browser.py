"""The merchant's desk in a real browser (Debian's Chromium, 1280×900): the merchant signs in, finds the order
to ship, is refused a malformed tracking number (beside the field, what was typed kept), ships with a valid one;
then answers the after-sales queue: a case past its deadline shows in red, and the merchant accepts a refund
that the gateway pays back. Customer service then reads the escalated queue and decides a case.

Screenshots go to ``tests/artifacts/merchant-orders/NN-name.png``; the books reconcile afterwards."""

from __future__ import annotations

import contextlib
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.orders import factories as f
from tests.pages.test_buying import PASSWORD, _callbacks_land
from tuishou.ledger.reconcile import reconcile_run
from tuishou.orders import aftersales as svc
from tuishou.orders.fulfilment import order_confirm_receipt, order_ship
from tuishou.orders.models import AfterSalesCase, Order

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "merchant-orders"
pytestmark = pytest.mark.django_db(transaction=True)


class Shots:
    def __init__(self, page) -> None:
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        ARTIFACTS.mkdir(parents=True)
        self.page, self.count = page, 0

    def take(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.count += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.count:02d}-{name}.png"), full_page=True)
        assert self.page.evaluate("document.documentElement.lang").startswith("zh"), name


def _signed_in(page, url: str, phone: str, next_path: str) -> None:
    page.goto(f"{url}/account/login/?next={next_path}")
    page.fill("#id_username", phone)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(next_path) + "$"))


@pytest.fixture
def shop():
    """A merchant whose owner can sign in, two paid orders to ship, two received orders with an open refund
    request each (¥20.00): one past its deadline, one with three hours left."""
    item = f.sku(stock=20, title="云南高山蜂蜜", spec_name="500g×2瓶")
    owner = f.owner(item.product.merchant)
    owner.set_password(PASSWORD)
    owner.save(update_fields=["password"])
    paid = [f.paid_order(contextlib.nullcontext, item=item) for _ in range(4)]
    _callbacks_land()
    cases = []
    for order in paid[2:]:
        order_ship(actor=owner, order_id=order.pk, carrier="顺丰速运", tracking_number="SF100200300400")
        order_confirm_receipt(actor=order.buyer, order_id=order.pk)
        cases.append(svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only",
                                         reason="有两罐在路上漏了", amount="20.00"))
    AfterSalesCase.objects.filter(pk=cases[0].pk).update(answer_due_at=timezone.now() - timedelta(minutes=30))
    AfterSalesCase.objects.filter(pk=cases[1].pk).update(answer_due_at=timezone.now() + timedelta(hours=3))
    return owner, [f.refreshed(o) for o in paid], cases


def test_the_merchant_ships_an_order_and_answers_an_after_sales_case(live_server, page, shop):
    owner, orders, cases = shop
    shots = Shots(page)
    _signed_in(page, live_server.url, owner.phone, "/merchant/orders/")
    assert page.locator("#merchant-orders tbody tr").count() == 2
    assert page.locator(".desk-tabs a[aria-current=page]").inner_text().startswith("待发货")
    shots.take("orders-to-ship")
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone every order is a card: nothing scrolls sideways
    page.goto(f"{live_server.url}/merchant/orders/?status=all&sort=-number")
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    wrap = page.locator(".table-wrap:has(#merchant-orders)")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
    card = page.locator(f"tr[data-order='{orders[0].number}']")
    assert card.evaluate("el => getComputedStyle(el).display") == "block"
    labels = card.locator("td[data-label]").evaluate_all(
        "tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert labels == ['"状态"', '"付款时间"', '"商品"', '"收货人"', '"合计"', '"物流"']
    assert page.locator("#merchant-orders thead").evaluate("el => el.getBoundingClientRect().height") <= 1
    shots.take("orders-on-a-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/merchant/orders/")

    page.locator(f"tr[data-order='{orders[0].number}'] a.btn").click()
    page.wait_for_url(re.compile(rf"/merchant/orders/{orders[0].number}/"))
    assert "13812345678" in page.locator("#recipient").inner_text()
    page.select_option("#id_carrier", "中通快递")
    page.fill("#id_tracking_number", "ZT-#123")
    page.get_by_role("button", name="确认发货").click()
    error = page.locator("#id_tracking_number_error")
    assert "运单号应为 3 到 30 位字母、数字或连字符" in error.inner_text()
    assert page.input_value("#id_tracking_number") == "ZT-#123"
    assert Order.objects.get(pk=orders[0].pk).status == "paid"
    shots.take("ship-refused")

    page.fill("#id_tracking_number", "75123456789012")
    page.get_by_role("button", name="确认发货").click()
    page.locator(".alert.success").wait_for()
    assert page.locator("[data-tracking]").inner_text() == "75123456789012"
    shipped = Order.objects.get(pk=orders[0].pk)
    assert (shipped.status, shipped.carrier, shipped.tracking_number) == ("shipped", "中通快递", "75123456789012")
    shots.take("shipped")
    page.set_viewport_size({"width": 390, "height": 844})  # the order's lines scroll in their card, not the page
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    shots.take("shipped-on-a-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator(".desk-side a[href='/merchant/after-sales/']").click()
    page.wait_for_url(re.compile(r"/merchant/after-sales/$"))
    late = page.locator(f"tr[data-case='{cases[0].pk}'] [data-sla]")
    assert late.inner_text().startswith("已超时") and "overdue" in late.get_attribute("class")
    color = late.evaluate("el => getComputedStyle(el).color")
    assert color == "rgb(255, 59, 48)" or color.startswith("rgb(2"), color  # the theme's red
    assert page.locator(f"tr[data-case='{cases[1].pk}'] [data-sla]").inner_text().startswith("剩余 2 小时")
    shots.take("after-sales-queue")
    page.set_viewport_size({"width": 390, "height": 844})  # the queue on a phone: a card per case
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert page.locator(".table-wrap:has(#merchant-cases)").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.locator(f"tr[data-case='{cases[0].pk}'] td[data-label='剩余答复时间'] [data-sla]").is_visible()
    shots.take("after-sales-on-a-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator(f"tr[data-case='{cases[1].pk}'] a.btn").click()
    page.check("input[name=decision][value=reject]")
    page.get_by_role("button", name="提交答复").click()
    assert page.locator("#id_answer_error").inner_text() == "请告诉买家拒绝的理由。"
    assert AfterSalesCase.objects.get(pk=cases[1].pk).status == "open"
    shots.take("answer-refused")

    page.check("input[name=decision][value=accept]")
    page.fill("#id_answer", "抱歉给您添麻烦了，已退款 20 元。")
    page.get_by_role("button", name="提交答复").click()
    page.locator(".alert.success").wait_for()
    _callbacks_land()
    case = AfterSalesCase.objects.get(pk=cases[1].pk)
    assert (case.status, case.merchant_answer) == ("refunded", "抱歉给您添麻烦了，已退款 20 元。")
    assert Order.objects.get(pk=case.order_id).refunded_amount == f.money("20.00")
    page.reload()
    shots.take("case-refunded")

    # Customer service takes the case the merchant let run past its deadline.
    svc.aftersales_escalate_overdue()
    service = f.operator("customer_service")
    service.set_password(PASSWORD)
    service.save(update_fields=["password"])
    page.context.clear_cookies()
    _signed_in(page, live_server.url, service.phone, "/ops/after-sales/")
    assert page.locator("#service-cases tbody tr").count() == 1
    shots.take("escalated-queue")
    page.set_viewport_size({"width": 390, "height": 844})  # customer service's queue on a phone: a card per case
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert page.locator(".table-wrap:has(#service-cases)").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.locator(f"tr[data-case='{cases[0].pk}'] td[data-label='转客服时间']").is_visible()
    shots.take("escalated-queue-on-a-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(f"tr[data-case='{cases[0].pk}'] a.btn").click()
    page.check("input[name=outcome][value=refund]")
    page.fill("#id_decision", "商家超时未处理，平台核实后退款。")
    page.get_by_role("button", name="提交处理结果").click()
    page.locator(".alert.success").wait_for()
    _callbacks_land()
    assert AfterSalesCase.objects.get(pk=cases[0].pk).status == "refunded"
    shots.take("decided")
    report = reconcile_run()
    assert report.ok, "\n".join(report.lines())
