"""Races that only PostgreSQL can show (SQLite ignores row locks)."""

import pytest

from tests.concurrency import at_once
from tests.outbox import transport
from tests.payments import factories as f
from tuishou.core.errors import DomainError
from tuishou.payments import sandbox, services
from tuishou.payments.models import Payment, PaymentEvent, Refund


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_callback_delivered_twice_at_once_is_processed_once(payable):
    # given the payer paid and the sandbox's callback was captured instead of sent
    payment = f.payment(ref="H1")
    sent = []
    with transport(sandbox.CHANNEL, lambda path, body, headers: sent.append((body, dict(headers))) or 200):
        sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    [(body, headers)] = sent
    # when it arrives twice at the same moment
    results = at_once([lambda: services.payment_callback_handle(gateway="sandbox", headers=headers, body=body)] * 2)
    # then one delivery processed it and the other was a duplicate
    assert sorted(r.outcome for r in results) == ["duplicate", "processed"]
    assert f.refreshed(payment).status == "succeeded"
    assert len(payable.paid) == 1
    assert sorted(PaymentEvent.objects.values_list("outcome", flat=True)) == ["duplicate", "processed"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_that_together_exceed_the_payment_let_exactly_one_through(payable):
    payment = f.payment(ref="H2", amount="59.90")
    sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)  # committed: delivered and processed at once
    assert f.refreshed(payment).status == "succeeded"
    results = at_once([
        lambda key=key: services.refund_request(payment=payment, amount="40.00", reason="退货", idempotency_key=key)
        for key in ("r1", "r2")])
    refunds = [r for r in results if isinstance(r, Refund)]
    errors = [r for r in results if isinstance(r, DomainError)]
    assert (len(refunds), [e.code for e in errors]) == (1, ["payments.refund_exceeds_paid"])
    assert list(Refund.objects.values_list("amount", "status")) == [(refunds[0].amount, "succeeded")]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_starting_one_payable_twice_at_once_opens_one_payment_and_one_charge():
    results = at_once([
        lambda key=key: services.payment_start(payable_type=f.PAYABLE, payable_ref="H3", amount="10.00",
                                               idempotency_key=key) for key in ("k1", "k2", "k3")])
    assert all(isinstance(r, Payment) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Payment.objects.count() == 1
    assert sandbox.SandboxCharge.objects.count() == 1
