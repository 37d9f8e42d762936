"""The operator's dashboard (运营看板): GMV, paid orders, new promoters, team growth, payout ratio and after-sales
health per day of a period, with totals and their change against the period before — in seven queries.

Definitions (the page explains them too):

- An order counts on the day it was **paid** (Asia/Shanghai); GMV is the sum of those orders' totals.
- Payout ratio = commissions ÷ B: the commissions booked in the ledger on those orders (promoter lines with a
  commission snapshot, net of cancellations, clawbacks and reversals) over their commission base B after
  refunds. Period bonuses (team volume, pools) belong to no order and are not in it.
- Refund rate = what was refunded on those orders ÷ their GMV.
- New promoters count on the day they joined; team size is every promoter in scope at the end of a day.
- After-sales: cases opened per day; an SLA breach is a case whose answer was due that day and came late or
  not at all (still unanswered after the deadline); open cases are those open now.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from tuishou.ledger.models import JournalLine
from tuishou.network.models import Promoter
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.reports.selectors.scope import PLATFORM_TZ, Period, Scope, require_report_reader

ZERO = Decimal("0.00")
RATIO = Decimal("0.0001")


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part ÷ whole`` to four places (half up); ``None`` when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Kpi:
    """A card: the period's figure, the previous period's, and the change (``None`` when it cannot be said)."""

    key: str
    value: Decimal | int | None
    previous: Decimal | int | None

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        if isinstance(self.value, Decimal) and self.value.as_tuple().exponent == -4:  # a ratio: points, not %
            return self.value - self.previous
        return ratio(Decimal(self.value) - Decimal(self.previous), self.previous)


@dataclass(frozen=True)
class Dashboard:
    period: Period
    previous: Period
    scope: Scope
    days: list[date]
    gmv: list[Decimal]
    orders: list[int]
    commissions: list[Decimal]
    base: list[Decimal]
    payout_ratio: list[Decimal | None]
    refunded: list[Decimal]
    refund_rate: list[Decimal | None]
    new_promoters: list[int]
    team_size: list[int]
    cases_opened: list[int]
    sla_breaches: list[int]
    open_cases: int
    kpis: list[Kpi]


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=PLATFORM_TZ)


def _commissions_of_order() -> Subquery:
    """Net commission of the outer order: minus the sum of its snapshot lines (promoter credits are negative)."""
    lines = (JournalLine.objects.filter(order_ref=OuterRef("number")).order_by()
             .values("order_ref").annotate(total=Sum("amount")).values("total"))
    return Subquery(lines)


def order_days(*, scope: Scope, start: datetime, end: datetime) -> dict[date, dict]:
    """Per paid day: GMV, orders, B after refunds, refunded amount, net commissions (one query)."""
    rows = (Order.objects.filter(scope.orders_q(), paid_at__gte=start, paid_at__lt=end).order_by()
            .annotate(day=_day("paid_at"), commission=Coalesce(_commissions_of_order(), 0))
            .values("day")
            .annotate(gmv=Sum("total"), orders=Count("id"), base=Sum("commission_base_remaining"),
                      refunded=Sum("refunded_amount"), lines=Sum("commission")))
    return {row["day"]: {**row, "commissions": -(row["lines"] or ZERO)} for row in rows}


def promoter_days(*, scope: Scope, start: datetime, end: datetime) -> tuple[int, dict[date, int]]:
    """Promoters in scope who joined before ``start``, and those who joined per day up to ``end`` (two queries:
    a plain count of the earlier ones, so that only the period's promoters are bucketed by day)."""
    promoters = Promoter.objects.filter(scope.promoters_q()).order_by()
    before = promoters.filter(created_at__lt=start).count()
    per_day = dict(promoters.filter(created_at__gte=start, created_at__lt=end).annotate(day=_day("created_at"))
                   .values("day").annotate(n=Count("id")).values_list("day", "n"))
    return before, per_day


def case_days(*, scope: Scope, start: datetime, end: datetime, now: datetime) -> tuple[dict, dict, int]:
    """Cases opened per day, SLA breaches per due day, and cases open now (three queries)."""
    cases = AfterSalesCase.objects.filter(scope.orders_q("order__")).order_by()
    opened = dict(cases.filter(opened_at__gte=start, opened_at__lt=end).annotate(day=_day("opened_at"))
                  .values("day").annotate(n=Count("id")).values_list("day", "n"))
    late = Q(answered_at__gt=F("answer_due_at")) | Q(answered_at__isnull=True, answer_due_at__lt=now)
    breaches = dict(cases.filter(late, answer_due_at__gte=start, answer_due_at__lt=end)
                    .annotate(day=_day("answer_due_at")).values("day").annotate(n=Count("id"))
                    .values_list("day", "n"))
    open_now = cases.filter(status__in=AfterSalesCase.OPEN_STATUSES).count()
    return opened, breaches, open_now


@contextmanager
def _no_jit():
    """On PostgreSQL, the reads without JIT compilation: the orders' aggregate is costed high enough to switch it
    on, and compiling takes longer than it saves (bench/dashboard.py: 25% of the statement). Elsewhere nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def ops_dashboard(*, user, period: Period, scope: Scope, now: datetime | None = None) -> Dashboard:
    """The dashboard of ``period`` over ``scope``; the KPI cards compare with the period just before."""
    require_report_reader(user)
    now = now or timezone.now()
    previous = period.previous()
    with _no_jit():
        orders = order_days(scope=scope, start=previous.start, end=period.end)
        before, joined = promoter_days(scope=scope, start=previous.start, end=period.end)
        opened, breaches, open_now = case_days(scope=scope, start=previous.start, end=period.end, now=now)

    def series(days: list[date], key: str, zero):
        return [orders[d][key] if d in orders else zero for d in days]

    def totals(days: list[date]) -> dict:
        gmv, base = sum(series(days, "gmv", ZERO), ZERO), sum(series(days, "base", ZERO), ZERO)
        commissions, refunded = sum(series(days, "commissions", ZERO), ZERO), sum(series(days, "refunded", ZERO), ZERO)
        return {"gmv": gmv, "orders": sum(series(days, "orders", 0)), "payout_ratio": ratio(commissions, base),
                "refund_rate": ratio(refunded, gmv), "commissions": commissions,
                "new_promoters": sum(joined.get(d, 0) for d in days),
                "cases_opened": sum(opened.get(d, 0) for d in days),
                "sla_breaches": sum(breaches.get(d, 0) for d in days)}

    days, earlier = period.dates(), previous.dates()
    size, team_size = before + sum(joined.get(d, 0) for d in earlier), []
    team_before = size
    for d in days:
        size += joined.get(d, 0)
        team_size.append(size)
    now_totals, then_totals = totals(days), totals(earlier)
    kpis = [Kpi(key, now_totals[key], then_totals[key])
            for key in ("gmv", "orders", "commissions", "payout_ratio", "new_promoters", "refund_rate",
                        "cases_opened", "sla_breaches")]
    kpis.insert(5, Kpi("team_size", team_size[-1], team_before))
    gmv, base = series(days, "gmv", ZERO), series(days, "base", ZERO)
    commissions, refunded = series(days, "commissions", ZERO), series(days, "refunded", ZERO)
    return Dashboard(
        period=period, previous=previous, scope=scope, days=days, gmv=gmv, orders=series(days, "orders", 0),
        commissions=commissions, base=base,
        payout_ratio=[ratio(c, b) for c, b in zip(commissions, base, strict=True)],
        refunded=refunded, refund_rate=[ratio(r, g) for r, g in zip(refunded, gmv, strict=True)],
        new_promoters=[joined.get(d, 0) for d in days], team_size=team_size,
        cases_opened=[opened.get(d, 0) for d in days], sla_breaches=[breaches.get(d, 0) for d in days],
        open_cases=open_now, kpis=kpis)
