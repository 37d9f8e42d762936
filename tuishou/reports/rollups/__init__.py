"""The upkeep of the reports' rollups (``reports.models``): the one module of the reports that writes, and only
to the reports' own tables. The pages never call it (import-linter: "Report pages never write").

How the figures stay exactly those of the books:

- **Orders** (GMV, orders, B after refunds, refunds per paid day × community × merchant) are kept at the write
  points: ``order.paid`` and ``order.refunded`` (``tuishou.orders.events``, delivered inside the order's own
  transaction) each append one delta row, so a rollup row commits or rolls back with the change it counts. With
  the batched accrual ``order.paid`` is delivered by the booking batch: one row per key for the whole batch, in
  the transaction that books the orders (a paid order counts once it is booked, seconds later).
- **Ledger lines** (the orders' commissions on the dashboard, each promoter's earnings per day for the income
  disclosure) are folded from the journal, which is append-only: ``rollups_fold`` adds the lines after the
  ``ledger`` mark up to the newest one and moves the mark; a page adds the lines after the mark itself, in the
  same SQL statement (one snapshot). The mark is read under a brief SHARE lock of the journal lines, so no line
  below it is still uncommitted: nothing is folded twice or skipped.
- **New promoters** per day × community are folded from the promoters (appended, their join time fixed) past
  the ``promoters`` mark, which a page also reads past. The one write that changes a promoter's community, a
  temporary shopkeeper's community choice, is audited (``network.community_chosen``): while such an entry is
  newer than the ``community_moves`` mark a page counts promoters from the promoters themselves, and the next
  fold recounts them.
- **Each promoter's 12-month earnings** (``PromoterWindow``, for the income disclosure) and **after-sales per
  day** (``DayCases``, for the dashboard) are kept by the same fold: see ``rollups.window`` and
  ``rollups.cases``.
- ``rollups_fold`` also compacts the delta rows of the days it touched into one row per key. It runs every few
  minutes (``TUISHOU_SCHEDULE``: ``fold-report-rollups``); however late it runs, the pages stay exact, they
  only read more raw lines.
- ``rollups_rebuild`` recomputes everything from the orders and the journal (the migration runs it once; an
  operator may run ``tuishou reports_rollups --rebuild`` after a restore). It is idempotent.

Locks (PostgreSQL): a paying or refunding transaction takes the journal lines' lock before the rollups'
(settlement books before the reports' handler runs); the rebuild takes them in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.network.models import Promoter
from tuishou.orders import events
from tuishou.orders.models import AfterSalesCase, AfterSalesStatusChange, Order
from tuishou.reports.models import DayCases, DayOrders, DayPromoters, PromoterDay, PromoterWindow, RollupMark
from tuishou.reports.rollups.base import execute as _execute
from tuishou.reports.rollups.base import lock as _lock
from tuishou.reports.rollups.cases import CASE_KEYS, CASE_SUMS, cases_fold, cases_high_water, cases_rebuild
from tuishou.reports.rollups.window import ranks_high_water, window_first, window_fold, window_rebuild
from tuishou.reports.selectors.scope import PLATFORM_TZ
from tuishou.reports.sql import CASE_MOVES, CASES, LEDGER, MOVE_ACTION, MOVES, PROMOTERS, RANKS, WINDOW, day_sql, table
from tuishou.risk.models import AuditEntry

COMPACTED_ORDERS = "compacted_dayorders"
COMPACTED_EARNINGS = "compacted_promoterday"
COMPACTED_PROMOTERS = "compacted_daypromoters"
COMPACTED_CASES = "compacted_daycases"
ROLLUP_TABLES = (DayOrders, PromoterDay, DayPromoters, PromoterWindow, DayCases)


# --- at the write points (inside the order's transaction) -----------------------------------------------------

def order_paid_rollup(event: events.OrderPaid) -> None:
    """``order.paid``: the order counts on its paid day, with its total and its whole B (nothing refunded yet)."""
    orders_paid_rollup([event])


def orders_paid_rollup(paid: list[events.OrderPaid]) -> None:
    """The batch form of ``order_paid_rollup`` (the deferred ``order.paid``): the batch summed per paid day ×
    community × merchant, one delta row per key in one insert (the fold compacts them as any other)."""
    totals: dict[tuple, tuple] = {}
    for event in paid:
        key = (timezone.localtime(event.paid_at, PLATFORM_TZ).date(), event.community_id, event.merchant_id)
        gmv, orders, base = totals.get(key, (Decimal("0.00"), 0, Decimal("0.00")))
        totals[key] = (gmv + event.paid_amount, orders + 1, base + event.commission_base)
    DayOrders.objects.bulk_create([DayOrders(day=day, community_id=community_id, merchant_id=merchant_id, gmv=gmv,
                                             orders=orders, base=base)
                                   for (day, community_id, merchant_id), (gmv, orders, base) in totals.items()])


def order_refunded_rollup(event: events.OrderRefunded) -> None:
    """``order.refunded``: on the order's paid day, the refund adds to what was refunded and takes B off."""
    order = Order.objects.values("paid_at", "community_id", "merchant_id").get(pk=event.order_id)
    DayOrders.objects.create(day=timezone.localtime(order["paid_at"], PLATFORM_TZ).date(),
                             community_id=order["community_id"], merchant_id=order["merchant_id"],
                             base=-(event.commission_base_before - event.commission_base_after),
                             refunded=event.amount)


# --- folding the journal ----------------------------------------------------------------------------------------

def _ledger_high_water() -> int:
    """The newest journal line id, with every line up to it committed (PostgreSQL: read under a SHARE lock,
    which waits for the transactions writing lines and is released at once)."""
    with transaction.atomic():
        _lock(f"LOCK TABLE {table(JournalLine)} IN SHARE MODE")
        return JournalLine.objects.aggregate(m=Max("id"))["m"] or 0


def _promoters_high_water() -> tuple[int, int]:
    """The newest promoter id and community-choice audit entry, every one up to them committed (PostgreSQL: read
    under a SHARE lock of the promoters, which waits for sign-ups and community choices under way)."""
    with transaction.atomic():
        _lock(f"LOCK TABLE {table(Promoter)} IN SHARE MODE")
        return (Promoter.objects.aggregate(m=Max("id"))["m"] or 0,
                AuditEntry.objects.filter(action=MOVE_ACTION).aggregate(m=Max("id"))["m"] or 0)


def _fold_promoters(low: int, high: int) -> None:
    """Count the promoters ``low < id <= high`` per join day and community."""
    joined, params = day_sql("created_at")
    _execute(f"""
        INSERT INTO {table(DayPromoters)} (day, community_id, joined)
        SELECT {joined}, community_id, COUNT(*) FROM {table(Promoter)} WHERE id > %s AND id <= %s
        GROUP BY 1, 2""", [*params, low, high])


def _promoters_fold(marks: dict[str, RollupMark], high: int, moves: int, *, recount: bool) -> None:
    """Add the promoters past the mark, or recount every one after a community choice (or a rebuild)."""
    recount = recount or moves > marks[MOVES].through
    if recount:
        DayPromoters.objects.all().delete()
        _fold_promoters(0, high)
    elif high > marks[PROMOTERS].through:
        _fold_promoters(marks[PROMOTERS].through, high)
    now = timezone.now()
    for name, value in ((PROMOTERS, max(high, 0 if recount else marks[PROMOTERS].through)),
                        (MOVES, max(moves, marks[MOVES].through))):
        marks[name].through, marks[name].updated_at = value, now
        marks[name].save()


def _fold_lines(low: int, high: int) -> None:
    """Add the journal lines ``low < id <= high`` to both rollups (one INSERT … SELECT each)."""
    order, line, entry, account = table(Order), table(JournalLine), table(JournalEntry), table(Account)
    paid_day, paid_params = day_sql("o.paid_at")
    _execute(f"""
        INSERT INTO {table(DayOrders)} (day, community_id, merchant_id, gmv, orders, base, refunded, lines)
        SELECT {paid_day}, o.community_id, o.merchant_id, 0, 0, 0, 0, SUM(l.amount)
        FROM {line} l JOIN {order} o ON o.number = l.order_ref
        WHERE l.id > %s AND l.id <= %s AND l.order_ref IS NOT NULL AND o.paid_at IS NOT NULL
        GROUP BY 1, 2, 3""", [*paid_params, low, high])
    entry_day, entry_params = day_sql("e.created_at")
    _execute(f"""
        INSERT INTO {table(PromoterDay)} (promoter_id, day, amount)
        SELECT a.promoter_id, {entry_day}, -SUM(l.amount)
        FROM {line} l JOIN {entry} e ON e.id = l.entry_id JOIN {account} a ON a.id = l.account_id
        WHERE l.id > %s AND l.id <= %s AND l.order_ref IS NOT NULL AND a.promoter_id IS NOT NULL
        GROUP BY 1, 2""", [*entry_params, low, high])


def _compact(model, keys: tuple[str, ...], sums: tuple[str, ...], mark: RollupMark, *, everything: bool) -> int:
    """Merge the rows of every day that got a row since ``mark`` into one row per key; returns the days."""
    name = table(model)
    newest = model.objects.aggregate(m=Max("id"))["m"] or 0
    if everything:
        touched = "1 = 1"
        params: list = [newest]
        days = model.objects.values("day").distinct().count()
    else:
        days = model.objects.filter(id__gt=mark.through, id__lte=newest).values("day").distinct().count()
        touched = f"day IN (SELECT day FROM {name} WHERE id > %s AND id <= %s)"
        params = [mark.through, newest, newest]
    if days:
        cols = ", ".join(keys)
        totals = ", ".join(f"SUM({s})" for s in sums)
        _execute(f"""INSERT INTO {name} ({cols}, {', '.join(sums)})
                     SELECT {cols}, {totals} FROM {name} WHERE {touched} AND id <= %s GROUP BY {cols}""", params)
        _execute(f"DELETE FROM {name} WHERE {touched} AND id <= %s", params)
    mark.through = model.objects.aggregate(m=Max("id"))["m"] or 0
    mark.updated_at = timezone.now()
    mark.save()
    return days


ORDER_KEYS, ORDER_SUMS = ("day", "community_id", "merchant_id"), ("gmv", "orders", "base", "refunded", "lines")
PROMOTER_KEYS, PROMOTER_SUMS = ("day", "community_id"), ("joined",)
EARNING_KEYS, EARNING_SUMS = ("promoter_id", "day"), ("amount",)


@dataclass(frozen=True)
class FoldResult:
    """What one fold did: the ledger mark before and after, and the days compacted in each rollup."""

    ledger_from: int
    ledger_to: int
    order_days: int
    earning_days: int


def _marks() -> dict[str, RollupMark]:
    for name in (LEDGER, PROMOTERS, MOVES, COMPACTED_ORDERS, COMPACTED_EARNINGS, COMPACTED_PROMOTERS, RANKS, WINDOW,
                 CASES, CASE_MOVES, COMPACTED_CASES):
        RollupMark.objects.get_or_create(name=name)
    return {m.name: m for m in RollupMark.objects.select_for_update().order_by("name")}


def rollups_fold() -> FoldResult:
    """Fold the journal lines posted since the last fold and compact the days that changed (idempotent: a fold
    with nothing new changes nothing). Safe beside the write points and another fold."""
    high = _ledger_high_water()
    promoters, moves = _promoters_high_water()
    ranks = ranks_high_water()
    cases, case_moves = cases_high_water()
    first = window_first()
    with transaction.atomic():
        _lock(f"LOCK TABLE {', '.join(table(m) for m in ROLLUP_TABLES)} IN SHARE ROW EXCLUSIVE MODE")
        marks = _marks()
        promoters_from, moved = marks[PROMOTERS].through, moves > marks[MOVES].through
        _promoters_fold(marks, promoters, moves, recount=False)
        _compact(DayPromoters, PROMOTER_KEYS, PROMOTER_SUMS, marks[COMPACTED_PROMOTERS], everything=False)
        low = marks[LEDGER].through
        earnings_from = PromoterDay.objects.aggregate(m=Max("id"))["m"] or 0
        if high > low:
            _fold_lines(low, high)
            marks[LEDGER].through = high
            marks[LEDGER].updated_at = timezone.now()
            marks[LEDGER].save()
        window_fold(marks=marks, promoters_from=promoters_from, promoters_to=max(promoters, promoters_from),
                    moved=moved, ranks_to=ranks, earnings_from=earnings_from, first=first)
        _cases_fold(marks, cases, case_moves)
        orders = _compact(DayOrders, ORDER_KEYS, ORDER_SUMS, marks[COMPACTED_ORDERS], everything=False)
        earnings = _compact(PromoterDay, EARNING_KEYS, EARNING_SUMS, marks[COMPACTED_EARNINGS], everything=False)
        _compact(DayCases, CASE_KEYS, CASE_SUMS, marks[COMPACTED_CASES], everything=False)
    return FoldResult(ledger_from=low, ledger_to=max(low, high), order_days=orders, earning_days=earnings)


def _cases_fold(marks: dict[str, RollupMark], cases: int, moves: int) -> None:
    now = timezone.now()
    cases_fold(cases=(marks[CASES].through, max(cases, marks[CASES].through)),
               moves=(marks[CASE_MOVES].through, max(moves, marks[CASE_MOVES].through)))
    for name, value in ((CASES, cases), (CASE_MOVES, moves)):
        if value > marks[name].through:
            marks[name].through, marks[name].updated_at = value, now
            marks[name].save()


def rollups_rebuild() -> FoldResult:
    """Recompute both rollups from the orders and the whole journal, in one transaction (the pages read the old
    rows until it commits). Idempotent: a rebuild of unchanged books writes the same rows. On PostgreSQL it
    holds the journal's SHARE lock throughout, so postings wait for it: run it when the platform is quiet."""
    ranks = ranks_high_water()  # before the rebuild's snapshot: a newer rank change is read live by the report
    first = window_first()
    with transaction.atomic():
        # The cases' locks first: a refund moves its case before it books its ledger lines.
        _lock(f"LOCK TABLE {table(AfterSalesCase)}, {table(AfterSalesStatusChange)} IN SHARE MODE",
              f"LOCK TABLE {table(JournalLine)} IN SHARE MODE", f"LOCK TABLE {table(Promoter)} IN SHARE MODE",
              f"LOCK TABLE {', '.join(table(m) for m in ROLLUP_TABLES)} IN EXCLUSIVE MODE")
        high = JournalLine.objects.aggregate(m=Max("id"))["m"] or 0
        marks = _marks()
        _promoters_fold(marks, Promoter.objects.aggregate(m=Max("id"))["m"] or 0,
                        AuditEntry.objects.filter(action=MOVE_ACTION).aggregate(m=Max("id"))["m"] or 0, recount=True)
        _compact(DayPromoters, PROMOTER_KEYS, PROMOTER_SUMS, marks[COMPACTED_PROMOTERS], everything=True)
        low = marks[LEDGER].through
        DayOrders.objects.all().delete()
        PromoterDay.objects.all().delete()
        paid_day, params = day_sql("paid_at")
        _execute(f"""
            INSERT INTO {table(DayOrders)} (day, community_id, merchant_id, gmv, orders, base, refunded, lines)
            SELECT {paid_day}, community_id, merchant_id, SUM(total), COUNT(*), SUM(commission_base_remaining),
                   SUM(refunded_amount), 0
            FROM {table(Order)} WHERE paid_at IS NOT NULL GROUP BY 1, 2, 3""", params)
        _fold_lines(0, high)
        marks[LEDGER].through = high
        marks[LEDGER].updated_at = timezone.now()
        marks[LEDGER].save()
        orders = _compact(DayOrders, ORDER_KEYS, ORDER_SUMS, marks[COMPACTED_ORDERS], everything=True)
        # One grouped INSERT wrote the earnings: one row per key already.
        earnings = marks[COMPACTED_EARNINGS]
        earnings.through, earnings.updated_at = PromoterDay.objects.aggregate(m=Max("id"))["m"] or 0, timezone.now()
        earnings.save()
        window_rebuild(marks=marks, promoters_to=marks[PROMOTERS].through, ranks_to=ranks, first=first)
        cases, case_moves = cases_rebuild()
        for name, value in ((CASES, cases), (CASE_MOVES, case_moves)):
            marks[name].through, marks[name].updated_at = value, timezone.now()
            marks[name].save()
        _compact(DayCases, CASE_KEYS, CASE_SUMS, marks[COMPACTED_CASES], everything=True)
        if connection.vendor == "postgresql":  # the planner's row counts, for the pages' first reads
            _execute(f"ANALYZE {', '.join(table(m) for m in ROLLUP_TABLES)}")
    return FoldResult(ledger_from=low, ledger_to=high, order_days=orders,
                      earning_days=PromoterDay.objects.values("day").distinct().count())


def subscribe() -> None:
    """Register the write-point handlers (``ReportsConfig.ready``)."""
    events.subscribe(events.OrderPaid, order_paid_rollup, batch=orders_paid_rollup)
    events.subscribe(events.OrderRefunded, order_refunded_rollup)

