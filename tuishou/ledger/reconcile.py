"""Reconciliation (对账): named checks that prove the ledger agrees with itself.

Each check is a function returning the mismatches it found; ``reconcile_run`` runs them all and
``tuishou reconcile`` prints the report and exits 1 when anything is off. Other apps add their checks
with ``@reconcile_check("name", "what it proves")`` in a module imported from their ``AppConfig.ready``
(the orders and payments work adds "commissions equal the plan's recomputation" and "every refund has
its reversal" that way).

Provider reconciliation (对账) joins as *dated* checks (``dated=True``): each compares a provider's statement
of some days with our records and the ledger, and is called with the ``Period`` to cover — the days given to
``tuishou reconcile --day/--since``, by default the last ``DEFAULT_DAYS`` days up to today.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from tuishou.ledger.models import Account
from tuishou.ledger.selectors import ZERO, balances_recomputed, entries_unbalanced, lines_unreferenced


@dataclass(frozen=True)
class Mismatch:
    """One thing that does not add up: which record, what the ledger says and what it should say."""

    subject: str
    found: str
    expected: str
    note: str = ""

    def __str__(self) -> str:
        text = f"{self.subject}: found {self.found}, expected {self.expected}"
        return f"{text} ({self.note})" if self.note else text


DEFAULT_DAYS = 3  # today and the two days before: a provider's late callbacks and statements settle by then


@dataclass(frozen=True)
class Period:
    """The calendar days (in ``settings.TIME_ZONE``) the dated checks cover, and the time they run at."""

    days: tuple[date, ...]
    now: datetime

    @classmethod
    def recent(cls, count: int = DEFAULT_DAYS, *, now: datetime | None = None) -> Period:
        now = now or timezone.now()
        today = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).date()
        return cls(days=tuple(today - timedelta(days=n) for n in range(count - 1, -1, -1)), now=now)

    @classmethod
    def since(cls, first: date, *, now: datetime | None = None) -> Period:
        now = now or timezone.now()
        today = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).date()
        return cls(days=tuple(first + timedelta(days=n) for n in range(max((today - first).days, 0) + 1)), now=now)


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    run: Callable[..., Iterable[Mismatch]]
    dated: bool = False


@dataclass(frozen=True)
class CheckResult:
    name: str
    description: str
    mismatches: tuple[Mismatch, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches


@dataclass(frozen=True)
class Report:
    results: tuple[CheckResult, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    @property
    def mismatch_count(self) -> int:
        return sum(len(result.mismatches) for result in self.results)

    def lines(self) -> list[str]:
        """The report as text, one check per paragraph."""
        out = []
        for result in self.results:
            status = "ok  " if result.ok else "FAIL"
            out.append(f"{status} {result.name}: {result.description}")
            out.extend(f"     - {mismatch}" for mismatch in result.mismatches)
        if self.ok:
            out.append(f"Ledger reconciled: {len(self.results)} checks, no mismatch.")
        else:
            out.append(f"Ledger NOT reconciled: {self.mismatch_count} mismatch(es).")
        return out


CHECKS: dict[str, Check] = {}


def reconcile_check(name: str, description: str, *, dated: bool = False):
    """Register a reconciliation check: a function returning an iterable of ``Mismatch`` — called with the
    ``Period`` to cover when ``dated`` (a provider's statement), with nothing otherwise."""
    def register(func: Callable[..., Iterable[Mismatch]]):
        CHECKS[name] = Check(name=name, description=description, run=func, dated=dated)
        return func
    return register


def reconcile_run(names: Sequence[str] | None = None, *, period: Period | None = None) -> Report:
    """Run the named checks (every registered check by default), in registration order; the dated ones over
    ``period`` (the last ``DEFAULT_DAYS`` days by default)."""
    unknown = set(names or ()) - set(CHECKS)
    if unknown:
        raise KeyError(f"unknown reconciliation check(s): {', '.join(sorted(unknown))}")
    chosen = [check for name, check in CHECKS.items() if names is None or name in names]
    period = period or Period.recent()
    return Report(tuple(CheckResult(c.name, c.description, tuple(c.run(period) if c.dated else c.run()))
                        for c in chosen))


@reconcile_check("account_balances", "every cached account balance equals the sum of its lines")
def check_account_balances() -> Iterable[Mismatch]:
    recomputed = balances_recomputed()
    for account in Account.objects.order_by("id").only("id", "key", "balance", "line_count"):
        total, count = recomputed.get(account.pk, (ZERO, 0))
        if account.balance != total:
            yield Mismatch(subject=f"account {account.key} (#{account.pk})", found=f"balance {account.balance}",
                           expected=f"{total} = sum of {count} line(s)")
        elif account.line_count != count:
            yield Mismatch(subject=f"account {account.key} (#{account.pk})", found=f"line count {account.line_count}",
                           expected=f"{count}")


@reconcile_check("entries_balanced", "every journal entry has lines that add up to zero")
def check_entries_balanced() -> Iterable[Mismatch]:
    for pk, key, total, count in entries_unbalanced():
        yield Mismatch(subject=f"entry #{pk} {key}", found=f"{count} lines summing to {total}",
                       expected="at least two lines summing to 0.00")


@reconcile_check("line_references", "every journal line's entry and account exist")
def check_line_references() -> Iterable[Mismatch]:
    for pk, entry_id, account_id in lines_unreferenced():
        yield Mismatch(subject=f"line #{pk}", found=f"entry #{entry_id}, account #{account_id}",
                       expected="an existing entry and account")
