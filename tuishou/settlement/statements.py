"""Merchant statements (商家对账单): what the platform owed a merchant at the start of a period, what the period
added and took, and what it owed at the end — every figure summed from the merchant's ledger lines, so a
statement's closing balance is the ledger's balance at that moment, exactly.

The balance is what the platform holds for the merchant and has not paid out: pending (待结算货款) + available
(应付商家, settled) + frozen (商家提现冻结, in a withdrawal). Inside the period:

* sales — what buyers paid for the merchant's orders (the accrual entries' gateway lines), less the platform fee
  (the same entries' revenue line) and the commissions borne (B: the rest of what the entry kept from the merchant);
* refunds — what refunds took back from the merchant's share;
* withdrawals — the amounts of the merchant's withdrawals paid out;
* other — anything else that moved the balance (an operator's adjustment, a reversal); zero in normal operation.

Settling (pending → available) and freezing for a withdrawal (available → frozen) move money inside the balance
and change no figure but the closing split. ``closing = opening + sales − fee − commissions − refunds −
withdrawals + other``.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tuishou.core.errors import InvalidInput, NotFound
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.merchants.errors import MerchantError
from tuishou.merchants.models import Merchant, MerchantStaff
from tuishou.settlement.errors import SettlementError
from tuishou.settlement.periods import period_bounds

ZERO = Decimal("0.00")
K = Account.Kind
E = JournalEntry.Kind
MONTHS_MOST = 36  # the longest list of monthly statements served at once
BALANCE_KINDS = (K.MERCHANT_PENDING, K.MERCHANT_PAYABLE, K.MERCHANT_FROZEN)
ACCRUAL_KINDS = (E.ORDER_PAID, E.COMMISSION_ACCRUED)
REFUND_KINDS = (E.ORDER_REFUNDED, E.COMMISSION_CANCELLED, E.COMMISSION_CLAWBACK)
# Entries that only move money between the merchant's own balance accounts.
INTERNAL_KINDS = (E.MERCHANT_SETTLED, E.WITHDRAWAL_REQUESTED, E.WITHDRAWAL_REJECTED, E.WITHDRAWAL_FAILED)


@dataclass(frozen=True)
class Statement:
    """One period of a merchant's statement; amounts as the merchant reads them (owed to it: positive)."""

    label: str
    start: datetime
    end: datetime
    opening: Decimal
    sales: Decimal
    platform_fee: Decimal
    commissions: Decimal
    refunds: Decimal
    withdrawals: Decimal
    other: Decimal
    closing: Decimal
    closing_pending: Decimal
    closing_available: Decimal
    closing_frozen: Decimal


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def statement_merchant(*, actor, merchant_id: int) -> Merchant:
    """The merchant, if ``actor`` works for it; ``merchants.merchant_unknown`` (404) otherwise, as if missing."""
    membership = None
    if actor is not None and getattr(actor, "is_authenticated", False):
        membership = (MerchantStaff.objects.filter(user=actor, merchant_id=merchant_id).select_related("merchant")
                      .first())
    if membership is None:
        raise NotFound(MerchantError.MERCHANT_UNKNOWN, merchant_id=merchant_id, details={"merchant_id": merchant_id})
    return membership.merchant


def _balance_lines(merchant_id: int) -> QuerySet[JournalLine]:
    return JournalLine.objects.filter(account__merchant_id=merchant_id, account__kind__in=BALANCE_KINDS)


def _openings(merchant_id: int, before: datetime) -> dict[str, Decimal]:
    """The balance accounts' amounts (as the merchant reads them) from every line before ``before``."""
    rows = (_balance_lines(merchant_id).filter(entry__created_at__lt=before).order_by()
            .values("account__kind").annotate(total=Sum("amount")))
    return {row["account__kind"]: -row["total"] for row in rows}


def _period_sums(merchant_id: int, start: datetime, end: datetime, *, monthly: bool) -> dict:
    """Per bucket (the month's start when ``monthly``, else ``None``): the balance lines by (account kind, entry
    kind), and the gateway and revenue lines of the merchant's accrual entries by account kind."""
    zone, bucket = _zone(), ("month",) if monthly else ()
    lines = _balance_lines(merchant_id).filter(entry__created_at__gte=start, entry__created_at__lt=end).order_by()
    accruals = lines.filter(entry__kind__in=ACCRUAL_KINDS, account__kind=K.MERCHANT_PENDING).values("entry_id")
    split = JournalLine.objects.filter(entry_id__in=accruals, account__kind__in=(K.GATEWAY_CLEARING,
                                                                                 K.PLATFORM_REVENUE)).order_by()
    if monthly:
        lines = lines.annotate(month=TruncMonth("entry__created_at", tzinfo=zone))
        split = split.annotate(month=TruncMonth("entry__created_at", tzinfo=zone))
    sums: dict = defaultdict(lambda: {"lines": defaultdict(lambda: ZERO), "split": defaultdict(lambda: ZERO)})
    for row in lines.values(*bucket, "account__kind", "entry__kind").annotate(total=Sum("amount")):
        key = row["month"].astimezone(zone).date().replace(day=1) if monthly else None
        sums[key]["lines"][row["account__kind"], row["entry__kind"]] -= row["total"]
    for row in split.values(*bucket, "account__kind").annotate(total=Sum("amount")):
        key = row["month"].astimezone(zone).date().replace(day=1) if monthly else None
        sums[key]["split"][row["account__kind"]] += row["total"]
    return sums


def _statement(label: str, start: datetime, end: datetime, opening: dict[str, Decimal], sums) -> Statement:
    lines, split = sums["lines"], sums["split"]
    closing = dict(opening)
    by_entry: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (account_kind, entry_kind), amount in lines.items():
        closing[account_kind] = closing.get(account_kind, ZERO) + amount
        by_entry[entry_kind] += amount
    net_sales = sum((by_entry[k] for k in ACCRUAL_KINDS), ZERO)
    sales, fee = split[K.GATEWAY_CLEARING], -split[K.PLATFORM_REVENUE]
    refunds = -sum((by_entry[k] for k in REFUND_KINDS), ZERO)
    withdrawals = -by_entry[E.WITHDRAWAL_PAID]
    other = sum((amount for kind, amount in by_entry.items()
                 if kind not in (*ACCRUAL_KINDS, *REFUND_KINDS, *INTERNAL_KINDS, E.WITHDRAWAL_PAID)), ZERO)
    total_open = sum(opening.values(), ZERO)
    return Statement(label=label, start=start, end=end, opening=total_open, sales=sales, platform_fee=fee,
                     commissions=sales - fee - net_sales, refunds=refunds, withdrawals=withdrawals, other=other,
                     closing=sum(closing.values(), ZERO), closing_pending=closing.get(K.MERCHANT_PENDING, ZERO),
                     closing_available=closing.get(K.MERCHANT_PAYABLE, ZERO),
                     closing_frozen=closing.get(K.MERCHANT_FROZEN, ZERO))


def merchant_statement_for(*, actor, merchant_id: int, start: datetime, end: datetime,
                           label: str = "") -> Statement:
    """The statement of any period [start, end) (a settlement period, a custom range): three queries."""
    statement_merchant(actor=actor, merchant_id=merchant_id)
    sums = _period_sums(merchant_id, start, end, monthly=False)
    return _statement(label or f"{start:%Y-%m-%d} – {end:%Y-%m-%d}", start, end, _openings(merchant_id, start),
                      sums[None] if None in sums else {"lines": {}, "split": defaultdict(lambda: ZERO)})


def merchant_statement_month(*, actor, merchant_id: int, period: str) -> Statement:
    """The statement of one calendar month ``YYYY-MM`` (``settlement.period_malformed`` otherwise)."""
    start, end = period_bounds(period)
    return merchant_statement_for(actor=actor, merchant_id=merchant_id, start=start, end=end, label=period)


def merchant_statement_range(*, actor, merchant_id: int, first: date, last: date) -> Statement:
    """The statement from the first day to the last day (inclusive) in the platform's time zone: a settlement
    period of the merchant's choosing. ``settlement.statement_range`` when the days are reversed or more than
    366 apart."""
    if last < first or (last - first).days > 365:
        raise InvalidInput(SettlementError.STATEMENT_RANGE, details={"field": "last"})
    zone = _zone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return merchant_statement_for(actor=actor, merchant_id=merchant_id, start=start, end=end,
                                  label=f"{first:%Y-%m-%d} – {last:%Y-%m-%d}")


def merchant_statements_monthly(*, actor, merchant_id: int, months: int = 12,
                                now: datetime | None = None) -> list[Statement]:
    """The last ``months`` calendar months' statements (this month included), newest first: three queries
    whatever the number of months; each month opens on the previous one's closing. ``months`` outside
    1–``MONTHS_MOST`` is refused (``settlement.months_invalid``), never served as another number of months."""
    if not 1 <= months <= MONTHS_MOST:
        raise InvalidInput(SettlementError.MONTHS_INVALID, most=MONTHS_MOST, months=months,
                           details={"field": "months", "value": months})
    statement_merchant(actor=actor, merchant_id=merchant_id)
    local = timezone.localtime(now or timezone.now(), _zone())
    periods = []
    year, month = local.year, local.month
    for _ in range(months):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    periods.reverse()
    bounds = [period_bounds(p) for p in periods]
    sums = _period_sums(merchant_id, bounds[0][0], bounds[-1][1], monthly=True)
    opening = _openings(merchant_id, bounds[0][0])
    empty = {"lines": {}, "split": defaultdict(lambda: ZERO)}
    statements = []
    for period, (start, end) in zip(periods, bounds, strict=True):
        statement = _statement(period, start, end, opening, sums.get(start.date(), empty))
        statements.append(statement)
        opening = {K.MERCHANT_PENDING: statement.closing_pending, K.MERCHANT_PAYABLE: statement.closing_available,
                   K.MERCHANT_FROZEN: statement.closing_frozen}
    return statements[::-1]


def statements_since_first_movement(statements: list[Statement]) -> list[Statement]:
    """``statements`` (newest first) without the oldest months in which nothing had happened yet: every figure
    zero, before the first month with a movement (the months before a merchant's first sale). This month is
    always kept."""
    kept = list(statements)
    while len(kept) > 1 and not any(getattr(kept[-1], name) for name in _FIGURE_NAMES):
        kept.pop()
    return kept


_FIGURE_NAMES = tuple(f.name for f in fields(Statement) if f.name not in ("label", "start", "end"))  # its amounts


def merchant_statement_lines(*, actor, merchant_id: int, start: datetime, end: datetime) -> QuerySet[JournalLine]:
    """The movements of the merchant's balance in [start, end), oldest first (对账明细), for a paginated list."""
    statement_merchant(actor=actor, merchant_id=merchant_id)
    return (_balance_lines(merchant_id).filter(entry__created_at__gte=start, entry__created_at__lt=end)
            .select_related("entry", "account").order_by("entry__created_at", "id"))


def merchant_balance_now(merchant_id: int) -> Decimal:
    """The balance a statement closes on now: pending + available + frozen, from the accounts' cached balances."""
    rows = Account.objects.filter(merchant_id=merchant_id, kind__in=BALANCE_KINDS).aggregate(total=Sum("balance"))
    return -(rows["total"] or ZERO)

