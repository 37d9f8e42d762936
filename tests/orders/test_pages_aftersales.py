"""The after-sales pages: the request by line and quantity with photos (one write with its photos, or nothing),
its progress on the order page (merchant's answer, customer service, the refunded amount), and 404s."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.orders import factories as f
from tuishou.catalog.images import placeholder_image
from tuishou.orders import aftersales as svc
from tuishou.orders.fulfilment import order_confirm_receipt, order_ship
from tuishou.orders.models import AfterSalesCase, AfterSalesPhoto, Order

pytestmark = pytest.mark.django_db


def _photo(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, placeholder_image("凭证", seed=3).read(), content_type="image/png")


def _compact(html: str) -> str:
    """The page without the blanks between tags (Django's select widget puts each option on its own line)."""
    return re.sub(r">\s+<", "><", html)


@pytest.fixture
def received(client, after_commit) -> Order:
    """A buyer, signed in, with a received order of 2 × ¥59.90."""
    buyer = f.buyer()
    client.force_login(buyer)
    order = f.paid_order(after_commit, person=buyer, quantity=2)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰速运", tracking_number="SF1")
    order_confirm_receipt(actor=buyer, order_id=order.pk)
    return f.refreshed(order)


def test_the_request_form_offers_each_line_up_to_what_is_left_and_both_kinds_once_shipped(client, received):
    line = received.lines.get()

    html = _compact(client.get(f"/orders/{received.number}/after-sales/").content.decode())

    for text in (f'<select name="line_{line.pk}" id="id_line_{line.pk}"><option value="1">1</option>'
                 '<option value="2" selected>2</option></select>', "最多 2 件", 'value="refund_only"',
                 'value="return_refund"', 'type="file" name="photos"', 'enctype="multipart/form-data"', "最多 9 张"):
        assert text in html, text


def test_a_one_item_line_starts_at_1_with_no_0_to_choose(client, after_commit):
    buyer = f.buyer()
    client.force_login(buyer)
    order = f.paid_order(after_commit, person=buyer, quantity=1)
    line = order.lines.get()

    html = _compact(client.get(f"/orders/{order.number}/after-sales/").content.decode())

    assert (f'<select name="line_{line.pk}" id="id_line_{line.pk}">'
            '<option value="1" selected>1</option></select>') in html


def test_each_line_of_a_larger_order_starts_at_0_so_the_buyer_picks_the_lines(client, after_commit):
    buyer = f.buyer()
    client.force_login(buyer)
    one = f.sku()
    three = f.sku(merchant=one.product.merchant)
    f.pay(after_commit, f.checkout(buyer, [(one, 1), (three, 3)]))
    order = Order.objects.get(buyer=buyer)
    first, second = order.lines.order_by("pk")

    html = _compact(client.get(f"/orders/{order.number}/after-sales/").content.decode())
    client.post(f"/orders/{order.number}/after-sales/", {
        f"line_{first.pk}": "0", f"line_{second.pk}": "2", "kind": "refund_only", "reason": "少发了两件"})

    assert (f'<select name="line_{first.pk}" id="id_line_{first.pk}"><option value="0" selected>0</option>'
            '<option value="1">1</option></select>') in html
    assert (f'<select name="line_{second.pk}" id="id_line_{second.pk}"><option value="0" selected>0</option>'
            '<option value="1">1</option><option value="2">2</option><option value="3">3</option></select>') in html
    case = AfterSalesCase.objects.get()
    assert [(x.order_line_id, x.quantity) for x in case.lines.all()] == [(second.pk, 2)]


@pytest.mark.parametrize(("quantity", "message"), [
    ("3", "最多还能退 2。"),  # orders.refund_exceeds_paid, beside the line
    ("0", "请至少选择一件商品，或填写退款金额。"),  # orders.after_sales_scope, above the form
    ("", "请至少选择一件商品，或填写退款金额。"),
])
def test_more_than_is_left_or_nothing_is_refused_with_the_services_message_and_nothing_written(
        client, received, quantity, message):
    line = received.lines.get()

    answer = client.post(f"/orders/{received.number}/after-sales/", {
        f"line_{line.pk}": quantity, "kind": "refund_only", "reason": "坏了"})

    html = answer.content.decode()
    assert answer.status_code == 400
    assert html.count(message) == 1
    assert ('class="field row-field invalid"' in html) == (quantity == "3")  # beside the line, or above the form
    assert (AfterSalesCase.objects.count(), AfterSalesPhoto.objects.count()) == (0, 0)


def test_a_partial_refund_with_a_photo_shows_its_progress_and_then_the_refunded_amount(client, received,
                                                                                     after_commit):
    line = received.lines.get()

    sent = client.post(f"/orders/{received.number}/after-sales/", {
        f"line_{line.pk}": "1", "kind": "refund_only", "reason": "一瓶摔碎了", "photos": [_photo()]}, follow=True)

    case = AfterSalesCase.objects.get()
    assert (case.kind, case.amount, case.reason, case.photos.count()) == ("refund_only", f.money("59.90"),
                                                                            "一瓶摔碎了", 1)
    html = sent.content.decode()
    assert "售后申请已提交给商家" in html and "等待商家处理" in html and "一瓶摔碎了" in html
    assert case.photos.get().image.url in html
    assert "申请售后</a>" not in html  # one open case at a time

    with after_commit():
        svc.aftersales_answer(actor=f.owner(received.merchant), case_id=case.pk, accept=True, answer="抱歉，已退款")

    html = client.get(f"/orders/{received.number}/").content.decode()
    assert "已退款 ¥59.90" in html and 'data-refunded>¥59.90' in html and "抱歉，已退款" in html
    assert "已退 1 件" in html
    assert f.refreshed(received).refunded_amount == f.money("59.90")


@pytest.mark.parametrize(("photos", "message"), [
    ([SimpleUploadedFile("notes.txt", b"not a picture", content_type="text/plain")], "该文件不是图片。"),
    ([_photo(f"p{i}.png") for i in range(10)], "每个售后单最多 9 张照片。"),
])
def test_a_refused_photo_is_shown_beside_the_photos_and_no_case_is_written(client, received, photos, message):
    line = received.lines.get()

    answer = client.post(f"/orders/{received.number}/after-sales/", {
        f"line_{line.pk}": "1", "kind": "refund_only", "reason": "坏了", "photos": photos})

    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'id="id_photos_error"' in html and message in html
    assert '坏了</textarea>' in html
    assert (AfterSalesCase.objects.count(), AfterSalesPhoto.objects.count()) == (0, 0)


def test_no_line_chosen_is_an_error_above_the_form(client, received):
    answer = client.post(f"/orders/{received.number}/after-sales/", {"kind": "refund_only", "reason": "坏了"})

    assert answer.status_code == 400
    assert "请至少选择一件商品，或填写退款金额。" in answer.content.decode()
    assert AfterSalesCase.objects.count() == 0


def test_a_rejected_case_can_be_passed_to_customer_service(client, received):
    line = received.lines.get()
    case = svc.aftersales_open(buyer=received.buyer, order_id=received.pk, kind="refund_only", reason="坏了",
                               lines=[(line.pk, 1)])
    svc.aftersales_answer(actor=f.owner(received.merchant), case_id=case.pk, accept=False, answer="没有坏")

    page = client.get(f"/orders/{received.number}/").content.decode()
    sent = client.post(f"/orders/{received.number}/after-sales/{case.pk}/escalate/", follow=True)

    assert "商家已拒绝" in page and "没有坏" in page and "申请平台介入" in page
    assert "平台客服处理中" in sent.content.decode()
    assert f.refreshed(case).status == "escalated"


def test_someone_elses_case_is_not_found(client, received, after_commit):
    other_order = f.paid_order(after_commit)
    case = svc.aftersales_open(buyer=other_order.buyer, order_id=other_order.pk, kind="refund_only", reason="x",
                               lines=[(other_order.lines.get().pk, 1)])

    assert client.post(f"/orders/{other_order.number}/after-sales/{case.pk}/escalate/").status_code == 404
    assert client.post(f"/orders/{received.number}/after-sales/{case.pk}/escalate/").status_code == 404
    assert client.post(f"/orders/{other_order.number}/after-sales/", {"reason": "x"}).status_code == 404
    assert f.refreshed(case).status == "open"
