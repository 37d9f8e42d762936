"""Races on PostgreSQL (SQLite ignores row locks): the last units, and a payment callback delivered twice at once."""

import uuid

import pytest

from tests.concurrency import at_once
from tests.orders import factories as f
from tests.outbox import transport
from tuishou.catalog.models import Sku
from tuishou.core.errors import DomainError
from tuishou.orders.checkout import checkout_submit
from tuishou.orders.models import Checkout, Order, OrderStatusChange
from tuishou.payments import sandbox
from tuishou.payments.sandbox_models import SandboxCallback

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_buyers_racing_for_the_last_units_never_oversell():
    honey = f.sku(stock=5)
    buyers = [f.buyer() for _ in range(8)]
    addresses = [f.address(b).pk for b in buyers]

    def buy(i):
        return lambda: checkout_submit(buyer=buyers[i], lines=[(honey.pk, 2)], address_id=addresses[i],
                                       idempotency_key=uuid.uuid4().hex)

    results = at_once([buy(i) for i in range(8)])
    won = [r for r in results if isinstance(r, Checkout)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert (len(won), len(lost)) == (2, 6)
    assert {e.code for e in lost} == {"orders.out_of_stock"}
    assert (Sku.objects.get(pk=honey.pk).stock, Order.objects.count()) == (1, 2)


def test_a_payment_callback_delivered_twice_at_once_pays_once():
    result = f.checkout(f.buyer(), [(f.sku(), 1)])
    from tuishou.orders.paying import checkout_pay

    payment = checkout_pay(buyer=result.buyer, checkout_id=result.pk)
    captured = []
    with transport(sandbox.CHANNEL, lambda path, body, headers: captured.append((path, body, dict(headers))) or 200):
        sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)  # transaction=True: on_commit runs at once
    assert len(captured) == 1
    path, body, headers = captured[0]
    extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}

    def deliver():
        from django.test import Client

        return Client().post(path, data=body, content_type="application/json", headers=extra).status_code

    statuses = at_once([deliver, deliver, deliver])
    assert all(s == 200 for s in statuses), statuses
    assert OrderStatusChange.objects.filter(to_status="paid").count() == 1
    assert (Checkout.objects.get().status, Order.objects.get().status) == ("paid", "paid")
    assert SandboxCallback.objects.count() == 1
