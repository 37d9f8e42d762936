from decimal import Decimal

import pytest

from tests.payments import factories as f
from tuishou.payments.events import PaymentSucceeded
from tuishou.payments.models import Payment, PaymentEvent
from tuishou.payments.sandbox_models import SandboxCallback, SandboxCharge

pytestmark = pytest.mark.django_db


def test_payer_pays_on_the_pay_page_and_the_signed_callback_marks_the_payment_paid(client, payable, after_commit):
    # given a payment started for a payable
    payer = f.user()
    payment = f.payment(amount="59.90", ref="A100", user=payer)
    assert payment.status == "pending"
    assert payment.pay_url == f"http://127.0.0.1:8000/sandbox-pay/{payment.gateway_txn_id}"
    page = client.get(f.pay_path(payment))
    assert page.status_code == 200
    assert "¥59.90" in page.content.decode()

    # when the payer confirms on the pay page
    with after_commit():
        confirmed = client.post(f.pay_path(payment), {"action": "pay"})

    # then they go back to the shop, the callback arrived signed and the payment is paid
    assert (confirmed.status_code, confirmed["Location"]) == (302, f.RETURN_URL)
    payment = f.refreshed(payment)
    assert payment.status == "succeeded"
    assert payable.paid == [PaymentSucceeded(payment_id=payment.pk, payable_type=f.PAYABLE, payable_ref="A100",
                                             amount=Decimal("59.90"), currency="CNY", paid_at=payment.paid_at,
                                             user_id=payer.pk)]
    event = PaymentEvent.objects.get()
    assert (event.type, event.outcome, event.signature_verified, event.payment_id, event.reason) == (
        "payment.succeeded", "processed", True, payment.pk, "")
    delivery = SandboxCallback.objects.get()
    assert (delivery.last_status, delivery.attempts, delivery.delivered_at is not None) == (200, 1, True)
    assert SandboxCharge.objects.get().status == "paid"
    client.force_login(payer)
    polled = client.get(f"/api/v1/payments/{payment.pk}").json()
    assert (polled["status"], polled["amount"], polled["refunded_amount"]) == ("succeeded", "59.90", "0.00")


def test_nothing_is_sent_before_the_sandbox_commits(client, payable, django_capture_on_commit_callbacks):
    payment = f.payment()
    with django_capture_on_commit_callbacks(execute=False) as scheduled:
        client.post(f.pay_path(payment), {"action": "pay"})
    assert len(scheduled) == 1
    assert SandboxCallback.objects.get().delivered_at is None
    assert (f.refreshed(payment).status, payable.paid) == ("pending", [])


def test_a_failed_attempt_then_a_paid_one_ends_succeeded(client, payable, after_commit):
    payment = f.payment(ref="A101")
    with after_commit():
        failed = client.post(f.pay_path(payment), {"action": "fail"})
    assert failed.status_code == 200
    assert "可以再试一次" in failed.content.decode()
    assert (f.refreshed(payment).status, f.refreshed(payment).status_reason) == ("failed", "insufficient balance")

    with after_commit():
        client.post(f.pay_path(payment), {"action": "pay"})
    assert f.refreshed(payment).status == "succeeded"
    assert [e.payable_ref for e in payable.paid] == ["A101"]
    assert list(PaymentEvent.objects.order_by("id").values_list("type", "outcome")) == [
        ("payment.failed", "processed"), ("payment.succeeded", "processed")]


def test_paying_again_on_a_paid_page_sends_nothing_more(client, payable, after_commit):
    payment = f.paid(after_commit)
    with after_commit():
        again = client.post(f.pay_path(payment), {"action": "pay"})
        failing = client.post(f.pay_path(payment), {"action": "fail"})
    assert again.status_code == 302
    assert "该笔支付已完成。" in failing.content.decode()  # the page speaks Chinese unless asked otherwise
    assert SandboxCallback.objects.count() == 1
    assert len(payable.paid) == 1


def test_pay_page_of_an_unknown_transaction_is_not_found_and_a_bad_action_is_refused(client):
    assert client.get("/sandbox-pay/sbx_nope").status_code == 404
    payment = f.payment()
    assert client.post(f.pay_path(payment), {"action": "steal"}).status_code == 400
    assert Payment.objects.get().status == "pending"
    assert SandboxCallback.objects.count() == 0
