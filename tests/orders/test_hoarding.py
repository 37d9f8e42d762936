"""Stock hoarding (issue 12, item 10): a buyer holds at most UNPAID_CHECKOUTS_MAX unpaid checkouts and
UNPAID_UNITS_PER_SKU_MAX units of one SKU in them; beyond that the checkout is refused (409) and nothing is
written, on the API, the service and the checkout page."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.concurrency import at_once
from tests.orders import factories as f
from tuishou.catalog.models import Sku
from tuishou.core.errors import DomainError
from tuishou.orders.checkout import checkout_submit, checkout_submit_from_cart
from tuishou.orders.models import CartLine, Checkout, Order, OrderLine
from tuishou.orders.paying import order_cancel

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")


def _written() -> tuple[int, int, int]:
    return Checkout.objects.count(), Order.objects.count(), OrderLine.objects.count()


def _api_checkout(client, sku, quantity, address_id):
    return _post(client, "/api/v1/orders/checkout", {"lines": [{"sku_id": sku.pk, "quantity": quantity}],
                                                     "address_id": address_id, "idempotency_key": uuid.uuid4().hex})


def test_the_sixth_unpaid_checkout_is_refused_with_409_and_nothing_is_written(client):
    buyer = f.buyer()
    address = f.address(buyer).pk
    client.force_login(buyer)
    honey = f.sku(stock=100)
    for _ in range(5):
        assert _api_checkout(client, honey, 1, address).status_code == 201

    refused = _api_checkout(client, honey, 1, address)

    assert refused.status_code == 409
    assert refused.json()["code"] == "orders.too_many_unpaid"
    assert refused.json()["message"] == "您有 5 笔订单等待付款：请先支付或取消其中一笔，再下新单。"
    assert refused.json()["details"] == {"unpaid_checkouts": 5, "limit": 5}
    assert _written() == (5, 5, 5)
    assert Sku.objects.get(pk=honey.pk).stock == 95


def test_units_of_one_sku_held_unpaid_are_capped_across_checkouts(client):
    buyer = f.buyer()
    address = f.address(buyer).pk
    client.force_login(buyer)
    honey, tea = f.sku(stock=100), f.sku(stock=100)
    assert _api_checkout(client, honey, 6, address).status_code == 201

    refused = _api_checkout(client, honey, 5, address)
    exactly_ten = _api_checkout(client, honey, 4, address)
    other_sku = _api_checkout(client, tea, 10, address)

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "orders.unpaid_units_limit"
    assert body["details"] == {"sku_id": honey.pk, "held": 6, "requested": 5, "limit": 10}
    assert body["message"] == f"{honey.product.title} 最多可同时有 10 件等待付款；您的未付款订单中已有 6 件。"
    assert (exactly_ten.status_code, other_sku.status_code) == (201, 201)
    assert Sku.objects.get(pk=honey.pk).stock == 90
    assert _written() == (3, 3, 3)


def test_one_checkout_over_the_unit_limit_is_refused_even_with_nothing_held():
    buyer = f.buyer()
    honey = f.sku(stock=100)

    with pytest.raises(DomainError) as refused:
        f.checkout(buyer, [(honey, 11)])

    assert (refused.value.code, refused.value.status) == ("orders.unpaid_units_limit", 409)
    assert refused.value.details == {"sku_id": honey.pk, "held": 0, "requested": 11, "limit": 10}
    assert _written() == (0, 0, 0)
    assert Sku.objects.get(pk=honey.pk).stock == 100


def test_paid_cancelled_and_run_out_checkouts_do_not_count(after_commit):
    buyer = f.buyer()
    honey = f.sku(stock=100)
    f.pay(after_commit, f.checkout(buyer, [(honey, 10)]))  # paid
    cancelled = f.checkout(buyer, [(honey, 10)])
    order_cancel(buyer=buyer, order_id=cancelled.orders.get().pk)
    ran_out = f.checkout(buyer, [(honey, 10)])
    Checkout.objects.filter(pk=ran_out.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for _ in range(4):
        f.checkout(buyer, [(f.sku(), 1)])

    fifth_open = f.checkout(buyer, [(honey, 10)])

    assert fifth_open.status == "pending"
    assert Checkout.objects.filter(buyer=buyer).count() == 8
    with pytest.raises(DomainError) as refused:
        f.checkout(buyer, [(f.sku(), 1)])
    assert refused.value.code == "orders.too_many_unpaid"


def test_each_buyer_has_their_own_limits_and_a_replay_is_not_a_new_checkout():
    hoarder, other = f.buyer(), f.buyer()
    honey = f.sku(stock=100)
    first = f.checkout(hoarder, [(honey, 10)], key="hoard-key-01")

    again = f.checkout(hoarder, [(honey, 10)], key="hoard-key-01")
    others = f.checkout(other, [(honey, 10)])

    assert again.pk == first.pk and others.buyer_id == other.pk
    assert Sku.objects.get(pk=honey.pk).stock == 80


def test_the_limits_are_settings(settings):
    settings.TUISHOU = {**settings.TUISHOU, "UNPAID_CHECKOUTS_MAX": 1, "UNPAID_UNITS_PER_SKU_MAX": 50}
    buyer = f.buyer()
    honey = f.sku(stock=100)
    f.checkout(buyer, [(honey, 50)])

    with pytest.raises(DomainError) as refused:
        f.checkout(buyer, [(honey, 1)])

    assert refused.value.code == "orders.too_many_unpaid"
    assert refused.value.details == {"unpaid_checkouts": 1, "limit": 1}


def test_a_cart_checkout_over_the_limit_keeps_the_cart():
    buyer = f.buyer()
    address = f.address(buyer).pk
    honey = f.sku(stock=100)
    f.checkout(buyer, [(honey, 8)])
    CartLine.objects.create(user=buyer, sku=honey, quantity=3)

    with pytest.raises(DomainError) as refused:
        checkout_submit_from_cart(buyer=buyer, address_id=address, idempotency_key=uuid.uuid4().hex)

    assert refused.value.details["held"] == 8
    assert CartLine.objects.filter(user=buyer).count() == 1
    assert _written() == (1, 1, 1)


@pytest.mark.parametrize(("language", "message"), [
    ("zh-hans", "您有 5 笔订单等待付款：请先支付或取消其中一笔，再下新单。"),
    ("en", "You have 5 orders waiting for payment: pay or cancel one before placing another."),
])
def test_the_checkout_page_answers_409_with_the_message_in_the_page_language(client, language, message):
    buyer = f.buyer()
    address = f.address(buyer).pk
    honey = f.sku(stock=100)
    for _ in range(5):
        f.checkout(buyer, [(honey, 1)])
    client.force_login(buyer)
    client.cookies["django_language"] = language

    page = client.post("/checkout/", {"sku": honey.pk, "quantity": "1", "share": "",
                                      "address": str(address), "idempotency_key": uuid.uuid4().hex})

    assert page.status_code == 409
    assert message in page.content.decode()
    assert _written() == (5, 5, 5)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_buyer_racing_eight_checkouts_gets_exactly_the_limit():
    buyer = f.buyer()
    address = f.address(buyer).pk
    honey = f.sku(stock=100)

    def buy():
        return checkout_submit(buyer=buyer, lines=[(honey.pk, 1)], address_id=address,
                               idempotency_key=uuid.uuid4().hex)

    results = at_once([buy for _ in range(8)])

    won = [r for r in results if isinstance(r, Checkout)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert (len(won), len(lost)) == (5, 3)
    assert {e.code for e in lost} == {"orders.too_many_unpaid"}
    assert Sku.objects.get(pk=honey.pk).stock == 95
