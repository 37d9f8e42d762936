"""Posting two-line transfers set-based (journal_post_transfers, PostgreSQL): the same entries as one
journal_post each, all or nothing."""

from decimal import Decimal

import pytest
from django.db import connection

from tests.ledger import factories as f
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.services import account_for, journal_post_transfers

Kind = Account.Kind
EntryKind = JournalEntry.Kind
pytestmark = pytest.mark.django_db


def _pending_of(owner, amount: str) -> Account:
    """A promoter's pending account holding ``amount`` (paid by commission expense)."""
    pending = account_for(Kind.PROMOTER_PENDING, owner)
    f.move(f.platform(Kind.COMMISSION_EXPENSE), pending, amount)
    return pending


def _settle(keys_, owners_, amounts_, **options):
    """Pending → available for each (key, owner, amount in 分)."""
    params = {"kind": EntryKind.COMMISSION_SETTLED, "debit_kind": Kind.PROMOTER_PENDING,
              "credit_kind": Kind.PROMOTER_AVAILABLE, "keys": keys_, "owner_ids": [o.pk for o in owners_],
              "amounts": amounts_}
    params.update(options)
    return journal_post_transfers(memos=[f"memo {k}" for k in params["keys"]], **params)


def _written():
    return JournalEntry.objects.count(), JournalLine.objects.count(), sorted(
        Account.objects.values_list("key", "balance", "line_count"))


@pytest.mark.postgres_only
def test_transfers_post_one_balanced_entry_each_and_move_each_balance_once():
    # given two promoters with 50.00 and 7.00 pending, the first with no available account yet
    x, z = f.promoter(), f.promoter()
    x_pending, z_pending = _pending_of(x, "50.00"), _pending_of(z, "7.00")

    # when 30.00 and 20.00 of x's and 7.00 of z's become available in one call
    posted = _settle(["t:1", "t:2", "t:3"], [x, z, x], [3000, 700, 2000])

    # then one entry per transfer, in the order given, each +amount on pending and −amount on available
    assert posted == 3
    entries = list(JournalEntry.objects.filter(key__startswith="t:").order_by("id"))
    assert [(e.key, e.kind, e.memo, e.actor_id, e.reverses_id) for e in entries] == [
        ("t:1", EntryKind.COMMISSION_SETTLED, "memo t:1", None, None),
        ("t:2", EntryKind.COMMISSION_SETTLED, "memo t:2", None, None),
        ("t:3", EntryKind.COMMISSION_SETTLED, "memo t:3", None, None)]
    assert [[(line.account.key, line.amount, line.snapshot) for line in e.lines.select_related("account")
             .order_by("id")] for e in entries] == [
        [(x_pending.key, Decimal("30.00"), None), (f"promoter_available:promoter:{x.pk}", Decimal("-30.00"), None)],
        [(z_pending.key, Decimal("7.00"), None), (f"promoter_available:promoter:{z.pk}", Decimal("-7.00"), None)],
        [(x_pending.key, Decimal("20.00"), None), (f"promoter_available:promoter:{x.pk}", Decimal("-20.00"), None)]]
    # and the cached balances moved by the sums (the available accounts opened on the way)
    assert sorted((a.key, a.amount, a.line_count) for a in Account.objects.filter(promoter__in=[x, z])) == sorted([
        (x_pending.key, Decimal("0.00"), 3), (f"promoter_available:promoter:{x.pk}", Decimal("50.00"), 2),
        (z_pending.key, Decimal("0.00"), 2), (f"promoter_available:promoter:{z.pk}", Decimal("7.00"), 1)])


@pytest.mark.postgres_only
def test_a_key_already_posted_refuses_the_whole_call_and_writes_nothing():
    x = f.promoter()
    pending = _pending_of(x, "50.00")
    f.move(pending, account_for(Kind.PROMOTER_AVAILABLE, x), "10.00", kind=EntryKind.COMMISSION_SETTLED,
           entry_key="t:taken")
    before = _written()

    with pytest.raises(Conflict) as refused:
        _settle(["t:new", "t:taken"], [x, x], [1000, 1000])

    assert (refused.value.code, refused.value.details) == ("ledger.key_reused", {"keys": ["t:taken"]})
    assert _written() == before
    _settle(["t:rest"], [x], [4000])  # the rest, so that the books end reconciled


@pytest.mark.postgres_only
@pytest.mark.parametrize(("options", "code"), [
    ({"amounts": [0]}, "ledger.zero_line"),
    ({"keys": [""]}, "ledger.key_malformed"),
    ({"keys": ["k" * 201]}, "ledger.key_malformed"),
    ({"kind": "no_such_kind"}, "ledger.unknown_kind"),
    ({"kind": EntryKind.COMMISSION_ACCRUED}, "ledger.snapshot_missing"),
    ({"credit_kind": Kind.MERCHANT_PAYABLE}, "ledger.owner_mismatch"),
    ({"credit_kind": Kind.PROMOTER_PENDING}, "ledger.owner_mismatch"),
])
def test_a_malformed_transfer_is_refused_and_nothing_is_written(options, code):
    x = f.promoter()
    before = _written()

    with pytest.raises(InvalidInput) as refused:
        _settle(["t:bad"], [x], [500], **options)

    assert refused.value.code == code
    assert _written() == before


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
def test_transfers_are_the_postgresql_path_only():
    with pytest.raises(NotImplementedError):
        _settle([], [], [])
