"""The ledger only grows: the application, and on PostgreSQL plain SQL, cannot change or remove its rows."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError

from tests.ledger import factories as f
from tuishou.core.errors import Conflict
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.reconcile import reconcile_run

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
    # The guard fires on an UPDATE that names an identity column, even beside a balance move (migration 0011).
    "UPDATE ledger_account SET balance = balance + 1, kind = 'platform_revenue'",
    "UPDATE ledger_account SET line_count = line_count, merchant_id = 1",
    "UPDATE ledger_account SET currency = 'USD'",
    "UPDATE ledger_account SET created_at = created_at - interval '1 day'",
    "UPDATE ledger_account SET id = id + 1000",
    "DELETE FROM ledger_account",
])
def test_plain_sql_cannot_change_or_remove_ledger_rows(entry, sql):
    with pytest.raises(DatabaseError, match="refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert sorted(JournalLine.objects.values_list("amount", flat=True)) == [Decimal("-12.00"), Decimal("12.00")]
    assert JournalEntry.objects.get().memo == ""
    assert sorted(Account.objects.values_list("key", flat=True)) == ["commission_expense", "payout_clearing"]


# Lines refer to their entry and account without per-row foreign keys (migration 0010): one check per statement on
# PostgreSQL, a row trigger on SQLite. Either way a line with a missing entry or account is never written.
MISSING = 10**9


@pytest.mark.parametrize("column", ["entry_id", "account_id"])
def test_a_line_referring_to_a_missing_entry_or_account_is_refused(entry, column):
    line = JournalLine.objects.filter(entry=entry).order_by("id").first()
    values = {"entry_id": line.entry_id, "account_id": line.account_id, column: MISSING}

    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.create(amount=Decimal("1.00"), **values)

    assert JournalLine.objects.count() == 2


@pytest.mark.parametrize("column", ["entry_id", "account_id"])
def test_a_set_based_insert_with_one_missing_reference_writes_nothing(entry, column):
    line = JournalLine.objects.filter(entry=entry).order_by("id").first()
    bad = f"CASE WHEN n = 3 THEN {MISSING} ELSE {column} END"
    columns = {"entry_id": "entry_id", "account_id": "account_id", column: bad}
    sql = (f"INSERT INTO ledger_journalline (entry_id, account_id, amount) "
           f"SELECT {columns['entry_id']}, {columns['account_id']}, amount "
           f"FROM (SELECT %s AS entry_id, %s AS account_id, 1 AS amount, n "
           f"FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) s) t")

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [line.entry_id, line.account_id])

    assert JournalLine.objects.count() == 2


@pytest.mark.postgres_only
def test_reconcile_finds_a_line_whose_entry_or_account_is_missing(entry):
    class Undo(Exception):
        pass

    account = Account.objects.order_by("id").first()
    with pytest.raises(Undo), transaction.atomic(), connection.cursor() as cursor:
        # Only a table owner switching the trigger off can write such a line; rolled back with the test's checks.
        cursor.execute("ALTER TABLE ledger_journalline DISABLE TRIGGER ledger_journalline_refs")
        cursor.execute("INSERT INTO ledger_journalline (entry_id, account_id, amount) VALUES (%s, %s, 1), "
                       "(%s, %s, -1) RETURNING id", [MISSING, account.pk, entry.pk, MISSING])
        first, second = sorted(pk for (pk,) in cursor.fetchall())
        found = reconcile_run(["line_references"]).results[0].mismatches
        assert [str(m) for m in found] == [
            f"line #{first}: found entry #{MISSING}, account #{account.pk}, expected an existing entry and account",
            f"line #{second}: found entry #{entry.pk}, account #{MISSING}, expected an existing entry and account"]
        raise Undo

    assert reconcile_run(["line_references"]).ok
