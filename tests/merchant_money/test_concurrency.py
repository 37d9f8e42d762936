"""Races only PostgreSQL can show (SQLite ignores row locks): a merchant's withdrawals requested at once."""

from decimal import Decimal

import pytest

from tests.concurrency import at_once
from tests.merchant_money import factories as f
from tests.wallets import factories as wf
from tuishou.wallets.models import Withdrawal

D = Decimal


@pytest.fixture
def shop(django_capture_on_commit_callbacks):
    shop = f.merchant()
    f.settled_sale(lambda: django_capture_on_commit_callbacks(execute=True), shop)  # 300.00 available
    f.account_set(shop)
    return shop


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_merchant_withdrawals_at_once_that_together_exceed_the_balance_let_exactly_one_through(shop):
    owner, staff = f.owner(shop), f.staff(shop, role="finance")
    results = at_once([lambda: f.withdraw(shop, "200.00", actor=owner, key="a"),
                       lambda: f.withdraw(shop, "200.00", actor=staff, key="b")])
    made = [r for r in results if isinstance(r, Withdrawal)]
    errors = [getattr(r, "code", repr(r)) for r in results if isinstance(r, Exception)]
    assert (len(made), errors) == (1, ["wallets.insufficient_funds"])
    assert f.balances(shop) == {"pending": D("0.00"), "available": D("100.00"), "frozen": D("200.00"),
                                "withdrawn": D("0.00")}
    assert Withdrawal.objects.count() == 1
    wf.reconciled()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_merchant_idempotency_key_at_once_makes_one_withdrawal(shop):
    owner = f.owner(shop)
    results = at_once([lambda: f.withdraw(shop, "150.00", actor=owner, key="same")] * 4)
    assert all(isinstance(r, Withdrawal) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert f.balances(shop)["frozen"] == D("150.00")
    wf.reconciled()
