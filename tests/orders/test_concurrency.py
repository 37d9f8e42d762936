"""Races on PostgreSQL (SQLite ignores row locks): the last units, and a payment callback delivered twice at once."""

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

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


def test_a_checkout_held_up_before_its_reservation_does_not_lock_the_sku():
    """Reserve last: a checkout held up in the middle (here its insert waits on the same idempotency key held by
    another, uncommitted transaction) has not taken the SKU's row yet, so another buyer of the SKU checks out
    meanwhile; the held-up one then completes, and the stock is down by both."""
    honey = f.sku(stock=5)
    slow, quick = f.buyer(), f.buyer()
    slow_home, quick_home = f.address(slow).pk, f.address(quick).pk
    key = uuid.uuid4().hex
    outcomes = {}

    def run(name, person, home):
        try:
            outcomes[name] = checkout_submit(buyer=person, lines=[(honey.pk, 1)], address_id=home,
                                             idempotency_key=key)
        except Exception as exc:  # the outcome is what the test inspects
            outcomes[name] = exc
        finally:
            connection.close()

    held_up = threading.Thread(target=run, args=("slow", slow, slow_home))
    other = threading.Thread(target=run, args=("quick", quick, quick_home))
    with pytest.raises(RuntimeError), transaction.atomic():
        Checkout.objects.create(buyer=slow, idempotency_key=key, request_digest="held", amount=Decimal("1.00"),
                                expires_at=timezone.now() + timedelta(minutes=30))
        held_up.start()
        _until(lambda: _waiting_backends() >= 1)  # the slow checkout waits on the key
        other.start()
        other.join(timeout=20)
        quick_done = not other.is_alive()
        raise RuntimeError("roll the key's holder back")  # lets the slow checkout go on
    held_up.join(timeout=20)
    other.join(timeout=20)
    assert quick_done, "the other buyer waited for the held-up checkout: the SKU was locked before its inserts"
    assert isinstance(outcomes["quick"], Checkout) and isinstance(outcomes["slow"], Checkout), outcomes
    assert (Sku.objects.get(pk=honey.pk).stock, Order.objects.count()) == (3, 2)


def _waiting_backends() -> int:
    with connection.cursor() as cursor:  # the activity view is a snapshot per transaction: take a new one
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def _until(condition, seconds: float = 20) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


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
