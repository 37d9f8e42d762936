"""Posting many entries at once (journal_post_many): the same rules as journal_post, all or nothing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ledger import factories as f
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.reconcile import reconcile_run
from tuishou.ledger.services import (
    EntryDraft,
    InsufficientFunds,
    account_for,
    accounts_for_owners,
    journal_post,
    journal_post_many,
    journal_reverse,
)

Kind = Account.Kind
EntryKind = JournalEntry.Kind
pytestmark = pytest.mark.django_db


def _move(debit, credit, amount: str, key: str, **options) -> EntryDraft:
    value = Decimal(amount)
    return EntryDraft(kind=options.pop("kind", EntryKind.ADJUSTMENT), key=key,
                      lines=[(debit, value), (credit, -value)], **options)


def _state(*accounts):
    return [(f.refreshed(a).balance, f.refreshed(a).line_count) for a in accounts]


def test_a_batch_writes_every_entry_and_moves_each_balance_by_the_sum():
    expense, clearing, revenue = (f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING),
                                  f.platform(Kind.PLATFORM_REVENUE))

    posted = journal_post_many(drafts=[
        _move(expense, clearing, "19.90", "b:1", memo="first"),
        _move(expense, revenue, "5.00", "b:2"),
        EntryDraft(kind=EntryKind.ADJUSTMENT, key="b:3", lines=[
            (clearing, Decimal("3.00")), (clearing, Decimal("1.00")), (expense, Decimal("-4.00"))]),
    ])

    assert [entry.key for entry in posted] == ["b:1", "b:2", "b:3"]
    assert all(entry.pk for entry in posted)
    assert posted[0].memo == "first"
    assert [(line.account_id, line.amount) for line in posted[2].lines.order_by("id")] == [
        (clearing.pk, Decimal("3.00")), (clearing.pk, Decimal("1.00")), (expense.pk, Decimal("-4.00"))]
    assert _state(expense, clearing, revenue) == [
        (Decimal("20.90"), 3), (Decimal("-15.90"), 3), (Decimal("-5.00"), 1)]
    assert reconcile_run().ok


@pytest.mark.reconcile_checks("account_balances", "entries_balanced")
def test_a_commission_batch_keeps_each_snapshot():
    owner = f.promoter()
    expense, pending = f.platform(Kind.COMMISSION_EXPENSE), account_for(Kind.PROMOTER_PENDING, owner)
    lines = [(expense, Decimal("19.90")), (pending, Decimal("-19.90"))]

    first, second = journal_post_many(drafts=[
        EntryDraft(kind=EntryKind.COMMISSION_ACCRUED, key="a:1", lines=lines, snapshots={1: f.snapshot()}),
        EntryDraft(kind=EntryKind.COMMISSION_ACCRUED, key="a:2", lines=lines,
                   snapshots={1: f.snapshot(order_ref="O-1002", plan_version=4)})])

    assert first.lines.get(account=pending).snapshot == f.snapshot()
    assert second.lines.get(account=pending).snapshot == f.snapshot(order_ref="O-1002", plan_version=4)
    assert first.lines.get(account=expense).snapshot is None


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(1, 10_000)), min_size=1, max_size=12))
def test_a_batch_leaves_the_balances_a_loop_of_single_posts_leaves(moves):
    # given the same entries posted one by one on one set of accounts and as a batch on another
    single = [account_for(kind) for kind in (Kind.COMMISSION_EXPENSE, Kind.PAYOUT_CLEARING, Kind.PLATFORM_REVENUE)]
    batch = [account_for(kind) for kind in (Kind.GATEWAY_CLEARING, Kind.CUSTOMER_REFUNDS, Kind.COMMISSION_MARGIN)]
    before_single, before_batch = _state(*single), _state(*batch)
    moves = [(d, c, n) for d, c, n in moves if d != c]
    run = f.key("run")

    for i, (d, c, n) in enumerate(moves):
        journal_post(kind=EntryKind.ADJUSTMENT, key=f"{run}:single:{i}",
                     lines=[(single[d], Decimal(n) / 100), (single[c], -Decimal(n) / 100)])
    journal_post_many(drafts=[_move(batch[d], batch[c], str(Decimal(n) / 100), f"{run}:batch:{i}")
                              for i, (d, c, n) in enumerate(moves)])

    # then each account moved by the same amount and the same number of lines
    moved = [(b - b0, n - n0) for (b, n), (b0, n0) in zip(_state(*single), before_single, strict=True)]
    assert [(b - b0, n - n0) for (b, n), (b0, n0) in zip(_state(*batch), before_batch, strict=True)] == moved


def test_a_batch_posted_again_returns_the_first_entries_and_writes_nothing():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    drafts = [_move(expense, clearing, "8.00", "k:1"), _move(expense, clearing, "2.00", "k:2")]
    first = journal_post_many(drafts=drafts)
    before = f.counts()

    again = journal_post_many(drafts=drafts)

    assert [e.pk for e in again] == [e.pk for e in first]
    assert f.counts() == before
    assert _state(expense) == [(Decimal("10.00"), 2)]


def test_replays_mixed_with_new_entries_write_only_the_new_ones():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    single = f.move(expense, clearing, "8.00", entry_key="k:1")
    earlier, = journal_post_many(drafts=[_move(expense, clearing, "1.00", "k:2")])

    posted = journal_post_many(drafts=[_move(expense, clearing, "8.00", "k:1"), _move(expense, clearing, "5.00", "k:3"),
                                       _move(expense, clearing, "1.00", "k:2")])

    assert (posted[0].pk, posted[2].pk) == (single.pk, earlier.pk)
    assert JournalEntry.objects.count() == 3
    assert _state(expense, clearing) == [(Decimal("14.00"), 3), (Decimal("-14.00"), 3)]


def test_a_key_twice_in_one_batch_with_the_same_lines_posts_once():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)

    first, second = journal_post_many(drafts=[_move(expense, clearing, "8.00", "k"), _move(expense, clearing, "8.00",
                                                                                           "k")])

    assert first.pk == second.pk
    assert JournalEntry.objects.count() == 1
    assert _state(expense) == [(Decimal("8.00"), 1)]


def test_a_key_twice_in_one_batch_with_other_lines_is_refused_and_writes_nothing():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    before = f.counts()

    with pytest.raises(Conflict) as refused:
        journal_post_many(drafts=[_move(expense, clearing, "8.00", "k"), _move(expense, clearing, "9.00", "k")])

    assert (refused.value.code, refused.value.details) == ("ledger.key_reused", {"key": "k"})
    assert f.counts() == before


def test_a_key_reused_from_an_earlier_post_refuses_the_whole_batch():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    first = f.move(expense, clearing, "8.00", entry_key="k:1")
    before = f.counts()

    with pytest.raises(Conflict) as refused:
        journal_post_many(drafts=[_move(expense, clearing, "3.00", "k:2"), _move(expense, clearing, "9.00", "k:1")])

    assert (refused.value.code, refused.value.details) == ("ledger.key_reused", {"entry": first.pk})
    assert f.counts() == before
    assert _state(expense) == [(Decimal("8.00"), 1)]


@pytest.mark.parametrize(("amount", "code"), [("0.00", "ledger.zero_line"), ("1.001", "money.too_precise")])
def test_one_bad_entry_refuses_the_whole_batch(amount, code):
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    before = f.counts()

    with pytest.raises(InvalidInput) as refused:
        journal_post_many(drafts=[_move(expense, clearing, "8.00", "k:1"), _move(expense, clearing, amount, "k:2")])

    assert refused.value.code == code
    assert f.counts() == before
    assert _state(expense, clearing) == [(Decimal("0.00"), 0)] * 2


def test_a_commission_entry_without_its_snapshot_refuses_the_batch():
    expense, pending = f.platform(Kind.COMMISSION_EXPENSE), f.promoter_account(Kind.PROMOTER_PENDING)
    before = f.counts()

    with pytest.raises(InvalidInput) as refused:
        journal_post_many(drafts=[_move(expense, pending, "5.00", "k:1", kind=EntryKind.COMMISSION_ACCRUED,
                                        snapshots={1: f.snapshot()}),
                                  _move(expense, pending, "5.00", "k:2", kind=EntryKind.COMMISSION_ACCRUED)])

    assert refused.value.code == "ledger.snapshot_missing"
    assert f.counts() == before


def test_funds_are_checked_against_what_the_entries_before_leave():
    available = f.promoter_account(Kind.PROMOTER_AVAILABLE)
    frozen, expense = account_for(Kind.PROMOTER_FROZEN, available.promoter), f.platform(Kind.COMMISSION_EXPENSE)
    f.fund(available, "10.00")
    before = f.counts()

    # 10.00 + 40.00 income, then 30.00 and 30.00 withdrawn: the second finds 20.00
    with pytest.raises(InsufficientFunds) as refused:
        journal_post_many(drafts=[
            _move(expense, available, "40.00", "in"),
            _move(available, frozen, "30.00", "w:1", kind=EntryKind.WITHDRAWAL_REQUESTED, require_funds=[available]),
            _move(available, frozen, "30.00", "w:2", kind=EntryKind.WITHDRAWAL_REQUESTED, require_funds=[available])])

    assert (refused.value.code, refused.value.details) == (
        "ledger.insufficient_funds", {"account": available.key, "available": "20.00"})
    assert f.counts() == before
    assert f.refreshed(available).amount == Decimal("10.00")

    journal_post_many(drafts=[
        _move(expense, available, "40.00", "in"),
        _move(available, frozen, "50.00", "w:1", kind=EntryKind.WITHDRAWAL_REQUESTED, require_funds=[available])])
    assert (f.refreshed(available).amount, f.refreshed(frozen).amount) == (Decimal("0.00"), Decimal("50.00"))


def test_two_reversals_of_one_entry_in_a_batch_are_refused():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    entry = f.move(expense, clearing, "3.00")
    before = f.counts()

    with pytest.raises(Conflict) as refused:
        journal_post_many(drafts=[_move(clearing, expense, "3.00", "rev:1", kind=EntryKind.REVERSAL, reverses=entry),
                                  _move(clearing, expense, "3.00", "rev:2", kind=EntryKind.REVERSAL, reverses=entry)])

    assert refused.value.code == "ledger.already_reversed"
    assert f.counts() == before


def test_a_batch_reversal_of_an_entry_reversed_before_is_refused():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    entry = f.move(expense, clearing, "3.00")
    journal_reverse(entry=entry, key="rev:1")
    before = f.counts()

    with pytest.raises(Conflict) as refused:
        journal_post_many(drafts=[_move(clearing, expense, "3.00", "rev:2", kind=EntryKind.REVERSAL, reverses=entry)])

    assert refused.value.code == "ledger.already_reversed"
    assert f.counts() == before


def test_an_empty_batch_writes_nothing():
    assert journal_post_many(drafts=[]) == []
    assert f.counts() == (0, 0, 0)


def test_accounts_for_owners_opens_the_missing_ones_once():
    owners = [f.promoter(), f.promoter()]
    opened = account_for(Kind.PROMOTER_PENDING, owners[0])

    first = accounts_for_owners(kind=Kind.PROMOTER_PENDING, owner_ids=[o.pk for o in owners])
    again = accounts_for_owners(kind=Kind.PROMOTER_PENDING, owner_ids=[o.pk for o in owners])

    assert first[owners[0].pk].pk == opened.pk
    assert {k: a.pk for k, a in first.items()} == {k: a.pk for k, a in again.items()}
    assert first[owners[1].pk].key == f"promoter_pending:promoter:{owners[1].pk}"
    assert Account.objects.count() == 2


def test_accounts_for_owners_refuses_platform_kinds():
    with pytest.raises(InvalidInput) as refused:
        accounts_for_owners(kind=Kind.COMMISSION_EXPENSE, owner_ids=[1])

    assert refused.value.code == "ledger.owner_mismatch"
    assert not Account.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_over_the_same_accounts_in_opposite_orders_leave_exact_balances():
    accounts = [account_for(kind) for kind in (Kind.PAYOUT_CLEARING, Kind.GATEWAY_CLEARING, Kind.PLATFORM_REVENUE)]
    barrier = threading.Barrier(6)
    errors = []

    def batch(n):
        order = accounts if n % 2 else accounts[::-1]
        drafts = [_move(order[i], order[(i + 1) % 3], f"{n}.0{i + 1}", f"c:{n}:{i}") for i in range(3)]
        try:
            barrier.wait()
            journal_post_many(drafts=drafts)
            journal_post_many(drafts=drafts)  # and a replay of the whole batch
        except Exception as exc:  # surfaced to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=batch, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert JournalEntry.objects.count() == 18 and JournalLine.objects.count() == 36
    expected = {a.pk: Decimal("0.00") for a in accounts}
    for n in range(6):
        order = accounts if n % 2 else accounts[::-1]
        for i in range(3):
            expected[order[i].pk] += Decimal(f"{n}.0{i + 1}")
            expected[order[(i + 1) % 3].pk] -= Decimal(f"{n}.0{i + 1}")
    assert [(f.refreshed(a).balance, f.refreshed(a).line_count) for a in accounts] == [
        (expected[a.pk], 12) for a in accounts]
    assert reconcile_run().ok
