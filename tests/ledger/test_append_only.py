"""The ledger only grows: the application, and on PostgreSQL plain SQL, cannot change or remove its rows."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from tests.ledger import factories as f
from tuishou.core.errors import Conflict
from tuishou.ledger.models import Account, JournalEntry, JournalLine

Kind = Account.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return f.move(f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING), "12.00", entry_key="e1")


def _refused(action):
    with pytest.raises(Conflict) as refused:
        action()
    assert refused.value.code == "ledger.append_only"


def test_saving_an_existing_entry_or_line_is_refused(entry):
    entry.memo = "rewritten"
    line = entry.lines.first()
    line.amount = Decimal("1.00")

    _refused(entry.save)
    _refused(line.save)

    assert JournalEntry.objects.get().memo == ""
    assert JournalLine.objects.order_by("id").first().amount == Decimal("12.00")


def test_deleting_an_entry_or_a_line_is_refused(entry):
    _refused(entry.delete)
    _refused(entry.lines.first().delete)

    assert JournalEntry.objects.count() == 1
    assert JournalLine.objects.count() == 2


def test_queryset_updates_and_deletes_are_refused(entry):
    _refused(lambda: JournalEntry.objects.update(memo="x"))
    _refused(lambda: JournalEntry.objects.all().delete())
    _refused(lambda: JournalLine.objects.filter(entry=entry).update(amount=Decimal("0.01")))
    _refused(lambda: JournalLine.objects.all().delete())
    _refused(lambda: JournalLine.objects.bulk_update(list(entry.lines.all()), ["amount"]))

    assert sorted(JournalLine.objects.values_list("amount", flat=True)) == [Decimal("-12.00"), Decimal("12.00")]


def test_an_account_changes_only_in_its_cached_balance(entry):
    account = f.platform(Kind.COMMISSION_EXPENSE)
    account.kind = Kind.PLATFORM_REVENUE

    _refused(account.save)
    _refused(account.delete)
    _refused(lambda: Account.objects.update(key="other"))
    _refused(lambda: Account.objects.all().delete())

    assert f.refreshed(account).kind == Kind.COMMISSION_EXPENSE
    assert Account.objects.count() == 2


def test_an_owner_with_ledger_accounts_cannot_be_deleted():
    available = f.promoter_account(Kind.PROMOTER_AVAILABLE)

    with pytest.raises(ProtectedError):
        available.promoter.delete()

    assert Account.objects.filter(pk=available.pk).exists()


@pytest.mark.postgres_only
@pytest.mark.parametrize("sql", [
    "UPDATE ledger_journalline SET amount = amount + 1",
    "DELETE FROM ledger_journalline",
    "UPDATE ledger_journalentry SET memo = 'rewritten'",
    "DELETE FROM ledger_journalentry",
    "UPDATE ledger_account SET key = 'other'",
    "DELETE FROM ledger_account",
])
def test_plain_sql_cannot_change_or_remove_ledger_rows(entry, sql):
    with pytest.raises(DatabaseError, match="refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert sorted(JournalLine.objects.values_list("amount", flat=True)) == [Decimal("-12.00"), Decimal("12.00")]
    assert JournalEntry.objects.get().memo == ""
    assert sorted(Account.objects.values_list("key", flat=True)) == ["commission_expense", "payout_clearing"]
