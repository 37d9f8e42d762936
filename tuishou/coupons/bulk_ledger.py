"""The writes of the set-based order-report import (PostgreSQL only): orders, commissions, journal entries and
lines, balances — what ``booking`` writes row by row, in one INSERT … SELECT each (see ``bulk``).

From ``bulk``'s staging tables: ``cd`` (every row and its outcome), ``co`` (the orders to create, ids drawn, final
state known), ``cr`` (rates), ``cc`` (chains). Builds:

* ``ct``: every order the import touches — the new ones and the earlier imports' orders a row settles or refunds;
* ``cm``: their commissions (new ones with ids drawn; the earlier orders' as stored), with the status each had
  before the import;
* ``ce``: the entries, ``coupon:<order>:paid|settled|refunded`` as ``booking`` keys them; ``cln``: their lines.

New orders and commissions are inserted in their final state (an order paid, settled and refunded in the same file
is inserted refunded, its three entries posted); earlier ones are moved by one UPDATE each. Every entry is checked
to balance before anything is inserted into the ledger, and each account's balance moves once by its lines' sum.
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
    _entries(cur, now)
    receivable, margin = _accounts(cur)
    _lines(cur, receivable, margin)
    cur.execute("SELECT count(*) FROM (SELECT entry_id FROM cln GROUP BY entry_id HAVING sum(amount) <> 0) u")
    if cur.fetchone()[0]:
        raise RuntimeError("an entry of the set-based coupon import does not balance")
    cur.execute(f"""INSERT INTO {t(JournalEntry)} (id, kind, key, memo, actor_id, reverses_id, created_at)
                    SELECT id, kind, 'coupon:' || order_db || ':' || event, memo, NULL, NULL, %s FROM ce
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
    # Only the accounts a line will move (the row path opens no other).
    cur.execute("""SELECT DISTINCT cm.promoter_id, k.kind FROM cm JOIN ct ON ct.id = cm.order_db
                   CROSS JOIN LATERAL (VALUES (%s, cm.new OR (ct.settle AND cm.before = 'pending')
                                                   OR (ct.refund AND coalesce(ct.refund_from, 'paid') = 'paid')),
                                              (%s, (ct.settle AND cm.before = 'pending')
                                                   OR (ct.refund AND ct.refund_from = 'settled'))) AS k(kind, used)
                   WHERE k.used""", [K.PROMOTER_PENDING, K.PROMOTER_AVAILABLE])
    used = cur.fetchall()
    recipients = sorted({pid for pid, _ in used})
    cur.execute("""SELECT coalesce(bool_or(true), false), coalesce(bool_or(ct.b <> coalesce(s.total, 0)), false)
                   FROM ce JOIN ct ON ct.id = ce.order_db
                   LEFT JOIN (SELECT order_db, sum(amount) AS total FROM cm GROUP BY order_db) s ON s.order_db = ct.id
                   WHERE ce.event <> 'settled'""")
    platform = [kind for kind, needed in zip((K.COUPON_RECEIVABLE, K.COMMISSION_MARGIN), cur.fetchone(), strict=True)
                if needed]
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


def _entries(cur, now) -> None:
    """``ce``: the entries, ids drawn: an accrual per new order with a commission, a settlement per order settled
    now with pending commissions, a refund per order refunded now with a commission."""
    cur.execute(f"""CREATE TEMP TABLE ce ON COMMIT DROP AS
        SELECT {next_id(cur, JournalEntry)} AS id, x.* FROM (
            SELECT ct.id AS order_db, 'paid' AS event, %s AS kind,
                   '券订单 ' || ct.order_id || ' 佣金 ' || ct.btext AS memo FROM ct WHERE ct.new AND ct.b > 0
            UNION ALL
            SELECT ct.id, 'settled', %s, '券订单 ' || ct.order_id || ' 平台结算' FROM ct
            WHERE ct.settle AND EXISTS (SELECT 1 FROM cm WHERE cm.order_db = ct.id AND cm.before = 'pending')
            UNION ALL
            SELECT ct.id, 'refunded', CASE ct.refund_from WHEN 'settled' THEN %s ELSE %s END,
                   '券订单 ' || ct.order_id || ' 退款' FROM ct WHERE ct.refund AND ct.b > 0) x""",
                [E.COMMISSION_ACCRUED, E.COMMISSION_SETTLED, E.COMMISSION_CLAWBACK, E.COMMISSION_CANCELLED])
    cur.execute("ANALYZE ce")


def _lines(cur, receivable: int, margin: int) -> None:
    """``cln``: every entry's lines as ``booking`` posts them (zero lines dropped), with the commission snapshot."""
    cur.execute(f"""CREATE TEMP TABLE cp ON COMMIT DROP AS SELECT v.id AS version_id, v.plan_key AS plan_id,
                    coalesce(v.version, 0) AS plan_version FROM {t(PlanVersion)} v
                    WHERE v.id IN (SELECT DISTINCT version_id FROM ct)""")
    snap = "'coupon:' || m.order_db, cp.plan_id, cp.plan_version, m.rule, m.rate, m.base"
    none = ("NULL::text AS order_ref, NULL::text AS plan_id, NULL::int AS plan_version, NULL::text AS rule, "
            "NULL::numeric AS rate, NULL::bigint AS base")
    # sign: +1 on the accrual's side (receivable debit, commissions and margin credit), −1 on the refund's.
    cur.execute(f"""CREATE TEMP TABLE cln ON COMMIT DROP AS
        WITH sums AS (SELECT order_db, sum(amount) AS total FROM cm GROUP BY order_db),
        ev AS (SELECT e.id, e.event, ct.id AS order_db, ct.b, ct.version_id, coalesce(s.total, 0) AS total,
                      CASE e.event WHEN 'paid' THEN 1 ELSE -1 END AS sign,
                      CASE WHEN e.event = 'refunded' AND ct.refund_from = 'settled' THEN %(available)s
                           ELSE %(pending)s END AS kind
               FROM ce e JOIN ct ON ct.id = e.order_db LEFT JOIN sums s ON s.order_db = ct.id
               WHERE e.event <> 'settled')
        SELECT ev.id AS entry_id, 0 AS side, 0::bigint AS n, %(receivable)s::bigint AS account_id,
               ev.sign * ev.b AS amount, {none} FROM ev
        UNION ALL
        SELECT ev.id, 1, m.id, ca.id, -ev.sign * m.amount, {snap}
        FROM ev JOIN cm m ON m.order_db = ev.order_db JOIN ca ON ca.promoter_id = m.promoter_id AND ca.kind = ev.kind
        LEFT JOIN cp ON cp.version_id = ev.version_id
        UNION ALL
        SELECT ev.id, 2, 0, %(margin)s, -ev.sign * (ev.b - ev.total), {none} FROM ev WHERE ev.b <> ev.total
        UNION ALL
        SELECT e.id, 1, s.promoter_id * 2 + CASE ca.kind WHEN %(pending)s THEN 0 ELSE 1 END, ca.id,
               CASE ca.kind WHEN %(pending)s THEN s.total ELSE -s.total END, {none}
        FROM ce e JOIN (SELECT order_db, promoter_id, sum(amount) AS total FROM cm WHERE before = 'pending'
                        GROUP BY order_db, promoter_id) s ON s.order_db = e.order_db
        JOIN ca ON ca.promoter_id = s.promoter_id
        WHERE e.event = 'settled'""",
                {"receivable": receivable, "margin": margin, "pending": K.PROMOTER_PENDING,
                 "available": K.PROMOTER_AVAILABLE})
