import pytest

from tests.merchants import factories as merchant_factories
from tests.payments import factories as f

pytestmark = pytest.mark.django_db


def test_the_payer_polls_their_payment_with_its_refunds(client, payable, after_commit):
    from tuishou.payments.services import refund_request

    payer = f.user()
    payment = f.paid(after_commit, ref="F1", amount="59.90", user=payer)
    with after_commit():
        refund = refund_request(payment=payment, amount="9.90", reason="差价", idempotency_key="r1")
    refund.refresh_from_db()
    client.force_login(payer)
    response = client.get(f"/api/v1/payments/{payment.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body.pop("created_at") and body.pop("paid_at")
    [polled_refund] = body.pop("refunds")
    assert polled_refund.pop("created_at") and polled_refund.pop("succeeded_at")
    assert polled_refund == {"id": refund.pk, "amount": "9.90", "reason": "差价", "status": "succeeded"}
    assert body == {"id": payment.pk, "status": "succeeded", "payable_type": f.PAYABLE, "payable_ref": "F1",
                    "amount": "59.90", "currency": "CNY", "gateway": "sandbox", "pay_url": payment.pay_url,
                    "refunded_amount": "9.90"}


def test_someone_elses_payment_is_not_found_and_a_stranger_must_sign_in(client):
    payment = f.payment(ref="F2", user=f.user())
    assert client.get(f"/api/v1/payments/{payment.pk}").status_code == 401
    client.force_login(f.user())
    response = client.get(f"/api/v1/payments/{payment.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "payments.payment_unknown")
    assert client.get("/api/v1/payments/999999").json()["code"] == "payments.payment_unknown"


def test_finance_may_look_at_any_payment_but_operations_may_not(client):
    payment = f.payment(ref="F3", user=f.user())
    client.force_login(merchant_factories.operator("finance"))
    assert client.get(f"/api/v1/payments/{payment.pk}").json()["status"] == "pending"
    client.force_login(merchant_factories.operator("ops"))
    assert client.get(f"/api/v1/payments/{payment.pk}").status_code == 404


def test_the_webhook_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/payments/webhooks/{gateway_name}" in paths
    assert "/api/v1/payments/{payment_id}" in paths
