"""Posting journal entries: balance, idempotency, snapshots, overdraft guard, reversals."""

from decimal import Decimal

import pytest

from tests.ledger import factories as f
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.services import InsufficientFunds, account_for, journal_post, journal_reverse

Kind = Account.Kind
EntryKind = JournalEntry.Kind
pytestmark = pytest.mark.django_db


def test_a_balanced_entry_writes_its_lines_and_moves_both_balances():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)

    entry = journal_post(kind=EntryKind.ADJUSTMENT, key="adj:1", memo="opening",
                         lines=[(expense, Decimal("19.90")), (clearing, Decimal("-19.90"))])

    assert [(line.account_id, line.amount) for line in entry.lines.order_by("id")] == [
        (expense.pk, Decimal("19.90")), (clearing.pk, Decimal("-19.90"))]
    assert (f.refreshed(expense).balance, f.refreshed(expense).line_count) == (Decimal("19.90"), 1)
    assert (f.refreshed(clearing).balance, f.refreshed(clearing).line_count) == (Decimal("-19.90"), 1)
    assert f.refreshed(clearing).amount == Decimal("19.90")  # payout clearing is credit-normal
    assert entry.memo == "opening"


def test_two_lines_on_one_account_count_twice_and_net_once():
    gateway, payable, revenue = (f.platform(Kind.GATEWAY_CLEARING), account_for(Kind.MERCHANT_PAYABLE, f.merchant()),
                                 f.platform(Kind.PLATFORM_REVENUE))

    journal_post(kind=EntryKind.ORDER_PAID, key="order:9:paid", lines=[
        (gateway, Decimal("60.00")), (gateway, Decimal("40.00")), (payable, Decimal("-95.00")),
        (revenue, Decimal("-5.00"))])

    assert (f.refreshed(gateway).balance, f.refreshed(gateway).line_count) == (Decimal("100.00"), 2)
    assert f.refreshed(payable).amount == Decimal("95.00")


@pytest.mark.parametrize(("amounts", "code"), [
    ([], "ledger.empty_entry"),
    (["10.00", "-9.99"], "ledger.unbalanced"),
    (["10.00", "-10.00", "0.00"], "ledger.zero_line"),
    (["10.001", "-10.001"], "money.too_precise"),
])
def test_an_entry_that_does_not_add_up_is_refused_and_writes_nothing(amounts, code):
    accounts = [f.platform(kind) for kind in (Kind.COMMISSION_EXPENSE, Kind.PAYOUT_CLEARING, Kind.PLATFORM_REVENUE)]
    before = f.counts()

    with pytest.raises(InvalidInput) as refused:
        journal_post(kind=EntryKind.ADJUSTMENT, key="bad", lines=[
            (accounts[i], Decimal(a)) for i, a in enumerate(amounts)])

    assert refused.value.code == code
    assert f.counts() == before
    assert [f.refreshed(a).balance for a in accounts] == [Decimal("0.00")] * 3


def test_a_float_amount_is_refused():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)

    with pytest.raises(InvalidInput) as refused:
        journal_post(kind=EntryKind.ADJUSTMENT, key="float", lines=[(expense, 0.1), (clearing, -0.1)])

    assert refused.value.code == "ledger.malformed_line"
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize("entry_key", ["", "k" * 201])
def test_an_entry_needs_a_usable_key(entry_key):
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)

    with pytest.raises(InvalidInput) as refused:
        journal_post(kind=EntryKind.ADJUSTMENT, key=entry_key, lines=[(expense, Decimal(1)), (clearing, Decimal(-1))])

    assert refused.value.code == "ledger.key_malformed"
    assert not JournalEntry.objects.exists()


def test_a_replay_with_the_same_key_returns_the_first_entry_and_writes_nothing():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    first = f.move(expense, clearing, "8.00", entry_key="callback:42")
    before = f.counts()

    again = f.move(expense, clearing, "8.00", entry_key="callback:42")

    assert again.pk == first.pk
    assert f.counts() == before
    assert f.refreshed(expense).balance == Decimal("8.00")


@pytest.mark.parametrize(("amount", "kind"), [("9.00", EntryKind.ADJUSTMENT), ("8.00", EntryKind.MERCHANT_SETTLED)])
def test_the_same_key_with_other_lines_or_kind_is_refused(amount, kind):
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    first = f.move(expense, clearing, "8.00", entry_key="callback:42")
    before = f.counts()

    with pytest.raises(Conflict) as refused:
        f.move(expense, clearing, amount, entry_key="callback:42", kind=kind)

    assert refused.value.code == "ledger.key_reused"
    assert refused.value.details == {"entry": first.pk}
    assert f.counts() == before
    assert f.refreshed(expense).balance == Decimal("8.00")


def test_the_same_key_on_other_accounts_is_refused():
    expense, clearing, revenue = (f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING),
                                  f.platform(Kind.PLATFORM_REVENUE))
    f.move(expense, clearing, "8.00", entry_key="k")

    with pytest.raises(Conflict, match="already used"):
        f.move(expense, revenue, "8.00", entry_key="k")

    assert f.refreshed(revenue).line_count == 0


@pytest.mark.reconcile_checks("account_balances", "entries_balanced")
def test_a_commission_line_keeps_its_snapshot_and_replays_with_equal_decimals():
    owner = f.promoter()
    expense, pending = f.platform(Kind.COMMISSION_EXPENSE), account_for(Kind.PROMOTER_PENDING, owner)
    snap = f.snapshot(rate=Decimal("0.1"), base=Decimal("199"))
    lines = [(expense, Decimal("19.90")), (pending, Decimal("-19.90"))]

    entry = journal_post(kind=EntryKind.COMMISSION_ACCRUED, key="order:1001:accrue", lines=lines, snapshots={1: snap})
    again = journal_post(kind=EntryKind.COMMISSION_ACCRUED, key="order:1001:accrue", lines=lines,
                         snapshots={1: f.snapshot(rate=Decimal("0.100000"), base=Decimal("199.00"))})

    stored = entry.lines.get(account=pending)
    assert stored.snapshot == f.snapshot()
    assert (stored.order_ref, stored.plan_id, stored.plan_version, stored.rule, stored.rate, stored.base) == (
        "O-1001", "two-level-distribution", 3, "direct", Decimal("0.100000"), Decimal("199.00"))
    assert entry.lines.get(account=expense).snapshot is None
    assert again.pk == entry.pk


@pytest.mark.reconcile_checks("account_balances", "entries_balanced")
def test_a_replay_with_another_snapshot_is_a_reused_key():
    owner = f.promoter()
    expense, pending = f.platform(Kind.COMMISSION_EXPENSE), account_for(Kind.PROMOTER_PENDING, owner)
    lines = [(expense, Decimal("19.90")), (pending, Decimal("-19.90"))]
    journal_post(kind=EntryKind.COMMISSION_ACCRUED, key="accrue", lines=lines, snapshots={1: f.snapshot()})

    with pytest.raises(Conflict, match="already used"):
        journal_post(kind=EntryKind.COMMISSION_ACCRUED, key="accrue", lines=lines,
                     snapshots={1: f.snapshot(plan_version=4)})


def test_a_commission_entry_without_a_snapshot_on_the_promoter_line_is_refused():
    expense, pending = f.platform(Kind.COMMISSION_EXPENSE), f.promoter_account(Kind.PROMOTER_PENDING)
    before = f.counts()

    with pytest.raises(InvalidInput) as refused:
        journal_post(kind=EntryKind.COMMISSION_ACCRUED, key="accrue",
                     lines=[(expense, Decimal("5.00")), (pending, Decimal("-5.00"))], snapshots={0: f.snapshot()})

    assert refused.value.code == "ledger.snapshot_missing"
    assert f.counts() == before


@pytest.mark.parametrize("snap", [
    f.snapshot(rate=Decimal("0.1234567")), f.snapshot(base=Decimal("1.001")), f.snapshot(rate=0.1)])
def test_a_snapshot_that_would_be_rounded_is_refused(snap):
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)

    with pytest.raises(InvalidInput) as refused:
        f.move(expense, clearing, "1.00", snapshots={0: snap})

    assert refused.value.code == "ledger.snapshot_malformed"
    assert not JournalLine.objects.exists()


def test_a_withdrawal_within_the_available_balance_may_empty_it():
    available = f.promoter_account(Kind.PROMOTER_AVAILABLE)
    frozen = account_for(Kind.PROMOTER_FROZEN, available.promoter)
    f.fund(available, "50.00")

    f.move(available, frozen, "50.00", kind=EntryKind.WITHDRAWAL_REQUESTED, require_funds=[available])

    assert f.refreshed(available).amount == Decimal("0.00")
    assert f.refreshed(frozen).amount == Decimal("50.00")


def test_a_withdrawal_beyond_the_available_balance_is_refused_and_writes_nothing():
    available = f.promoter_account(Kind.PROMOTER_AVAILABLE)
    frozen = account_for(Kind.PROMOTER_FROZEN, available.promoter)
    f.fund(available, "50.00")
    before = f.counts()

    with pytest.raises(InsufficientFunds) as refused:
        f.move(available, frozen, "50.01", kind=EntryKind.WITHDRAWAL_REQUESTED, require_funds=[available])

    assert refused.value.code == "ledger.insufficient_funds"
    assert refused.value.details == {"account": available.key, "available": "50.00"}
    assert f.counts() == before
    assert (f.refreshed(available).amount, f.refreshed(frozen).amount) == (Decimal("50.00"), Decimal("0.00"))


def test_a_clawback_may_leave_a_negative_balance_that_later_income_reduces():
    owner = f.promoter()
    available, expense = account_for(Kind.PROMOTER_AVAILABLE, owner), f.platform(Kind.COMMISSION_EXPENSE)
    f.fund(available, "10.00")

    journal_post(kind=EntryKind.COMMISSION_CLAWBACK, key="refund:1", snapshots={0: f.snapshot()},
                 lines=[(available, Decimal("30.00")), (expense, Decimal("-30.00"))])
    f.move(expense, available, "5.00", require_funds=[available])  # income while negative is not an overdraft

    assert f.refreshed(available).amount == Decimal("-15.00")


def test_an_account_belongs_to_the_owner_its_kind_names():
    owner = f.promoter()

    with pytest.raises(InvalidInput) as no_owner:
        account_for(Kind.PROMOTER_AVAILABLE)
    with pytest.raises(InvalidInput) as owned_platform_account:
        account_for(Kind.COMMISSION_EXPENSE, owner)

    assert no_owner.value.code == owned_platform_account.value.code == "ledger.owner_mismatch"
    assert not Account.objects.exists()


def test_account_for_opens_each_account_once():
    owner = f.promoter()

    first = account_for(Kind.PROMOTER_PENDING, owner)
    again = account_for(Kind.PROMOTER_PENDING, owner)

    assert first.pk == again.pk
    assert first.key == f"promoter_pending:promoter:{owner.pk}"
    assert Account.objects.count() == 1


def test_a_reversal_cancels_every_line_and_keeps_the_snapshots():
    owner = f.promoter()
    expense, pending = f.platform(Kind.COMMISSION_EXPENSE), account_for(Kind.PROMOTER_PENDING, owner)
    accrual = journal_post(kind=EntryKind.COMMISSION_ACCRUED, key="accrue", snapshots={1: f.snapshot()},
                           lines=[(expense, Decimal("19.90")), (pending, Decimal("-19.90"))])

    reversal = journal_reverse(entry=accrual, key="refund:1:cancel", kind=EntryKind.COMMISSION_CANCELLED)

    assert reversal.reverses_id == accrual.pk
    assert [(line.account_id, line.amount, line.snapshot) for line in reversal.lines.order_by("id")] == [
        (expense.pk, Decimal("-19.90"), None), (pending.pk, Decimal("19.90"), f.snapshot())]
    assert (f.refreshed(expense).balance, f.refreshed(pending).balance) == (Decimal("0.00"), Decimal("0.00"))


def test_an_entry_is_reversed_only_once():
    expense, clearing = f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING)
    entry = f.move(expense, clearing, "3.00")
    journal_reverse(entry=entry, key="rev:1")
    before = f.counts()

    with pytest.raises(Conflict) as refused:
        journal_reverse(entry=entry, key="rev:2")

    assert refused.value.code == "ledger.already_reversed"
    assert f.counts() == before
