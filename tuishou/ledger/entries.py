"""Journal entries as plain data (pure Python: no Django import).

A journal entry (记账凭证) is a list of lines, each ``(account key, amount in minor units 分)``.

Sign convention, used everywhere in the ledger: a **debit is positive, a credit is negative**. An entry
is balanced when its amounts add up to exactly zero, and an account's balance is the plain signed sum
of its lines, whatever the account's normal side. So a promoter's available balance, which is money the
platform owes (a credit), is negative in the ledger; ``normal_amount`` turns it into the amount a
person reads (positive when the platform owes the promoter).

Integers, not Decimals, because an entry is checked for exact balance: integer minor units are exact on
every database and in Python alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from tuishou.core.errors import InvalidInput
from tuishou.ledger.errors import LedgerError


class EntryError(InvalidInput):
    """An entry that must not be posted; ``code`` is stable (``ledger.unbalanced``)."""


@dataclass(frozen=True)
class Line:
    """One line of an entry: ``amount`` minor units on ``account`` (debit > 0, credit < 0)."""

    account: Hashable
    amount: int


@dataclass(frozen=True)
class CommissionSnapshot:
    """What a commission line was computed from, frozen at posting time (佣金快照).

    Editing a plan never rewrites history: the order and its line, the plan and its version, the rule,
    the rate and the commission base are kept on the line itself. ``order_line_ref`` is None for a
    commission computed on the whole order or on a period (``order_ref`` then names the period).
    """

    order_ref: str
    order_line_ref: str | None
    plan_id: str
    plan_version: int
    rule: str
    rate: Decimal
    base: Decimal


def entry_check(lines: Iterable[tuple[Hashable, int] | Line]) -> tuple[Line, ...]:
    """Validate an entry and return its lines.

    Raises ``EntryError`` with code ``ledger.empty_entry`` (no lines), ``ledger.malformed_line`` (an
    amount that is not an integer, or no account), ``ledger.zero_line`` (a line of zero: it says
    nothing and hides mistakes) or ``ledger.unbalanced`` (the amounts do not add up to zero).
    """
    checked = tuple(line if isinstance(line, Line) else Line(*line) for line in lines)
    if not checked:
        raise EntryError(LedgerError.EMPTY_ENTRY)
    for index, line in enumerate(checked):
        if type(line.amount) is not int:  # bool is an int subclass, float is inexact: both are mistakes
            raise EntryError(LedgerError.MALFORMED_LINE, amount=line.amount)
        if line.account is None or line.account == "":
            raise EntryError(LedgerError.MALFORMED_LINE, amount=line.amount)
        if line.amount == 0:
            raise EntryError(LedgerError.ZERO_LINE, line=index)
    total = sum(line.amount for line in checked)
    if total != 0:
        raise EntryError(LedgerError.UNBALANCED, details={"total": total})
    return checked


def net_by_account(lines: Iterable[Line]) -> dict[Hashable, int]:
    """Net change per account (lines on the same account added up), in order of first appearance."""
    net: dict[Hashable, int] = {}
    for line in lines:
        net[line.account] = net.get(line.account, 0) + line.amount
    return net


def same_lines(first: Iterable[Hashable], second: Iterable[Hashable]) -> bool:
    """True when two entries have the same lines, in any order (a multiset comparison)."""
    return Counter(first) == Counter(second)


def reversed_lines(lines: Iterable[Line]) -> tuple[Line, ...]:
    """The lines of the entry that cancels ``lines`` exactly (冲正): every amount negated."""
    return tuple(Line(line.account, -line.amount) for line in lines)


def normal_amount(balance: int, *, credit_normal: bool) -> int:
    """The balance as a person reads it: positive on the account's normal side.

    A credit-normal account (a liability such as what the platform owes a promoter) holds money when its
    signed balance is negative, so its readable amount is ``-balance``.
    """
    return -balance if credit_normal else balance


def overdrawn(before: int, change: int, *, credit_normal: bool) -> bool:
    """True when ``change`` moves an account against its normal side and leaves it below zero.

    A change that adds to the account never counts as overdrawing it, even while a clawback keeps it
    negative: a carried negative balance is paid back by later income, not blocked.
    """
    readable_change = normal_amount(change, credit_normal=credit_normal)
    return readable_change < 0 and normal_amount(before + change, credit_normal=credit_normal) < 0
