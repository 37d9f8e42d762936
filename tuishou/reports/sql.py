"""SQL pieces the rollups' upkeep and the pages' reads share (reading only)."""

from __future__ import annotations

from django.db import connection

from tuishou.reports.selectors.scope import PLATFORM_TZ

LEDGER = "ledger"  # the RollupMark of the journal lines folded into the rollups
PROMOTERS = "promoters"  # … of the promoters counted in DayPromoters
MOVES = "community_moves"  # … of the community choices DayPromoters reflects
MOVE_ACTION = "network.community_chosen"  # the audit action of the one write that moves promoters' community


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def day_sql(column: str) -> tuple[str, list]:
    """SQL of the platform day (Asia/Shanghai) of a timestamp column: the database's own ``TruncDate``, so the
    rollups bucket exactly as the ORM's queries do."""
    sql, params = connection.ops.datetime_cast_date_sql(column, (), str(PLATFORM_TZ))
    return sql, list(params)
