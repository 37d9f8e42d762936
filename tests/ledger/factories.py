"""Test data for the ledger: accounts and postings made through the real services."""

from __future__ import annotations

import itertools
from decimal import Decimal

from tuishou.ledger.entries import CommissionSnapshot
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.services import account_for, journal_post

_keys = itertools.count(1)
Kind = Account.Kind


def key(prefix: str = "test") -> str:
    return f"{prefix}:{next(_keys)}"


def platform(kind: str = Kind.COMMISSION_EXPENSE) -> Account:
    return account_for(kind)


def promoter():
    """A promoter made by the network app's own factory (a root of the official community)."""
    from tests.network.factories import root

    return root()


def merchant():
    from tests.merchants.factories import merchant as make_merchant

    return make_merchant()


def promoter_account(kind: str = Kind.PROMOTER_AVAILABLE, owner=None) -> Account:
    return account_for(kind, owner or promoter())


def move(debit: Account, credit: Account, amount: str, *, kind: str = JournalEntry.Kind.ADJUSTMENT,
         entry_key: str | None = None, **options) -> JournalEntry:
    """Post ``amount`` from ``credit`` to ``debit`` (debit +amount, credit −amount)."""
    value = Decimal(amount)
    return journal_post(kind=kind, key=entry_key or key(), lines=[(debit, value), (credit, -value)], **options)


def fund(account: Account, amount: str) -> JournalEntry:
    """Give a credit-normal account (e.g. a promoter's available balance) ``amount``, paid by commission expense."""
    return move(platform(Kind.COMMISSION_EXPENSE), account, amount)


def snapshot(**fields) -> CommissionSnapshot:
    values = {"order_ref": "O-1001", "order_line_ref": "O-1001-1", "plan_id": "two-level-distribution",
              "plan_version": 3, "rule": "direct", "rate": Decimal("0.10"), "base": Decimal("199.00")}
    values.update(fields)
    return CommissionSnapshot(**values)


def refreshed(account: Account) -> Account:
    return Account.objects.get(pk=account.pk)


def counts() -> tuple[int, int, int]:
    """(accounts, entries, lines): what a refused posting must leave unchanged."""
    return Account.objects.count(), JournalEntry.objects.count(), JournalLine.objects.count()
