"""Concurrent posts on PostgreSQL (SQLite ignores row locks): exact balances, no deadlock, no overdraft."""

from decimal import Decimal

import pytest

from tests.concurrency import at_once, results_and_errors
from tests.ledger import factories as f
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.reconcile import reconcile_run
from tuishou.ledger.services import InsufficientFunds, account_for, journal_post_transfers

Kind = Account.Kind


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_both_ways_between_two_accounts_leave_exact_balances():
    a, b = f.platform(Kind.PAYOUT_CLEARING), f.platform(Kind.GATEWAY_CLEARING)
    # Half move a → b and half b → a: each takes the locks in pk order, so opposite directions cannot deadlock.
    jobs = [(lambda i=i: f.move(a, b, f"{i}.01", entry_key=f"k{i}") if i % 2 else
             f.move(b, a, f"{i}.01", entry_key=f"k{i}")) for i in range(20)]

    _, errors = results_and_errors(at_once(jobs))

    assert errors == [None] * 20
    expected = sum(Decimal(f"{i}.01") * (1 if i % 2 else -1) for i in range(20))  # debits on a minus credits
    assert (f.refreshed(a).balance, f.refreshed(b).balance) == (expected, -expected)
    assert (f.refreshed(a).line_count, f.refreshed(b).line_count) == (20, 20)
    assert reconcile_run().ok


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_withdrawals_beyond_the_balance_let_exactly_one_through():
    owner = f.promoter()
    available, frozen = account_for(Kind.PROMOTER_AVAILABLE, owner), account_for(Kind.PROMOTER_FROZEN, owner)
    f.fund(available, "100.00")
    jobs = [lambda n=n: f.move(available, frozen, "60.00", kind=JournalEntry.Kind.WITHDRAWAL_REQUESTED,
                                entry_key=f"withdraw:{n}", require_funds=[available]) for n in range(2)]

    results, errors = results_and_errors(at_once(jobs))

    assert sorted(type(e).__name__ for e in errors if e) == ["InsufficientFunds"]
    assert sum(r is not None for r in results) == 1
    assert all(e.code == "ledger.insufficient_funds" for e in errors if isinstance(e, InsufficientFunds))
    assert (f.refreshed(available).amount, f.refreshed(frozen).amount) == (Decimal("40.00"), Decimal("60.00"))
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.WITHDRAWAL_REQUESTED).count() == 1
    assert reconcile_run().ok


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_key_post_once():
    a, b = f.platform(Kind.PAYOUT_CLEARING), f.platform(Kind.GATEWAY_CLEARING)

    results, errors = results_and_errors(at_once([lambda: f.move(a, b, "7.00", entry_key="callback:1")] * 6))

    assert errors == [None] * 6
    assert len({entry.pk for entry in results}) == 1
    assert JournalEntry.objects.count() == 1
    assert f.refreshed(a).balance == Decimal("7.00")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_transfer_postings_of_the_same_keys_post_once_and_refuse_the_rest_whole():
    # given a promoter's pending 30.00 and four set-based postings of the same three keys (plain INSERTs, no
    # ON CONFLICT: a taken key fails the statement, which waits for the transaction that holds it)
    owner = f.promoter()
    pending = account_for(Kind.PROMOTER_PENDING, owner)
    f.move(f.platform(Kind.COMMISSION_EXPENSE), pending, "30.00")
    keys = ["settle:race:1", "settle:race:2", "settle:race:3"]

    def post():
        return journal_post_transfers(kind=JournalEntry.Kind.COMMISSION_SETTLED, debit_kind=Kind.PROMOTER_PENDING,
                                      credit_kind=Kind.PROMOTER_AVAILABLE, keys=keys, memos=keys,
                                      owner_ids=[owner.pk] * 3, amounts=[1000] * 3)

    # when they run at once
    results, errors = results_and_errors(at_once([post] * 4))

    # then one posted the three entries, the others were refused naming the keys, and wrote nothing
    assert results.count(3) == 1
    assert sorted((e.code, e.details["keys"]) for e in errors if e) == [("ledger.key_reused", keys)] * 3
    assert JournalEntry.objects.filter(key__startswith="settle:race:").count() == 3
    available = account_for(Kind.PROMOTER_AVAILABLE, owner)
    assert (f.refreshed(pending).balance, f.refreshed(pending).line_count) == (Decimal("0.00"), 4)
    assert (f.refreshed(available).balance, f.refreshed(available).line_count) == (Decimal("-30.00"), 3)
    assert reconcile_run().ok
