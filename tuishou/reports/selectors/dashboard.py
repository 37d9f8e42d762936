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
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from tuishou.core.money import from_minor
from tuishou.ledger.models import JournalLine
from tuishou.network.models import Community, Promoter
from tuishou.orders.models import AfterSalesCase, AfterSalesStatusChange, Order
from tuishou.reports.models import DayCases, DayOrders, DayPromoters, RollupMark
from tuishou.reports.selectors.scope import PLATFORM_TZ, Period, Scope, day_start, require_report_reader
from tuishou.reports.sql import CASE_MOVES, CASES, LEDGER, MOVE_ACTION, MOVES, PROMOTERS, day_sql, table
from tuishou.risk.models import AuditEntry

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


def _scope_sql(scope: Scope, alias: str) -> tuple[str, list]:
    """The scope's filter on rows with ``community_id`` and ``merchant_id`` columns (an order or a rollup row)."""
    where, params = [], []
    if scope.community is not None:
        where.append(f"{alias}.community_id = %s")
        params.append(scope.community.pk)
    elif scope.kind:
        where.append(f"{alias}.community_id IN (SELECT id FROM {table(Community)} WHERE kind = %s)")
        params.append(scope.kind)
    if scope.merchant is not None:
        where.append(f"{alias}.merchant_id = %s")
        params.append(scope.merchant.pk)
    return "".join(f" AND {w}" for w in where), params


def order_days(*, scope: Scope, start: datetime, end: datetime) -> dict[date, dict]:
    """Per paid day: GMV, orders, B after refunds, refunded amount, net commissions — one statement over the
    rollup (``reports.DayOrders``: the orders as paid and refunded, their ledger lines up to the ``ledger`` mark)
    and the ledger lines after the mark, read in the same snapshot (see ``reports.rollups``)."""
    first, last = timezone.localtime(start, PLATFORM_TZ).date(), timezone.localtime(end, PLATFORM_TZ).date()
    in_scope, scope_params = _scope_sql(scope, "r")
    tail_scope, tail_params = _scope_sql(scope, "o")
    day, day_params = day_sql("o.paid_at")
    adapt = connection.ops.adapt_datetimefield_value
    sql = f"""
        SELECT day, SUM(gmv), SUM(orders), SUM(base), SUM(refunded), SUM(lines) FROM (
            SELECT r.day AS day, r.gmv AS gmv, r.orders AS orders, r.base AS base, r.refunded AS refunded,
                   r.lines AS lines
            FROM {table(DayOrders)} r WHERE r.day >= %s AND r.day < %s{in_scope}
            UNION ALL
            SELECT {day}, 0, 0, 0, 0, o.amount FROM (
                -- the lines after the mark, each looking its order up (a probe per line, never a scan)
                SELECT l.amount AS amount,
                       (SELECT x.paid_at FROM {table(Order)} x WHERE x.number = l.order_ref) AS paid_at,
                       (SELECT x.community_id FROM {table(Order)} x WHERE x.number = l.order_ref) AS community_id,
                       (SELECT x.merchant_id FROM {table(Order)} x WHERE x.number = l.order_ref) AS merchant_id
                FROM {table(JournalLine)} l
                WHERE l.id > COALESCE((SELECT m.through FROM {table(RollupMark)} m WHERE m.name = %s), 0)
                  AND l.order_ref IS NOT NULL
            ) o WHERE o.paid_at >= %s AND o.paid_at < %s{tail_scope}
        ) figures GROUP BY day"""
    params = [connection.ops.adapt_datefield_value(first), connection.ops.adapt_datefield_value(last),
              *scope_params, *day_params, LEDGER, adapt(start), adapt(end), *tail_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = {}
    for raw_day, gmv, orders, base, refunded, lines in rows:
        key = raw_day if isinstance(raw_day, date) else date.fromisoformat(str(raw_day))
        out[key] = {"day": key, "gmv": from_minor(gmv), "orders": int(orders), "base": from_minor(base),
                    "refunded": from_minor(refunded), "commissions": -from_minor(lines)}
    return out


def _promoters_scope_sql(scope: Scope, alias: str) -> tuple[str, list]:
    if scope.community is not None:
        return f" AND {alias}.community_id = %s", [scope.community.pk]
    if scope.kind:
        return f" AND {alias}.community_id IN (SELECT id FROM {table(Community)} WHERE kind = %s)", [scope.kind]
    return "", []


def promoter_days(*, scope: Scope, start: datetime, end: datetime) -> tuple[int, dict[date, int]]:
    """Promoters in scope who joined before ``start``, and those who joined per day up to ``end``: one statement
    over the rollup (``reports.DayPromoters``, up to the ``promoters`` mark) and the promoters after the mark.
    While a community choice newer than the rollup is pending (it moves promoters), from the promoters
    themselves (two queries: a plain count of the earlier ones, the period's bucketed by day)."""
    first, last = timezone.localtime(start, PLATFORM_TZ).date(), timezone.localtime(end, PLATFORM_TZ).date()
    rolled, rolled_params = _promoters_scope_sql(scope, "r")
    tail, tail_params = _promoters_scope_sql(scope, "p")
    day, day_params = day_sql("p.created_at")
    mark = f"COALESCE((SELECT m.through FROM {table(RollupMark)} m WHERE m.name = %s), 0)"
    sql = f"""
        SELECT day, SUM(n), MAX(stale) FROM (
            SELECT r.day AS day, r.joined AS n, 0 AS stale FROM {table(DayPromoters)} r
            WHERE r.day < %s{rolled}
            UNION ALL
            SELECT {day}, 1, 0 FROM {table(Promoter)} p WHERE p.id > {mark} AND p.created_at < %s{tail}
            UNION ALL
            SELECT NULL, 0, 1 FROM {table(AuditEntry)} a WHERE a.action = %s AND a.id > {mark}
        ) joined GROUP BY day"""
    adapt = connection.ops.adapt_datetimefield_value
    params = [connection.ops.adapt_datefield_value(last), *rolled_params, *day_params, PROMOTERS, adapt(end),
              *tail_params, MOVE_ACTION, MOVES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not any(stale for _, _, stale in rows):
        per_day = {(d if isinstance(d, date) else date.fromisoformat(str(d))): int(n) for d, n, _ in rows}
        before = sum(n for d, n in per_day.items() if d < first)
        return before, {d: n for d, n in per_day.items() if d >= first}
    promoters = Promoter.objects.filter(scope.promoters_q()).order_by()
    before = promoters.filter(created_at__lt=start).count()
    per_day = dict(promoters.filter(created_at__gte=start, created_at__lt=end).annotate(day=_day("created_at"))
                   .values("day").annotate(n=Count("id")).values_list("day", "n"))
    return before, per_day


def case_days(*, scope: Scope, start: datetime, end: datetime, now: datetime) -> tuple[dict, dict, int]:
    """Cases opened per day, SLA breaches per due day, and cases open now: one statement over the rollup
    (``reports.DayCases``, up to the ``cases`` and ``case_moves`` marks, see ``reports.rollups.cases``), the cases
    and status moves after the marks (each probing its order), and the unanswered cases due today before ``now``.

    A breach on a due day: the cases answered late, plus — when the whole day is before ``now`` — those due that
    day and not answered (due − answered); for the day holding ``now`` the unanswered ones already past due."""
    first, last = timezone.localtime(start, PLATFORM_TZ).date(), timezone.localtime(end, PLATFORM_TZ).date()
    today_start = day_start(timezone.localtime(now, PLATFORM_TZ).date())
    case, order, history, rollup, mark = (table(m) for m in (AfterSalesCase, Order, AfterSalesStatusChange,
                                                             DayCases, RollupMark))
    opened, opened_params = day_sql("t.opened_at")
    due, due_params = day_sql("t.answer_due_at")
    in_scope, scope_params = _scope_sql(scope, "r")
    tail_scope, tail_params = _scope_sql(scope, "t")
    to_open = f"CASE WHEN t.to_status IN ({', '.join('%s' for _ in AfterSalesCase.OPEN_STATUSES)}) THEN 1 ELSE 0 END"
    from_open = to_open.replace("t.to_status", "t.from_status")
    probe = (f"(SELECT x.community_id FROM {order} x WHERE x.id = c.order_id) AS community_id, "
             f"(SELECT x.merchant_id FROM {order} x WHERE x.id = c.order_id) AS merchant_id")
    new_cases = (f"SELECT c.opened_at AS opened_at, c.answer_due_at AS answer_due_at, {probe} FROM {case} c "
                 f"WHERE c.id > COALESCE((SELECT m.through FROM {mark} m WHERE m.name = '{CASES}'), 0)")
    adapt, adapt_day = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
    sql = f"""
        SELECT day, SUM(opened), SUM(due), SUM(answered), SUM(late), SUM(open_now), SUM(waiting) FROM (
            SELECT r.day AS day, r.opened AS opened, r.due AS due, r.answered AS answered, r.late AS late,
                   0 AS open_now, 0 AS waiting
            FROM {rollup} r WHERE r.day >= %s AND r.day < %s{in_scope}
            UNION ALL
            SELECT NULL, 0, 0, 0, 0, r.open_delta, 0 FROM {rollup} r WHERE r.open_delta <> 0{in_scope}
            UNION ALL
            SELECT {opened}, 1, 0, 0, 0, 1, 0 FROM ({new_cases}) t WHERE 1 = 1{tail_scope}
            UNION ALL
            SELECT {due}, 0, 1, 0, 0, 0, 0 FROM ({new_cases}) t WHERE 1 = 1{tail_scope}
            UNION ALL
            SELECT {due}, 0, 0,
                   CASE WHEN t.from_status = %s AND t.answered_at IS NOT NULL THEN 1 ELSE 0 END,
                   CASE WHEN t.from_status = %s AND t.answered_at > t.answer_due_at THEN 1 ELSE 0 END,
                   {to_open} - {from_open}, 0
            FROM (SELECT h.from_status AS from_status, h.to_status AS to_status, c.answered_at AS answered_at,
                         c.answer_due_at AS answer_due_at, {probe}
                  FROM {history} h JOIN {case} c ON c.id = h.case_id
                  WHERE h.id > COALESCE((SELECT m.through FROM {mark} m WHERE m.name = '{CASE_MOVES}'), 0)
                    AND h.from_status <> '') t WHERE 1 = 1{tail_scope}
            UNION ALL
            SELECT {due}, 0, 0, 0, 0, 0, 1 FROM (
                SELECT c.answer_due_at AS answer_due_at, {probe} FROM {case} c
                WHERE c.answer_due_at >= %s AND c.answer_due_at < %s AND c.answer_due_at < %s
                  AND c.answered_at IS NULL) t WHERE 1 = 1{tail_scope}
        ) figures GROUP BY day"""
    statuses = list(AfterSalesCase.OPEN_STATUSES)
    params = [adapt_day(first), adapt_day(last), *scope_params, *scope_params,
              *opened_params, *tail_params, *due_params, *tail_params,
              *due_params, AfterSalesCase.Status.OPEN, AfterSalesCase.Status.OPEN, *statuses, *statuses,
              *tail_params,
              *due_params, adapt(today_start), adapt(now), adapt(end), *tail_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    opened_per_day, breaches, open_now = {}, {}, 0
    for raw_day, n_opened, n_due, n_answered, n_late, n_open, n_waiting in rows:
        open_now += int(n_open)
        if raw_day is None:
            continue
        key = raw_day if isinstance(raw_day, date) else date.fromisoformat(str(raw_day))
        if n_opened:
            opened_per_day[key] = int(n_opened)
        past = day_start(key + timedelta(days=1)) <= now
        late = int(n_late) + (int(n_due) - int(n_answered) if past else int(n_waiting))
        if late:
            breaches[key] = late
    return opened_per_day, breaches, open_now


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
