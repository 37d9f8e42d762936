"""Reading the ledger: balances, statements and the recomputation the cache is checked against."""

import random
from decimal import Decimal

import pytest

from tests.ledger import factories as f
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.selectors import (
    account_statement,
    balances_recomputed,
    entries_unbalanced,
    owner_balances,
    platform_balances,
)
from tuishou.ledger.services import account_for

Kind = Account.Kind
pytestmark = pytest.mark.django_db


@pytest.mark.reconcile_checks("account_balances", "entries_balanced")
def test_a_promoter_reads_every_balance_on_its_normal_side():
    owner = f.promoter()
    pending, available = account_for(Kind.PROMOTER_PENDING, owner), account_for(Kind.PROMOTER_AVAILABLE, owner)
    f.fund(pending, "30.00")
    f.move(pending, available, "12.50", kind=JournalEntry.Kind.COMMISSION_SETTLED)

    assert owner_balances(owner) == {"promoter_available": Decimal("12.50"), "promoter_frozen": Decimal("0.00"),
                                     "promoter_pending": Decimal("17.50"), "promoter_withdrawn": Decimal("0.00")}
    assert platform_balances()["commission_expense"] == Decimal("30.00")


def test_a_merchant_reads_what_it_is_owed():
    shop = f.merchant()
    f.move(f.platform(Kind.GATEWAY_CLEARING), account_for(Kind.MERCHANT_PAYABLE, shop), "95.00")

    assert owner_balances(shop) == {"merchant_frozen": Decimal("0.00"), "merchant_payable": Decimal("95.00"),
                                    "merchant_pending": Decimal("0.00"), "merchant_withdrawn": Decimal("0.00")}


def test_a_statement_lists_lines_with_the_running_balance():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    f.move(expense, clearing, "10.00", entry_key="a")
    f.move(clearing, expense, "3.00", entry_key="b")
    f.move(expense, clearing, "0.50", entry_key="c")

    rows = account_statement(account=clearing)
    latest = account_statement(account=clearing, limit=2)

    assert [(r.entry_key, r.amount, r.running_balance) for r in rows] == [
        ("a", Decimal("-10.00"), Decimal("-10.00")), ("b", Decimal("3.00"), Decimal("-7.00")),
        ("c", Decimal("-0.50"), Decimal("-7.50"))]
    assert [(r.entry_key, r.running_balance) for r in latest] == [("b", Decimal("-7.00")), ("c", Decimal("-7.50"))]


def test_cached_balances_equal_the_recomputed_sums_after_many_postings():
    rng = random.Random(7)
    accounts = [f.platform(kind) for kind in (Kind.COMMISSION_EXPENSE, Kind.PAYOUT_CLEARING, Kind.GATEWAY_CLEARING,
                                              Kind.PLATFORM_REVENUE)]
    for _ in range(40):
        debit, credit = rng.sample(accounts, 2)
        f.move(debit, credit, f"{rng.randint(1, 99999) / 100:.2f}")

    recomputed = balances_recomputed()

    assert {a.pk: (a.balance, a.line_count) for a in Account.objects.all()} == recomputed
    assert sum(total for total, _ in recomputed.values()) == Decimal("0.00")
    assert sum(count for _, count in recomputed.values()) == 80
    assert entries_unbalanced() == []
