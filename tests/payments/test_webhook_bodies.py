"""Unsigned webhook bodies are not stored whole (issue 12, item 11): an oversize body is refused unread with 413,
an unverified one keeps only its first kilobyte in the log, a verified one is kept whole."""

import json

import pytest
from django.utils import timezone

from tests.payments import factories as f
from tuishou.payments.models import PaymentEvent
from tuishou.wallets.models import PayoutEvent

pytestmark = pytest.mark.django_db

PAYMENTS, PAYOUTS = "/api/v1/payments/webhooks/sandbox", "/api/v1/wallets/payouts/webhooks/sandbox"


def _padded(size: int) -> bytes:
    return json.dumps({"event_id": "evt_x", "type": "payment.succeeded", "pad": "x" * size}).encode()


@pytest.mark.parametrize(("path", "log"), [(PAYMENTS, PaymentEvent), (PAYOUTS, PayoutEvent)])
def test_an_unsigned_two_megabyte_body_is_refused_with_413_and_only_its_head_is_logged(client, path, log):
    answer = client.post(path, _padded(2 * 1024 * 1024), content_type="application/json")
    assert answer.status_code == 413
    assert answer.json() == {"code": "request.too_large", "message": "The request's body is larger than 65536 bytes.",
                             "details": {"limit": 65536}}
    logged = log.objects.get()
    assert (logged.outcome, logged.reason, logged.signature_verified) == ("rejected", "request.too_large", False)
    assert len(logged.body) < 1100 and logged.body.endswith(f"[{len(_padded(2 * 1024 * 1024)) - 1024} bytes more]")


def test_a_forged_body_under_the_limit_keeps_only_its_first_kilobyte(client):
    body = _padded(60 * 1024)
    answer = client.post(PAYMENTS, body, content_type="application/json", HTTP_X_SANDBOX_TIMESTAMP=str(f.now_ts()),
                         HTTP_X_SANDBOX_SIGNATURE="0" * 64 + "z" * 5000)
    assert (answer.status_code, answer.json()["code"]) == (400, "payments.callback_forged")
    logged = PaymentEvent.objects.get()
    assert logged.body.startswith(body[:1024].decode()) and len(logged.body) < 1100
    assert logged.event_id == "evt_x" and len(logged.headers["X-Sandbox-Signature"]) == 256


def test_a_verified_callback_is_logged_whole(client, payable):
    payment = f.payment(ref="W1")
    body = f.event_body(event_id="evt_w1", type="payment.succeeded", txn_id=payment.gateway_txn_id,
                        amount=str(payment.amount), currency="CNY", occurred_at=timezone.now().isoformat(),
                        note="n" * 2000)
    assert f.post_signed(client, body).status_code == 200
    logged = PaymentEvent.objects.get()
    assert (logged.outcome, logged.body) == ("processed", body.decode())
