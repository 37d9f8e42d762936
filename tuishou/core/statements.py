"""Provider statements (对账单) and their comparison with our own records, for every outside provider alike.

A payment gateway or a payout provider answers ``statement(day)``: every record of its own books that day
(payments taken, refunds, payouts) with the provider's final word on each (``StatementLine``). Reconciliation
puts our records of the same days beside it (``OurRecord``) and ``statement_compare`` names every difference:
a record missing on our side or on theirs, an amount or a final state that differs. A record still in flight —
our side not yet final, the provider's report younger than the grace — is no difference yet.

Days are calendar days in ``settings.TIME_ZONE`` (Asia/Shanghai), the providers' settlement day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

GRACE = timedelta(minutes=30)  # how long a provider's report may wait for its callback before it is a difference
SUCCEEDED, FAILED, PENDING = "succeeded", "failed", "pending"


@dataclass(frozen=True)
class StatementLine:
    """One record of a provider's statement: ``kind`` (payment, refund, payout), our reference as the provider
    keeps it, the provider's own id, the amount and its final state (succeeded or failed) and when."""

    kind: str
    reference: str
    provider_id: str
    amount: Decimal
    currency: str
    state: str
    at: datetime


@dataclass(frozen=True)
class OurRecord:
    """The same record on our side; ``state`` is succeeded, failed or pending (not final yet)."""

    kind: str
    reference: str
    provider_id: str
    amount: Decimal
    currency: str
    state: str
    at: datetime | None


@dataclass(frozen=True)
class Difference:
    """One thing the provider and we do not agree on."""

    kind: str
    reference: str
    provider_id: str
    problem: str  # missing_ours, missing_theirs, amount, state
    ours: str
    theirs: str


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of ``day`` and of the next one, in the providers' time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def local_day(at: datetime) -> date:
    return timezone.localtime(at, ZoneInfo(settings.TIME_ZONE)).date()


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def statement_compare(*, theirs: Iterable[StatementLine], theirs_nearby: Iterable[StatementLine],
                      ours: Iterable[OurRecord], ours_of_theirs: Iterable[OurRecord],
                      now: datetime | None = None, grace: timedelta = GRACE) -> Iterator[Difference]:
    """Every difference between a provider's statement of some days (``theirs``) and our records of those days
    (``ours``). A line of theirs is looked up among ``ours_of_theirs`` (our records with its references, of any
    day); one of ours among ``theirs_nearby`` (the provider's lines of those days and the day on each side, as the
    two clocks may put one record on either side of midnight)."""
    now = now or timezone.now()
    by_ref = {(r.kind, r.reference): r for r in ours_of_theirs}
    seen: set[tuple[str, str]] = set()
    for line in sorted(theirs, key=lambda item: (item.at, item.reference)):
        key = (line.kind, line.reference)
        seen.add(key)
        mine = by_ref.get(key)
        if mine is None:
            yield Difference(line.kind, line.reference, line.provider_id, "missing_ours", "—",
                             f"{line.amount} {line.state}")
            continue
        if (mine.amount, mine.currency) != (line.amount, line.currency):
            yield Difference(line.kind, line.reference, line.provider_id, "amount", f"{mine.amount} {mine.currency}",
                             f"{line.amount} {line.currency}")
        in_flight = mine.state == PENDING and line.at > now - grace
        if mine.state != line.state and not in_flight:
            yield Difference(line.kind, line.reference, line.provider_id, "state", mine.state, line.state)
    nearby = {(line.kind, line.reference) for line in theirs_nearby}
    for mine in ours:
        key = (mine.kind, mine.reference)
        if key not in seen and key not in nearby:
            yield Difference(mine.kind, mine.reference, mine.provider_id, "missing_theirs",
                             f"{mine.amount} {mine.state}", "—")
