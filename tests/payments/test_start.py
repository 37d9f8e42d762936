from decimal import Decimal

import pytest

from tests.payments import factories as f
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.payments import services
from tuishou.payments.models import Payment
from tuishou.payments.sandbox_models import SandboxCharge

pytestmark = pytest.mark.django_db


def _start(ref="B1", key="k1", amount="59.90"):
    return services.payment_start(payable_type=f.PAYABLE, payable_ref=ref, amount=amount, idempotency_key=key)


def test_the_same_idempotency_key_answers_the_same_payment_and_opens_one_charge():
    first = _start()
    again = _start()
    assert (again.pk, again.pay_url, again.status) == (first.pk, first.pay_url, "pending")
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (1, 1)


def test_starting_again_while_a_payment_is_open_answers_the_open_one():
    first = _start(key="k1")
    assert _start(key="k2").pk == first.pk
    assert Payment.objects.count() == 1


def test_paying_an_already_paid_payable_twice_is_refused_and_writes_nothing(payable, after_commit):
    done = f.paid(after_commit, ref="B2", key="k1")
    assert done.status == "succeeded"
    for key in ("k1", "k2"):
        with pytest.raises(Conflict) as err:
            _start(ref="B2", key=key)
        assert (err.value.code, err.value.details) == ("payments.already_paid", {"payment_id": done.pk})
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (1, 1)


def test_after_a_failure_a_new_key_starts_a_new_payment_and_the_old_key_answers_the_failed_one(payable, after_commit):
    from tuishou.payments.sandbox import sandbox_charge_fail

    failed = _start(ref="B3", key="k1")
    with after_commit():
        sandbox_charge_fail(txn_id=failed.gateway_txn_id)
    assert f.refreshed(failed).status == "failed"
    assert _start(ref="B3", key="k1").pk == failed.pk
    retry = _start(ref="B3", key="k2")
    assert retry.pk != failed.pk and retry.status == "pending"
    assert SandboxCharge.objects.count() == 2


def test_reusing_a_key_for_something_else_is_refused():
    _start(ref="B4", key="k1")
    with pytest.raises(Conflict) as err:
        _start(ref="B5", key="k1")
    assert err.value.code == "payments.idempotency_key_reused"
    with pytest.raises(Conflict) as err:
        _start(ref="B4", key="k1", amount="10.00")
    assert err.value.code == "payments.idempotency_key_reused"
    with pytest.raises(Conflict) as err:
        _start(ref="B4", key="k2", amount="10.00")
    assert err.value.code == "payments.amount_changed"
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(("amount", "code"), [
    ("0", "payments.amount_invalid"), ("-1.00", "money.negative"), ("1.001", "money.too_precise"),
    (1.5, "money.malformed"),
])
def test_a_bad_amount_is_refused(amount, code):
    with pytest.raises(InvalidInput) as err:
        _start(amount=amount)
    assert err.value.code == code
    assert Payment.objects.count() == 0


def test_an_unknown_gateway_is_refused():
    with pytest.raises(NotFound) as err:
        services.payment_start(payable_type=f.PAYABLE, payable_ref="B6", amount=Decimal("1.00"),
                               idempotency_key="k", gateway="paypal-ish")
    assert err.value.code == "payments.gateway_unknown"
    assert Payment.objects.count() == 0
