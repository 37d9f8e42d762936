"""Writes to the ledger: opening accounts and posting journal entries (记账).

Call ``journal_post`` inside the transaction of the state change that causes it (an order paid, a
withdrawal requested): the entry and the change then commit or roll back together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone

from tuishou.core.errors import Conflict, InvalidInput
from tuishou.core.money import CURRENCY, from_minor, to_minor
from tuishou.ledger import entries
from tuishou.ledger.entries import CommissionSnapshot
from tuishou.ledger.errors import LedgerError
from tuishou.ledger.models import Account, JournalEntry, JournalLine


class InsufficientFunds(Conflict):
    """A posting would overdraw an account that must not go below zero."""


def account_for(kind: str, owner: models.Model | None = None) -> Account:
    """The account of ``kind`` for ``owner`` (a promoter, a merchant, or ``None``: the platform), opened on first use.

    Raises ``InvalidInput`` ``ledger.owner_mismatch`` when the owner does not fit the kind (a promoter
    account needs a promoter, a platform account no owner).
    """
    if kind not in Account.Kind.values:
        raise InvalidInput(LedgerError.UNKNOWN_KIND, kind=kind)
    label = owner._meta.label if owner is not None else None
    wanted = ("network.Promoter" if kind in Account.PROMOTER_KINDS
              else "merchants.Merchant" if kind in Account.MERCHANT_KINDS else None)
    if label != wanted or (owner is not None and owner.pk is None):
        raise InvalidInput(LedgerError.OWNER_MISMATCH, kind=kind,
                           details={"kind": kind})
    promoter_id = owner.pk if label == "network.Promoter" else None
    merchant_id = owner.pk if label == "merchants.Merchant" else None
    account, _ = Account.objects.get_or_create(
        key=Account.key_for(kind, promoter_id=promoter_id, merchant_id=merchant_id),
        defaults={"kind": kind, "promoter_id": promoter_id, "merchant_id": merchant_id},
    )
    return account


def journal_post(*, kind: str, key: str, lines: Sequence[tuple[Account, Decimal]], memo: str = "",
                 actor=None, snapshots: Mapping[int, CommissionSnapshot] | None = None,
                 require_funds: Iterable[Account] = (), reverses: JournalEntry | None = None) -> JournalEntry:
    """Post a balanced journal entry and move the cached balances, all in one transaction.

    ``lines`` are ``(account, amount)`` pairs, debit positive and credit negative; ``snapshots`` maps a
    line's index to what its commission was computed from (required on every promoter line of a
    commission entry). ``require_funds`` names accounts this entry must not overdraw (a promoter's
    available balance when withdrawing): if it would, ``ledger.insufficient_funds`` is raised and
    nothing is written.

    Idempotent by ``key``: a replay returns the first entry unchanged; the same key with other lines
    raises ``ledger.key_reused``. Accounts are locked in primary-key order, so concurrent posts wait for
    each other and never deadlock.
    """
    prepared = _prepare(kind=kind, key=key, lines=lines, snapshots=snapshots, require_funds=require_funds)
    lines, snapshots, checked, signature, guarded = (prepared.lines, prepared.snapshots, prepared.checked,
                                                     prepared.signature, prepared.guarded)

    first = JournalEntry.objects.filter(key=key).first()
    if first is not None:
        return _replay(first, signature)
    with transaction.atomic():
        net = entries.net_by_account(checked)
        locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=net).order_by("pk")}
        # Under the locks a racing post of the same key has either committed (seen now) or not started.
        first = JournalEntry.objects.filter(key=key).first()
        if first is not None:
            return _replay(first, signature)
        _check_currency(locked.values())
        for pk in sorted(guarded):
            account = locked[pk]
            if entries.overdrawn(_minor(account.balance), net[pk], credit_normal=account.credit_normal):
                raise InsufficientFunds(
                    LedgerError.INSUFFICIENT_FUNDS, account=account.key, available=account.amount,
                    details={"account": account.key, "available": str(account.amount)})
        try:
            with transaction.atomic():
                entry = JournalEntry.objects.create(kind=kind, key=key, memo=memo, reverses=reverses,
                                                    actor=actor if getattr(actor, "pk", None) else None)
        except IntegrityError:
            # Same key posted meanwhile on other accounts (so our locks did not serialise us), or a
            # second reversal of one entry.
            first = JournalEntry.objects.filter(key=key).first()
            if first is not None:
                return _replay(first, signature)
            if reverses is None:
                raise
            raise Conflict(LedgerError.ALREADY_REVERSED, entry=reverses.pk) from None
        JournalLine.objects.bulk_create([
            JournalLine(entry=entry, account_id=line.account, amount=amount, **_snapshot_columns(snapshots.get(i)))
            for i, (line, (_, amount)) in enumerate(zip(checked, lines, strict=True))
        ])
        counts = Counter(line.account for line in checked)
        for pk, change in net.items():
            # F() expressions: the database adds to the value it holds, whatever this process last read. The
            # change is in minor units because that is what the column holds (MoneyField).
            Account.objects.filter(pk=pk).update(balance=F("balance") + change,
                                                 line_count=F("line_count") + counts[pk])
    return entry


@dataclass(frozen=True)
class EntryDraft:
    """One entry for ``journal_post_many``: the arguments ``journal_post`` takes, as data."""

    kind: str
    key: str
    lines: Sequence[tuple[Account, Decimal]]
    memo: str = ""
    actor: Any = None
    snapshots: Mapping[int, CommissionSnapshot] | None = None
    require_funds: Iterable[Account] = ()
    reverses: JournalEntry | None = None


def journal_post_many(*, drafts: Sequence[EntryDraft]) -> list[JournalEntry]:
    """Post many journal entries in ONE transaction (批量记账): all of them, or none.

    The batch path of ``journal_post`` for the settlement run, with the same rules: every draft is
    validated like a single post (balanced, no zero line, snapshots, currency, ``require_funds`` checked
    against the balance the entries before it in the batch leave), and idempotent by key, a replay
    (in an earlier batch, or earlier in this one) returning the first entry and a key reused with other
    lines raising ``ledger.key_reused``. If any draft is refused, nothing of the batch is written.

    What makes it cheaper than a loop of ``journal_post``: the touched accounts are locked once (by pk),
    the keys are looked up in one query, entries and lines are inserted in one statement each, and every
    account's cached balance and line count move once, by the batch's sum. Returns the entries in the
    order of ``drafts``.
    """
    prepared = [(draft, _prepare(kind=draft.kind, key=draft.key, lines=draft.lines, snapshots=draft.snapshots,
                                 require_funds=draft.require_funds)) for draft in drafts]
    unique: dict[str, tuple[EntryDraft, _Prepared]] = {}
    for draft, ready in prepared:
        first = unique.setdefault(draft.key, (draft, ready))[1]
        if first is not ready and not _same_signature(first.signature, ready.signature):
            raise Conflict(LedgerError.KEY_REUSED, key=draft.key,
                           details={"key": draft.key})
    posted = _replays_many({key: ready.signature for key, (_, ready) in unique.items()})
    todo = [pair for key, pair in unique.items() if key not in posted]
    if todo:
        with transaction.atomic():
            _post_fresh(todo, posted)
    return [posted[draft.key] for draft in drafts]


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
    unnest(arrays) RETURNING id, key``), their lines (two per entry, from the same rows) and moves each
    account's cached balance and line count once, by the sum of its lines; it also counts what it wrote
    and the entries whose lines do not add up to zero, which must be none. Returns the number of entries.
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
    with transaction.atomic():
        accounts = _transfer_accounts_locked(owner=owner, kinds=(debit_kind, credit_kind), owner_ids=set(owner_ids))
        pairs = [(accounts.get((o, debit_kind)), accounts.get((o, credit_kind))) for o in owner_ids]
        if any(None in pair for pair in pairs):  # accounts_for_owners opened them: only a vanished owner gets here
            raise Conflict(LedgerError.UNKNOWN_ACCOUNT)
        if any(debit[1] != credit[1] for debit, credit in set(pairs)):
            raise InvalidInput(LedgerError.CURRENCY_MISMATCH,
                               currencies=", ".join(sorted({account[1] for pair in set(pairs) for account in pair})))
        posted, lines, unbalanced, moved, taken = _transfers_write(
            kind=kind, keys=list(keys), memos=list(memos), amounts=list(amounts),
            debits=[debit[0] for debit, _ in pairs], credits=[credit[0] for _, credit in pairs])
        # Any count off means something the checks above cannot see: refuse, and nothing is written.
        touched = 2 * len(set(owner_ids))  # every owner's two accounts, each moved once
        if posted != n:
            raise Conflict(LedgerError.KEY_REUSED, key=", ".join(taken[:5]), details={"keys": taken[:5]})
        if lines != 2 * n or unbalanced or moved != touched:
            raise Conflict(LedgerError.UNBALANCED)
    return n


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
        cursor.execute(
            f"""
            WITH src AS MATERIALIZED (
                SELECT * FROM unnest(%(keys)s::varchar[], %(memos)s::text[], %(amounts)s::bigint[],
                                     %(debits)s::bigint[], %(credits)s::bigint[])
                     WITH ORDINALITY AS d(key, memo, amount, debit, credit, n)
            ), entry AS (
                INSERT INTO {entry_table} (kind, key, memo, actor_id, reverses_id, created_at)
                SELECT %(kind)s, s.key, s.memo, NULL, NULL, %(now)s FROM src s ORDER BY s.n
                ON CONFLICT (key) DO NOTHING
                RETURNING id, key
            ), line AS (
                INSERT INTO {line_table} (entry_id, account_id, amount)
                SELECT e.id, v.account, v.amount
                FROM entry e JOIN src s ON s.key = e.key
                CROSS JOIN LATERAL (VALUES (1, s.debit, s.amount), (2, s.credit, -s.amount)) AS v(side, account,
                                                                                                    amount)
                ORDER BY e.id, v.side
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
                   (SELECT count(*) FROM moved),
                   (SELECT coalesce(array_agg(s.key ORDER BY s.n), '{{}}') FROM src s
                    WHERE NOT EXISTS (SELECT 1 FROM entry e WHERE e.key = s.key))
            """,
            {"keys": keys, "memos": memos, "amounts": amounts, "debits": debits, "credits": credits, "kind": kind,
             "now": timezone.now()})
        return cursor.fetchone()


def _post_fresh(todo: list[tuple[EntryDraft, _Prepared]], posted: dict[str, JournalEntry]) -> None:
    """Lock, re-check the keys, write the new entries of a batch and move the balances (inside its transaction)."""
    touched = {line.account for _, ready in todo for line in ready.checked}
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=touched).order_by("pk")}
    # Under the locks a racing post of a key has either committed (seen now) or not started.
    posted.update(_replays_many({draft.key: ready.signature for draft, ready in todo}))
    while True:
        todo = [(draft, ready) for draft, ready in todo if draft.key not in posted]
        if not todo:
            return
        _check_batch_funds(todo, locked)
        try:
            with transaction.atomic():
                created = _entries_insert(todo)
        except IntegrityError:
            # A key posted meanwhile on other accounts (our locks did not serialise us): replay it and try the
            # rest again. Otherwise an entry reversed twice.
            found = _replays_many({draft.key: ready.signature for draft, ready in todo})
            if found:
                posted.update(found)
                continue
            _refuse_second_reversals([draft for draft, _ in todo])
            raise
        break
    _lines_insert(created, todo)
    net: dict[int, int] = {}
    counts: Counter = Counter()
    for _, ready in todo:
        for line in ready.checked:
            net[line.account] = net.get(line.account, 0) + line.amount
            counts[line.account] += 1
    _balances_move(net, counts)
    posted.update({entry.key: entry for entry in created})


def _entries_insert(todo: list[tuple[EntryDraft, _Prepared]]) -> list[JournalEntry]:
    """Insert the batch's entries in one statement; return them with their pks, in the order of ``todo``."""
    entries_new = [JournalEntry(kind=draft.kind, key=draft.key, memo=draft.memo, reverses=draft.reverses,
                                actor=draft.actor if getattr(draft.actor, "pk", None) else None)
                   for draft, _ in todo]
    if connection.vendor != "postgresql":
        return JournalEntry.objects.bulk_create(entries_new)
    # On PostgreSQL one INSERT … SELECT FROM unnest(arrays): the rows cross as a few array parameters instead of
    # thousands of placeholders, and no model field is prepared row by row.
    now = timezone.now()
    field = JournalEntry._meta.get_field
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {JournalEntry._meta.db_table} ({field('kind').column}, {field('key').column}, "
            f"{field('memo').column}, {field('actor').column}, {field('reverses').column}, "
            f"{field('created_at').column}) "
            "SELECT kind, key, memo, actor, reverses, %s FROM unnest(%s::varchar[], %s::varchar[], %s::text[], "
            "%s::bigint[], %s::bigint[]) AS d(kind, key, memo, actor, reverses) RETURNING id, key",
            [now, [e.kind for e in entries_new], [e.key for e in entries_new], [e.memo for e in entries_new],
             [e.actor_id for e in entries_new], [e.reverses_id for e in entries_new]])
        pks = dict((key, pk) for pk, key in cursor.fetchall())
    for entry in entries_new:
        entry.pk, entry.created_at = pks[entry.key], now
        entry._state.adding, entry._state.db = False, connection.alias
    return entries_new


def _lines_insert(created: list[JournalEntry], todo: list[tuple[EntryDraft, _Prepared]]) -> None:
    """Insert the lines of the batch's new entries in one statement."""
    rows = [(entry.pk, line.account, amount, ready.snapshots.get(i))
            for entry, (_, ready) in zip(created, todo, strict=True)
            for i, (line, (_, amount)) in enumerate(zip(ready.checked, ready.lines, strict=True))]
    if connection.vendor != "postgresql":
        JournalLine.objects.bulk_create([JournalLine(entry_id=entry_id, account_id=account_id, amount=amount,
                                                     **_snapshot_columns(snapshot))
                                         for entry_id, account_id, amount, snapshot in rows])
        return
    names = ("entry", "account", "amount", *JournalLine.SNAPSHOT_FIELDS)
    types = ("bigint", "bigint", "bigint", "varchar", "varchar", "varchar", "integer", "varchar", "numeric",
             "bigint")
    columns = [[entry_id for entry_id, _, _, _ in rows], [account_id for _, account_id, _, _ in rows],
               [_minor(amount) for _, _, amount, _ in rows]]
    for name in JournalLine.SNAPSHOT_FIELDS:
        values = [getattr(snapshot, name) if snapshot is not None else None for _, _, _, snapshot in rows]
        columns.append([_minor(v) if v is not None else None for v in values] if name == "base" else values)
    fields = [JournalLine._meta.get_field(name).column for name in names]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {JournalLine._meta.db_table} ({', '.join(fields)}) SELECT * FROM unnest("
            + ", ".join(f"%s::{t}[]" for t in types) + ")", columns)


def _check_batch_funds(todo: list[tuple[EntryDraft, _Prepared]], locked: dict[int, Account]) -> None:
    """Currency per entry, and no guarded account overdrawn by its entry after the entries before it."""
    running = {pk: _minor(account.balance) for pk, account in locked.items()}
    for _, ready in todo:
        net = entries.net_by_account(ready.checked)
        _check_currency(locked[pk] for pk in net)
        for pk in sorted(ready.guarded):
            account = locked[pk]
            if entries.overdrawn(running[pk], net[pk], credit_normal=account.credit_normal):
                holds = from_minor(entries.normal_amount(running[pk], credit_normal=account.credit_normal))
                raise InsufficientFunds(LedgerError.INSUFFICIENT_FUNDS, account=account.key, available=holds,
                                        details={"account": account.key, "available": str(holds)})
        for pk, change in net.items():
            running[pk] += change


def _refuse_second_reversals(drafts: list[EntryDraft]) -> None:
    reversing = [draft.reverses.pk for draft in drafts if draft.reverses is not None]
    already = set(JournalEntry.objects.filter(reverses_id__in=reversing).values_list("reverses_id", flat=True))
    twice = [pk for pk, n in Counter(reversing).items() if n > 1 or pk in already]
    if twice:
        raise Conflict(LedgerError.ALREADY_REVERSED, entry=min(twice)) from None


def _balances_move(net: dict[int, int], counts: Counter) -> None:
    """Add each account's change (minor units) and line count to what the database holds, once per account."""
    changed = sorted(pk for pk in net if net[pk] or counts[pk])
    if connection.vendor == "postgresql" and len(changed) > 1:
        # One statement for the batch; like F(), it adds to the value the row holds under our lock.
        table = connection.ops.quote_name(Account._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS a SET balance = a.balance + d.change, line_count = a.line_count + d.lines "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS d(id, change, lines) WHERE a.id = d.id",
                [changed, [net[pk] for pk in changed], [counts[pk] for pk in changed]])
        return
    for pk in changed:
        Account.objects.filter(pk=pk).update(balance=F("balance") + net[pk], line_count=F("line_count") + counts[pk])


def accounts_for_owners(*, kind: str, owner_ids: Iterable[int]) -> dict[int, Account]:
    """The accounts of ``kind`` (a promoter or merchant kind) of many owners, by owner id, opened where missing.

    The batch form of ``account_for``: one query to find them, one insert for those never opened.
    """
    if kind in Account.PROMOTER_KINDS:
        owner_field = "promoter_id"
    elif kind in Account.MERCHANT_KINDS:
        owner_field = "merchant_id"
    else:
        raise InvalidInput(LedgerError.OWNER_MISMATCH, kind=kind,
                           details={"kind": kind})
    ids = sorted(set(owner_ids))
    keys = {Account.key_for(kind, **{owner_field: owner_id}): owner_id for owner_id in ids}
    found = {getattr(a, owner_field): a for a in Account.objects.filter(key__in=keys)}
    missing = [owner_id for owner_id in ids if owner_id not in found]
    if missing:
        Account.objects.bulk_create([Account(kind=kind, key=Account.key_for(kind, **{owner_field: owner_id}),
                                             **{owner_field: owner_id}) for owner_id in missing],
                                    ignore_conflicts=True)
        opened = Account.objects.filter(key__in=[Account.key_for(kind, **{owner_field: i}) for i in missing])
        found.update({getattr(a, owner_field): a for a in opened})
    return found


def journal_reverse(*, entry: JournalEntry, key: str, memo: str = "", actor=None,
                    kind: str = JournalEntry.Kind.REVERSAL) -> JournalEntry:
    """Post the entry that cancels ``entry`` exactly (冲正): every line negated, snapshots kept.

    An entry is reversed at most once (``ledger.already_reversed``); a partial correction is an entry of
    its own. Idempotent by ``key`` like ``journal_post``.
    """
    original = list(entry.lines.select_related("account").order_by("id"))
    return journal_post(
        kind=kind, key=key, memo=memo or f"Reverses #{entry.pk}", actor=actor, reverses=entry,
        lines=[(line.account, -line.amount) for line in original],
        snapshots={i: line.snapshot for i, line in enumerate(original) if line.snapshot is not None},
    )


@dataclass(frozen=True)
class _Prepared:
    """A validated entry: its lines as given and as checked (minor units), snapshots, signature, guarded pks."""

    lines: list[tuple[Account, Decimal]]
    snapshots: dict[int, CommissionSnapshot]
    checked: tuple[entries.Line, ...]
    signature: tuple
    guarded: set[int]


def _prepare(*, kind: str, key: str, lines, snapshots, require_funds) -> _Prepared:
    """Every check of an entry that needs no lock (the same for a single post and a batch)."""
    if kind not in JournalEntry.Kind.values:
        raise InvalidInput(LedgerError.UNKNOWN_KIND, kind=kind)
    if not key or len(key) > JournalEntry._meta.get_field("key").max_length:
        raise InvalidInput(LedgerError.KEY_MALFORMED)
    lines = list(lines)
    snapshots = dict(snapshots or {})
    accounts = [account for account, _ in lines]
    if any(account.pk is None for account in accounts):
        raise InvalidInput(LedgerError.UNKNOWN_ACCOUNT)
    checked = entries.entry_check((account.pk, _minor(amount)) for account, amount in lines)  # EntryError is 400
    _check_snapshots(kind, accounts, snapshots)
    guarded = {account.pk for account in require_funds}
    if not guarded <= {line.account for line in checked}:
        raise ValueError("require_funds names an account the entry does not touch")
    return _Prepared(lines=lines, snapshots=snapshots, checked=checked,
                     signature=_signature(kind, checked, snapshots), guarded=guarded)


def _same_signature(first, second) -> bool:
    return first[0] == second[0] and entries.same_lines(first[1], second[1])


def _replays_many(signatures: Mapping[str, tuple]) -> dict[str, JournalEntry]:
    """The entries already posted under these keys, each checked against its signature like ``_replay``:
    two queries for the whole batch."""
    if not signatures:
        return {}
    found = {entry.key: entry for entry in JournalEntry.objects.filter(key__in=list(signatures))}
    if not found:
        return {}
    stored: dict[int, list] = {entry.pk: [] for entry in found.values()}
    for line in JournalLine.objects.filter(entry_id__in=stored).order_by("id"):
        stored[line.entry_id].append((line.account_id, _minor(line.amount), line.snapshot))
    for key, first in found.items():
        if not _same_signature((first.kind, stored[first.pk]), signatures[key]):
            raise Conflict(LedgerError.KEY_REUSED, key=first.key,
                           details={"entry": first.pk})
    return found


def _minor(amount: Decimal) -> int:
    if isinstance(amount, (float, bool)) or not isinstance(amount, (Decimal, int)):
        raise InvalidInput(LedgerError.MALFORMED_LINE, amount=amount)
    return to_minor(Decimal(amount))


def _check_snapshots(kind: str, accounts: list[Account], snapshots: dict[int, CommissionSnapshot]) -> None:
    if not set(snapshots) <= set(range(len(accounts))):
        raise InvalidInput(LedgerError.SNAPSHOT_MISMATCH)
    for index, snapshot in snapshots.items():
        if not isinstance(snapshot, CommissionSnapshot):
            raise InvalidInput(LedgerError.SNAPSHOT_MALFORMED, index=index)
        rate = snapshot.rate
        if (not isinstance(rate, Decimal) or not rate.is_finite() or rate.as_tuple().exponent < -6
                or abs(rate) >= 1000 or not isinstance(snapshot.base, Decimal) or not snapshot.base.is_finite()
                or snapshot.base != snapshot.base.quantize(Decimal("0.01"))):
            raise InvalidInput(LedgerError.SNAPSHOT_MALFORMED, index=index)
    if kind in JournalEntry.COMMISSION_KINDS:
        for index, account in enumerate(accounts):
            if account.kind in Account.PROMOTER_KINDS and index not in snapshots:
                raise InvalidInput(LedgerError.SNAPSHOT_MISSING, kind=kind)


def _check_currency(accounts: Iterable[Account]) -> None:
    currencies = {account.currency for account in accounts}
    if len(currencies) > 1:
        raise InvalidInput(LedgerError.CURRENCY_MISMATCH, currencies=", ".join(sorted(currencies)))


def _signature(kind: str, lines: Iterable[entries.Line], snapshots: Mapping[int, CommissionSnapshot | None]):
    return kind, [(line.account, line.amount, snapshots.get(i)) for i, line in enumerate(lines)]


def _replay(first: JournalEntry, signature) -> JournalEntry:
    stored = list(first.lines.order_by("id"))
    kind, lines = signature
    stored_signature = [(line.account_id, _minor(line.amount), line.snapshot) for line in stored]
    if first.kind != kind or not entries.same_lines(stored_signature, lines):
        raise Conflict(LedgerError.KEY_REUSED, key=first.key,
                       details={"entry": first.pk})
    return first


def _snapshot_columns(snapshot: CommissionSnapshot | None) -> dict:
    if snapshot is None:
        return {}
    return {field: getattr(snapshot, field) for field in JournalLine.SNAPSHOT_FIELDS}
