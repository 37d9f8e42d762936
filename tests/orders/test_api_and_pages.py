from urllib.parse import urlsplit

import pytest

from tests.orders import factories as f
from tuishou.orders.models import Checkout, Order, OrderLine
from tuishou.payments import sandbox

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_api_checkout_ignores_a_client_price_and_answers_the_orders(client):
    honey = f.sku(price="59.90", stock=5)
    buyer = f.buyer()
    client.force_login(buyer)
    address = _post(client, "/api/v1/orders/addresses", {
        "name": "王小明", "phone": "13812345678", "province": "浙江省", "city": "杭州市", "district": "西湖区",
        "detail": "文三路 100 号"})
    assert (address.status_code, address.json()["is_default"]) == (201, True)
    body = {"lines": [{"sku_id": honey.pk, "quantity": 2, "price": "0.01", "unit_price": "0.01"}],
            "address_id": address.json()["id"], "idempotency_key": "api-key-0001", "amount": "0.02"}
    created = _post(client, "/api/v1/orders/checkout", body)
    assert created.status_code == 201
    answer = created.json()
    assert (answer["status"], answer["amount"], answer["orders"][0]["total"],
            answer["orders"][0]["lines"][0]["unit_price"]) == ("pending", "119.80", "119.80", "59.90")
    again = _post(client, "/api/v1/orders/checkout", body)
    assert (again.status_code, again.json()["id"]) == (201, answer["id"])
    assert Checkout.objects.count() == 1


@pytest.mark.parametrize(("quantity", "code", "status"), [(0, "orders.quantity_invalid", 400),
                                                          (-3, "orders.quantity_invalid", 400),
                                                          (6, "orders.out_of_stock", 409)])
def test_api_bad_quantities_answer_the_error_shape_and_write_nothing(client, quantity, code, status):
    honey = f.sku(stock=5)
    buyer = f.buyer()
    client.force_login(buyer)
    answer = _post(client, "/api/v1/orders/checkout", {
        "lines": [{"sku_id": honey.pk, "quantity": quantity}], "address_id": f.address(buyer).pk,
        "idempotency_key": "api-key-0002"})
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert (Order.objects.count(), OrderLine.objects.count()) == (0, 0)


def test_api_flow_cart_pay_ship_confirm_and_after_sales(client, after_commit):
    honey = f.sku(price="59.90", stock=5)
    buyer = f.buyer()
    client.force_login(buyer)
    assert _post(client, "/api/v1/orders/cart", {"sku_id": honey.pk, "quantity": 2, "share_code": ""}).status_code \
        == 201
    created = _post(client, "/api/v1/orders/checkout", {"from_cart": True, "address_id": f.address(buyer).pk,
                                                         "idempotency_key": "api-key-0003"}).json()
    assert client.get("/api/v1/orders/cart").json() == []
    pay = _post(client, f"/api/v1/orders/checkouts/{created['id']}/pay").json()
    assert pay["pay_url"].endswith(f"/sandbox-pay/{pay['pay_url'].rsplit('/', 1)[1]}")
    with after_commit():
        sandbox.sandbox_charge_pay(txn_id=urlsplit(pay["pay_url"]).path.rsplit("/", 1)[1])
    twice = _post(client, f"/api/v1/orders/checkouts/{created['id']}/pay")
    assert (twice.status_code, twice.json()["code"]) == (409, "orders.already_paid")
    order_id = created["orders"][0]["id"]
    assert [o["status"] for o in client.get("/api/v1/orders/mine").json()] == ["paid"]

    merchant = Order.objects.get().merchant
    client.force_login(f.owner(merchant))
    to_ship = client.get(f"/api/v1/orders/merchant/{merchant.pk}/orders?status=paid").json()
    assert [o["id"] for o in to_ship] == [order_id]
    shipped = _post(client, f"/api/v1/orders/{order_id}/ship", {"carrier": "顺丰", "tracking_number": "SF1"})
    assert (shipped.status_code, shipped.json()["status"]) == (200, "shipped")

    client.force_login(f.buyer("别人"))
    foreign = _post(client, f"/api/v1/orders/{order_id}/confirm-receipt")
    assert (foreign.status_code, foreign.json()) == (404, {
        "code": "orders.order_unknown", "message": f"There is no order {order_id}.", "details": {"order_id": order_id}})
    assert client.get(f"/api/v1/orders/mine/{order_id}").json() == foreign.json()
    client.force_login(buyer)
    assert _post(client, f"/api/v1/orders/{order_id}/confirm-receipt").json()["status"] == "received"
    line_id = created["orders"][0]["lines"][0]["id"]
    too_much = _post(client, f"/api/v1/orders/{order_id}/after-sales", {
        "kind": "refund_only", "reason": "坏了", "lines": [{"line_id": line_id, "quantity": 3}]})
    assert (too_much.status_code, too_much.json()["code"]) == (400, "orders.refund_exceeds_paid")
    case = _post(client, f"/api/v1/orders/{order_id}/after-sales", {
        "kind": "refund_only", "reason": "坏了", "lines": [{"line_id": line_id, "quantity": 1}]})
    assert (case.status_code, case.json()["amount"], case.json()["status"]) == (201, "59.90", "open")
    client.force_login(f.owner(merchant))
    with after_commit():
        answered = _post(client, f"/api/v1/orders/after-sales/{case.json()['id']}/answer", {"accept": True})
    assert answered.json()["status"] == "refunding"
    client.force_login(buyer)
    assert client.get("/api/v1/orders/after-sales/mine").json()[0]["status"] == "refunded"
    assert client.get(f"/api/v1/orders/mine/{order_id}").json()["refunded_amount"] == "59.90"


def test_the_openapi_document_lists_the_order_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for route in ("/api/v1/orders/checkout", "/api/v1/orders/checkouts/{checkout_id}/pay",
                  "/api/v1/orders/{order_id}/ship", "/api/v1/orders/after-sales/{case_id}/decide",
                  "/api/v1/orders/promoter/after-sales", "/api/v1/orders/after-sales/escalated"):
        assert route in paths, route


def test_admin_lists_orders_with_filters_and_search_and_the_escalated_queue(admin_client, after_commit):
    order = f.paid_order(after_commit)
    for url in ("/admin/orders/order/?status__exact=paid", f"/admin/orders/order/?q={order.number}",
                f"/admin/orders/order/{order.pk}/change/", "/admin/orders/aftersalescase/?queue=escalated",
                "/admin/orders/checkout/"):
        assert admin_client.get(url).status_code == 200, url
    assert order.number in admin_client.get(f"/admin/orders/order/?q={order.recipient_phone}").content.decode()


def test_api_a_replayed_checkout_from_the_cart_leaves_what_the_cart_holds_now(client):
    # given a checkout of the cart's honey
    honey, tea = f.sku(price="59.90", stock=5), f.sku(price="30.00", stock=5, title="龙井")
    buyer = f.buyer()
    client.force_login(buyer)
    _post(client, "/api/v1/orders/cart", {"sku_id": honey.pk, "quantity": 2})
    body = {"from_cart": True, "address_id": f.address(buyer).pk, "idempotency_key": "api-key-0004"}
    first = _post(client, "/api/v1/orders/checkout", body)
    assert (first.status_code, client.get("/api/v1/orders/cart").json()) == (201, [])

    # when tea goes into the cart and the first request is retried
    _post(client, "/api/v1/orders/cart", {"sku_id": tea.pk, "quantity": 1})
    again = _post(client, "/api/v1/orders/checkout", body)

    # then the retry answers the first checkout and the tea is still in the cart, never ordered
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
    assert [(line["sku_id"], line["quantity"]) for line in client.get("/api/v1/orders/cart").json()] == [(tea.pk, 1)]
    assert (Checkout.objects.count(), OrderLine.objects.get().sku_id) == (1, honey.pk)


def test_api_a_checkout_replay_with_other_lines_is_refused(client):
    honey = f.sku(stock=5)
    buyer = f.buyer()
    client.force_login(buyer)
    body = {"lines": [{"sku_id": honey.pk, "quantity": 1}], "address_id": f.address(buyer).pk,
            "idempotency_key": "api-key-0005"}
    first = _post(client, "/api/v1/orders/checkout", body)
    body["lines"][0]["quantity"] = 3
    again = _post(client, "/api/v1/orders/checkout", body)
    assert (again.status_code, again.json()["code"], again.json()["details"]) == (
        409, "orders.idempotency_key_reused", {"checkout_id": first.json()["id"]})
    assert (Checkout.objects.count(), OrderLine.objects.get().quantity) == (1, 1)


def test_api_checkout_from_an_empty_cart_is_refused_and_writes_nothing(client):
    buyer = f.buyer()
    client.force_login(buyer)
    answer = _post(client, "/api/v1/orders/checkout", {"from_cart": True, "address_id": f.address(buyer).pk,
                                                        "idempotency_key": "api-key-0006"})
    assert (answer.status_code, answer.json()["code"]) == (400, "orders.lines_empty")
    assert (Checkout.objects.count(), Order.objects.count()) == (0, 0)
