"""Races on PostgreSQL (SQLite ignores row locks): refunds racing the settlement task end balanced either way."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.concurrency import at_once
from tests.orders import factories as of
from tests.outbox import transport
from tests.settlement import factories as f
from tuishou.ledger.models import JournalEntry
from tuishou.ledger.reconcile import reconcile_run
from tuishou.orders import aftersales
from tuishou.payments import sandbox
from tuishou.settlement.models import Commission, MerchantReceivable
from tuishou.settlement.settle import settlement_run

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
K = f.K


def _captured_refund(order, amount: str):
    """Open a case and have the merchant accept; the gateway's refund callback is caught, not delivered."""
    captured = []
    with transport(sandbox.CHANNEL, lambda path, body, headers: captured.append((path, body, dict(headers))) or 200):
        case = aftersales.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="退",
                                          amount=amount)
        aftersales.aftersales_answer(actor=of.owner(order.merchant), case_id=case.pk, accept=True)
    path, body, headers = captured[-1]
    extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}

    def deliver():
        from django.test import Client

        return Client().post(path, data=body, content_type="application/json", headers=extra).status_code

    return deliver


@pytest.mark.usefixtures("self_purchase_rule_off")
def test_refunds_racing_the_settlement_task_leave_the_books_balanced():
    # given X's orders of the spec's example 2 (each X 40.00 + 4.00, Z 4.00, merchant 300.00):
    of.plan(f.EXAMPLE_2)
    x, _, z = f.example_2_chain()
    shop = of.shop(fee_rate="0.0500")

    def buy():
        return f.self_purchase(_NoCapture(), x, merchant=shop)

    clawed = f.received(buy())  # settled before the race, then fully refunded during it
    settlement_run(as_of=clawed.received_at + timedelta(days=16))
    due = [f.received(buy()) for _ in range(3)]  # settled during the race
    contested = f.received(buy())  # refunded 100.00 while the settlement run may be settling it
    pending = buy()  # not received: its refund cancels pending commission
    refund_clawed = _captured_refund(clawed, "400.00")
    refund_pending = _captured_refund(pending, "100.00")
    as_of = contested.received_at + timedelta(days=16)

    def refund_contested():
        return f.refund(_NoCapture(), contested, amount="100.00").status

    def settle():
        return settlement_run(as_of=as_of, chunk_size=2)

    # when the settlement run and three refunds go at once
    results = at_once([settle, refund_clawed, refund_pending, refund_contested])

    # then every refund went through, and whatever the interleaving the balances come out the same
    assert results[1:] == [200, 200, "refunded"], results
    assert not isinstance(results[0], Exception), results[0]
    settlement_run(as_of=as_of)  # anything the race left for later
    assert (f.account_amount(K.PROMOTER_AVAILABLE, x), f.account_amount(K.PROMOTER_PENDING, x)) == (
        Decimal("165.00"), Decimal("33.00"))  # 3 × 44.00 + 33.00 available; 33.00 pending; the clawed order 0
    assert (f.account_amount(K.PROMOTER_AVAILABLE, z), f.account_amount(K.PROMOTER_PENDING, z)) == (
        Decimal("15.00"), Decimal("3.00"))
    assert (f.account_amount(K.MERCHANT_PAYABLE, shop), f.account_amount(K.MERCHANT_PENDING, shop)) == (
        Decimal("1125.00"), Decimal("225.00"))
    assert set(Commission.objects.filter(order__in=due).values_list("status", flat=True)) == {"available"}
    assert set(Commission.objects.filter(order=clawed).values_list("status", flat=True)) == {"clawed_back"}
    assert MerchantReceivable.objects.get(order=contested).net == Decimal("225.00")


@pytest.mark.usefixtures("self_purchase_rule_off")
def test_two_settlement_runs_at_once_settle_every_commission_once():
    # given 5 received orders of the spec's example 2 (3 commissions each: X 40.00 + 4.00, Z 4.00) all due
    of.plan(f.EXAMPLE_2)
    x, _, z = f.example_2_chain()
    shop = of.shop(fee_rate="0.0500")
    orders = [f.received(f.self_purchase(_NoCapture(), x, merchant=shop)) for _ in range(5)]
    as_of = orders[-1].received_at + timedelta(days=16)

    def settle():
        return settlement_run(as_of=as_of, chunk_size=4)

    # when two settlement runs go at once, in chunks that overlap in time and rows
    results = at_once([settle, settle])

    # then both finished, and between them they settled each commission and merchant share exactly once
    assert not any(isinstance(result, Exception) for result in results), results
    assert sum(result.commissions for result in results) == 15
    assert sum(result.receivables for result in results) == 5
    assert set(Commission.objects.filter(order__in=orders).values_list("status", flat=True)) == {"available"}
    keys = list(JournalEntry.objects.filter(kind=JournalEntry.Kind.COMMISSION_SETTLED).values_list("key", flat=True))
    assert sorted(keys) == sorted(f"settle:commission:{pk}" for pk in
                                  Commission.objects.filter(order__in=orders).values_list("pk", flat=True))
    assert (f.account_amount(K.PROMOTER_AVAILABLE, x), f.account_amount(K.PROMOTER_PENDING, x)) == (
        Decimal("220.00"), Decimal("0.00"))
    assert (f.account_amount(K.PROMOTER_AVAILABLE, z), f.account_amount(K.PROMOTER_PENDING, z)) == (
        Decimal("20.00"), Decimal("0.00"))
    assert (f.account_amount(K.MERCHANT_PAYABLE, shop), f.account_amount(K.MERCHANT_PENDING, shop)) == (
        Decimal("1500.00"), Decimal("0.00"))
    assert reconcile_run().ok
    assert settlement_run(as_of=as_of).commissions == 0  # nothing left


class _NoCapture:
    """Stands in for the after_commit fixture: with transaction=True, on-commit callbacks run at once."""

    def __call__(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
