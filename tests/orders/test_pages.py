"""The buyer's pages with Django's test client: cart, buy now, checkout with the address book, the pay page's
way back ("payment being confirmed" until the callback lands), my orders, order detail with its timeline,
confirmations, cancel, and someone else's things answering 404. After-sales pages: test_pages_aftersales.py."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.orders import factories as f
from tuishou.orders import services
from tuishou.orders.fulfilment import order_ship
from tuishou.orders.models import Address, CartLine, Checkout, Order

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {"address": "new", "new-name": "王小明", "new-phone": "13812345678", "new-province": "浙江省",
               "new-city": "杭州市", "new-district": "西湖区", "new-detail": "文三路 100 号"}


def _html(response) -> str:
    return response.content.decode()


def _signed_in(client, person=None):
    person = person or f.buyer()
    client.force_login(person)
    return person


# ---- cart ----------------------------------------------------------------------------------------------------

def test_adding_to_the_cart_needs_a_sign_in_that_comes_back_to_the_product_page(client):
    honey = f.sku()

    answer = client.post("/cart/add/", {"sku": honey.pk, "quantity": "1", "next": "/p/abc"})

    assert (answer.status_code, answer["Location"]) == (302, "/account/login/?next=%2Fp%2Fabc")
    assert CartLine.objects.count() == 0


def test_add_to_cart_without_js_redirects_back_with_a_message_and_with_htmx_answers_a_notice(client):
    buyer = _signed_in(client)
    honey = f.sku(stock=5)

    plain = client.post("/cart/add/", {"sku": honey.pk, "quantity": "2", "share": "ABC", "next": "/p/ABC"},
                        follow=True)
    htmx = client.post("/cart/add/", {"sku": honey.pk, "quantity": "1", "share": "ABC"}, HTTP_HX_REQUEST="true")

    assert plain.redirect_chain[0] == ("/p/ABC", 302)
    assert "已加入购物车" in _html(htmx) and "<html" not in _html(htmx)
    assert list(CartLine.objects.values_list("user_id", "sku_id", "quantity", "share_code")) == [
        (buyer.pk, honey.pk, 3, "ABC")]


def test_the_cart_groups_lines_by_merchant_with_subtotals_and_a_total(client):
    buyer = _signed_in(client)
    honey, tea = f.sku(price="59.90", title="云南高山蜂蜜"), f.sku(price="128.00", title="普洱茶饼")
    services.cart_add(user=buyer, sku_id=honey.pk, quantity=2)
    services.cart_add(user=buyer, sku_id=tea.pk, quantity=1)

    html = _html(client.get("/cart/"))

    assert html.count('class="card flat cart-group"') == 2
    for text in ("云南高山蜂蜜", "¥119.80", "普洱茶饼", "¥128.00", 'id="cart-total">¥247.80', "共 3 件",
                 'href="/checkout/"'):
        assert text in html, text


@pytest.mark.parametrize(("quantity", "message"), [
    ("999999", "数量须为 1 到 9999 之间的整数"),
    ("6", "云南高山蜂蜜 仅剩 5 件。"),
    ("0", "数量须为 1 到 9999 之间的整数"),
    ("lots", "输入整数。"),
])
def test_a_quantity_the_service_refuses_is_shown_beside_the_line_and_no_total_for_it(client, quantity, message):
    buyer = _signed_in(client)
    honey = f.sku(price="39.90", stock=5)
    line = services.cart_add(user=buyer, sku_id=honey.pk, quantity=1)

    plain = client.post(f"/cart/{line.pk}/", {"quantity": quantity})
    htmx = client.post(f"/cart/{line.pk}/", {"quantity": quantity}, HTTP_HX_REQUEST="true")

    assert (plain.status_code, htmx.status_code) == (400, 200)  # htmx swaps only 2xx; the error is inside
    for html in (_html(plain), _html(htmx)):
        assert message in html
        assert f'id="qty-{line.pk}-error"' in html
        assert 'id="cart-total">¥39.90' in html
        assert "39,899,960" not in html
    assert CartLine.objects.get().quantity == 1


def test_changing_and_removing_a_line_with_and_without_htmx(client):
    buyer = _signed_in(client)
    honey = f.sku(price="10.00", stock=50)
    line = services.cart_add(user=buyer, sku_id=honey.pk, quantity=1)

    plain = client.post(f"/cart/{line.pk}/", {"quantity": "3"})
    htmx = client.post(f"/cart/{line.pk}/", {"quantity": "4"}, HTTP_HX_REQUEST="true")

    assert (plain.status_code, plain["Location"]) == (302, "/cart/")
    assert _html(htmx).startswith('<div id="cart">') and 'id="cart-total">¥40.00' in _html(htmx)
    removed = client.post(f"/cart/{line.pk}/remove/", HTTP_HX_REQUEST="true")
    assert "购物车还是空的" in _html(removed)
    assert CartLine.objects.count() == 0


def test_someone_elses_cart_line_is_not_found_and_unchanged(client):
    other = f.buyer("别人")
    line = services.cart_add(user=other, sku_id=f.sku().pk, quantity=1)
    _signed_in(client)

    assert client.post(f"/cart/{line.pk}/", {"quantity": "2"}).status_code == 404
    assert client.post(f"/cart/{line.pk}/remove/").status_code == 302
    assert CartLine.objects.get().quantity == 1


def test_the_cart_reads_the_same_number_of_queries_for_1_or_12_lines(client):
    buyer = _signed_in(client)
    services.cart_add(user=buyer, sku_id=f.sku().pk, quantity=1)
    with CaptureQueriesContext(connection) as few:
        client.get("/cart/")
    for _ in range(11):
        services.cart_add(user=buyer, sku_id=f.sku().pk, quantity=1)
    with CaptureQueriesContext(connection) as many:
        client.get("/cart/")

    assert len(many) == len(few) <= 10


# ---- buy now and checkout ------------------------------------------------------------------------------------

def test_buy_now_goes_to_the_checkout_of_that_sku_and_signs_in_first(client):
    honey = f.sku()
    body = {"sku": honey.pk, "quantity": "2", "share": "ABC"}

    anonymous = client.post("/checkout/buy/", body)
    _signed_in(client)
    signed_in = client.post("/checkout/buy/", body)

    target = f"/checkout/?sku={honey.pk}&quantity=2&share=ABC"
    assert anonymous["Location"] == f"/account/login/?next=/checkout/%3Fsku%3D{honey.pk}%26quantity%3D2%26share%3DABC"
    assert signed_in["Location"] == target


def test_buy_now_of_999999_is_refused_before_any_total(client):
    _signed_in(client)
    honey = f.sku(price="39.90", stock=5)

    page = client.get(f"/checkout/?sku={honey.pk}&quantity=999999")

    html = _html(page)
    assert page.status_code == 400
    assert "数量须为 1 到 9999 之间的整数" in html
    assert "¥" not in html  # no price, no total


def test_checkout_with_a_new_address_keeps_what_was_typed_beside_a_bad_phone_and_writes_nothing(client):
    buyer = _signed_in(client)
    honey = f.sku(price="59.90", stock=5)
    page = client.get(f"/checkout/?sku={honey.pk}&quantity=2&share=NOPE")
    key = re.search(r'name="idempotency_key" value="(\w+)"', _html(page)).group(1)

    bad = client.post("/checkout/", {"sku": honey.pk, "quantity": "2", "share": "NOPE", "idempotency_key": key,
                                     **NEW_ADDRESS, "new-phone": "12345"})

    html = _html(bad)
    assert page.status_code == 200 and 'id="total">¥119.80' in _html(page)
    assert bad.status_code == 400
    assert re.search(r'id="id_new-phone"[^>]*value="12345"|value="12345"[^>]*id="id_new-phone"', html)
    assert "id_new-phone_error" in html and "&#x27;12345&#x27; 不是有效的手机号码。" in html
    assert 'value="文三路 100 号"' in html
    assert (Order.objects.count(), Address.objects.filter(user=buyer).count()) == (0, 0)


def test_checkout_submits_once_per_key_and_goes_to_the_pay_page(client):
    _signed_in(client)
    honey = f.sku(price="59.90", stock=5)
    body = {"sku": honey.pk, "quantity": "2", "share": "", "idempotency_key": "page-key-0001", **NEW_ADDRESS}

    first = client.post("/checkout/", body)
    again = client.post("/checkout/", {**body, "address": str(Address.objects.get().pk)})

    assert first.status_code == again.status_code == 302
    assert "/sandbox-pay/" in first["Location"] and first["Location"] == again["Location"]
    order = Order.objects.get()
    assert (order.total, order.status, order.recipient_name) == (Decimal("119.80"), "created", "王小明")


def test_checkout_of_the_cart_makes_one_order_per_merchant_and_empties_the_cart(client):
    buyer = _signed_in(client)
    honey, tea = f.sku(price="59.90"), f.sku(price="128.00")
    services.cart_add(user=buyer, sku_id=honey.pk, quantity=1, share_code="")
    services.cart_add(user=buyer, sku_id=tea.pk, quantity=2)
    address = f.address(buyer)

    page = client.get("/checkout/")
    answer = client.post("/checkout/", {"address": str(address.pk), "idempotency_key": "cart-key-0001"})

    assert "商品来自 2 个商家" in _html(page) and 'id="total">¥315.90' in _html(page)
    assert answer.status_code == 302
    checkout = Checkout.objects.get()
    assert (checkout.amount, checkout.orders.count(), CartLine.objects.count()) == (Decimal("315.90"), 2, 0)


def test_checkout_of_an_empty_cart_goes_back_to_the_cart(client):
    _signed_in(client)

    answer = client.get("/checkout/")

    assert answer["Location"] == "/cart/"


# ---- paying, being confirmed, paid ---------------------------------------------------------------------------

def _pay_without_the_callback(client, django_capture_on_commit_callbacks):
    """Submit a checkout and pay in the sandbox; the callback is scheduled but not delivered yet."""
    honey = f.sku(price="59.90", stock=5)
    body = {"sku": honey.pk, "quantity": "1", "share": "", "idempotency_key": "pay-key-0001", **NEW_ADDRESS}
    pay_url = client.post("/checkout/", body)["Location"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        back = client.post(pay_url, {"action": "pay"})
    return Order.objects.get(), back, callbacks


def test_after_paying_the_order_is_being_confirmed_until_the_callback_lands(client,
                                                                             django_capture_on_commit_callbacks):
    _signed_in(client)
    order, back, callbacks = _pay_without_the_callback(client, django_capture_on_commit_callbacks)

    assert back["Location"] == f"http://testserver/orders/paid/{order.checkout_id}/"
    returned = client.get(back["Location"])
    assert returned["Location"] == f"/orders/{order.number}/"
    page = _html(client.get(f"/orders/{order.number}/"))
    poll = client.get(f"/orders/{order.number}/?part=status", HTTP_HX_REQUEST="true")
    assert "支付确认中" in page and "去支付" not in page and "待付款" not in page
    assert 'hx-trigger="every 2s"' in page and f'href="/orders/{order.number}/">刷新' in page
    assert "支付确认中" in _html(poll) and "<html" not in _html(poll)
    assert "支付确认中" in _html(client.get("/orders/"))

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    moved = client.get(f"/orders/{order.number}/?part=status", HTTP_HX_REQUEST="true")
    assert moved["HX-Refresh"] == "true"
    page = _html(client.get(f"/orders/{order.number}/"))
    assert "已付款，商家正在备货" in page and "支付确认中" not in page and "every 2s" not in page
    assert Order.objects.get().status == "paid"


def test_pressing_pay_on_a_paid_order_says_it_is_paid_not_a_code(client, after_commit):
    buyer = _signed_in(client)
    order = f.paid_order(after_commit, person=buyer)

    answer = client.post(f"/orders/{order.number}/pay/", follow=True)

    html = _html(answer)
    assert answer.redirect_chain == [(f"/orders/{order.number}/", 302)]
    assert "orders.already_paid" not in html and "该订单已支付。" in html


def test_an_unpaid_order_shows_pay_and_cancel_and_cancels_after_the_confirmation_page(client):
    buyer = _signed_in(client)
    order = Order.objects.get(checkout=f.checkout(buyer, [(f.sku(), 1)]))

    detail = _html(client.get(f"/orders/{order.number}/"))
    confirm = client.get(f"/orders/{order.number}/cancel/")
    assert Order.objects.get().status == "created"
    done = client.post(f"/orders/{order.number}/cancel/", follow=True)

    assert "待付款" in detail and "去支付" in detail and f'href="/orders/{order.number}/cancel/"' in detail
    assert "确定取消这个订单吗" in _html(confirm)
    assert "订单已取消" in _html(done)
    assert Order.objects.get().status == "cancelled"


# ---- detail, receipt, my orders ------------------------------------------------------------------------------

def test_a_shipped_order_shows_tracking_and_its_timeline_and_receipt_needs_the_confirmation(client, after_commit):
    buyer = _signed_in(client)
    order = f.paid_order(after_commit, person=buyer)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰速运", tracking_number="SF1234567890")

    detail = _html(client.get(f"/orders/{order.number}/"))
    confirm = _html(client.get(f"/orders/{order.number}/receive/"))
    assert Order.objects.get().status == "shipped"
    done = _html(client.post(f"/orders/{order.number}/receive/", follow=True))

    assert "快递公司：顺丰速运 · 运单号：SF1234567890" in detail
    timeline = detail[detail.index("订单进度"):]
    assert timeline.index("商家已发货") < timeline.index("已付款") < timeline.index("下单")  # newest first
    assert f'href="/orders/{order.number}/receive/"' in detail
    assert "商品都已收到且完好吗" in confirm and "确认，已收到" in confirm
    assert "已确认收货，感谢您的购买" in done and "已确认收货" in done
    assert Order.objects.get().status == "received"


def test_my_orders_have_tabs_and_pages_and_the_same_number_of_queries_for_2_or_25_orders(client, after_commit,
                                                                                         settings):
    settings.TUISHOU = {**settings.TUISHOU, "UNPAID_CHECKOUTS_MAX": 30}  # 24 unpaid orders to list
    buyer = _signed_in(client)
    f.paid_order(after_commit, person=buyer)
    unpaid = Order.objects.get(checkout=f.checkout(buyer, [(f.sku(), 1)]))
    with CaptureQueriesContext(connection) as few:
        client.get("/orders/")
    for _ in range(23):
        f.checkout(buyer, [(f.sku(), 1)])
    with CaptureQueriesContext(connection) as many:
        first = _html(client.get("/orders/"))

    to_pay = _html(client.get("/orders/?tab=unpaid"))
    to_ship = _html(client.get("/orders/?tab=to_ship"))
    second = _html(client.get("/orders/?page=2"))
    assert len(many) == len(few) <= 12
    assert first.count('class="card order-card"') == 20 and 'href="?page=2" rel="next"' in first
    assert second.count('class="card order-card"') == 5
    assert to_pay.count('class="card order-card"') == 24 - 4 and unpaid.number not in to_ship
    assert to_ship.count('class="card order-card"') == 1


def test_someone_elses_order_is_the_404_page(client, after_commit):
    order = f.paid_order(after_commit)
    _signed_in(client)

    for url in (f"/orders/{order.number}/", f"/orders/{order.number}/receive/", f"/orders/{order.number}/cancel/",
                f"/orders/{order.number}/after-sales/", f"/orders/paid/{order.checkout_id}/"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert order.recipient_name not in _html(answer)
    assert client.post(f"/orders/{order.number}/pay/").status_code == 404


def test_an_order_page_in_english(client, after_commit):
    buyer = _signed_in(client)
    order = f.paid_order(after_commit, person=buyer)
    client.cookies["django_language"] = "en"

    html = _html(client.get(f"/orders/{order.number}/"))

    for text in ('<html lang="en">', "Paid · awaiting shipment", "Order history", "Order placed"):
        assert text in html, text


# ---- address book --------------------------------------------------------------------------------------------

def test_the_address_book_adds_edits_makes_default_and_deletes(client):
    buyer = _signed_in(client)
    body = {k.removeprefix("new-"): v for k, v in NEW_ADDRESS.items() if k != "address"}

    bad = client.post("/addresses/new/", {**body, "phone": "12"})
    client.post("/addresses/new/", body)
    client.post("/addresses/new/", {**body, "name": "李四", "is_default": "on", "next": "/checkout/"})
    first, _ = Address.objects.order_by("pk")
    edited = client.post(f"/addresses/{first.pk}/", {**body, "detail": "文一路 1 号"})
    client.post(f"/addresses/{first.pk}/default/")
    page = _html(client.get("/addresses/"))
    client.post(f"/addresses/{first.pk}/delete/")

    assert bad.status_code == 400 and "id_phone_error" in _html(bad)
    assert edited["Location"] == "/addresses/"
    assert "文一路 1 号" in page and page.index("文一路 1 号") < page.index("李四")  # the default first
    assert list(Address.objects.filter(user=buyer).values_list("name", "is_default")) == [("李四", True)]


def test_the_same_address_typed_again_is_the_one_in_the_book_not_a_second_copy(client):
    buyer = _signed_in(client)
    body = {k.removeprefix("new-"): v for k, v in NEW_ADDRESS.items() if k != "address"}
    client.post("/addresses/new/", body)
    client.post("/addresses/new/", {**body, "name": "李四"})
    client.post("/addresses/new/", {**body, "detail": f"  {body['detail']} "})  # the same once cleaned
    client.post("/addresses/new/", {**body, "is_default": "on"})  # the same, now asked to be the default
    assert list(Address.objects.filter(user=buyer).order_by("pk").values_list("name", "is_default")) == [
        (body["name"], True), ("李四", False)]
    client.post("/addresses/new/", {**body, "name": "李四", "is_default": "on"})
    assert list(Address.objects.filter(user=buyer).order_by("pk").values_list("name", "is_default")) == [
        (body["name"], False), ("李四", True)]


def test_someone_elses_address_is_the_404_page_and_unchanged(client):
    other = f.buyer("别人")
    address = f.address(other)
    _signed_in(client)

    assert client.get(f"/addresses/{address.pk}/").status_code == 404
    assert client.post(f"/addresses/{address.pk}/", {"name": "x"}).status_code == 404
    assert client.post(f"/addresses/{address.pk}/default/").status_code == 404
    assert client.post(f"/addresses/{address.pk}/delete/").status_code == 404
    assert Address.objects.get().name == "王小明"


def test_the_checkouts_link_to_the_address_book_reads_地址管理_not_the_headings_收货地址(client):
    # beside the 收货地址 heading, a link also reading 收货地址 looked like a second heading, not a way to manage them
    honey = f.sku()
    _signed_in(client)
    page = _html(client.get(f"/checkout/?sku={honey.pk}&quantity=1"))
    assert re.search(r'<h2>收货地址</h2><a href="/addresses/\?next=[^"]+">地址管理</a>', page)
