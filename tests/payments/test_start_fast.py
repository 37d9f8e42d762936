"""The fast payment start (issue 13, ``TUISHOU["PAYMENT_START_FAST_PATH"]``, PostgreSQL, the sandbox gateway): a new
payment started in one statement writes exactly the rows the services write and answers the same payment;
replays, open or paid payables and reused keys are left to the services, whose answers and errors stay theirs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.payments import factories as f
from tests.spies import answers_recorded
from tuishou.core.errors import DomainError
from tuishou.payments import services
from tuishou.payments.models import Payment, PaymentStatusChange
from tuishou.payments.sandbox import SandboxGateway, charge_pay_url
from tuishou.payments.sandbox_models import SandboxCharge
from tuishou.payments.start_fast import start_fast_enabled

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]
PAYMENT_FIELDS = ("user_id", "payable_type", "payable_ref", "amount", "currency", "status", "status_reason",
                  "gateway", "gateway_txn_id", "pay_url", "return_url", "idempotency_key", "paid_at")
CHARGE_FIELDS = ("txn_id", "reference", "amount", "currency", "description", "return_url", "status",
                 "failed_attempts", "paid_at")


class Undo(Exception):
    pass


@pytest.fixture
def fast_calls(monkeypatch):
    """Every answer of the fast start (None: it left the start to the services)."""
    return answers_recorded(monkeypatch, services, "payment_start_fast")


def _mode(settings, fast: bool) -> None:
    settings.TUISHOU = {**settings.TUISHOU, "PAYMENT_START_FAST_PATH": fast}


def _written(answer: Payment, before: int) -> dict:
    """Every row the start wrote, its own identities (pk, txn id) replaced by names, and how it answered."""
    payments = list(Payment.objects.filter(pk__gt=before).values("pk", *PAYMENT_FIELDS, "created_at",
                                                                 "updated_at"))
    assert [p["pk"] for p in payments] == [answer.pk]
    (row,) = payments
    txn, pk = row["gateway_txn_id"], row["pk"]
    assert txn.startswith("sbx_") and row["pay_url"] == charge_pay_url(txn)
    history = list(PaymentStatusChange.objects.filter(payment_id=pk).values(
        "event", "from_status", "to_status", "actor_id", "reason", "created_at"))
    assert row["created_at"] <= row["updated_at"] == history[-1]["created_at"]  # the issue stamps both
    charges = list(SandboxCharge.objects.filter(txn_id=txn).values(*CHARGE_FIELDS))
    assert SandboxCharge.objects.filter(reference=f"payment-{pk}").count() == 1

    def named(values: dict) -> dict:
        return {k: ("TXN" if v == txn else "PAY_URL" if v == row["pay_url"] else
                    "payment-PK" if v == f"payment-{pk}" else v)
                for k, v in values.items() if k not in ("pk", "created_at", "updated_at")}

    answered = named({name: getattr(answer, name) for name in PAYMENT_FIELDS})
    return {"payment": named(row), "answer": answered, "history": [named(h) for h in history],
            "charges": [named(c) for c in charges]}


def _start(settings, fast: bool, **kwargs) -> dict:
    """Start in one mode, read what was written, then roll it back (so both modes start from the same rows)."""
    _mode(settings, fast)
    before = Payment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with transaction.atomic():
            seen = _written(services.payment_start(**kwargs), before)
            raise Undo
    except Undo:
        return seen


starts = st.fixed_dictionaries({
    "payable_type": st.sampled_from(["checkout", f.PAYABLE]),
    "payable_ref": st.text("0123456789ABCDEFxyz-", min_size=1, max_size=64),
    "amount": st.integers(1, 10**9).map(lambda minor: Decimal(minor) / 100),
    "idempotency_key": st.text("abcdef0123456789-:", min_size=1, max_size=100),
    "description": st.one_of(st.just(""), st.text(max_size=240).filter(lambda t: "\x00" not in t)),
    "return_url": st.sampled_from(["", f.RETURN_URL, "https://testserver/a?b=1"]),
    "payer": st.booleans(),
})


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=starts)
def test_the_fast_start_writes_and_answers_what_the_services_do(settings, fast_calls, start):
    # given a payable with no payment yet (a payer or none), and both modes started from the same rows
    payer = f.user() if start.pop("payer") else None
    kwargs = {**start, "user": payer}
    # when the services start it, and then (rolled back in between) the fast start
    services_rows = _start(settings, False, **kwargs)
    fast_calls.clear()
    fast_rows = _start(settings, True, **kwargs)
    # then the fast start answered (it did not fall back), and wrote and answered exactly what the services did
    assert len(fast_calls) == 1 and fast_calls[0] is not None
    assert fast_rows == services_rows
    assert fast_rows["history"] == [{"event": "issue", "from_status": "created", "to_status": "pending",
                                     "actor_id": None, "reason": ""}]


def _outcome(call) -> tuple:
    try:
        payment = call()
    except DomainError as exc:
        return ("error", exc.code, exc.details)
    return ("payment", payment.pk, payment.status, payment.amount, payment.gateway_txn_id)


@pytest.mark.parametrize("case", ["same key", "open one", "paid", "amount changed", "key reused"])
def test_anything_but_a_new_payment_is_answered_by_the_services(settings, fast_calls, after_commit, payable, case):
    # given a payable with a payment already (paid in one case), started by the services
    _mode(settings, False)
    first = f.paid(after_commit, ref="B1", key="k1") if case == "paid" else f.payment(ref="B1", key="k1")
    again = {"same key": dict(ref="B1", key="k1"), "open one": dict(ref="B1", key="k2"),
             "paid": dict(ref="B1", key="k2"), "amount changed": dict(ref="B1", key="k2", amount="60.00"),
             "key reused": dict(ref="B2", key="k1")}[case]
    counts = (Payment.objects.count(), SandboxCharge.objects.count(), PaymentStatusChange.objects.count())

    def start():
        return f.payment(**again)

    # when it is started again through the services, and with the fast start on
    _mode(settings, False)
    reference = _outcome(start)
    _mode(settings, True)
    fast = _outcome(start)
    # then the fast start wrote nothing and left it to the services, which answered as they do without it
    assert fast_calls == [None]
    assert fast == reference
    assert reference[:2] in {"same key": [("payment", first.pk)], "open one": [("payment", first.pk)],
                             "paid": [("error", "payments.already_paid")],
                             "amount changed": [("error", "payments.amount_changed")],
                             "key reused": [("error", "payments.idempotency_key_reused")]}[case]
    assert (Payment.objects.count(), SandboxCharge.objects.count(),
            PaymentStatusChange.objects.count()) == counts


def test_only_the_sandbox_gateway_takes_the_fast_start(settings):
    # a real gateway is outside the database: the services commit the payment before calling it
    _mode(settings, True)
    assert (start_fast_enabled(SandboxGateway()), start_fast_enabled(object())) == (True, False)
    _mode(settings, False)
    assert start_fast_enabled(SandboxGateway()) is False
