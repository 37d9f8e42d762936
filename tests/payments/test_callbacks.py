from datetime import timedelta

import pytest
from django.utils import timezone

from tests.payments import factories as f
from tuishou.payments import sandbox
from tuishou.payments.models import Payment, PaymentEvent, Refund
from tuishou.payments.sandbox import SandboxBehaviour, sandbox_callbacks_deliver_due

pytestmark = pytest.mark.django_db


def _success_body(payment, *, event_id="evt_forged", amount=None, currency="CNY"):
    return f.event_body(event_id=event_id, type="payment.succeeded", txn_id=payment.gateway_txn_id,
                        amount=amount or str(payment.amount), currency=currency,
                        occurred_at=timezone.now().isoformat())


def _assert_rejected(response, code, *, verified=True):
    assert response.status_code == 400
    assert response.json()["code"] == code
    logged = PaymentEvent.objects.get(outcome="rejected")
    assert (logged.reason, logged.signature_verified) == (code, verified)
    return logged


# ---- duplicates and replays -------------------------------------------------------------------------------

def test_a_callback_delivered_twice_is_processed_once(payable, after_commit):
    sandbox.sandbox_behave(SandboxBehaviour(duplicate_rate=1.0, seed=1))
    payment = f.paid(after_commit, ref="C1")
    assert payment.status == "succeeded"
    assert len(payable.paid) == 1
    deliveries = list(sandbox.SandboxCallback.objects.order_by("copy").values_list("copy", "last_status"))
    assert deliveries == [(0, 200), (1, 200)]
    assert list(PaymentEvent.objects.order_by("id").values_list("outcome", flat=True)) == ["processed", "duplicate"]


def test_a_valid_replay_answers_duplicate_and_changes_nothing(client, payable, after_commit):
    payment = f.paid(after_commit, ref="C2")
    replay = f.post_signed(client, f.first_delivery("payment.succeeded").body.encode())
    assert (replay.status_code, replay.json()["status"]) == (200, "duplicate")
    assert (f.refreshed(payment).status, f.refreshed(payment).paid_at) == ("succeeded", payment.paid_at)
    assert len(payable.paid) == 1
    assert PaymentEvent.objects.filter(outcome="processed").count() == 1


def test_a_replay_signed_long_ago_is_rejected_as_stale_and_logged(client, payable, after_commit):
    payment = f.paid(after_commit, ref="C3")
    body = f.first_delivery("payment.succeeded").body.encode()
    replay = f.post_signed(client, body, timestamp=f.now_ts() - 301)
    logged = _assert_rejected(replay, "payments.callback_stale")
    assert logged.body == body.decode()
    assert f.refreshed(payment).status == "succeeded"
    assert len(payable.paid) == 1


def test_a_callback_signed_too_far_ahead_is_stale_too(client, payable):
    payment = f.payment(ref="C4")
    _assert_rejected(f.post_signed(client, _success_body(payment), timestamp=f.now_ts() + 400),
                     "payments.callback_stale")
    assert f.refreshed(payment).status == "pending"


# ---- forged and contradicting callbacks ---------------------------------------------------------------------

def test_a_forged_success_is_rejected_logged_and_changes_nothing(client, payable, settings):
    payment = f.payment(ref="C5")
    body = _success_body(payment)
    real_secret = settings.TUISHOU_SANDBOX_GATEWAY_SECRET
    settings.TUISHOU_SANDBOX_GATEWAY_SECRET = "not-the-secret"
    forged_headers = sandbox.callback_headers(body)
    settings.TUISHOU_SANDBOX_GATEWAY_SECRET = real_secret
    logged = _assert_rejected(f.post_signed(client, body, headers=forged_headers), "payments.callback_forged",
                              verified=False)
    assert logged.headers["X-Sandbox-Signature"] == forged_headers["X-Sandbox-Signature"]
    assert (f.refreshed(payment).status, payable.paid) == ("pending", [])


def test_a_callback_without_signature_is_forged(client, payable):
    payment = f.payment(ref="C6")
    _assert_rejected(f.post_signed(client, _success_body(payment), headers={}), "payments.callback_forged",
                     verified=False)
    assert f.refreshed(payment).status == "pending"


def test_a_signed_body_tampered_with_is_forged(client, payable):
    payment = f.payment(ref="C7")
    headers = sandbox.callback_headers(_success_body(payment, amount="0.01"))
    _assert_rejected(f.post_signed(client, _success_body(payment), headers=headers), "payments.callback_forged",
                     verified=False)


def test_a_success_for_another_amount_or_currency_is_rejected(client, payable):
    payment = f.payment(ref="C8", amount="59.90")
    _assert_rejected(f.post_signed(client, _success_body(payment, amount="0.01")), "payments.amount_mismatch")
    second = f.post_signed(client, _success_body(payment, event_id="evt_2", currency="USD"))
    assert second.json()["code"] == "payments.amount_mismatch"
    assert (f.refreshed(payment).status, payable.paid) == ("pending", [])
    assert PaymentEvent.objects.filter(outcome="rejected", payment=payment).count() == 2


def test_a_callback_for_an_unknown_transaction_or_with_a_bad_body_is_rejected(client, payable):
    body = f.event_body(event_id="evt_x", type="payment.succeeded", txn_id="sbx_unknown", amount="1.00",
                        currency="CNY")
    _assert_rejected(f.post_signed(client, body), "payments.callback_unknown_txn")
    PaymentEvent.objects.all().delete()
    for bad in (b"not json", f.event_body(event_id="evt_y", type="payment.refunded", txn_id="t", amount="1.00",
                                          currency="CNY"),
                f.event_body(event_id="evt_z", type="payment.succeeded", txn_id="t", amount=1.0, currency="CNY")):
        assert f.post_signed(client, bad).json()["code"] == "payments.callback_malformed"
    assert PaymentEvent.objects.filter(outcome="rejected", reason="payments.callback_malformed").count() == 3


def test_a_forged_callback_cannot_block_the_genuine_event_with_the_same_id(client, payable, after_commit):
    sandbox.sandbox_behave(SandboxBehaviour(delay_seconds=(60, 60)))
    payment = f.payment(ref="C9")
    sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    genuine = f.first_delivery("payment.succeeded")
    f.post_signed(client, genuine.body.encode(), headers={"X-Sandbox-Signature": "00", "X-Sandbox-Timestamp": "1"})
    with after_commit():
        sandbox_callbacks_deliver_due(now=timezone.now() + timedelta(seconds=61))
    assert f.refreshed(payment).status == "succeeded"
    assert list(PaymentEvent.objects.order_by("id").values_list("event_id", "outcome")) == [
        (genuine.event_id, "rejected"), (genuine.event_id, "processed")]


def test_an_unknown_gateway_webhook_is_not_found(client):
    response = client.post("/api/v1/payments/webhooks/nowhere", data=b"{}", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (404, "payments.gateway_unknown")
    assert PaymentEvent.objects.count() == 0


# ---- out of order ---------------------------------------------------------------------------------------------

def test_a_failure_delivered_after_the_success_is_ignored_and_recorded(payable, after_commit):
    # given a failed attempt then a paid one, both held by the gateway, delivered newest first
    sandbox.sandbox_behave(SandboxBehaviour(delay_seconds=(60, 60), reorder=True))
    payment = f.payment(ref="C10")
    sandbox.sandbox_charge_fail(txn_id=payment.gateway_txn_id)
    sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    assert f.refreshed(payment).status == "pending"
    # when they fall due
    with after_commit():
        delivered = sandbox_callbacks_deliver_due(now=timezone.now() + timedelta(seconds=61))
    # then the success counts and the late failure changes nothing
    assert [d.type for d in delivered] == ["payment.succeeded", "payment.failed"]
    assert f.refreshed(payment).status == "succeeded"
    assert len(payable.paid) == 1
    assert list(PaymentEvent.objects.order_by("id").values_list("type", "outcome", "reason")) == [
        ("payment.succeeded", "processed", ""), ("payment.failed", "ignored", "payments.event_out_of_order")]


def test_a_second_success_for_a_paid_payable_is_refunded_automatically(payable, after_commit):
    # given payment 1 failed, payment 2 paid the payable, and then payment 1's payer paid too (late success)
    first = f.payment(ref="C11", key="k1")
    with after_commit():
        sandbox.sandbox_charge_fail(txn_id=first.gateway_txn_id)
    second = f.paid(after_commit, ref="C11", key="k2")
    with after_commit():
        sandbox.sandbox_charge_pay(txn_id=first.gateway_txn_id)
    # then the payable was paid once, and the second success went back to the payer
    first, second = f.refreshed(first), f.refreshed(second)
    assert (first.status, second.status) == ("expired_refunded", "succeeded")
    assert first.status_reason == f"already paid by payment #{second.pk}"
    assert [e.payment_id for e in payable.paid] == [second.pk]
    refund = Refund.objects.get()
    assert (refund.payment_id, refund.amount, refund.status, refund.automatic) == (first.pk, first.amount,
                                                                                    "succeeded", True)


def test_a_refund_callback_overtaking_the_payments_redelivery_is_fine(payable, after_commit):
    # given every event is delivered twice, the redelivery 30 s after the first
    sandbox.sandbox_behave(SandboxBehaviour(duplicate_rate=1.0, delay_seconds=(30, 30)))
    payment = f.payment(ref="C12")
    sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    start = timezone.now()
    with after_commit():
        sandbox_callbacks_deliver_due(now=start + timedelta(seconds=31))
    assert f.refreshed(payment).status == "succeeded"
    # when a refund is made and its callback arrives before the payment's redelivery
    from tuishou.payments.services import refund_request

    sandbox.sandbox_behave(SandboxBehaviour())
    with after_commit():
        refund = refund_request(payment=payment, amount="10.00", reason="缺货", idempotency_key="r1")
    with after_commit():
        sandbox_callbacks_deliver_due(now=start + timedelta(seconds=61))
    # then the refund succeeded and the late payment copy is a duplicate
    assert f.refreshed(refund).status == "succeeded"
    assert list(PaymentEvent.objects.order_by("id").values_list("type", "outcome")) == [
        ("payment.succeeded", "processed"), ("refund.succeeded", "processed"), ("payment.succeeded", "duplicate")]
    assert f.refreshed(payment).status == "succeeded"


def test_a_refund_callback_for_an_unknown_refund_is_rejected(client, payable, after_commit):
    payment = f.paid(after_commit, ref="C13")
    body = f.event_body(event_id="evt_r", type="refund.succeeded", txn_id=payment.gateway_txn_id,
                        refund_id="sbr_x", refund_reference="refund-999", amount="1.00", currency="CNY")
    logged = _assert_rejected(f.post_signed(client, body), "payments.refund_unknown")
    assert logged.payment_id == payment.pk
    assert Refund.objects.count() == 0
    assert Payment.objects.get().status == "succeeded"
