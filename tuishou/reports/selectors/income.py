"""The income-disclosure report (收入披露): what promoters actually earned over the last 12 months, by rank, per
community — the figures the US FTC asks of such plans (how many people, what the typical one earned, how
many earned nothing), computed on the real ledger.

Earnings of a promoter = the commissions booked to them in the ledger in the window: every line on one of
their accounts that carries a commission snapshot (order commissions, period bonuses), net of cancellations,
clawbacks and reversals. Every promoter in scope counts, including those who earned nothing; a promoter is
counted under their current rank (an empty rank is the plan's lowest). Median and p90 are nearest-rank
percentiles (the value at position ⌈p·n⌉ of the sorted earnings: an amount somebody actually earned); the
mean is the total ÷ the count, to the fen.

One SQL statement, the same on SQLite and PostgreSQL: one row per promoter from ``reports.PromoterWindow`` (their
community, rank and earnings from the ``earnings_window`` mark's day on, see ``reports.rollups.window``),
corrected per promoter by ``adj`` — the promoter-day rows between the mark's day and the window's first day
(either way), today's rows taken off and today's journal lines up to ``now`` read whole, the journal lines after
the ``ledger`` mark; promoters who joined or changed rank after the fold (and everyone while a community choice
is pending) read from the promoters themselves. Promoters with the same earnings are counted together (most
earned nothing), running counts per rank and community give the nearest-rank positions: ``upto`` ≥ ⌊(n+1)/2⌋
is ``2·upto ≥ n``, ``upto`` ≥ ⌊(9n+9)/10⌋ is ``10·upto ≥ 9n``, in integers on both databases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from tuishou.core.money import from_minor
from tuishou.incentives.selectors import engine_plan, plan_version_in_force
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.network.models import Community, Promoter, RankRecord
from tuishou.reports.models import PromoterDay, PromoterWindow, RollupMark
from tuishou.reports.selectors.scope import Period, Scope, day_start, platform_today, require_report_reader
from tuishou.reports.sql import LEDGER, MOVE_ACTION, MOVES, PROMOTERS, RANKS, WINDOW, WINDOW_DAYS, table
from tuishou.risk.models import AuditEntry

CENT = Decimal("0.01")


@dataclass(frozen=True)
class IncomeRow:
    """One rank of one community (``rank`` ``None``: the community's every rank together)."""

    community_code: str
    community_name: str
    rank: str | None
    rank_name: str
    promoters: int
    zero_earners: int
    median: Decimal
    mean: Decimal
    p90: Decimal
    total: Decimal

    @property
    def zero_share(self) -> Decimal:
        return (Decimal(self.zero_earners) / self.promoters).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IncomeReport:
    period: Period
    rows: list[IncomeRow]


def income_window(now: datetime | None = None) -> Period:
    """The last 12 months: the 365 platform days up to today."""
    today = platform_today(now)
    return Period(today - timedelta(days=WINDOW_DAYS - 1), today)


def _rank_names(communities: list[Community], at: datetime) -> dict[int, list[tuple[str, str]]]:
    """``{community id: [(rank id, name), …]}`` lowest first, from each community's plan in force."""
    names = {}
    for community in communities:
        version = plan_version_in_force(community_id=community.pk, at=at)
        if version is not None:
            names[community.pk] = [(rank.id, rank.name) for rank in engine_plan(version).ranks]
    return names


def _statement(*, lowest: dict[int, str], community_id: int | None, period: Period, now: datetime,
               promoters_from: int) -> tuple[str, list]:
    """The report's one statement and its parameters (see the module's docstring). ``promoters_from``: the
    ``promoters`` mark read before the statement — any value up to the mark gives the same figures (a promoter
    with a row is read from it), a literal lets the planner see that few promoters are past it."""
    line, entry, account, promoter, days, window, mark, records, audit = (table(m) for m in (
        JournalLine, JournalEntry, Account, Promoter, PromoterDay, PromoterWindow, RollupMark, RankRecord,
        AuditEntry))
    adapt, adapt_day = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
    today = platform_today(now)
    today_start = day_start(today)

    def through(name: str) -> str:  # a mark (the names are this module's constants)
        return f"COALESCE((SELECT m.through FROM {mark} m WHERE m.name = '{name}'), 0)"

    first_day = f"(SELECT m.day FROM {mark} m WHERE m.name = '{WINDOW}')"
    pending = f"EXISTS (SELECT 1 FROM {audit} x WHERE x.action = %s AND x.id > {through(MOVES)})"
    params: list = []
    if lowest:
        values = ", ".join("(%s, %s)" for _ in lowest)
        params += [v for pair in lowest.items() for v in pair]
        lowest_cte = f"lowest (community_id, rank_id) AS (VALUES {values}),"
        rank_expr = "CASE WHEN g.rank = '' THEN COALESCE(lw.rank_id, '') ELSE g.rank END"
        lowest_join = "LEFT JOIN lowest lw ON lw.community_id = g.community_id"
    else:
        lowest_cte, rank_expr, lowest_join = "", "g.rank", ""
    params += [adapt_day(period.first), adapt_day(period.first), adapt_day(today),
               adapt(period.start), adapt(today_start), adapt(max(today_start, period.start)),
               adapt(min(period.end, now))]

    def scoped(alias: str) -> str:
        if community_id is None:
            return ""
        params.append(community_id)
        return f" AND {alias}.community_id = %s"

    live = f"""
            SELECT p.community_id, p.rank, COALESCE(w.amount, 0) + COALESCE(a.amount, 0)
            FROM {promoter} p LEFT JOIN {window} w ON w.promoter_id = p.id LEFT JOIN adj a ON a.promoter_id = p.id"""
    ranked = "EXISTS (SELECT 1 FROM ranked r WHERE r.promoter_id = {})".format
    params += [adapt(now), MOVE_ACTION]
    people = f"""
            -- the window's rows as they are (most of them: one scan, no join but two small anti-joins)
            SELECT w.community_id AS community_id, w.rank AS rank, w.amount AS amount FROM {window} w
            WHERE w.created_at < %s AND NOT {pending}
              AND NOT EXISTS (SELECT 1 FROM touched t WHERE t.promoter_id = w.promoter_id){scoped("w")}"""
    params += [adapt(now), MOVE_ACTION]
    people += f"""
            UNION ALL
            -- the window's rows with a correction
            SELECT w.community_id, w.rank, w.amount + a.amount
            FROM adj a JOIN {window} w ON w.promoter_id = a.promoter_id
            WHERE w.created_at < %s AND NOT {pending} AND NOT {ranked("w.promoter_id")}{scoped("w")}"""
    params += [adapt(now), MOVE_ACTION]
    people += f"""
            UNION ALL
            -- a community choice not folded yet: every promoter as they are now
            {live} WHERE p.created_at < %s AND {pending}{scoped("p")}"""
    params += [adapt(now), MOVE_ACTION, promoters_from]
    people += f"""
            UNION ALL
            -- the promoters who joined after the fold (without a row yet)
            {live} WHERE p.created_at < %s AND NOT {pending} AND p.id > %s AND w.promoter_id IS NULL
              AND NOT {ranked("p.id")}{scoped("p")}"""
    params += [adapt(now), MOVE_ACTION]
    people += f"""
            UNION ALL
            -- the promoters whose rank changed after the fold
            {live} JOIN ranked r ON r.promoter_id = p.id
            WHERE p.created_at < %s AND NOT {pending}{scoped("p")}"""
    sql = f"""
        WITH {lowest_cte}
        adj AS (
            SELECT promoter_id, CAST(SUM(amount) AS BIGINT) AS amount FROM (
                -- the window table sums the days from its mark's day on: the days between it and the first day
                SELECT d.promoter_id AS promoter_id, d.amount AS amount
                FROM {days} d WHERE d.day >= %s AND d.day < {first_day}
                UNION ALL
                SELECT d.promoter_id, -d.amount FROM {days} d WHERE d.day >= {first_day} AND d.day < %s
                UNION ALL
                -- today (and any later day): read from the journal below
                SELECT d.promoter_id, -d.amount FROM {days} d WHERE d.day >= %s
                UNION ALL
                SELECT t.promoter_id, t.amount FROM (
                    -- the lines after the mark, each looking its entry and account up (probes, never a scan)
                    SELECT -l.amount AS amount,
                           (SELECT a.promoter_id FROM {account} a WHERE a.id = l.account_id) AS promoter_id,
                           (SELECT e.created_at FROM {entry} e WHERE e.id = l.entry_id) AS created_at
                    FROM {line} l
                    WHERE l.id > {through(LEDGER)} AND l.order_ref IS NOT NULL
                ) t WHERE t.promoter_id IS NOT NULL AND t.created_at >= %s AND t.created_at < %s
                UNION ALL
                SELECT a.promoter_id, -l.amount
                FROM {line} l
                JOIN {entry} e ON e.id = l.entry_id
                JOIN {account} a ON a.id = l.account_id
                WHERE l.order_ref IS NOT NULL AND a.promoter_id IS NOT NULL
                  AND e.created_at >= %s AND e.created_at < %s
            ) lines GROUP BY promoter_id
        ), ranked AS (
            SELECT DISTINCT k.promoter_id AS promoter_id FROM {records} k WHERE k.id > {through(RANKS)}
        ), touched AS (
            SELECT promoter_id FROM adj UNION SELECT promoter_id FROM ranked
        ), people AS ({people}
        ), raw AS (
            SELECT community_id, rank, amount, COUNT(*) AS k FROM people GROUP BY community_id, rank, amount
        ), grouped AS (
            SELECT g.community_id AS community_id, {rank_expr} AS rank_id, g.amount AS amount, SUM(g.k) AS k
            FROM raw g {lowest_join}
            GROUP BY g.community_id, {rank_expr}, g.amount
        ), by_rank AS (
            SELECT community_id, rank_id, amount, k,
                   SUM(k) OVER (PARTITION BY community_id, rank_id ORDER BY amount
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto,
                   SUM(k) OVER (PARTITION BY community_id, rank_id) AS n
            FROM grouped
        ), by_community AS (
            SELECT community_id, amount, k,
                   SUM(k) OVER (PARTITION BY community_id ORDER BY amount
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto,
                   SUM(k) OVER (PARTITION BY community_id) AS n
            FROM (SELECT community_id, amount, SUM(k) AS k FROM grouped GROUP BY community_id, amount) c
        )
        SELECT community_id, rank_id, SUM(k), SUM(amount * k), SUM(CASE WHEN amount <= 0 THEN k ELSE 0 END),
               MIN(CASE WHEN 2 * upto >= n THEN amount END), MIN(CASE WHEN 10 * upto >= 9 * n THEN amount END)
        FROM by_rank GROUP BY community_id, rank_id
        UNION ALL
        SELECT community_id, NULL, SUM(k), SUM(amount * k), SUM(CASE WHEN amount <= 0 THEN k ELSE 0 END),
               MIN(CASE WHEN 2 * upto >= n THEN amount END), MIN(CASE WHEN 10 * upto >= 9 * n THEN amount END)
        FROM by_community GROUP BY community_id
    """
    return sql, params


def _fetch(sql: str, params: list) -> list[tuple]:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    with transaction.atomic(), connection.cursor() as cursor:
        # Every promoter is hashed by earnings and by rank: in memory, not in temporary files (PostgreSQL's default
        # work_mem is 4 MB). Measured in bench/dashboard.py: JIT compiling costs more than it saves here, and
        # hashing (the earnings per promoter, the promoters per rank and amount) beats the sorts the planner
        # picks from its estimates.
        # set_config(…, true): for this transaction only, all three in one statement.
        cursor.execute("SELECT set_config('work_mem', '256MB', true), set_config('jit', 'off', true), "
                       "set_config('enable_sort', 'off', true)")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _promoters_mark() -> int:
    return RollupMark.objects.filter(name=PROMOTERS).values_list("through", flat=True).first() or 0


def income_disclosure(*, user, scope: Scope, now: datetime | None = None) -> IncomeReport:
    """The report over the last 12 months for one community (``scope.community``) or every community."""
    require_report_reader(user)
    now = now or timezone.now()
    period = income_window(now)
    communities = ([scope.community] if scope.community is not None
                   else list(Community.objects.order_by("-kind", "id")))
    ranks = _rank_names(communities, now)
    sql, params = _statement(lowest={cid: names[0][0] for cid, names in ranks.items() if names},
                             community_id=scope.community.pk if scope.community is not None else None,
                             period=period, now=now, promoters_from=_promoters_mark())
    found = _fetch(sql, params)
    by_key = {(row[0], row[1]): row for row in found}
    rows = []
    for community in communities:
        names = ranks.get(community.pk, [])
        order = [rank_id for rank_id, _ in names]
        present = sorted((rank for cid, rank in by_key if cid == community.pk and rank is not None),
                         key=lambda r: (order.index(r) if r in order else len(order), r))
        for rank in [*present, None]:
            row = by_key.get((community.pk, rank))
            if row is None:
                continue
            _, _, count, total, zero, median, p90 = row
            total = from_minor(total)
            rows.append(IncomeRow(
                community_code=community.code, community_name=community.name, rank=rank,
                rank_name=dict(names).get(rank, rank or "") if rank is not None else "",
                promoters=count, zero_earners=zero, median=from_minor(median), p90=from_minor(p90), total=total,
                mean=(total / count).quantize(CENT, rounding=ROUND_HALF_UP)))
    return IncomeReport(period=period, rows=rows)


INCOME_CSV_HEADER = ["community", "community_name", "rank", "rank_name", "promoters", "earned_nothing",
                     "earned_nothing_share", "median", "mean", "p90", "total"]


def income_csv_rows(report: IncomeReport) -> list[list[str]]:
    """The report as CSV rows (header first); amounts in yuan with two places, shares as fractions."""
    out = [INCOME_CSV_HEADER]
    for row in report.rows:
        out.append([row.community_code, row.community_name, row.rank if row.rank is not None else "*",
                    row.rank_name, str(row.promoters), str(row.zero_earners), str(row.zero_share),
                    str(row.median), str(row.mean), str(row.p90), str(row.total)])
    return out
