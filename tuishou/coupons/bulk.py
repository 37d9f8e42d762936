"""The set-based order-report import (PostgreSQL only; 成批导入): the rules of ``importing``, in a few statements.

1. Staging (``bulk_stage``): the file COPY'd into a temporary table and typed in SQL; only unusual rows go through
   the row path's parser.
2. Decisions (``_decide``): one statement gives every row the outcome ``importing._line_apply`` gives it, from
   window functions over each external order's rows (in-file duplicates, unknown codes, code mismatches, what an
   earlier import left, the order's state when the row comes: paid → settled → refunded).
3. Writes (``bulk_ledger``): the new orders already in their final state, their commissions, ONE accrual entry and
   ONE settlement entry for the whole import (``coupon:report:<import>:paid|settled``: a line per commission with
   its snapshot naming its order, the receivable, the margin and each recipient's settlement summed), a refund
   entry per order refunded (``coupon:<order>:refunded``, the row path's key and lines), every balance moved once
   by the sum of its lines, and the per-row results — each one INSERT … SELECT from the staging tables, with ids
   drawn from the tables' sequences up front so no statement looks a row up by key. The row path posts an
   accrual and a settlement per order instead: the same commissions, commission lines, refunds and balances
   (``tests/coupons/test_bulk.py``), in ~36 % of the ledger rows (docs/deployment.md "The coupon import's
   references and indexes").

Pricing: the plan engine is pure Python, so it is asked once per (promoter, plan version) for the rate each
recipient and rule gets; the statement applies ``floor(rate × B)`` to the fen. That is what the engine computes
for the plans it can price that way (direct, tiers, differentials without caps or minimums); ``rates_for`` proves
it on probe bases for each (promoter, version), and a plan it cannot prove linear makes the import fall back to the
row path (``NotLinear``) before anything is written.

Transactions: the whole file in one, behind a transaction-level advisory lock, so two imports never decide on the
same orders at once (a failure writes nothing of it; a re-import skips what was written).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

from django.db import connection, transaction
from django.utils import timezone

from tuishou.coupons.bulk_ledger import ledger_write
from tuishou.coupons.bulk_stage import RawReport, next_id, stage, t
from tuishou.coupons.connectors import RawRow
from tuishou.coupons.models import CouponItem, CouponOrder, CouponPick, ReportImport, ReportRow
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.payouts import chain_snapshot
from tuishou.incentives.selectors import plan_version_in_force
from tuishou.settlement.recompute import order_payouts_for

BULK_MIN_ROWS = 5000
LOCK = 0x7475_6973_6875_6f75 & 0x7FFF_FFFF_FFFF_FFFF  # "tuishou": one coupon report import at a time
PROBES = (Decimal("1000000.00"), Decimal("0.01"), Decimal("0.07"), Decimal("1.23"), Decimal("99.99"),
          Decimal("12345.67"), Decimal("3.33"))
TEMP_TABLES = "cs, cl, cd, co, cv, cr, cc, ct, cm, ca, ce, cp, cln"


class NotLinear(Exception):
    """A plan the set-based path cannot price as ``floor(rate × B)``: use the row path."""


def available() -> bool:
    return connection.vendor == "postgresql"


def rates_for(version: PlanVersion, chain) -> list[tuple[int, str, Decimal]]:
    """(recipient, rule, rate) of a seller's chain under ``version``, proved linear on the probe bases."""
    big = order_payouts_for(version=version, order_ref="probe", chain=chain, self_purchase=False,
                            paid=PROBES[0], commission_base=PROBES[0]).payouts
    rates = [(pid, rule, amount / PROBES[0]) for (pid, rule), amount in big.items()]
    for base in PROBES[1:]:
        got = order_payouts_for(version=version, order_ref="probe", chain=chain, self_purchase=False, paid=base,
                                commission_base=base).payouts
        want = {(pid, rule): (rate * base).quantize(Decimal("0.01"), rounding=ROUND_DOWN) for pid, rule, rate in rates}
        if got != {k: v for k, v in want.items() if v}:
            raise NotLinear(version.pk)
    return rates


def report_bulk_import(*, report: ReportImport, raw: RawReport | None = None,
                       rows: Iterable[RawRow] = ()) -> ReportImport:
    """Apply a report set-based (see the module docstring); raises ``NotLinear`` before writing anything."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL jit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        # The staging tables' ANALYZE (row counts and rough distributions for hash joins) samples 3,000 rows,
        # not 30,000: a tenth of its time, the same plans.
        cur.execute("SET LOCAL default_statistics_target = 10")
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        # Dropped at commit; an import earlier in the same outer transaction (a test, a batch) left them.
        cur.execute(f"DROP TABLE IF EXISTS {TEMP_TABLES}")
        stage(cur, raw=raw, rows=rows)
        _decide(cur)
        _prices(cur)
        ledger_write(cur, report)
        return _finish(cur, report)


# (condition, outcome, reason, detail) in the order ``importing._line_apply`` asks.
OUTCOMES = (
    ("dup", "skipped", "duplicate", "'the same order and status earlier in this file'"),
    ("pick_id IS NULL", "skipped", "unknown_code", "'tracking code ' || left(code, 30) || ' is not one of ours'"),
    ("mismatch", "skipped", "code_mismatch", "'the order was imported under another tracking code'"),
    ("status = 'paid' AND state IS NOT NULL", "skipped", "duplicate", "'already imported'"),
    ("status = 'paid'", "imported", "", "''"),
    ("status = 'settled' AND state = 'settled'", "skipped", "duplicate", "'already settled'"),
    ("status = 'settled' AND state = 'refunded'", "skipped", "already_refunded",
     "'the order was refunded before this settlement'"),
    ("status = 'settled'", "imported", "", "''"),
    ("state IS NULL", "skipped", "unknown_order", "'a refund of an order never imported'"),
    ("state = 'refunded'", "skipped", "duplicate", "'already refunded'"),
    ("true", "reversed", "", "''"),
)


def _case(column: int) -> str:
    return "CASE " + " ".join(f"WHEN {w[0]} THEN " + (w[column] if column == 3 else f"'{w[column]}'")
                              for w in OUTCOMES) + " END"


def _decide(cur) -> None:
    """``cd``: every parsed row with its outcome, exactly as ``importing._line_apply`` decides it, and
    ``creates`` on the row that creates its order (an order never seen: its paid row, else its settled row)."""
    pick, item, order = t(CouponPick), t(CouponItem), t(CouponOrder)
    live = "(NOT a.dup AND a.pick_id IS NOT NULL AND a.status <> 'refunded')"
    cur.execute(f"""CREATE TEMP TABLE cd ON COMMIT DROP AS
        WITH a AS (
            SELECT cs.line, cs.order_id, cs.code, cs.status, cs.rank, cs.amount, cs.commission, cs.paid_at, cs.at,
                   cs.btext,
                   row_number() OVER (PARTITION BY cs.order_id, cs.status ORDER BY cs.line) > 1 AS dup,
                   p.id AS pick_id, p.promoter_id, p.item_id, i.platform
            FROM cs LEFT JOIN {pick} p ON p.tracking_code = cs.code LEFT JOIN {item} i ON i.id = p.item_id
            WHERE cs.outcome IS NULL),
        b AS (
            SELECT a.*, o.id AS prior_id, o.status AS prior_status, o.pick_id AS prior_pick,
                   first_value(CASE WHEN {live} THEN a.pick_id END) OVER (
                       PARTITION BY a.platform, a.order_id ORDER BY {live} DESC, a.rank, a.line) AS first_pick
            FROM a LEFT JOIN {order} o ON o.platform = a.platform AND o.external_order_id = a.order_id),
        c AS (
            SELECT b.*, (NOT b.dup AND b.pick_id IS NOT NULL
                         AND coalesce(coalesce(b.prior_pick, b.first_pick) <> b.pick_id, false)) AS mismatch
            FROM b),
        d AS (
            SELECT c.*, CASE WHEN c.prior_status IS NULL AND bool_or(ok AND c.status = 'paid') OVER w THEN 'paid'
                             ELSE c.prior_status END AS s1,
                   bool_or(ok AND c.status = 'settled') OVER w AS has_settled
            FROM (SELECT c.*, NOT c.dup AND c.pick_id IS NOT NULL AND NOT c.mismatch AS ok FROM c) c
            WINDOW w AS (PARTITION BY c.platform, c.order_id)),
        e AS (
            SELECT d.*, CASE d.status WHEN 'paid' THEN d.prior_status WHEN 'settled' THEN d.s1
                             ELSE CASE WHEN d.has_settled AND coalesce(d.s1, 'paid') = 'paid' THEN 'settled'
                                       ELSE d.s1 END END AS state
            FROM d)
        SELECT line, order_id, code, status, rank, amount, commission, paid_at, at, pick_id, promoter_id, item_id,
               platform, prior_id, state, btext, {_case(1)} AS outcome, {_case(2)} AS reason, {_case(3)} AS detail,
               {_case(1)} = 'imported' AND state IS NULL AS creates
        FROM e""")
    cur.execute("ANALYZE cd")


def _prices(cur) -> None:
    """``co``: the orders to create (id drawn, plan version in force at the payment, else now, final state: from
    the order's later rows in the file, so only the settled and refunded rows are grouped, ~1 in 5, not every row);
    ``cr``: each (seller, version)'s rates; ``cc``: each seller's chain."""
    cur.execute("SELECT DISTINCT cd.promoter_id, p.community_id FROM cd JOIN network_promoter p "
                "ON p.id = cd.promoter_id WHERE cd.creates")
    promoters = cur.fetchall()
    communities = {c for _, c in promoters}
    versions = list(PlanVersion.objects.filter(community_id__in=communities, published_at__isnull=False)
                    .values_list("id", "community_id", "published_at", "retired_at"))
    now_versions = {c: plan_version_in_force(community_id=c) for c in communities}
    cur.execute("CREATE TEMP TABLE cv ON COMMIT DROP AS SELECT * FROM unnest(%s::bigint[], %s::bigint[], "
                "%s::timestamptz[], %s::timestamptz[]) AS v(id, community_id, published_at, retired_at)",
                [[v[0] for v in versions], [v[1] for v in versions], [v[2] for v in versions],
                 [v[3] for v in versions]])
    chains = {pid: chain_snapshot(promoter_id=pid) for pid, _ in promoters}
    cur.execute("CREATE TEMP TABLE cc ON COMMIT DROP AS SELECT * FROM unnest(%s::bigint[], %s::bigint[], "
                "%s::bigint[], %s::jsonb[]) AS c(promoter_id, community_id, fallback, chain)",
                [[p for p, _ in promoters], [c for _, c in promoters],
                 [getattr(now_versions[c], "pk", None) for _, c in promoters],
                 [json.dumps([link.as_dict() for link in chains[p]]) for p, _ in promoters]])
    cur.execute(f"""CREATE TEMP TABLE co ON COMMIT DROP AS
        SELECT {next_id(cur, CouponOrder)} AS id, d.platform, d.order_id, d.pick_id,
               d.promoter_id, d.item_id, d.amount, d.commission AS b, d.btext, d.paid_at, d.line,
               coalesce((SELECT v.id FROM cv v WHERE v.community_id = cc.community_id AND v.published_at <= d.paid_at
                         AND (v.retired_at IS NULL OR v.retired_at > d.paid_at)
                         ORDER BY v.published_at DESC, v.id DESC LIMIT 1), cc.fallback) AS version_id,
               g.settled_at, g.refunded_at, g.refund_from
        FROM cd d JOIN cc ON cc.promoter_id = d.promoter_id
        LEFT JOIN (SELECT platform, order_id,
                          max(at) FILTER (WHERE status = 'settled' AND outcome = 'imported') AS settled_at,
                          max(at) FILTER (WHERE outcome = 'reversed') AS refunded_at,
                          max(state) FILTER (WHERE outcome = 'reversed') AS refund_from
                   FROM cd WHERE status <> 'paid' AND outcome IN ('imported', 'reversed') AND prior_id IS NULL
                   GROUP BY platform, order_id) g ON g.platform = d.platform AND g.order_id = d.order_id
        WHERE d.creates""")
    cur.execute("ANALYZE co")
    cur.execute("SELECT DISTINCT promoter_id, version_id FROM co WHERE version_id IS NOT NULL")
    pairs = cur.fetchall()
    by_id = {v.pk: v for v in PlanVersion.objects.filter(pk__in={v for _, v in pairs})}
    seller, version, recipient, rule, rate = [], [], [], [], []
    for pid, vid in pairs:
        for rid, r, rt in rates_for(by_id[vid], chains[pid]):
            seller.append(pid), version.append(vid), recipient.append(rid), rule.append(r), rate.append(rt)
    cur.execute("CREATE TEMP TABLE cr ON COMMIT DROP AS SELECT * FROM unnest(%s::bigint[], %s::bigint[], "
                "%s::bigint[], %s::text[], %s::numeric[]) WITH ORDINALITY AS r(seller, version, recipient, rule, "
                "rate, n)", [seller, version, recipient, rule, rate])


def _finish(cur, report: ReportImport) -> ReportImport:
    """The per-row results (one INSERT … SELECT) and the import's counts."""
    rows = t(ReportRow)
    cur.execute(f"""INSERT INTO {rows} (report_id, line, external_order_id, reported_status, tracking_code, outcome,
                                        reason, detail)
        SELECT %s, line, order_id, status, code, outcome, reason, detail FROM (
            SELECT line, order_id, status, code, outcome, reason, detail FROM cd
            UNION ALL
            SELECT line, order_id, status, code, outcome, reason, detail FROM cs WHERE outcome IS NOT NULL) r
        ORDER BY line""", [report.pk])
    # Counted from the staging tables the rows were written from (not read back from the result table).
    cur.execute("SELECT outcome, reason, count(*) FROM (SELECT outcome, reason FROM cd UNION ALL "
                "SELECT outcome, reason FROM cs WHERE outcome IS NOT NULL) r GROUP BY 1, 2 ORDER BY 1, 2")
    counts = cur.fetchall()
    cur.execute("SELECT coalesce(sum(amount) FILTER (WHERE booked), 0) - coalesce(sum(amount) FILTER "
                "(WHERE taken), 0) FROM cm")
    net = cur.fetchone()[0]

    def total(outcome: str) -> int:
        return sum(n for o, _, n in counts if o == outcome)

    report.rows = sum(n for _, _, n in counts)
    report.imported = total(ReportRow.Outcome.IMPORTED)
    report.reversed = total(ReportRow.Outcome.REVERSED)
    report.skipped = total(ReportRow.Outcome.SKIPPED)
    report.skipped_by_reason = {r: n for o, r, n in counts if o == ReportRow.Outcome.SKIPPED}
    report.commission_total = (Decimal(net) / 100).quantize(Decimal("0.01"))
    report.finished_at = timezone.now()
    report.save()
    return report
