from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.payments import factories as f
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.payments import sandbox, services
from tuishou.payments.events import RefundSucceeded
from tuishou.payments.models import PaymentEvent, Refund
from tuishou.payments.sandbox import SandboxBehaviour
from tuishou.payments.sandbox_models import SandboxRefund

pytestmark = pytest.mark.django_db


def test_a_refund_goes_through_the_gateway_and_its_callback_completes_it(payable, after_commit):
    # given a paid payment of 59.90
    payment = f.paid(after_commit, ref="D1", amount="59.90")
    # when 20.00 is refunded
    with after_commit():
        refund = services.refund_request(payment=payment, amount="20.00", reason="少发一件", idempotency_key="r1")
        assert refund.status == "requested"
    # then the gateway took it, called back, and the payable heard of it
    refund = f.refreshed(refund)
    at_gateway = SandboxRefund.objects.get()
    assert (refund.status, refund.gateway_refund_id, at_gateway.reference, at_gateway.amount) == (
        "succeeded", at_gateway.refund_id, f"refund-{refund.pk}", Decimal("20.00"))
    assert payable.refunded == [RefundSucceeded(
        refund_id=refund.pk, payment_id=payment.pk, payable_type=f.PAYABLE, payable_ref="D1",
        amount=Decimal("20.00"), refunded_total=Decimal("20.00"), paid_amount=Decimal("59.90"), reason="少发一件")]
    assert not payable.refunded[0].fully_refunded
    assert PaymentEvent.objects.filter(type="refund.succeeded", outcome="processed", refund=refund).count() == 1
    assert f.refreshed(payment).status == "succeeded"


def test_refunding_more_than_was_paid_is_refused_and_writes_nothing(payable, after_commit):
    payment = f.paid(after_commit, ref="D2", amount="59.90")
    with pytest.raises(InvalidInput) as err:
        services.refund_request(payment=payment, amount="59.91", reason="x", idempotency_key="r1")
    assert (err.value.code, err.value.details) == ("payments.refund_exceeds_paid", {
        "paid": "59.90", "already_refunded_or_pending": "0.00", "requested": "59.91", "refundable": "59.90"})
    assert Refund.objects.count() == 0


def test_two_partial_refunds_may_not_together_exceed_what_was_paid(payable, after_commit):
    payment = f.paid(after_commit, ref="D3", amount="59.90")
    with after_commit():
        services.refund_request(payment=payment, amount="40.00", reason="退一件", idempotency_key="r1")
    with pytest.raises(InvalidInput) as err:
        services.refund_request(payment=payment, amount="19.91", reason="再退", idempotency_key="r2")
    assert err.value.details["refundable"] == "19.90"
    with after_commit():
        last = services.refund_request(payment=payment, amount="19.90", reason="再退", idempotency_key="r3")
    assert f.refreshed(last).status == "succeeded"
    assert payable.refunded[-1].refunded_total == Decimal("59.90")
    assert payable.refunded[-1].fully_refunded
    assert list(Refund.objects.order_by("id").values_list("amount", flat=True)) == [Decimal("40.00"),
                                                                                    Decimal("19.90")]


def test_a_pending_refund_counts_against_what_may_be_refunded_and_a_failed_one_does_not(client, payable,
                                                                                         after_commit):
    # given a refund of everything whose callback the gateway holds back, and which will fail there
    payment = f.paid(after_commit, ref="D4", amount="59.90")
    sandbox.sandbox_behave(SandboxBehaviour(delay_seconds=(60, 60), refund_failure_rate=1.0))
    with after_commit():
        held = services.refund_request(payment=payment, amount="59.90", reason="整单退", idempotency_key="r1")
    assert f.refreshed(held).status == "pending"
    with pytest.raises(InvalidInput):
        services.refund_request(payment=payment, amount="0.01", reason="x", idempotency_key="r2")
    # when the gateway's refund.failed arrives
    with after_commit():
        sandbox.sandbox_callbacks_deliver_due(now=timezone.now() + timedelta(seconds=61))
    # then that refund no longer counts
    assert (f.refreshed(held).status, f.refreshed(held).status_reason) == ("failed", "payer account closed")
    sandbox.sandbox_behave(SandboxBehaviour())
    with after_commit():
        again = services.refund_request(payment=payment, amount="59.90", reason="整单退", idempotency_key="r3")
    assert f.refreshed(again).status == "succeeded"
    assert [r.amount for r in payable.refunded] == [Decimal("59.90")]
    # and a success for the failed one (a gateway contradicting itself) is recorded and ignored
    body = f.event_body(event_id="evt_late", type="refund.succeeded", txn_id=payment.gateway_txn_id,
                        refund_id=held.gateway_refund_id, refund_reference=held.reference, amount="59.90",
                        currency="CNY")
    late = f.post_signed(client, body).json()
    assert (late["status"], late["reason"]) == ("ignored", "payments.event_out_of_order")
    assert f.refreshed(held).status == "failed"
    assert len(payable.refunded) == 1


def test_the_same_refund_key_answers_the_same_refund_and_asks_the_gateway_once(payable, after_commit):
    payment = f.paid(after_commit, ref="D5")
    with after_commit():
        first = services.refund_request(payment=payment, amount="5.00", reason="x", idempotency_key="r1")
    with after_commit():
        again = services.refund_request(payment=payment, amount="5.00", reason="x", idempotency_key="r1")
    assert again.pk == first.pk
    assert (Refund.objects.count(), SandboxRefund.objects.count(), len(payable.refunded)) == (1, 1, 1)
    with pytest.raises(Conflict) as err:
        services.refund_request(payment=payment, amount="6.00", reason="x", idempotency_key="r1")
    assert err.value.code == "payments.idempotency_key_reused"


def test_a_payment_not_paid_cannot_be_refunded(payable):
    payment = f.payment(ref="D6")
    with pytest.raises(Conflict) as err:
        services.refund_request(payment=payment, amount="1.00", reason="x", idempotency_key="r1")
    assert (err.value.code, err.value.details) == ("payments.not_refundable", {"status": "pending"})
    assert Refund.objects.count() == 0


@pytest.mark.parametrize(("amount", "reason", "code"), [
    ("0.00", "x", "payments.amount_invalid"), ("1.00", "  ", "payments.refund_invalid"),
    ("-1.00", "x", "money.negative"),
])
def test_a_bad_refund_request_is_refused(payable, after_commit, amount, reason, code):
    payment = f.paid(after_commit, ref="D7")
    with pytest.raises(InvalidInput) as err:
        services.refund_request(payment=payment, amount=amount, reason=reason, idempotency_key="r1")
    assert err.value.code == code
    assert Refund.objects.count() == 0


def test_a_refund_the_gateway_declines_outright_fails(payable, after_commit):
    payment = f.paid(after_commit, ref="D8")
    refund = Refund.objects.create(payment=payment, amount=Decimal("1.00"), reason="x", idempotency_key="r1")
    payment.gateway_txn_id = "sbx_gone"
    payment.save(update_fields=["gateway_txn_id"])
    refund = services.refund_submit(refund_id=refund.pk)
    assert (refund.status, refund.status_reason) == ("failed", "The payment gateway has no paid charge sbx_gone.")
