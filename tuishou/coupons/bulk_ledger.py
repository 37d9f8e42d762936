"""The writes of the set-based order-report import (PostgreSQL only): orders, commissions, journal entries and
lines, balances — what ``booking`` writes row by row, in one INSERT … SELECT each (see ``bulk``).

From ``bulk``'s staging tables: ``cd`` (every row and its outcome), ``co`` (the orders to create, ids drawn, final
state known), ``cr`` (rates), ``cc`` (chains). Builds:

* ``ct``: every order the import touches — the new ones and the earlier imports' orders a row settles or refunds;
* ``cm``: their commissions (new ones with ids drawn; the earlier orders' as stored), with the status each had
  before the import;
* ``ce``: the entries: one accrual and one settlement for the import (``import_entry_key``), a refund per order
  as ``booking`` keys it (``coupon:<order>:refunded``); ``cln``: their lines.

Why one accrual per import and not per order: an order's accrual was four lines (receivable, two commissions,
margin) and an entry — ~490,000 ledger rows per 100,000 report rows, the largest part of the import. What a
person and the checks read stays per order: every commission keeps its own line with its snapshot (``order_ref``
``coupon:<order>``: the wallet names the order, reconcile sums the snapshots), a refund is still posted per order
from the order's commissions, and the import's orders (unique per platform and external id, written in the same
transaction) make a re-import book nothing. The receivable and margin lines and each recipient's settlement are
summed over the import.

New orders and commissions are inserted in their final state (an order paid, settled and refunded in the same file
is inserted refunded: its lines in the import's accrual and settlement and its own refund entry); earlier ones are
moved by one UPDATE each. Every entry is checked to balance before anything is inserted into the ledger, and each
account's balance moves once by its lines' sum.
"""

from __future__ import annotations

from django.utils import timezone

from tuishou.coupons.bulk_stage import next_id, t
from tuishou.coupons.models import CouponCommission, CouponOrder, ReportImport
from tuishou.incentives.models import PlanVersion
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.settlement.accrual import accounts_open

K = Account.Kind
E = JournalEntry.Kind


def ledger_write(cur, report: ReportImport) -> None:
    now = timezone.now()
    order, commission = t(CouponOrder), t(CouponCommission)
    _touched(cur, order, commission)
    # The new orders, in their final state.
    cur.execute(f"""INSERT INTO {order} (id, platform, external_order_id, pick_id, promoter_id, item_id, amount,
                                         external_commission, plan_version_id, chain, status, paid_at, settled_at,
                                         refunded_at, report_id, created_at)
        SELECT co.id, co.platform, co.order_id, co.pick_id, co.promoter_id, co.item_id, co.amount, co.b,
               co.version_id, cc.chain,
               CASE WHEN co.refunded_at IS NOT NULL THEN 'refunded' WHEN co.settled_at IS NOT NULL THEN 'settled'
                    ELSE 'paid' END, co.paid_at, co.settled_at, co.refunded_at, %s, %s
        FROM co JOIN cc ON cc.promoter_id = co.promoter_id ORDER BY co.id""", [report.pk, now])
    cur.execute(f"""INSERT INTO {commission} (id, order_id, promoter_id, rule, base, rate, amount, status, created_at)
        SELECT cm.id, cm.order_db, cm.promoter_id, cm.rule, cm.base, cm.rate, cm.amount,
               CASE WHEN ct.refund THEN CASE ct.refund_from WHEN 'settled' THEN 'clawed_back' ELSE 'cancelled' END
                    WHEN ct.settle THEN 'available' ELSE 'pending' END, %s
        FROM cm JOIN ct ON ct.id = cm.order_db WHERE cm.new ORDER BY cm.id""", [now])
    # Earlier imports' orders: settled, refunded (their commissions moved as ``booking``'s transitions move them).
    cur.execute(f"""UPDATE {commission} c SET status = CASE
                        WHEN ct.refund AND ct.refund_from = 'settled' AND c.status IN ('pending', 'available')
                            THEN 'clawed_back'
                        WHEN ct.refund AND c.status = 'pending' THEN 'cancelled'
                        WHEN ct.settle AND c.status = 'pending' THEN 'available' ELSE c.status END
                    FROM ct WHERE c.order_id = ct.id AND NOT ct.new AND c.status IN ('pending', 'available')""")
    cur.execute(f"""UPDATE {order} o SET status = CASE WHEN ct.refund THEN 'refunded' ELSE 'settled' END,
                        settled_at = coalesce(ct.settled_at, o.settled_at),
                        refunded_at = coalesce(ct.refunded_at, o.refunded_at)
                    FROM ct WHERE o.id = ct.id AND NOT ct.new""")
    _entries(cur, now, report)
    receivable, margin = _accounts(cur)
    _lines(cur, receivable, margin)
    cur.execute("SELECT count(*) FROM (SELECT entry_id FROM cln GROUP BY entry_id HAVING sum(amount) <> 0) u")
    if cur.fetchone()[0]:
        raise RuntimeError("an entry of the set-based coupon import does not balance")
    cur.execute(f"""INSERT INTO {t(JournalEntry)} (id, kind, key, memo, actor_id, reverses_id, created_at)
                    SELECT id, kind, key, memo, NULL, NULL, %s FROM ce
                    ORDER BY id""", [now])
    cur.execute(f"""INSERT INTO {t(JournalLine)} (entry_id, account_id, amount, order_ref, order_line_ref, plan_id,
                                                 plan_version, rule, rate, base)
                    SELECT entry_id, account_id, amount, order_ref, NULL, plan_id, plan_version, rule, rate, base
                    FROM cln ORDER BY entry_id, side, n""")
    cur.execute(f"""UPDATE {t(Account)} a SET balance = a.balance + m.change, line_count = a.line_count + m.n
                    FROM (SELECT account_id, sum(amount) AS change, count(*) AS n FROM cln GROUP BY account_id) m
                    WHERE a.id = m.account_id""")


def _touched(cur, order: str, commission: str) -> None:
    """``ct`` and ``cm`` (see the module docstring)."""
    cur.execute(f"""CREATE TEMP TABLE ct ON COMMIT DROP AS
        SELECT co.id, co.order_id, co.b, co.btext, co.version_id, true AS new, co.settled_at IS NOT NULL AS settle,
               co.refunded_at IS NOT NULL AS refund, co.refund_from, co.settled_at, co.refunded_at
        FROM co
        UNION ALL
        SELECT o.id, o.external_order_id, o.external_commission, NULL, o.plan_version_id, false,
               g.settled_at IS NOT NULL, g.refunded_at IS NOT NULL, g.refund_from, g.settled_at, g.refunded_at
        FROM (SELECT prior_id, max(at) FILTER (WHERE status = 'settled' AND outcome = 'imported') AS settled_at,
                     max(at) FILTER (WHERE outcome = 'reversed') AS refunded_at,
                     max(state) FILTER (WHERE outcome = 'reversed') AS refund_from
              FROM cd WHERE prior_id IS NOT NULL AND outcome IN ('imported', 'reversed') GROUP BY prior_id) g
        JOIN {order} o ON o.id = g.prior_id""")
    cur.execute("ANALYZE ct")
    # New commissions: floor(rate × B) to the fen, the snapshot's effective rate amount ÷ B rounded down.
    cur.execute(f"""CREATE TEMP TABLE cm ON COMMIT DROP AS
        SELECT {next_id(cur, CouponCommission)} AS id, co.id AS order_db,
               cr.recipient AS promoter_id, cr.rule, co.b AS base, trunc(floor(cr.rate * co.b) / co.b, 6) AS rate,
               floor(cr.rate * co.b)::bigint AS amount, 'pending'::text AS before, true AS new, true AS booked,
               co.refunded_at IS NOT NULL AS taken
        FROM co JOIN cr ON cr.seller = co.promoter_id AND cr.version = co.version_id
        WHERE co.b > 0 AND floor(cr.rate * co.b) > 0
        UNION ALL
        SELECT c.id, c.order_id, c.promoter_id, c.rule, c.base, c.rate, c.amount, c.status, false, false, ct.refund
        FROM ct JOIN {commission} c ON c.order_id = ct.id WHERE NOT ct.new""")
    cur.execute("ANALYZE cm")


def _accounts(cur) -> tuple[int | None, int | None]:
    """Open the platform's two accounts and every recipient's pending and available, lock them by pk; ``ca``."""
    # Only the accounts a line will move (the row path opens no other): grouped per recipient first (200 groups,
    # not a DISTINCT over two rows per commission).
    cur.execute("""SELECT cm.promoter_id,
                          bool_or(cm.new OR (ct.settle AND cm.before = 'pending')
                                  OR (ct.refund AND coalesce(ct.refund_from, 'paid') = 'paid')),
                          bool_or((ct.settle AND cm.before = 'pending') OR (ct.refund AND ct.refund_from = 'settled'))
                   FROM cm JOIN ct ON ct.id = cm.order_db GROUP BY cm.promoter_id ORDER BY cm.promoter_id""")
    used = [(pid, kind) for pid, pending, available in cur.fetchall()
            for kind, needed in ((K.PROMOTER_PENDING, pending), (K.PROMOTER_AVAILABLE, available)) if needed]
    recipients = sorted({pid for pid, _ in used})
    # The receivable and the margin: moved by every order accrued or refunded now with a commission from the platform.
    platform = [kind for kind, needed in zip((K.COUPON_RECEIVABLE, K.COMMISSION_MARGIN), _platform_moved(cur),
                                             strict=True) if needed]
    opened = accounts_open([(kind, None, None) for kind in platform] + [(kind, pid, None) for pid, kind in used])
    account = t(Account)
    cur.execute(f"SELECT id FROM {account} WHERE id = ANY(%s::bigint[]) ORDER BY id FOR UPDATE",
                [[a.pk for a in opened.values()]])
    cur.execute(f"CREATE TEMP TABLE ca ON COMMIT DROP AS SELECT promoter_id, kind, id FROM {account} "
                "WHERE promoter_id = ANY(%s::bigint[]) AND kind IN (%s, %s)",
                [recipients, K.PROMOTER_PENDING, K.PROMOTER_AVAILABLE])
    cur.execute("ANALYZE ca")
    return tuple(getattr(opened.get(Account.key_for(kind)), "pk", None)
                 for kind in (K.COUPON_RECEIVABLE, K.COMMISSION_MARGIN))


def _platform_moved(cur) -> tuple[bool, bool]:
    """Whether the receivable and the margin take a line: the receivable for any order accrued or refunded now with
    a commission from the platform; the margin for any of them whose commissions are not all of B. Σ B − Σ
    commissions over them ≠ 0 proves the margin's by three sums (no per-order aggregate of the commissions); only
    when it is 0 are the orders compared one by one."""
    relevant = "(ct.new OR ct.refund) AND ct.b > 0"
    # A new commission's order is always a new order with B > 0 (``_touched``); an earlier order's counts when it
    # is refunded now.
    cur.execute(f"""SELECT EXISTS (SELECT 1 FROM ct WHERE {relevant}),
                           (SELECT coalesce(sum(ct.b), 0) FROM ct WHERE {relevant})
                           - (SELECT coalesce(sum(amount), 0) FROM cm WHERE new)
                           - (SELECT coalesce(sum(m.amount), 0) FROM cm m JOIN ct ON ct.id = m.order_db
                              WHERE NOT m.new AND {relevant})""")
    receivable, difference = cur.fetchone()
    if not receivable or difference:
        return receivable, bool(difference)
    cur.execute(f"""SELECT coalesce(bool_or(ct.b <> coalesce(s.total, 0)), false)
                   FROM ct LEFT JOIN (SELECT order_db, sum(amount) AS total FROM cm GROUP BY order_db) s
                   ON s.order_db = ct.id WHERE {relevant}""")
    return receivable, cur.fetchone()[0]


def import_entry_key(report: ReportImport, event: str) -> str:
    """The key of an import's accrual (``paid``) or settlement (``settled``) entry: one of each per import."""
    return f"coupon:report:{report.pk}:{event}"


def _entries(cur, now, report: ReportImport) -> None:
    """``ce``: the entries, ids drawn: ONE accrual for every order the import creates with a commission from the
    platform, ONE settlement for every order it settles with pending commissions (``import_entry_key``), and a
    refund per order refunded now with a commission (``coupon:<order>:refunded``, as ``booking`` keys it)."""
    cur.execute(f"""CREATE TEMP TABLE ce ON COMMIT DROP AS
        SELECT {next_id(cur, JournalEntry)} AS id, x.* FROM (
            SELECT NULL::bigint AS order_db, 'paid' AS event, %(accrued)s AS kind, %(paid_key)s AS key,
                   '券订单报表 #' || %(report)s || ' 佣金 ' || count(*) || ' 单' AS memo
            FROM ct WHERE ct.new AND ct.b > 0 HAVING count(*) > 0
            UNION ALL
            SELECT NULL, 'settled', %(settled)s, %(settled_key)s,
                   '券订单报表 #' || %(report)s || ' 平台结算 ' || count(*) || ' 单' FROM ct
            WHERE ct.settle AND EXISTS (SELECT 1 FROM cm WHERE cm.order_db = ct.id AND cm.before = 'pending')
            HAVING count(*) > 0
            UNION ALL
            SELECT ct.id, 'refunded', CASE ct.refund_from WHEN 'settled' THEN %(clawback)s ELSE %(cancelled)s END,
                   'coupon:' || ct.id || ':refunded', '券订单 ' || ct.order_id || ' 退款'
            FROM ct WHERE ct.refund AND ct.b > 0) x""",
                {"accrued": E.COMMISSION_ACCRUED, "settled": E.COMMISSION_SETTLED, "clawback": E.COMMISSION_CLAWBACK,
                 "cancelled": E.COMMISSION_CANCELLED, "report": str(report.pk),
                 "paid_key": import_entry_key(report, "paid"), "settled_key": import_entry_key(report, "settled")})
    cur.execute("ANALYZE ce")


def _lines(cur, receivable: int, margin: int) -> None:
    """``cln``: every entry's lines (zero lines dropped). The accrual: the receivable debited once by Σ B, one
    pending credit per commission with its snapshot (``order_ref`` names the order), the margin credited once by
    Σ (B − commissions). The settlement: each recipient's pending debited and available credited once by the sum
    of their commissions it settles. A refund: what ``booking`` posts for its order."""
    cur.execute(f"""CREATE TEMP TABLE cp ON COMMIT DROP AS SELECT v.id AS version_id, v.plan_key AS plan_id,
                    coalesce(v.version, 0) AS plan_version FROM {t(PlanVersion)} v
                    WHERE v.id IN (SELECT DISTINCT version_id FROM ct)""")
    snap = "'coupon:' || m.order_db, cp.plan_id, cp.plan_version, m.rule, m.rate, m.base"
    none = ("NULL::text AS order_ref, NULL::text AS plan_id, NULL::int AS plan_version, NULL::text AS rule, "
            "NULL::numeric AS rate, NULL::bigint AS base")
    # sign: +1 on the accrual's side (receivable debit, commissions and margin credit), −1 on the refund's.
    cur.execute(f"""CREATE TEMP TABLE cln ON COMMIT DROP AS
        WITH sums AS (SELECT order_db, sum(amount) AS total FROM cm GROUP BY order_db),
        paid AS (SELECT id FROM ce WHERE event = 'paid'),
        accrued AS (SELECT ct.b, coalesce(s.total, 0) AS total FROM ct LEFT JOIN sums s ON s.order_db = ct.id
                    WHERE ct.new AND ct.b > 0),
        ev AS (SELECT e.id, ct.id AS order_db, ct.b, ct.version_id, coalesce(s.total, 0) AS total,
                      CASE WHEN ct.refund_from = 'settled' THEN %(available)s ELSE %(pending)s END AS kind
               FROM ce e JOIN ct ON ct.id = e.order_db LEFT JOIN sums s ON s.order_db = ct.id
               WHERE e.event = 'refunded')
        SELECT paid.id AS entry_id, 0 AS side, 0::bigint AS n, %(receivable)s::bigint AS account_id,
               (SELECT sum(b) FROM accrued) AS amount, {none} FROM paid
        UNION ALL
        SELECT paid.id, 1, m.id, ca.id, -m.amount, {snap}
        FROM paid CROSS JOIN cm m JOIN ct ON ct.id = m.order_db
        JOIN ca ON ca.promoter_id = m.promoter_id AND ca.kind = %(pending)s
        LEFT JOIN cp ON cp.version_id = ct.version_id
        WHERE m.new AND ct.b > 0
        UNION ALL
        SELECT paid.id, 2, 0, %(margin)s, -(SELECT sum(b - total) FROM accrued), {none} FROM paid
        WHERE (SELECT sum(b - total) FROM accrued) <> 0
        UNION ALL
        SELECT ev.id, 0, 0, %(receivable)s, -ev.b, {none} FROM ev
        UNION ALL
        SELECT ev.id, 1, m.id, ca.id, m.amount, {snap}
        FROM ev JOIN cm m ON m.order_db = ev.order_db JOIN ca ON ca.promoter_id = m.promoter_id AND ca.kind = ev.kind
        LEFT JOIN cp ON cp.version_id = ev.version_id
        UNION ALL
        SELECT ev.id, 2, 0, %(margin)s, ev.b - ev.total, {none} FROM ev WHERE ev.b <> ev.total
        UNION ALL
        SELECT e.id, 1, s.promoter_id * 2 + CASE ca.kind WHEN %(pending)s THEN 0 ELSE 1 END, ca.id,
               CASE ca.kind WHEN %(pending)s THEN s.total ELSE -s.total END, {none}
        FROM ce e CROSS JOIN (SELECT m.promoter_id, sum(m.amount) AS total FROM cm m JOIN ct ON ct.id = m.order_db
                              WHERE ct.settle AND m.before = 'pending' GROUP BY m.promoter_id) s
        JOIN ca ON ca.promoter_id = s.promoter_id
        WHERE e.event = 'settled'""",
                {"receivable": receivable, "margin": margin, "pending": K.PROMOTER_PENDING,
                 "available": K.PROMOTER_AVAILABLE})
