"""Writes to the ledger: opening accounts and posting journal entries (记账).

Call ``journal_post`` inside the transaction of the state change that causes it (an order paid, a
withdrawal requested): the entry and the change then commit or roll back together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import F

from tuishou.core.errors import Conflict, InvalidInput
from tuishou.core.money import to_minor
from tuishou.ledger import entries
from tuishou.ledger.entries import CommissionSnapshot, EntryError
from tuishou.ledger.models import Account, JournalEntry, JournalLine


class InsufficientFunds(Conflict):
    """A posting would overdraw an account that must not go below zero."""


def account_for(kind: str, owner: models.Model | None = None) -> Account:
    """The account of ``kind`` for ``owner`` (a promoter, a merchant, or ``None``: the platform), opened on first use.

    Raises ``InvalidInput`` ``ledger.owner_mismatch`` when the owner does not fit the kind (a promoter
    account needs a promoter, a platform account no owner).
    """
    if kind not in Account.Kind.values:
        raise InvalidInput("ledger.unknown_kind", f"There is no account kind {kind!r}.")
    label = owner._meta.label if owner is not None else None
    wanted = ("network.Promoter" if kind in Account.PROMOTER_KINDS
              else "merchants.Merchant" if kind in Account.MERCHANT_KINDS else None)
    if label != wanted or (owner is not None and owner.pk is None):
        raise InvalidInput("ledger.owner_mismatch",
                           f"A {kind} account belongs to {wanted or 'the platform'}, not {label or 'nobody'}.",
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
    if kind not in JournalEntry.Kind.values:
        raise InvalidInput("ledger.unknown_kind", f"There is no journal entry kind {kind!r}.")
    if not key or len(key) > JournalEntry._meta.get_field("key").max_length:
        raise InvalidInput("ledger.key_malformed", "A journal entry needs an idempotency key of 1 to 200 characters.")
    lines = list(lines)
    snapshots = dict(snapshots or {})
    accounts = [account for account, _ in lines]
    if any(account.pk is None for account in accounts):
        raise InvalidInput("ledger.unknown_account", "Every line needs an opened account (use account_for).")
    try:
        checked = entries.entry_check((account.pk, _minor(amount)) for account, amount in lines)
    except EntryError as exc:
        raise InvalidInput(exc.code, exc.message) from None
    _check_snapshots(kind, accounts, snapshots)
    signature = _signature(kind, checked, snapshots)
    guarded = {account.pk for account in require_funds}
    if not guarded <= {line.account for line in checked}:
        raise ValueError("require_funds names an account the entry does not touch")

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
                    "ledger.insufficient_funds",
                    f"{account.key} holds {account.amount}, not enough for this posting.",
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
            raise Conflict("ledger.already_reversed", f"Entry #{reverses.pk} has already been reversed.") from None
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


def _minor(amount: Decimal) -> int:
    if isinstance(amount, (float, bool)) or not isinstance(amount, (Decimal, int)):
        raise InvalidInput("ledger.malformed_line", f"Give amounts as Decimal, not {type(amount).__name__}.")
    return to_minor(Decimal(amount))


def _check_snapshots(kind: str, accounts: list[Account], snapshots: dict[int, CommissionSnapshot]) -> None:
    if not set(snapshots) <= set(range(len(accounts))):
        raise InvalidInput("ledger.snapshot_mismatch", "A snapshot names a line the entry does not have.")
    for index, snapshot in snapshots.items():
        if not isinstance(snapshot, CommissionSnapshot):
            raise InvalidInput("ledger.snapshot_malformed", f"Line {index}: a snapshot is a CommissionSnapshot.")
        rate = snapshot.rate
        if (not isinstance(rate, Decimal) or not rate.is_finite() or rate.as_tuple().exponent < -6
                or abs(rate) >= 1000 or not isinstance(snapshot.base, Decimal) or not snapshot.base.is_finite()
                or snapshot.base != snapshot.base.quantize(Decimal("0.01"))):
            raise InvalidInput("ledger.snapshot_malformed",
                               f"Line {index}: the rate needs at most 6 decimal places and the base at most 2.")
    if kind in JournalEntry.COMMISSION_KINDS:
        for index, account in enumerate(accounts):
            if account.kind in Account.PROMOTER_KINDS and index not in snapshots:
                raise InvalidInput("ledger.snapshot_missing",
                                   f"Line {index} moves commission on {account.key}: it needs a snapshot "
                                   "of the order, plan version, rule, rate and base.")


def _check_currency(accounts: Iterable[Account]) -> None:
    currencies = {account.currency for account in accounts}
    if len(currencies) > 1:
        raise InvalidInput("ledger.currency_mismatch",
                           f"One entry cannot mix currencies ({', '.join(sorted(currencies))}).")


def _signature(kind: str, lines: Iterable[entries.Line], snapshots: Mapping[int, CommissionSnapshot | None]):
    return kind, [(line.account, line.amount, snapshots.get(i)) for i, line in enumerate(lines)]


def _replay(first: JournalEntry, signature) -> JournalEntry:
    stored = list(first.lines.order_by("id"))
    kind, lines = signature
    stored_signature = [(line.account_id, _minor(line.amount), line.snapshot) for line in stored]
    if first.kind != kind or not entries.same_lines(stored_signature, lines):
        raise Conflict("ledger.key_reused",
                       f"Key {first.key!r} was already used for entry #{first.pk} with other lines.",
                       details={"entry": first.pk})
    return first


def _snapshot_columns(snapshot: CommissionSnapshot | None) -> dict:
    if snapshot is None:
        return {}
    return {field: getattr(snapshot, field) for field in JournalLine.SNAPSHOT_FIELDS}
