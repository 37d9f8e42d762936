"""Races only PostgreSQL can show (SQLite ignores row locks): concurrent withdrawals and concurrent callbacks."""

from decimal import Decimal

import pytest

from tests.concurrency import at_once
from tests.outbox import transport
from tests.wallets import factories as f
from tuishou.core.errors import DomainError
from tuishou.wallets import sandbox, services
from tuishou.wallets.models import PayoutEvent, Withdrawal


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_at_once_that_together_exceed_the_balance_let_exactly_one_through():
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    results = at_once([lambda key=key: f.withdraw(promoter, "60.00", key=key) for key in ("a", "b")])
    made = [r for r in results if isinstance(r, Withdrawal)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert (len(made), [getattr(e, "code", repr(e)) for e in errors]) == (1, ["wallets.insufficient_funds"])
    assert f.balances(promoter) == {"available": Decimal("40.00"), "frozen": Decimal("60.00"),
                                    "withdrawn": Decimal("0.00"), "revenue": Decimal("0.00")}
    assert Withdrawal.objects.count() == 1
    f.reconciled()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_six_requests_at_once_respect_the_daily_count_and_the_balance():
    promoter = f.promoter()
    f.fund(promoter, "1000.00")
    results = at_once([lambda n=n: f.withdraw(promoter, "10.00", key=f"k{n}") for n in range(6)])
    codes = sorted(r.code for r in results if isinstance(r, DomainError))
    assert codes == ["wallets.daily_limit"] * 3
    assert Withdrawal.objects.count() == 3
    assert f.balances(promoter)["frozen"] == Decimal("30.00")
    f.reconciled()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_idempotency_key_at_once_makes_one_withdrawal():
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    results = at_once([lambda: f.withdraw(promoter, "60.00", key="same")] * 4)
    assert all(isinstance(r, Withdrawal) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert f.balances(promoter)["frozen"] == Decimal("60.00")
    f.reconciled()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_payout_callback_delivered_twice_at_once_is_processed_once():
    # given an approved withdrawal whose sandbox callback was captured instead of sent
    promoter = f.promoter()
    f.fund(promoter, "500.00")
    withdrawal = f.withdraw(promoter, "500.00")
    sent = []
    with transport(sandbox.CHANNEL, lambda path, body, headers: sent.append((body, dict(headers))) or 200):
        services.withdrawal_approve(actor=f.finance(), withdrawal_id=withdrawal.pk)  # committed: submitted at once
    [(body, headers)] = sent
    assert f.refreshed(withdrawal).status == "paying"
    # when it arrives twice at the same moment
    results = at_once([lambda: services.payout_callback_handle(provider="sandbox", headers=headers, body=body)] * 2)
    # then one delivery processed it and the other was a duplicate
    assert sorted(r.outcome for r in results) == ["duplicate", "processed"], results
    assert f.refreshed(withdrawal).status == "paid"
    assert sorted(PayoutEvent.objects.values_list("outcome", flat=True)) == ["duplicate", "processed"]
    assert f.balances(promoter) == {"available": Decimal("0.00"), "frozen": Decimal("0.00"),
                                    "withdrawn": Decimal("497.00"), "revenue": Decimal("3.00")}
    f.reconciled()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_rejection_racing_an_approval_lets_one_decide():
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    withdrawal = f.withdraw(promoter, "100.00")
    with transport(sandbox.CHANNEL, lambda path, body, headers: 200):  # the payout stays in payment
        results = at_once([lambda: services.withdrawal_approve(actor=f.finance(), withdrawal_id=withdrawal.pk),
                           lambda: services.withdrawal_reject(actor=f.finance(), withdrawal_id=withdrawal.pk,
                                                              reason="风控")])
    errors = [r for r in results if isinstance(r, DomainError)]
    assert [e.code for e in errors] == ["wallets.transition_invalid"]
    final = f.refreshed(withdrawal).status
    assert final in ("paying", "rejected")
    expected_frozen = Decimal("100.00") if final == "paying" else Decimal("0.00")
    assert f.balances(promoter)["frozen"] == expected_frozen
    f.reconciled()
