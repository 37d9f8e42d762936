"""The upkeep of ``reports.DayCases``: the dashboard's after-sales figures per day × community × merchant, so one
agency's dashboard reads a few hundred rows instead of joining tens of thousands of cases to their orders.

Both sources are append-only where it matters: a case is created open with its opened time and answer deadline
fixed (and its order's community and merchant); it leaves ``open`` exactly once, by an answer (which stamps
``answered_at`` in the same transaction) or an escalation, and every status move appends a history row
(``orders.AfterSalesStatusChange``). So the rollup is deltas:

- a case past the ``cases`` mark adds ``opened`` on its opened day, ``due`` and one open case on its due day;
- a status move past the ``case_moves`` mark adds, on its case's due day, ``answered`` (and ``late``) when it left
  ``open`` with an answer, and the change of open cases it made (leaving or re-entering the open statuses).

The page adds what is past both marks in its own statement (see ``selectors.dashboard.case_days``). Creation
rows of the history (from no status), were a case ever given one, are skipped: the case itself counts them.
A rebuild recomputes the rollup from the cases as they are, with the marks read in the same transaction.
"""

from __future__ import annotations

from django.db.models import Max

from tuishou.orders.models import AfterSalesCase, AfterSalesStatusChange, Order
from tuishou.reports.models import DayCases
from tuishou.reports.rollups.base import execute, high_water
from tuishou.reports.sql import day_sql, table

OPEN = AfterSalesCase.OPEN_STATUSES
COLUMNS = "day, community_id, merchant_id, opened, due, answered, late, open_delta"


def open_sql(column: str) -> tuple[str, list]:
    """``1`` when ``column`` is one of the open statuses, else ``0``."""
    return f"CASE WHEN {column} IN ({', '.join('%s' for _ in OPEN)}) THEN 1 ELSE 0 END", list(OPEN)


def cases_high_water() -> tuple[int, int]:
    """The newest case and status move, every one up to them committed (one brief lock each, in turn)."""
    return high_water(AfterSalesCase), high_water(AfterSalesStatusChange)


def cases_fold(*, cases: tuple[int, int], moves: tuple[int, int]) -> None:
    """Add the cases ``cases[0] < id <= cases[1]`` and the status moves ``moves[0] < id <= moves[1]``."""
    rollup, case, order, history = table(DayCases), table(AfterSalesCase), table(Order), table(AfterSalesStatusChange)
    opened, opened_params = day_sql("c.opened_at")
    due, due_params = day_sql("c.answer_due_at")
    execute(f"""
        INSERT INTO {rollup} ({COLUMNS})
        SELECT {opened}, o.community_id, o.merchant_id, COUNT(*), 0, 0, 0, 0
        FROM {case} c JOIN {order} o ON o.id = c.order_id WHERE c.id > %s AND c.id <= %s GROUP BY 1, 2, 3
        UNION ALL
        SELECT {due}, o.community_id, o.merchant_id, 0, COUNT(*), 0, 0, COUNT(*)
        FROM {case} c JOIN {order} o ON o.id = c.order_id WHERE c.id > %s AND c.id <= %s GROUP BY 1, 2, 3""",
            [*opened_params, *cases, *due_params, *cases])
    to_open, to_params = open_sql("h.to_status")
    from_open, from_params = open_sql("h.from_status")
    execute(f"""
        INSERT INTO {rollup} ({COLUMNS})
        SELECT {due}, o.community_id, o.merchant_id, 0, 0,
               SUM(CASE WHEN h.from_status = 'open' AND c.answered_at IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN h.from_status = 'open' AND c.answered_at > c.answer_due_at THEN 1 ELSE 0 END),
               SUM({to_open} - {from_open})
        FROM {history} h JOIN {case} c ON c.id = h.case_id JOIN {order} o ON o.id = c.order_id
        WHERE h.id > %s AND h.id <= %s AND h.from_status <> ''
        GROUP BY 1, 2, 3""", [*due_params, *to_params, *from_params, *moves])


def cases_rebuild() -> tuple[int, int]:
    """Recompute the rollup from the cases as they are (inside the rebuild's transaction, which holds the cases'
    and their history's SHARE locks); returns the marks it reflects."""
    rollup, case, order = table(DayCases), table(AfterSalesCase), table(Order)
    opened, opened_params = day_sql("c.opened_at")
    due, due_params = day_sql("c.answer_due_at")
    is_open, open_params = open_sql("c.status")
    execute(f"DELETE FROM {rollup}")
    execute(f"""
        INSERT INTO {rollup} ({COLUMNS})
        SELECT {opened}, o.community_id, o.merchant_id, COUNT(*), 0, 0, 0, 0
        FROM {case} c JOIN {order} o ON o.id = c.order_id GROUP BY 1, 2, 3
        UNION ALL
        SELECT {due}, o.community_id, o.merchant_id, 0, COUNT(*),
               SUM(CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN c.answered_at > c.answer_due_at THEN 1 ELSE 0 END), SUM({is_open})
        FROM {case} c JOIN {order} o ON o.id = c.order_id GROUP BY 1, 2, 3""",
            [*opened_params, *due_params, *open_params])
    return (AfterSalesCase.objects.aggregate(m=Max("id"))["m"] or 0,
            AfterSalesStatusChange.objects.aggregate(m=Max("id"))["m"] or 0)


CASE_KEYS, CASE_SUMS = ("day", "community_id", "merchant_id"), ("opened", "due", "answered", "late", "open_delta")
