"""The set-based order-report import (PostgreSQL only; 成批导入): the rules of ``importing``, in a few statements.

Rows are validated by the same parser as the row path (``importing.lines_parse``), then COPY'd into a staging
table; every outcome of ``importing`` is decided by set-based UPDATEs on it (in-file duplicates, unknown codes,
code mismatches, duplicates of earlier imports, refunds of orders never seen), and the writes are INSERT…SELECTs:
the new coupon orders, their commissions, one journal entry per order and event with its lines, the accounts'
balances moved once by the sum of their lines, and the per-row results.

Pricing: the plan engine is pure Python, so it is asked once per (promoter, plan version) for the rate each
recipient and rule gets; the statement applies ``floor(rate × B)`` to the fen. That is what the engine computes
for the plans it can price that way (direct, tiers, differentials without caps or minimums); ``rates_for`` proves
it on probe bases for each (promoter, version), and a plan it cannot prove linear makes the import fall back to the
row path (``NotLinear``) before anything is written.

Transactions: the whole file in one (a failure writes nothing of it; a re-import skips what was written).
"""

from __future__ import annotations

import io
from decimal import ROUND_DOWN, Decimal

from django.db import connection, transaction
from django.utils import timezone

from tuishou.coupons.connectors import RawRow
from tuishou.coupons.importing import STATUS_ORDER, lines_parse, report_finish
from tuishou.coupons.models import CouponCommission, CouponItem, CouponOrder, CouponPick, ReportImport, ReportRow
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.payouts import chain_snapshot
from tuishou.incentives.selectors import plan_version_in_force
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.settlement.accrual import accounts_open
from tuishou.settlement.recompute import order_payouts_for

BULK_MIN_ROWS = 5000
PROBES = (Decimal("1000000.00"), Decimal("0.01"), Decimal("0.07"), Decimal("1.23"), Decimal("99.99"),
          Decimal("12345.67"), Decimal("3.33"))
K = Account.Kind


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


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def report_bulk_import(*, report: ReportImport, rows: list[RawRow]) -> ReportImport:
    """Apply a report set-based (see the module docstring); raises ``NotLinear`` before writing anything."""
    lines, skips = lines_parse(rows)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL jit = off")
        # Dropped at commit; an import earlier in the same outer transaction (a test, a batch) left them.
        cur.execute("DROP TABLE IF EXISTS cs, cv, cr, cc, ca, cp")
        cur.execute("""CREATE TEMP TABLE cs (line int, order_id text, code text, status text, rank int, amount bigint,
            commission bigint, paid_at timestamptz, at timestamptz, outcome text, reason text, detail text,
            pick_id bigint, promoter_id bigint, item_id bigint, platform text, prior_id bigint, prior_status text,
            prior_pick bigint, owner_pick bigint, creates bool DEFAULT false, order_id_db bigint, state text,
            version_id bigint) ON COMMIT DROP""")
        buf = io.StringIO()
        for ln in lines:
            buf.write(f"{ln.line}\t{_esc(ln.order_id)}\t{_esc(ln.tracking_code)}\t{ln.status}\t"
                      f"{STATUS_ORDER[ln.status]}\t{int(ln.amount * 100)}\t{int(ln.commission * 100)}\t"
                      f"{ln.paid_at.isoformat()}\t{ln.at.isoformat()}\n")
        with cur.cursor.copy("COPY cs (line, order_id, code, status, rank, amount, commission, paid_at, at) "
                             "FROM STDIN") as copy:
            copy.write(buf.getvalue())
        cur.execute("CREATE INDEX ON cs (order_id)")
        cur.execute("ANALYZE cs")
        _decide(cur)
        cur.execute("CREATE INDEX ON cs (order_id_db)")
        cur.execute("ANALYZE cs")
        _write(cur, report)
        cur.execute("SELECT line, order_id, status, code, outcome, coalesce(reason, ''), coalesce(detail, ''), "
                    "CASE WHEN outcome = 'imported' THEN 1 WHEN outcome = 'reversed' THEN -1 ELSE 0 END, order_id_db "
                    "FROM cs")
        results = list(skips)
        for line, order_id, status, code, outcome, reason, detail, _sign, _oid in cur.fetchall():
            results.append(ReportRow(line=line, external_order_id=order_id, reported_status=status,
                                     tracking_code=code, outcome=outcome, reason=reason, detail=detail))
        cur.execute("SELECT coalesce(sum(c.amount), 0) FROM cs JOIN " + _t(CouponCommission) + " c "
                    "ON c.order_id = cs.order_id_db WHERE cs.creates")
        booked = cur.fetchone()[0]
        cur.execute("SELECT coalesce(sum(c.amount), 0) FROM cs JOIN " + _t(CouponCommission) + " c "
                    "ON c.order_id = cs.order_id_db WHERE cs.outcome = 'reversed'")
        taken = cur.fetchone()[0]
        return report_finish(report=report, results=results, booked=(Decimal(booked) - Decimal(taken)) / 100)


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _decide(cur) -> None:
    """Every row's outcome, exactly as ``importing._line_apply`` decides it."""
    pick, item, order = _t(CouponPick), _t(CouponItem), _t(CouponOrder)
    cur.execute("""UPDATE cs SET outcome = 'skipped', reason = 'duplicate',
                          detail = 'the same order and status earlier in this file'
                   FROM (SELECT line, row_number() OVER (PARTITION BY order_id, status ORDER BY line) AS n FROM cs) d
                   WHERE d.line = cs.line AND d.n > 1""")
    cur.execute(f"""UPDATE cs SET pick_id = p.id, promoter_id = p.promoter_id, item_id = p.item_id,
                           platform = i.platform
                    FROM {pick} p JOIN {item} i ON i.id = p.item_id
                    WHERE p.tracking_code = cs.code AND cs.outcome IS NULL""")
    cur.execute("""UPDATE cs SET outcome = 'skipped', reason = 'unknown_code',
                          detail = 'tracking code ' || left(code, 30) || ' is not one of ours'
                   WHERE outcome IS NULL AND pick_id IS NULL""")
    cur.execute(f"""UPDATE cs SET prior_id = o.id, prior_status = o.status, prior_pick = o.pick_id
                    FROM {order} o WHERE o.platform = cs.platform AND o.external_order_id = cs.order_id
                    AND cs.outcome IS NULL""")
    # The row that creates an order never seen: its first paid row, else its first settled row.
    cur.execute("""UPDATE cs SET creates = true FROM (
                       SELECT DISTINCT ON (platform, order_id) line FROM cs
                       WHERE outcome IS NULL AND prior_id IS NULL AND status IN ('paid', 'settled')
                       ORDER BY platform, order_id, rank, line) c WHERE c.line = cs.line""")
    cur.execute("""UPDATE cs SET owner_pick = coalesce(cs.prior_pick, c.pick_id) FROM cs AS x
                   LEFT JOIN cs AS c ON c.creates AND c.platform = x.platform AND c.order_id = x.order_id
                   WHERE x.line = cs.line AND cs.outcome IS NULL""")
    cur.execute("""UPDATE cs SET outcome = 'skipped', reason = 'code_mismatch',
                          detail = 'the order was imported under another tracking code'
                   WHERE outcome IS NULL AND owner_pick IS NOT NULL AND owner_pick <> pick_id""")
    # The order's state when the row comes: what an earlier import left, else what this file's earlier rows made.
    cur.execute("""UPDATE cs SET state = CASE
                       WHEN cs.prior_id IS NOT NULL THEN cs.prior_status
                       WHEN cs.status = 'refunded' AND EXISTS (SELECT 1 FROM cs s WHERE s.outcome IS NULL
                           AND s.platform = cs.platform AND s.order_id = cs.order_id AND s.status = 'settled')
                           THEN 'settled'
                       WHEN cs.status <> 'paid' AND EXISTS (SELECT 1 FROM cs s WHERE s.creates
                           AND s.platform = cs.platform AND s.order_id = cs.order_id AND s.status = 'paid')
                           THEN 'paid'
                       END
                   WHERE outcome IS NULL""")
    cur.execute("""UPDATE cs SET (outcome, reason, detail) = (SELECT * FROM (VALUES
                       (CASE WHEN status = 'paid' AND prior_id IS NOT NULL THEN 'skipped'
                             WHEN status = 'paid' THEN 'imported'
                             WHEN status = 'settled' AND state = 'settled' THEN 'skipped'
                             WHEN status = 'settled' AND state = 'refunded' THEN 'skipped'
                             WHEN status = 'settled' THEN 'imported'
                             WHEN state IS NULL THEN 'skipped'
                             WHEN state = 'refunded' THEN 'skipped'
                             ELSE 'reversed' END,
                        CASE WHEN status = 'paid' AND prior_id IS NOT NULL THEN 'duplicate'
                             WHEN status = 'settled' AND state = 'settled' THEN 'duplicate'
                             WHEN status = 'settled' AND state = 'refunded' THEN 'already_refunded'
                             WHEN status = 'refunded' AND state IS NULL THEN 'unknown_order'
                             WHEN status = 'refunded' AND state = 'refunded' THEN 'duplicate'
                             ELSE '' END,
                        CASE WHEN status = 'paid' AND prior_id IS NOT NULL THEN 'already imported'
                             WHEN status = 'settled' AND state = 'settled' THEN 'already settled'
                             WHEN status = 'settled' AND state = 'refunded'
                                 THEN 'the order was refunded before this settlement'
                             WHEN status = 'refunded' AND state IS NULL THEN 'a refund of an order never imported'
                             WHEN status = 'refunded' AND state = 'refunded' THEN 'already refunded'
                             ELSE '' END)) AS v)
                   WHERE outcome IS NULL""")
    # A settled row of an order that a paid row of this file creates settles it; the paid row creates it.
    cur.execute("""UPDATE cs SET creates = false WHERE creates AND outcome <> 'imported'""")


def _versions(cur, report: ReportImport) -> dict[tuple[int, int], list]:
    """Pick each new order's plan version (in force at its payment, else now) and price every (promoter,
    version) once; fills the staging table's ``version_id`` and a ``cr`` table of rates."""
    cur.execute("SELECT DISTINCT cs.promoter_id, p.community_id FROM cs JOIN network_promoter p "
                "ON p.id = cs.promoter_id WHERE cs.creates")
    promoters = cur.fetchall()
    communities = {c for _, c in promoters}
    versions = list(PlanVersion.objects.filter(community_id__in=communities, published_at__isnull=False)
                    .order_by("community_id", "-published_at", "-id").values_list("id", "community_id",
                                                                                     "published_at", "retired_at"))
    now_versions = {c: (plan_version_in_force(community_id=c) or None) for c in communities}
    cur.execute("CREATE TEMP TABLE cv (id bigint, community_id bigint, published_at timestamptz, "
                "retired_at timestamptz, fallback bigint) ON COMMIT DROP")
    if versions:
        cur.execute("INSERT INTO cv SELECT * , NULL FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[], "
                    "%s::timestamptz[])", [[v[0] for v in versions], [v[1] for v in versions],
                                            [v[2] for v in versions], [v[3] for v in versions]])
    cur.execute("""UPDATE cs SET version_id = coalesce(
                       (SELECT v.id FROM cv v JOIN network_promoter p ON p.community_id = v.community_id
                        WHERE p.id = cs.promoter_id AND v.published_at <= cs.paid_at
                        AND (v.retired_at IS NULL OR v.retired_at > cs.paid_at)
                        ORDER BY v.published_at DESC, v.id DESC LIMIT 1),
                       (SELECT f FROM unnest(%s::bigint[], %s::bigint[]) AS n(c, f)
                        JOIN network_promoter p ON p.community_id = n.c WHERE p.id = cs.promoter_id))
                   WHERE creates""", [list(now_versions), [v.pk if v else None for v in now_versions.values()]])
    cur.execute("SELECT DISTINCT promoter_id, version_id FROM cs WHERE creates AND version_id IS NOT NULL")
    pairs = cur.fetchall()
    by_id = {v.pk: v for v in PlanVersion.objects.filter(pk__in={v for _, v in pairs})}
    chains = {pid: chain_snapshot(promoter_id=pid) for pid, _ in promoters}
    seller, version, recipient, rule, rate = [], [], [], [], []
    for pid, vid in pairs:
        for rid, r, rt in rates_for(by_id[vid], chains[pid]):
            seller.append(pid), version.append(vid), recipient.append(rid), rule.append(r), rate.append(rt)
    cur.execute("CREATE TEMP TABLE cr ON COMMIT DROP AS SELECT * FROM unnest(%s::bigint[], %s::bigint[], "
                "%s::bigint[], %s::text[], %s::numeric[]) WITH ORDINALITY AS r(seller, version, recipient, rule, "
                "rate, n)", [seller, version, recipient, rule, rate])
    import json

    cur.execute("CREATE TEMP TABLE cc ON COMMIT DROP AS SELECT * FROM unnest(%s::bigint[], %s::text[]) "
                "AS c(promoter_id, chain)",
                [list(chains), [json.dumps([link.as_dict() for link in chain]) for chain in chains.values()]])
    return by_id


def _write(cur, report: ReportImport) -> None:
    _versions(cur, report)
    order, commission = _t(CouponOrder), _t(CouponCommission)
    entry, line, account = _t(JournalEntry), _t(JournalLine), _t(Account)
    now = timezone.now()
    # 1. The new orders.
    cur.execute(f"""WITH ins AS (
            INSERT INTO {order} (platform, external_order_id, pick_id, promoter_id, item_id, amount,
                                 external_commission, plan_version_id, chain, status, paid_at, report_id, created_at)
            SELECT cs.platform, cs.order_id, cs.pick_id, cs.promoter_id, cs.item_id, cs.amount, cs.commission,
                   cs.version_id, cc.chain::jsonb, 'paid', cs.paid_at, %s, %s
            FROM cs JOIN cc ON cc.promoter_id = cs.promoter_id WHERE cs.creates ORDER BY cs.rank, cs.line
            RETURNING id, platform, external_order_id)
        UPDATE cs SET order_id_db = ins.id FROM ins
        WHERE ins.platform = cs.platform AND ins.external_order_id = cs.order_id""", [report.pk, now])
    cur.execute("UPDATE cs SET order_id_db = prior_id WHERE order_id_db IS NULL AND prior_id IS NOT NULL")
    # 2. Their commissions: floor(rate × B) to the fen, the snapshot's effective rate amount ÷ B.
    cur.execute(f"""INSERT INTO {commission} (order_id, promoter_id, rule, base, rate, amount, status, created_at)
        SELECT cs.order_id_db, cr.recipient, cr.rule, cs.commission,
               trunc(floor(cr.rate * cs.commission)::numeric / cs.commission, 6), floor(cr.rate * cs.commission),
               'pending', %s
        FROM cs JOIN cr ON cr.seller = cs.promoter_id AND cr.version = cs.version_id
        WHERE cs.creates AND cs.commission > 0 AND floor(cr.rate * cs.commission) > 0
        ORDER BY cs.order_id_db, cr.n""", [now])
    # 3. Accounts: the platform's two and every recipient's pending and available, opened and locked by pk.
    cur.execute(f"SELECT DISTINCT c.promoter_id FROM {commission} c JOIN cs ON cs.order_id_db = c.order_id "
                "WHERE cs.outcome IN ('imported', 'reversed')")
    recipients = [r[0] for r in cur.fetchall()]
    accounts_open([(K.COUPON_RECEIVABLE, None, None), (K.COMMISSION_MARGIN, None, None)]
                  + [(kind, pid, None) for pid in recipients for kind in (K.PROMOTER_PENDING, K.PROMOTER_AVAILABLE)])
    cur.execute(f"""SELECT id FROM {account} WHERE kind IN (%s, %s) AND promoter_id IS NULL
                    OR kind IN (%s, %s) AND promoter_id = ANY(%s::bigint[]) ORDER BY id FOR UPDATE""",
                [K.COUPON_RECEIVABLE, K.COMMISSION_MARGIN, K.PROMOTER_PENDING, K.PROMOTER_AVAILABLE, recipients])
    cur.execute(f"SELECT id FROM {account} WHERE key = %s", [K.COUPON_RECEIVABLE])
    receivable = cur.fetchone()[0]
    cur.execute(f"SELECT id FROM {account} WHERE key = %s", [K.COMMISSION_MARGIN])
    margin = cur.fetchone()[0]
    cur.execute(f"CREATE TEMP TABLE ca ON COMMIT DROP AS SELECT promoter_id, kind, id FROM {account} "
                "WHERE promoter_id = ANY(%s::bigint[]) AND kind IN (%s, %s)", [recipients, K.PROMOTER_PENDING,
                                                                     K.PROMOTER_AVAILABLE])
    cur.execute("ANALYZE ca")
    cur.execute("ANALYZE cs")
    cur.execute("SELECT coalesce(max(id), 0) FROM " + entry)
    first_entry = cur.fetchone()[0]
    # The snapshot's plan of every order a row touches (a refund's order may be of an older version).
    cur.execute(f"CREATE TEMP TABLE cp ON COMMIT DROP AS SELECT v.id AS version_id, v.plan_key AS plan_id, "
                f"coalesce(v.version, 0) AS plan_version FROM {_t(PlanVersion)} v WHERE v.id IN "
                f"(SELECT o.plan_version_id FROM {order} o JOIN cs ON cs.order_id_db = o.id)")
    snap = ("'coupon:' || o.id, cp.plan_id, cp.plan_version, c.rule, c.rate, c.base")
    # 4. Accruals: receivable +B, each commission −amount on pending (with its snapshot), the margin the rest.
    _entries(cur, kind=JournalEntry.Kind.COMMISSION_ACCRUED, event="paid", where="cs.creates AND cs.commission > 0",
             memo="'券订单 ' || cs.order_id || ' 佣金 ' || to_char(cs.commission / 100.0, 'FM9999999990.00')")
    cur.execute(f"""INSERT INTO {line} (entry_id, account_id, amount, order_ref, order_line_ref, plan_id,
                                        plan_version, rule, rate, base)
        SELECT e.id, v.account, v.amount, v.order_ref, NULL, v.plan_id, v.plan_version, v.rule, v.rate, v.base
        FROM cs JOIN {entry} e ON e.key = 'coupon:' || cs.order_id_db || ':paid'
        JOIN {order} o ON o.id = cs.order_id_db
        LEFT JOIN cp ON cp.version_id = o.plan_version_id
        CROSS JOIN LATERAL (
            SELECT 0 AS side, 0::bigint AS n, %s::bigint AS account, o.external_commission AS amount,
                   NULL::text AS order_ref, NULL::text AS plan_id, NULL::int AS plan_version, NULL::text AS rule,
                   NULL::numeric AS rate, NULL::bigint AS base
            UNION ALL
            SELECT 1, c.id, ca.id, -c.amount, {snap}
            FROM {commission} c JOIN ca ON ca.promoter_id = c.promoter_id AND ca.kind = %s WHERE c.order_id = o.id
            UNION ALL
            SELECT 2, 0, %s, -(o.external_commission - coalesce((SELECT sum(amount) FROM {commission} c
                                                                 WHERE c.order_id = o.id), 0)),
                   NULL, NULL, NULL, NULL, NULL, NULL) AS v
        WHERE cs.creates AND e.id > %s AND v.amount <> 0
        ORDER BY e.id, v.side, v.n""", [receivable, K.PROMOTER_PENDING, margin, first_entry])
    # 5. Settlements: each promoter's pending sum → available.
    settle = "cs.status = 'settled' AND cs.outcome = 'imported'"
    _entries(cur, kind=JournalEntry.Kind.COMMISSION_SETTLED, event="settled",
             where=f"{settle} AND EXISTS (SELECT 1 FROM {commission} c WHERE c.order_id = cs.order_id_db "
                   "AND c.status = 'pending')",
             memo="'券订单 ' || cs.order_id || ' 平台结算'")
    cur.execute(f"""INSERT INTO {line} (entry_id, account_id, amount)
        SELECT e.id, ca.id, CASE WHEN ca.kind = %s THEN s.total ELSE -s.total END
        FROM cs JOIN {entry} e ON e.key = 'coupon:' || cs.order_id_db || ':settled'
        CROSS JOIN LATERAL (SELECT promoter_id, sum(amount) AS total FROM {commission} c
                            WHERE c.order_id = cs.order_id_db AND c.status = 'pending' GROUP BY promoter_id) s
        JOIN ca ON ca.promoter_id = s.promoter_id
        WHERE {settle} AND e.id > %s
        ORDER BY e.id, s.promoter_id, ca.kind DESC""", [K.PROMOTER_PENDING, first_entry])
    cur.execute(f"""UPDATE {commission} c SET status = 'available' FROM cs
                    WHERE c.order_id = cs.order_id_db AND {settle} AND c.status = 'pending'""")
    cur.execute(f"""UPDATE {order} o SET status = 'settled', settled_at = coalesce(o.settled_at, cs.at) FROM cs
                    WHERE o.id = cs.order_id_db AND {settle}""")
    # 6. Refunds: everything the accrual booked, back from pending (cancel) or available (clawback).
    refund = "cs.outcome = 'reversed'"
    for state, kind, acc, to in (("paid", JournalEntry.Kind.COMMISSION_CANCELLED, K.PROMOTER_PENDING, "cancelled"),
                                 ("settled", JournalEntry.Kind.COMMISSION_CLAWBACK, K.PROMOTER_AVAILABLE,
                                  "clawed_back")):
        where = f"{refund} AND cs.state = '{state}'"
        _entries(cur, kind=kind, event="refunded", where=f"{where} AND cs.commission > 0",
                 memo="'券订单 ' || cs.order_id || ' 退款'")
        cur.execute(f"""INSERT INTO {line} (entry_id, account_id, amount, order_ref, order_line_ref, plan_id,
                                            plan_version, rule, rate, base)
            SELECT e.id, v.account, v.amount, v.order_ref, NULL, v.plan_id, v.plan_version, v.rule, v.rate, v.base
            FROM cs JOIN {entry} e ON e.key = 'coupon:' || cs.order_id_db || ':refunded'
            JOIN {order} o ON o.id = cs.order_id_db
            LEFT JOIN cp ON cp.version_id = o.plan_version_id
            CROSS JOIN LATERAL (
                SELECT 0 AS side, 0::bigint AS n, %s::bigint AS account, -o.external_commission AS amount,
                       NULL::text AS order_ref, NULL::text AS plan_id, NULL::int AS plan_version, NULL::text AS rule,
                       NULL::numeric AS rate, NULL::bigint AS base
                UNION ALL
                SELECT 1, c.id, ca.id, c.amount, {snap}
                FROM {commission} c JOIN ca ON ca.promoter_id = c.promoter_id AND ca.kind = %s
                WHERE c.order_id = o.id
                UNION ALL
                SELECT 2, 0, %s, o.external_commission - coalesce((SELECT sum(amount) FROM {commission} c
                                                                    WHERE c.order_id = o.id), 0),
                       NULL, NULL, NULL, NULL, NULL, NULL) AS v
            WHERE {where} AND e.id > %s AND v.amount <> 0
            ORDER BY e.id, v.side, v.n""", [receivable, acc, margin, first_entry])
        cur.execute(f"""UPDATE {commission} c SET status = %s FROM cs WHERE c.order_id = cs.order_id_db
                        AND {where}""", [to])
    cur.execute(f"""UPDATE {order} o SET status = 'refunded', refunded_at = coalesce(o.refunded_at, cs.at) FROM cs
                    WHERE o.id = cs.order_id_db AND {refund}""")
    # 7. Balances: each account moved once by the sum of its new lines; every new entry must balance.
    cur.execute(f"""SELECT count(*) FROM (SELECT entry_id FROM {line} WHERE entry_id > %s GROUP BY entry_id
                                          HAVING sum(amount) <> 0) u""", [first_entry])
    if cur.fetchone()[0]:
        raise RuntimeError("an entry of the set-based coupon import does not balance")
    cur.execute(f"""UPDATE {account} a SET balance = a.balance + m.change, line_count = a.line_count + m.n
                    FROM (SELECT account_id, sum(amount) AS change, count(*) AS n FROM {line}
                          WHERE entry_id > %s GROUP BY account_id) m WHERE a.id = m.account_id""", [first_entry])


def _entries(cur, *, kind: str, event: str, where: str, memo: str) -> None:
    cur.execute(f"""INSERT INTO {_t(JournalEntry)} (kind, key, memo, actor_id, reverses_id, created_at)
                    SELECT %s, 'coupon:' || cs.order_id_db || ':{event}', {memo}, NULL, NULL, %s
                    FROM cs WHERE {where} ORDER BY cs.order_id_db""", [kind, timezone.now()])
