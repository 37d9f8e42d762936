"""The checks of a journal entry that need no lock, and the replay of a key already posted (幂等重放).

``services.journal_post`` and ``journal_post_many`` run the same checks through ``prepare``; an entry's
signature (its kind, lines and snapshots) decides whether a key posted before is a replay or a reuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tuishou.core.errors import Conflict, InvalidInput
from tuishou.core.money import to_minor
from tuishou.ledger import entries
from tuishou.ledger.entries import CommissionSnapshot
from tuishou.ledger.errors import LedgerError
from tuishou.ledger.models import Account, JournalEntry, JournalLine


@dataclass(frozen=True)
class Prepared:
    """A validated entry: its lines as given and as checked (minor units), snapshots, signature, guarded pks."""

    lines: list[tuple[Account, Decimal]]
    snapshots: dict[int, CommissionSnapshot]
    checked: tuple[entries.Line, ...]
    signature: tuple
    guarded: set[int]


def prepare(*, kind: str, key: str, lines, snapshots, require_funds) -> Prepared:
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
    checked = entries.entry_check((account.pk, minor(amount)) for account, amount in lines)  # EntryError is 400
    snapshots_check(kind, accounts, snapshots)
    guarded = {account.pk for account in require_funds}
    if not guarded <= {line.account for line in checked}:
        raise ValueError("require_funds names an account the entry does not touch")
    return Prepared(lines=lines, snapshots=snapshots, checked=checked,
                     signature=entry_signature(kind, checked, snapshots), guarded=guarded)


def same_signature(first, second) -> bool:
    return first[0] == second[0] and entries.same_lines(first[1], second[1])


def replays_many(signatures: Mapping[str, tuple]) -> dict[str, JournalEntry]:
    """The entries already posted under these keys, each checked against its signature like ``replay``:
    two queries for the whole batch."""
    if not signatures:
        return {}
    found = {entry.key: entry for entry in JournalEntry.objects.filter(key__in=list(signatures))}
    if not found:
        return {}
    stored: dict[int, list] = {entry.pk: [] for entry in found.values()}
    for line in JournalLine.objects.filter(entry_id__in=stored).order_by("id"):
        stored[line.entry_id].append((line.account_id, minor(line.amount), line.snapshot))
    for key, first in found.items():
        if not same_signature((first.kind, stored[first.pk]), signatures[key]):
            raise Conflict(LedgerError.KEY_REUSED, key=first.key,
                           details={"entry": first.pk})
    return found


def minor(amount: Decimal) -> int:
    if isinstance(amount, (float, bool)) or not isinstance(amount, (Decimal, int)):
        raise InvalidInput(LedgerError.MALFORMED_LINE, amount=amount)
    return to_minor(Decimal(amount))


def snapshots_check(kind: str, accounts: list[Account], snapshots: dict[int, CommissionSnapshot]) -> None:
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


def currency_check(accounts: Iterable[Account]) -> None:
    currencies = {account.currency for account in accounts}
    if len(currencies) > 1:
        raise InvalidInput(LedgerError.CURRENCY_MISMATCH, currencies=", ".join(sorted(currencies)))


def entry_signature(kind: str, lines: Iterable[entries.Line], snapshots: Mapping[int, CommissionSnapshot | None]):
    return kind, [(line.account, line.amount, snapshots.get(i)) for i, line in enumerate(lines)]


def replay(first: JournalEntry, signature) -> JournalEntry:
    stored = list(first.lines.order_by("id"))
    kind, lines = signature
    stored_signature = [(line.account_id, minor(line.amount), line.snapshot) for line in stored]
    if first.kind != kind or not entries.same_lines(stored_signature, lines):
        raise Conflict(LedgerError.KEY_REUSED, key=first.key,
                       details={"entry": first.pk})
    return first


def snapshot_columns(snapshot: CommissionSnapshot | None) -> dict:
    if snapshot is None:
        return {}
    return {field: getattr(snapshot, field) for field in JournalLine.SNAPSHOT_FIELDS}
