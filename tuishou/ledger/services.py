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
from tuishou.core.money import from_minor
from tuishou.ledger import checks, entries
from tuishou.ledger.entries import CommissionSnapshot
from tuishou.ledger.errors import LedgerError
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.transfers import journal_post_transfers  # noqa: F401 (the set-based path, importable from here)


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
    prepared = checks.prepare(kind=kind, key=key, lines=lines, snapshots=snapshots, require_funds=require_funds)
    lines, snapshots, checked, signature, guarded = (prepared.lines, prepared.snapshots, prepared.checked,
                                                     prepared.signature, prepared.guarded)

    first = JournalEntry.objects.filter(key=key).first()
    if first is not None:
        return checks.replay(first, signature)
    with transaction.atomic():
        net = entries.net_by_account(checked)
        locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=net).order_by("pk")}
        # Under the locks a racing post of the same key has either committed (seen now) or not started.
        first = JournalEntry.objects.filter(key=key).first()
        if first is not None:
            return checks.replay(first, signature)
        checks.currency_check(locked.values())
        for pk in sorted(guarded):
            account = locked[pk]
            if entries.overdrawn(checks.minor(account.balance), net[pk], credit_normal=account.credit_normal):
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
                return checks.replay(first, signature)
            if reverses is None:
                raise
            raise Conflict(LedgerError.ALREADY_REVERSED, entry=reverses.pk) from None
        JournalLine.objects.bulk_create([
            JournalLine(entry=entry, account_id=line.account, amount=amount,
                        **checks.snapshot_columns(snapshots.get(i)))
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
    prepared = [(draft, checks.prepare(kind=draft.kind, key=draft.key, lines=draft.lines, snapshots=draft.snapshots,
                                 require_funds=draft.require_funds)) for draft in drafts]
    unique: dict[str, tuple[EntryDraft, checks.Prepared]] = {}
    for draft, ready in prepared:
        first = unique.setdefault(draft.key, (draft, ready))[1]
        if first is not ready and not checks.same_signature(first.signature, ready.signature):
            raise Conflict(LedgerError.KEY_REUSED, key=draft.key,
                           details={"key": draft.key})
    posted = checks.replays_many({key: ready.signature for key, (_, ready) in unique.items()})
    todo = [pair for key, pair in unique.items() if key not in posted]
    if todo:
        with transaction.atomic():
            _post_fresh(todo, posted)
    return [posted[draft.key] for draft in drafts]


def _post_fresh(todo: list[tuple[EntryDraft, checks.Prepared]], posted: dict[str, JournalEntry]) -> None:
    """Lock, re-check the keys, write the new entries of a batch and move the balances (inside its transaction)."""
    touched = {line.account for _, ready in todo for line in ready.checked}
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=touched).order_by("pk")}
    # Under the locks a racing post of a key has either committed (seen now) or not started.
    posted.update(checks.replays_many({draft.key: ready.signature for draft, ready in todo}))
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
            found = checks.replays_many({draft.key: ready.signature for draft, ready in todo})
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


def _entries_insert(todo: list[tuple[EntryDraft, checks.Prepared]]) -> list[JournalEntry]:
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


def _lines_insert(created: list[JournalEntry], todo: list[tuple[EntryDraft, checks.Prepared]]) -> None:
    """Insert the lines of the batch's new entries in one statement."""
    rows = [(entry.pk, line.account, amount, ready.snapshots.get(i))
            for entry, (_, ready) in zip(created, todo, strict=True)
            for i, (line, (_, amount)) in enumerate(zip(ready.checked, ready.lines, strict=True))]
    if connection.vendor != "postgresql":
        JournalLine.objects.bulk_create([JournalLine(entry_id=entry_id, account_id=account_id, amount=amount,
                                                     **checks.snapshot_columns(snapshot))
                                         for entry_id, account_id, amount, snapshot in rows])
        return
    names = ("entry", "account", "amount", *JournalLine.SNAPSHOT_FIELDS)
    types = ("bigint", "bigint", "bigint", "varchar", "varchar", "varchar", "integer", "varchar", "numeric",
             "bigint")
    columns = [[entry_id for entry_id, _, _, _ in rows], [account_id for _, account_id, _, _ in rows],
               [checks.minor(amount) for _, _, amount, _ in rows]]
    for name in JournalLine.SNAPSHOT_FIELDS:
        values = [getattr(snapshot, name) if snapshot is not None else None for _, _, _, snapshot in rows]
        columns.append([checks.minor(v) if v is not None else None for v in values] if name == "base" else values)
    fields = [JournalLine._meta.get_field(name).column for name in names]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {JournalLine._meta.db_table} ({', '.join(fields)}) SELECT * FROM unnest("
            + ", ".join(f"%s::{t}[]" for t in types) + ")", columns)


def _check_batch_funds(todo: list[tuple[EntryDraft, checks.Prepared]], locked: dict[int, Account]) -> None:
    """Currency per entry, and no guarded account overdrawn by its entry after the entries before it."""
    running = {pk: checks.minor(account.balance) for pk, account in locked.items()}
    for _, ready in todo:
        net = entries.net_by_account(ready.checked)
        checks.currency_check(locked[pk] for pk in net)
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
