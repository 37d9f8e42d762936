from decimal import Decimal

import pytest

from tests.payments import factories as f
from tuishou.accounts.models import User
from tuishou.payments import sandbox
from tuishou.payments.models import PaymentEvent, Refund
from tuishou.payments.sandbox_models import SandboxRefund

pytestmark = pytest.mark.django_db


def test_a_success_for_an_expired_payable_is_refunded_in_full_automatically(payable, after_commit):
    # given a payment whose order expired before the money arrived; its handler writes, then refuses
    payment = f.payment(ref="E1", amount="59.90")
    payable.expired.add("E1")
    users_before = User.objects.count()
    payable.before_refusing = lambda: User.objects.create(username="written-then-undone")
    # when the payer pays anyway
    with after_commit():
        sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    # then the payment is refunded, not booked, and what the handler wrote is gone
    payment = f.refreshed(payment)
    assert (payment.status, payment.status_reason, payment.paid_at is not None) == (
        "expired_refunded", "order expired", True)
    assert (payable.paid, payable.refunded) == ([], [])
    assert User.objects.count() == users_before
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.automatic, refund.reason, refund.idempotency_key) == (
        Decimal("59.90"), "succeeded", True, "automatic: order expired", f"payment-{payment.pk}-refused")
    assert SandboxRefund.objects.get().amount == Decimal("59.90")
    assert list(PaymentEvent.objects.order_by("id").values_list("type", "outcome", "reason")) == [
        ("payment.succeeded", "processed", "payments.payable_refused"), ("refund.succeeded", "processed", "")]


def test_a_duplicate_of_the_refused_success_does_not_refund_twice(payable, after_commit):
    sandbox.sandbox_behave(sandbox.SandboxBehaviour(duplicate_rate=1.0))
    payment = f.payment(ref="E2")
    payable.expired.add("E2")
    with after_commit():
        sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    assert f.refreshed(payment).status == "expired_refunded"
    assert (Refund.objects.count(), SandboxRefund.objects.count()) == (1, 1)
    assert Refund.objects.get().status == "succeeded"
