"""SQL pieces the rollups' upkeep and the pages' reads share (reading only)."""

from __future__ import annotations

from django.db import connection

from tuishou.reports.selectors.scope import PLATFORM_TZ

LEDGER = "ledger"  # the RollupMark of the journal lines folded into the rollups
PROMOTERS = "promoters"  # … of the promoters counted in DayPromoters
MOVES = "community_moves"  # … of the community choices DayPromoters reflects
MOVE_ACTION = "network.community_chosen"  # the audit action of the one write that moves promoters' community
RANKS = "ranks"  # … of the rank changes (network.RankRecord) PromoterWindow's ranks reflect
WINDOW = "earnings_window"  # its ``day``: the first day PromoterWindow's amounts sum
CASES = "cases"  # … of the after-sales cases counted in DayCases
CASE_MOVES = "case_moves"  # … of the cases' status moves (orders.AfterSalesStatusChange) DayCases reflects
WINDOW_DAYS = 365  # the income disclosure's 12 months: the 365 platform days up to today


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def day_sql(column: str) -> tuple[str, list]:
    """SQL of the platform day (Asia/Shanghai) of a timestamp column: the database's own ``TruncDate``, so the
    rollups bucket exactly as the ORM's queries do."""
    sql, params = connection.ops.datetime_cast_date_sql(column, (), str(PLATFORM_TZ))
    return sql, list(params)
