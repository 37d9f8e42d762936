"""Set-based transfers between two accounts of one owner (PostgreSQL only; 成批转账记账).

Settlement moves thousands of pending amounts to available in one chunk; ``journal_post_transfers`` writes
their entries, lines and balances in a few statements instead of one posting each.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tuishou.core.errors import Conflict, InvalidInput
from tuishou.core.money import CURRENCY
from tuishou.ledger.errors import LedgerError
from tuishou.ledger.models import Account, JournalEntry, JournalLine

# The unique constraint that makes an entry's key its idempotency (JournalEntry.Meta).
KEY_CONSTRAINT = "ledger_entry_key_once"


def journal_post_transfers(*, kind: str, debit_kind: str, credit_kind: str, keys: Sequence[str],
                           memos: Sequence[str], owner_ids: Sequence[int], amounts: Sequence[int]) -> int:
    """Post one two-line entry per transfer in a few set-based statements (PostgreSQL only; 成批转账记账).

    Transfer ``i`` moves ``amounts[i]`` minor units (分) between two accounts of one owner: the
    ``debit_kind`` account of ``owner_ids[i]`` is debited (+amount) and its ``credit_kind`` account
    credited (−amount), in an entry of ``kind`` under key ``keys[i]`` with memo ``memos[i]``. Both kinds
    are promoter kinds or both merchant kinds (a settlement: pending → available, pending → payable).

    Exactly the rules of ``journal_post_many`` for this shape, proved once for the shape instead of per
    entry: each entry's two lines are the same amount with opposite signs, so it is balanced by
    construction; a zero amount is refused (``ledger.zero_line``), as are two currencies in one entry; a
    missing account is opened. There is no ``require_funds``: a transfer never checks for an overdraft, so
    it is for moves the caller's own state rows already justify (a pending amount becoming available). All
    of it or nothing: call it inside the transaction of the state change.
    Unlike ``journal_post_many`` a key already posted is not replayed but refused (``ledger.key_reused``,
    nothing written): the caller's state rows say what is still to post, so a posted key here is a fault.

    Statements: lock the accounts by pk (the order every posting locks them in, so it never deadlocks
    with one), opening the missing ones; then one statement inserts the entries (``INSERT … SELECT FROM
    unnest(arrays)``, their ids drawn from the entries' sequence in the order given; a key already taken
    fails it whole), their lines (two per entry, written from the same source rows with the entry's id) and
    moves each account's cached balance and line count once, by the sum of its lines; it also counts what it
    wrote and the entries whose lines do not add up to zero, which must be none. Returns the number of entries.
    """
    if connection.vendor != "postgresql":
        raise NotImplementedError("journal_post_transfers is the PostgreSQL path; use journal_post_many")
    n = len(keys)
    if not len(memos) == len(owner_ids) == len(amounts) == n:
        raise ValueError("keys, memos, owner_ids and amounts must have the same length")
    if kind not in JournalEntry.Kind.values:
        raise InvalidInput(LedgerError.UNKNOWN_KIND, kind=kind)
    if kind in JournalEntry.COMMISSION_KINDS:
        # Those entries need a snapshot on every promoter line; a transfer carries none.
        raise InvalidInput(LedgerError.SNAPSHOT_MISSING, kind=kind)
    kinds = {debit_kind, credit_kind}
    if debit_kind == credit_kind or not (kinds <= Account.PROMOTER_KINDS or kinds <= Account.MERCHANT_KINDS):
        raise InvalidInput(LedgerError.OWNER_MISMATCH, kind=", ".join(sorted(kinds)), details={"kinds": sorted(kinds)})
    if n == 0:
        return 0
    longest = JournalEntry._meta.get_field("key").max_length
    if not all(keys) or max(map(len, keys)) > longest or len(set(keys)) != n:
        raise InvalidInput(LedgerError.KEY_MALFORMED)
    if any(type(amount) is not int for amount in amounts):
        raise InvalidInput(LedgerError.MALFORMED_LINE, amount=next(a for a in amounts if type(a) is not int))
    if 0 in amounts:
        raise InvalidInput(LedgerError.ZERO_LINE, line=keys[amounts.index(0)])
    owner = "promoter" if debit_kind in Account.PROMOTER_KINDS else "merchant"
    # One transaction (a savepoint inside the caller's): a refusal below leaves nothing written.
    try:
        with transaction.atomic():
            accounts = _transfer_accounts_locked(owner=owner, kinds=(debit_kind, credit_kind),
                                                 owner_ids=set(owner_ids))
            pairs = [(accounts.get((o, debit_kind)), accounts.get((o, credit_kind))) for o in owner_ids]
            if any(None in pair for pair in pairs):  # accounts_for_owners opened them: only a vanished owner
                raise Conflict(LedgerError.UNKNOWN_ACCOUNT)
            if any(debit[1] != credit[1] for debit, credit in set(pairs)):
                raise InvalidInput(LedgerError.CURRENCY_MISMATCH, currencies=", ".join(
                    sorted({account[1] for pair in set(pairs) for account in pair})))
            posted, lines, unbalanced, moved = _transfers_write(
                kind=kind, keys=list(keys), memos=list(memos), amounts=list(amounts),
                debits=[debit[0] for debit, _ in pairs], credits=[credit[0] for _, credit in pairs])
            # Any count off means something the checks above cannot see: refuse, and nothing is written.
            touched = 2 * len(set(owner_ids))  # every owner's two accounts, each moved once
            if posted != n or lines != 2 * n or unbalanced or moved != touched:
                raise Conflict(LedgerError.UNBALANCED)
    except IntegrityError as error:
        # A key already posted (or being posted by a transaction that then committed): the statement failed whole
        # and the savepoint took it back; say which keys, in the order given.
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) != KEY_CONSTRAINT:
            raise
        taken = _keys_taken(list(keys))[:5]
        raise Conflict(LedgerError.KEY_REUSED, key=", ".join(taken), details={"keys": taken}) from error
    return n


def _keys_taken(keys: list[str]) -> list[str]:
    """Which of ``keys`` an entry already holds, in the order given."""
    taken = set(JournalEntry.objects.filter(key__in=keys).values_list("key", flat=True))
    return [key for key in keys if key in taken]


def _transfer_accounts_locked(*, owner: str, kinds: tuple[str, str], owner_ids: set[int]) -> dict:
    """Lock the owners' accounts of ``kinds`` by pk, opening those never used; ``{(owner id, kind): (pk,
    currency)}``."""
    table = connection.ops.quote_name(Account._meta.db_table)
    column = f"{owner}_id"
    owners = sorted(owner_ids)
    lock = (f"SELECT id, {column}, kind, currency FROM {table} WHERE {column} = ANY(%s::bigint[]) "
            "AND kind = ANY(%s::varchar[]) ORDER BY id FOR UPDATE")
    with connection.cursor() as cursor:
        # Locked by pk, the order every posting locks accounts in, so it never deadlocks with one.
        cursor.execute(lock, [owners, list(kinds)])
        found = {(owner_id, kind): (pk, currency) for pk, owner_id, kind, currency in cursor.fetchall()}
        missing = [(owner_id, kind) for owner_id in owners for kind in kinds if (owner_id, kind) not in found]
        if missing:
            # Opened like accounts_for_owners (a racing opener's row is kept), then all locked again by pk: new
            # rows nobody else can see yet, or committed a moment ago by that opener.
            cursor.execute(
                f"INSERT INTO {table} (kind, {column}, currency, key, balance, line_count, created_at) "
                f"SELECT m.kind, m.owner, %s, m.kind || ':{owner}:' || m.owner, 0, 0, %s "
                "FROM unnest(%s::bigint[], %s::varchar[]) AS m(owner, kind) ON CONFLICT (key) DO NOTHING",
                [CURRENCY, timezone.now(), [o for o, _ in missing], [k for _, k in missing]])
            cursor.execute(lock, [owners, list(kinds)])
            found = {(owner_id, kind): (pk, currency) for pk, owner_id, kind, currency in cursor.fetchall()}
    return found


def _transfers_write(*, kind: str, keys: list[str], memos: list[str], amounts: list[int], debits: list[int],
                     credits: list[int]) -> tuple:
    """The statement of ``journal_post_transfers`` (accounts locked): returns what it counted."""
    account, entry_table, line_table = (connection.ops.quote_name(m._meta.db_table)
                                        for m in (Account, JournalEntry, JournalLine))
    with connection.cursor() as cursor:
        # The planner cannot see the arrays' sizes and guesses a cost that switches JIT compilation on: ~30 ms a
        # call for nothing. Off until the end of the caller's transaction (a chunk of plain statements).
        cursor.execute("SET LOCAL jit = off")
        # Entries in the order given (ids ascending, like journal_post_many), then their lines, then the balances.
        # Balanced by construction: both lines of an entry come from the same row, +amount and −amount; the
        # statement still counts the entries whose lines do not add up to zero (it must find none).
        # Each entry's id is drawn from its sequence up front, in the order given, so its two lines are written
        # from the same source row with that id (no join of lines to entries, no sort of 10,000 text keys).
        # A plain INSERT, not ON CONFLICT DO NOTHING: a key already taken fails the statement whole (the caller
        # refuses the call then anyway), and every entry is spared the speculative insertion's extra WAL record
        # and arbiter probe (bench/RESULTS.md, "Settlement, third pass").
        cursor.execute(
            f"""
            WITH src AS MATERIALIZED (
                SELECT nextval(%(sequence)s::regclass) AS id, d.*
                FROM unnest(%(keys)s::varchar[], %(memos)s::text[], %(amounts)s::bigint[], %(debits)s::bigint[],
                            %(credits)s::bigint[]) AS d(key, memo, amount, debit, credit)
            ), entry AS (
                INSERT INTO {entry_table} (id, kind, key, memo, actor_id, reverses_id, created_at)
                SELECT s.id, %(kind)s, s.key, s.memo, NULL, NULL, %(now)s FROM src s ORDER BY s.id
                RETURNING id
            ), line AS (
                INSERT INTO {line_table} (entry_id, account_id, amount)
                SELECT s.id, v.account, v.amount
                FROM src s CROSS JOIN LATERAL (VALUES (1, s.debit, s.amount), (2, s.credit, -s.amount))
                     AS v(side, account, amount)
                ORDER BY s.id, v.side
                RETURNING entry_id, account_id, amount
            ), moved AS (
                UPDATE {account} AS a SET balance = a.balance + m.change, line_count = a.line_count + m.lines
                FROM (SELECT account_id, sum(amount) AS change, count(*) AS lines FROM line
                      GROUP BY account_id) AS m
                WHERE a.id = m.account_id
                RETURNING a.id
            )
            SELECT (SELECT count(*) FROM entry), (SELECT count(*) FROM line),
                   (SELECT count(*) FROM (SELECT entry_id FROM line GROUP BY entry_id
                                          HAVING sum(amount) <> 0 OR count(*) <> 2) AS unbalanced),
                   (SELECT count(*) FROM moved)
            """,
            {"keys": keys, "memos": memos, "amounts": amounts, "debits": debits, "credits": credits, "kind": kind,
             "now": timezone.now(), "sequence": _entry_sequence()})
        return cursor.fetchone()


def _entry_sequence() -> str:
    """The name of the sequence behind the entries' ids (an identity column's, or a serial's)."""
    table = JournalEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return cursor.fetchone()[0]
