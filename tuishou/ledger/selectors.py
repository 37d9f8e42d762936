"""Reads from the ledger: an owner's balances, an account's statement (对账单), recomputed balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Window

from tuishou.ledger.models import Account, JournalEntry, JournalLine

ZERO = Decimal("0.00")


def owner_balances(owner: models.Model) -> dict[str, Decimal]:
    """Every account kind of a promoter or merchant with its amount as the owner reads it.

    Amounts are on each account's normal side: a promoter's ``promoter_available`` is positive when the
    platform owes the promoter, negative when a clawback left a debt (负余额). Kinds without an account yet
    show zero.
    """
    label = owner._meta.label
    if label == "network.Promoter":
        kinds, accounts = Account.PROMOTER_KINDS, Account.objects.filter(promoter=owner)
    elif label == "merchants.Merchant":
        kinds, accounts = Account.MERCHANT_KINDS, Account.objects.filter(merchant=owner)
    else:
        raise ValueError(f"{label} owns no ledger accounts")
    balances = {str(kind): ZERO for kind in sorted(kinds)}
    balances.update({account.kind: account.amount for account in accounts})
    return balances


def platform_balances() -> dict[str, Decimal]:
    """The platform's own accounts (expense, revenue, clearing …), amounts on their normal side."""
    balances = {str(kind): ZERO for kind in sorted(Account.PLATFORM_KINDS)}
    balances.update({a.kind: a.amount for a in Account.objects.filter(kind__in=Account.PLATFORM_KINDS)})
    return balances


@dataclass(frozen=True)
class StatementRow:
    """One line of an account's statement, with the signed running balance after it."""

    line_id: int
    entry_id: int
    entry_kind: str
    entry_key: str
    memo: str
    created_at: datetime
    amount: Decimal
    running_balance: Decimal
    order_ref: str | None


def account_statement(*, account: Account, limit: int | None = None) -> list[StatementRow]:
    """The account's lines, oldest first, each with the balance after it (signed: debit +, credit −).

    With ``limit``, only the latest ``limit`` lines; the running balance still counts every earlier line,
    because the window is computed over all of the account's lines before the limit applies.
    """
    lines = (JournalLine.objects.filter(account=account)
             .annotate(running=Window(Sum("amount"), order_by=F("id").asc()))
             .select_related("entry").order_by("-id"))
    if limit is not None:
        lines = lines[:limit]
    rows = [StatementRow(line_id=line.id, entry_id=line.entry_id, entry_kind=line.entry.kind,
                         entry_key=line.entry.key, memo=line.entry.memo, created_at=line.entry.created_at,
                         amount=line.amount, running_balance=line.running, order_ref=line.order_ref)
            for line in lines]
    rows.reverse()
    return rows


def balances_recomputed() -> dict[int, tuple[Decimal, int]]:
    """``{account id: (sum of its lines, number of lines)}`` in one GROUP BY over every line.

    Accounts without lines are absent (their balance must be zero).
    """
    rows = JournalLine.objects.order_by().values("account_id").annotate(total=Sum("amount"), lines=Count("id"))
    return {row["account_id"]: (row["total"], row["lines"]) for row in rows}


def entries_unbalanced() -> list[tuple[int, str, Decimal, int]]:
    """``(entry id, key, sum of its lines, number of lines)`` of every entry that does not add up.

    An entry adds up when it has at least two lines and they sum to zero.
    """
    rows = (JournalEntry.objects.order_by("id")
            .annotate(total=Sum("lines__amount"), line_total=Count("lines"))
            .filter(Q(line_total__lt=2) | ~Q(total=0))
            .values_list("id", "key", "total", "line_total"))
    return [(pk, key, total if total is not None else ZERO, count) for pk, key, total, count in rows]


def lines_unreferenced(limit: int = 100) -> list[tuple[int, int, int]]:
    """``(line id, entry id, account id)`` of lines whose entry or account does not exist (at most ``limit``).

    The database refuses such a line when it is inserted (migration 0010: no per-row foreign key, one check per
    statement); this proves it over the whole ledger, with anti-joins by primary key.
    """
    rows = (JournalLine.objects.order_by("id")
            .filter(~Exists(JournalEntry.objects.filter(pk=OuterRef("entry_id")))
                    | ~Exists(Account.objects.filter(pk=OuterRef("account_id"))))
            .values_list("id", "entry_id", "account_id")[:limit])
    return list(rows)
