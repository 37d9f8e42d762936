"""The upkeep of ``reports.PromoterWindow``: every promoter's community, rank, join time and earnings of the
income disclosure's 12 months, so the report reads one narrow row per promoter instead of summing two million
promoter-day rows and joining a million promoters.

Invariant, kept in the fold's transaction with the rollups it derives from:
``amount(p) = Σ PromoterDay(p, day ≥ W)`` where ``W`` is the ``earnings_window`` mark's day (the window's first
day when the fold last ran; every day after it counts, today's and later ones too). The report corrects for the
rest in its own statement: the days between ``W`` and its window's first day, today's rows (read from the
journal instead), the journal lines after the ``ledger`` mark.

Rank and community: a promoter's rank changes only through ``promoter_rank_set``, which appends a
``RankRecord`` in the same transaction; the ``ranks`` mark is the last one reflected here, and the report reads
the promoters with a newer record from the promoters themselves. A community changes only by a community choice
(``community_moves`` mark, as for ``DayPromoters``): while one is pending, the report reads every promoter's
community from the promoters; the fold re-syncs them. Promoters past the ``promoters`` mark are read live too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from tuishou.network.models import Promoter, RankRecord
from tuishou.reports.models import PromoterDay, PromoterWindow, RollupMark
from tuishou.reports.rollups.base import execute, high_water
from tuishou.reports.selectors.scope import platform_today
from tuishou.reports.sql import RANKS, WINDOW, WINDOW_DAYS, table


def window_first(now: datetime | None = None) -> date:
    """The first day of the 12 months up to today."""
    return platform_today(now) - timedelta(days=WINDOW_DAYS - 1)


def ranks_high_water() -> int:
    """The newest rank change, every one up to it committed (its own brief lock: see ``base.high_water``)."""
    return high_water(RankRecord)


def _add(where: str, params: list, *, subtract: bool = False) -> None:
    """Add (or take off) the ``PromoterDay`` rows ``d`` matching ``where`` to their promoters' rows, creating a
    row for a promoter not there yet (from the promoter's own community, rank and join time)."""
    window, days, promoters = table(PromoterWindow), table(PromoterDay), table(Promoter)
    sign = "-" if subtract else ""
    execute(f"""
        INSERT INTO {window} (promoter_id, community_id, rank, created_at, amount)
        SELECT d.promoter_id, p.community_id, p.rank, p.created_at, {sign}SUM(d.amount)
        FROM {days} d JOIN {promoters} p ON p.id = d.promoter_id
        WHERE {where}
        GROUP BY d.promoter_id, p.community_id, p.rank, p.created_at
        ON CONFLICT (promoter_id) DO UPDATE SET amount = {window}.amount + excluded.amount""", params)


def _promoters(low: int, high: int) -> None:
    """A row (nothing earned yet) for each promoter ``low < id <= high`` without one."""
    window, promoters = table(PromoterWindow), table(Promoter)
    execute(f"""
        INSERT INTO {window} (promoter_id, community_id, rank, created_at, amount)
        SELECT p.id, p.community_id, p.rank, p.created_at, 0 FROM {promoters} p
        WHERE p.id > %s AND p.id <= %s
          AND NOT EXISTS (SELECT 1 FROM {window} w WHERE w.promoter_id = p.id)""", [low, high])


def _communities() -> None:
    """Re-read the community of every promoter whose community moved (after a community choice)."""
    window, promoters = table(PromoterWindow), table(Promoter)
    execute(f"""
        UPDATE {window} SET community_id = (SELECT p.community_id FROM {promoters} p
                                            WHERE p.id = {window}.promoter_id)
        WHERE EXISTS (SELECT 1 FROM {promoters} p WHERE p.id = {window}.promoter_id
                      AND (p.community_id <> {window}.community_id OR {window}.community_id IS NULL))""")


def _ranks(low: int, high: int) -> None:
    """Re-read the rank of every promoter with a rank change ``low < id <= high``."""
    window, promoters, records = table(PromoterWindow), table(Promoter), table(RankRecord)
    execute(f"""
        UPDATE {window} SET rank = (SELECT p.rank FROM {promoters} p WHERE p.id = {window}.promoter_id)
        WHERE promoter_id IN (SELECT k.promoter_id FROM {records} k WHERE k.id > %s AND k.id <= %s)""",
            [low, high])


def _save(mark: RollupMark, *, through: int | None = None, day: date | None = None) -> None:
    if through is not None:
        mark.through = through
    if day is not None:
        mark.day = day
    mark.updated_at = timezone.now()
    mark.save()


def window_fold(*, marks: dict[str, RollupMark], promoters_from: int, promoters_to: int, moved: bool,
                ranks_to: int, earnings_from: int, first: date) -> None:
    """Bring the table up to the fold's marks (inside the fold's transaction, after ``PromoterDay`` got the
    journal lines of this fold as rows with ids above ``earnings_from``): new promoters, moved communities, rank
    changes, the new earnings from ``W`` on, then ``W`` moved to ``first``."""
    window = marks[WINDOW]
    if window.day is None:  # never built (a database from before the table): build it whole
        window_rebuild(marks=marks, promoters_to=promoters_to, ranks_to=ranks_to, first=first)
        return
    _promoters(promoters_from, promoters_to)
    if moved:
        _communities()
    if ranks_to > marks[RANKS].through:
        _ranks(marks[RANKS].through, ranks_to)
        _save(marks[RANKS], through=ranks_to)
    adapt = connection.ops.adapt_datefield_value
    _add("d.id > %s AND d.day >= %s", [earnings_from, adapt(window.day)])
    if first > window.day:
        _add("d.day >= %s AND d.day < %s", [adapt(window.day), adapt(first)], subtract=True)
    elif first < window.day:
        _add("d.day >= %s AND d.day < %s", [adapt(first), adapt(window.day)])
    if first != window.day:
        _save(window, day=first)


def window_rebuild(*, marks: dict[str, RollupMark], promoters_to: int, ranks_to: int, first: date) -> None:
    """Recompute the table from the promoters and ``PromoterDay`` (inside the rebuild's transaction)."""
    window, days, promoters = table(PromoterWindow), table(PromoterDay), table(Promoter)
    execute(f"DELETE FROM {window}")
    execute(f"""
        INSERT INTO {window} (promoter_id, community_id, rank, created_at, amount)
        SELECT p.id, p.community_id, p.rank, p.created_at, COALESCE(e.amount, 0)
        FROM {promoters} p
        LEFT JOIN (SELECT promoter_id, SUM(amount) AS amount FROM {days} WHERE day >= %s GROUP BY promoter_id) e
               ON e.promoter_id = p.id
        WHERE p.id <= %s""", [connection.ops.adapt_datefield_value(first), promoters_to])
    _save(marks[RANKS], through=ranks_to)
    _save(marks[WINDOW], day=first)
