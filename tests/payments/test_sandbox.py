import hashlib
import hmac
import itertools
import json
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.outbox import transport
from tests.payments import factories as f
from tuishou.payments import sandbox
from tuishou.payments.sandbox import SandboxBehaviour, delivery_delays
from tuishou.payments.sandbox_models import SandboxCallback


def test_delivery_delays_follow_the_seed():
    behaviour = SandboxBehaviour(duplicate_rate=0.5, delay_seconds=(0, 30), seed=7)
    rng = random.Random(7)
    plan = [delivery_delays(behaviour, rng) for _ in range(6)]
    assert plan == [[10], [12], [2], [3, 4], [29], [1, 14]]
    assert all(len(d) == 1 or d[1] >= d[0] for d in plan)  # a redelivery never comes before the first one


def test_a_good_sandbox_delivers_once_and_at_once():
    assert delivery_delays(SandboxBehaviour(), random.Random(1)) == [0]


@pytest.mark.parametrize("bad", [{"duplicate_rate": 1.5}, {"delay_seconds": (5, 1)}, {"refund_failure_rate": -0.1}])
def test_nonsense_behaviour_is_refused(bad):
    with pytest.raises(ValueError):
        SandboxBehaviour(**bad)


_runs = itertools.count()


def _outbox_plan(seed: int) -> list[tuple[str, int, int]]:
    SandboxCallback.objects.all().delete()
    run = next(_runs)
    sandbox.sandbox_behave(SandboxBehaviour(duplicate_rate=0.4, delay_seconds=(5, 120), seed=seed))
    for n in range(5):
        payment = f.payment(ref=f"S{run}-{n}")
        if n % 2:
            sandbox.sandbox_charge_fail(txn_id=payment.gateway_txn_id)
        sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    return [(cb.type, cb.copy, round((cb.deliver_after - cb.created_at).total_seconds()))
            for cb in SandboxCallback.objects.order_by("id")]


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_duplicates_and_delays():
    first, again, other = _outbox_plan(11), _outbox_plan(11), _outbox_plan(12)
    assert first == again
    assert first != other
    assert len(first) > 7  # 7 events, some of them duplicated
    assert {copy for _, copy, _ in first} == {0, 1}


@pytest.mark.django_db
def test_callbacks_are_signed_over_timestamp_and_body_with_the_shared_secret(settings):
    payment = f.payment(ref="S1", amount="12.30")
    sent = []
    sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    with transport(sandbox.CHANNEL, lambda path, body, headers: sent.append((path, body, headers)) or 200):
        sandbox.sandbox_callbacks_deliver_due()
    [(path, body, headers)] = sent
    assert path == f.WEBHOOK
    stamp = headers["X-Sandbox-Timestamp"]
    expected = hmac.new(settings.TUISHOU_SANDBOX_GATEWAY_SECRET.encode(), f"{stamp}.".encode() + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Sandbox-Signature"] == expected
    data = json.loads(body)
    assert sorted(data) == ["amount", "currency", "event_id", "occurred_at", "txn_id", "type"]
    assert (data["type"], data["txn_id"], data["amount"], data["currency"]) == (
        "payment.succeeded", payment.gateway_txn_id, "12.30", "CNY")
    assert data["event_id"].startswith("evt_")


@pytest.mark.django_db
def test_a_delivery_that_cannot_reach_the_webhook_is_retried_later(payable):
    payment = f.payment(ref="S2")
    sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)

    def down(path, body, headers):
        raise ConnectionRefusedError("webhook down")

    now = timezone.now()
    with transport(sandbox.CHANNEL, down):
        sandbox.sandbox_callbacks_deliver_due(now=now)
    callback = SandboxCallback.objects.get()
    assert (callback.attempts, callback.delivered_at, callback.deliver_after) == (1, None, now + timedelta(seconds=30))
    assert "webhook down" in callback.last_error
    assert sandbox.sandbox_callbacks_deliver_due(now=now + timedelta(seconds=10)) == []
    sandbox.sandbox_callbacks_deliver_due(now=now + timedelta(seconds=31))
    callback.refresh_from_db()
    assert (callback.attempts, callback.last_status, callback.last_error) == (2, 200, "")
    assert f.refreshed(payment).status == "succeeded"


@pytest.mark.django_db
def test_the_sandbox_gives_up_after_its_last_attempt():
    payment = f.payment(ref="S3")
    sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    later = timezone.now()
    with transport(sandbox.CHANNEL, lambda path, body, headers: 503):
        for _ in range(sandbox.MAX_ATTEMPTS):
            later += timedelta(days=1)
            sandbox.sandbox_callbacks_deliver_due(now=later)
    callback = SandboxCallback.objects.get()
    assert (callback.attempts, callback.gave_up, callback.last_status, callback.delivered_at) == (
        sandbox.MAX_ATTEMPTS, True, 503, None)
    assert f.refreshed(payment).status == "pending"


@pytest.mark.django_db(transaction=True)
def test_outside_tests_callbacks_are_posted_over_http_to_the_public_url(live_server, settings, payable):
    settings.TESTING = False
    settings.TUISHOU_PUBLIC_URL = live_server.url
    payment = f.payment(ref="S4")
    sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)  # commits: delivered by urllib at once
    callback = SandboxCallback.objects.get()
    assert (callback.last_status, callback.delivered_at is not None) == (200, True)
    assert f.refreshed(payment).status == "succeeded"
    assert payment.pay_url.startswith(live_server.url + "/sandbox-pay/")
