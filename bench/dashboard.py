"""Benchmark of the operator's dashboard and income disclosure on PostgreSQL (run on demand).

    .venv/bin/python bench/dashboard.py --promoters 1000000 --orders 1000000      # or: make bench-dashboard

On a throwaway database (``tuishou_bench_dashboard``, made with the project's migrations, dropped at the end
unless ``--keep``):

1. Set-up through the services: an operator, the official community and two agencies, each with the test plan
   (ranks member < shopkeeper) published, 20 merchants.
2. Bulk load in SQL (``INSERT … SELECT … generate_series``, no Python loop): ``--promoters`` users and promoters
   (3 in 5 official, 1 in 5 per agency; joined over the last 400 days; ranks: 60% none, 30% member, 10%
   shopkeeper), one pending-commission account each; ``--orders`` orders paid over the last 365 days (one
   shared checkout; totals 10–500 元, B = 20%), each with its accrual entry (key ``order:<id>:paid``) and three
   lines (the credited promoter 10% of B and a second promoter 5% of B with commission snapshots, the
   platform's margin); 3% of orders refunded in full with a cancelling entry a week later (lines negated,
   snapshots kept); after-sales cases on 3% of orders (a tenth answered late or never).
3. Timed, medians of ``--repeat`` runs, each beside the bare SQL of the same aggregates in the same run:
   the dashboard page (``GET /ops/``, the last 30 days, signed in as an operator) and its selector alone, the
   bare aggregates hand-written; the income-disclosure page (``GET /ops/income/``, 12 months) and its
   selector, the bare statement with PostgreSQL's own ``percentile_disc``.

Goals (issue 10): dashboard page ≤ 500 ms; income disclosure ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("BENCH_DASHBOARD_DB", "tuishou_bench_dashboard")  # distinct name per checkout
PLAN = """
id: bench
name: 基准方案
jurisdiction: us
ranks:
  - {id: member, name: 会员}
  - {id: shopkeeper, name: 店主}
settlement: {freeze_days: 15, after: received}
disclosure: true
rules:
  - {type: direct, rate: "0.10"}
  - {type: tiers, rates: ["0.05"]}
"""


# --- databases ------------------------------------------------------------------------------------------------

def db_url(pg_url: str, name: str) -> str:
    return pg_url.rsplit("/", 1)[0] + "/" + name


def db_recreate(pg_url: str, name: str, *, create: bool = True) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {name}")


def django_setup(pg_url: str, workdir: Path) -> None:
    os.environ["TUISHOU_DATA_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"  # no query log
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tuishou.settings"
    os.environ["DATABASE_URL"] = db_url(pg_url, BENCH_DB)
    os.environ["TUISHOU_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["ALLOWED_HOSTS"] = "testserver"  # the pages are fetched through Django's test client
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=0 serves hashed names


def sql(statement: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def insert_select(model, exprs: dict[str, str], source: str, params: dict | None = None) -> None:
    """``INSERT INTO <model's table> (…) SELECT … FROM <source>``: ``exprs`` gives some columns' SQL; every other
    column gets the field's default (or NULL, or now() for ``auto_now_add``), so the rows are what the ORM
    would have written."""
    from django.db import connection

    columns, values, params = [], [], dict(params or {})
    for field in model._meta.concrete_fields:
        if field.column in exprs:
            value = exprs[field.column].replace("%", "%%")  # a literal modulo beside the defaults' placeholders
        elif field.primary_key:
            continue
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            value = "now()"
        elif field.has_default():
            key = f"d_{field.column}"
            params[key] = field.get_db_prep_save(field.get_default(), connection)
            value = f"%({key})s"
        elif field.null:
            value = "NULL"
        elif field.get_internal_type() in ("CharField", "TextField") and field.blank:
            value = "''"
        else:
            raise ValueError(f"{model._meta.db_table}.{field.column} needs a value")
        columns.append(connection.ops.quote_name(field.column))
        values.append(value)
    source = source.replace("%", "%%")
    sql(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}",
        params)


# --- set-up -----------------------------------------------------------------------------------------------------

def services_setup():
    """Operator, communities with plans, merchants: through the services (few rows, the real shape)."""
    from tests.merchants import factories as merchant_factories
    from tuishou.accounts.services import operator_role_grant, user_create
    from tuishou.incentives.services import plan_draft_import, plan_publish
    from tuishou.network import services as network

    ops = user_create(phone="13900000000", password=None, display_name="运营")
    operator_role_grant(actor=None, user=ops, role="ops")
    official = network.community_official_get()
    communities = [official] + [network.community_create(actor=ops, name=name, code=code)
                                for code, name in (("XINGHUO", "星火社群"), ("QINGTENG", "青藤联盟"))]
    for community in communities:
        source = PLAN.replace("id: bench", f"id: bench-{community.code}")
        plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=community, source=source))
    merchants = [merchant_factories.merchant(owner=user_create(phone=f"1390000{i:04d}", password=None),
                                             fee_rate="0.0500", name=f"商家{i}") for i in range(1, 21)]
    return ops, communities, merchants


def bulk_load(*, promoters: int, orders: int, communities, merchants, buyer) -> dict[str, float]:
    """The bulk rows, in SQL; returns seconds per step."""
    from tuishou.accounts.models import User
    from tuishou.ledger.models import Account, JournalEntry, JournalLine
    from tuishou.network.models import Promoter
    from tuishou.orders.models import AfterSalesCase, Checkout, Order

    took: dict[str, float] = {}
    official, agency_a, agency_b = (c.pk for c in communities)
    m_first, m_count = merchants[0].pk, len(merchants)
    t = time.perf_counter()
    base_user = sql("SELECT coalesce(max(id), 0) FROM accounts_user")[0][0]
    insert_select(User, {"id": f"{base_user} + g", "username": "'bench' || g", "phone": "'2' || lpad(g::text, 10, '0')",
                         "password": "'!'", "date_joined": "now() - (g % 400) * interval '1 day'"},
                  f"generate_series(1::bigint, {promoters}) g")
    # Promoter g: community by g % 5; path = 8 unique bytes (not a tree: the reports never read the tree).
    base_promoter = sql("SELECT coalesce(max(id), 0) FROM network_promoter")[0][0]
    insert_select(Promoter, {
        "id": f"{base_promoter} + g", "user_id": f"{base_user} + g",
        "community_id": f"CASE g % 5 WHEN 3 THEN {agency_a} WHEN 4 THEN {agency_b} ELSE {official} END",
        "path": "'\\xff'::bytea || int8send(g)", "invite_code": "'B' || lpad(to_hex(g), 7, '0')",
        "joined_via": "'invite'", "stage": "'ordinary'",
        "rank": "CASE WHEN (g * 7) % 10 < 6 THEN '' WHEN (g * 7) % 10 < 9 THEN 'member' ELSE 'shopkeeper' END",
        "created_at": "now() - ((g * 7919) % 400) * interval '1 day' - (g % 86400) * interval '1 second'"},
        f"generate_series(1::bigint, {promoters}) g")
    took["users + promoters"] = time.perf_counter() - t
    t = time.perf_counter()
    insert_select(Account, {"kind": "'promoter_pending'", "promoter_id": f"{base_promoter} + g",
                            "key": f"'promoter_pending:promoter:' || ({base_promoter} + g)", "balance": "0"},
                  f"generate_series(1::bigint, {promoters}) g")
    margin = sql("INSERT INTO ledger_account (kind, key, currency, balance, line_count, created_at) VALUES "
                 "('commission_margin', 'commission_margin', 'CNY', 0, 0, now()) ON CONFLICT (key) DO UPDATE "
                 "SET kind = excluded.kind RETURNING id")[0][0]
    first_account = sql("SELECT min(id) FROM ledger_account WHERE kind = 'promoter_pending'")[0][0]
    took["accounts"] = time.perf_counter() - t
    t = time.perf_counter()
    checkout = Checkout.objects.create(buyer=buyer, idempotency_key="bench", amount=Decimal("1.00"),
                                       expires_at="2099-01-01T00:00:00Z", status="paid")
    # Order g: paid g·(365 days ÷ orders) ago (evenly, a spread of hours); credited to promoter h(g).
    base_order = sql("SELECT coalesce(max(id), 0) FROM orders_order")[0][0]
    sql(f"CREATE TEMP TABLE o AS SELECT g, {base_order} + g AS id, "
        f"(g * 2654435761) % {promoters} + 1 AS p, 1000 + (g * 7919) % 49000 AS total, "
        f"now() - (g::float8 / {orders}) * interval '365 days' AS paid_at "
        f"FROM generate_series(1::bigint, {orders}) g")
    insert_select(Order, {
        "id": "o.id", "number": "'B' || o.g", "checkout_id": str(checkout.pk), "buyer_id": str(buyer.pk),
        "merchant_id": f"{m_first} + o.g % {m_count}", "status": "CASE WHEN o.g % 33 = 0 THEN 'refunded' ELSE "
        "'completed' END", "recipient_name": "'王小明'", "recipient_phone": "'13812345678'", "province": "'浙江省'",
        "city": "'杭州市'", "district": "'西湖区'", "address_detail": "'文三路 100 号'",
        "promoter_id": f"{base_promoter} + o.p",
        "community_id": f"CASE o.p % 5 WHEN 3 THEN {agency_a} WHEN 4 THEN {agency_b} ELSE {official} END",
        "fee_rate": "0.05", "total": "o.total", "refunded_amount": "CASE WHEN o.g % 33 = 0 THEN o.total ELSE 0 END",
        "commission_base": "o.total / 5", "commission_base_remaining": "CASE WHEN o.g % 33 = 0 THEN 0 ELSE "
        "o.total / 5 END", "created_at": "o.paid_at", "paid_at": "o.paid_at"}, "o")
    took["orders"] = time.perf_counter() - t
    t = time.perf_counter()
    base_entry = sql("SELECT coalesce(max(id), 0) FROM ledger_journalentry")[0][0]
    insert_select(JournalEntry, {"id": f"{base_entry} + o.g", "kind": "'commission_accrued'",
                                 "key": "'order:' || o.id || ':paid'", "created_at": "o.paid_at"}, "o")
    refunds = "o WHERE o.g % 33 = 0"
    insert_select(JournalEntry, {"id": f"{base_entry} + {orders} + o.g", "kind": "'commission_cancelled'",
                                 "key": "'order:' || o.id || ':refund'", "created_at": "o.paid_at + interval '7 days'"},
                  refunds)
    second = f"(o.p * 31) % {promoters} + 1"
    snap = {"plan_id": "'bench'", "plan_version": "1", "order_line_ref": "NULL"}
    for sign, entry, source in (("-", f"{base_entry} + o.g", "o"), ("", f"{base_entry} + {orders} + o.g", refunds)):
        insert_select(JournalLine, {"entry_id": entry, "account_id": f"{first_account} - 1 + o.p",
                                    "amount": f"{sign}(o.total / 50)", "order_ref": "'B' || o.g", "rule": "'direct'",
                                    "rate": "0.1", "base": "o.total / 5", **snap}, source)
        insert_select(JournalLine, {"entry_id": entry, "account_id": f"{first_account} - 1 + {second}",
                                    "amount": f"{sign}(o.total / 100)", "order_ref": "'B' || o.g", "rule": "'tiers'",
                                    "rate": "0.05", "base": "o.total / 5", **snap}, source)
        flip = "-" if sign == "" else ""
        insert_select(JournalLine, {"entry_id": entry, "account_id": str(margin),
                                    "amount": f"{flip}(o.total / 50 + o.total / 100)"}, source)
    took["ledger"] = time.perf_counter() - t
    t = time.perf_counter()
    insert_select(AfterSalesCase, {
        "order_id": "o.id", "kind": "'refund_only'", "reason": "'破损'", "amount": "o.total / 2",
        "status": "CASE WHEN o.g % 330 = 0 THEN 'open' WHEN o.g % 33 = 0 THEN 'refunded' ELSE 'closed' END",
        "opened_at": "o.paid_at + interval '3 days'", "answer_due_at": "o.paid_at + interval '5 days'",
        "answered_at": "CASE WHEN o.g % 330 = 0 THEN NULL WHEN o.g % 10 = 0 THEN o.paid_at + interval '6 days' "
                       "ELSE o.paid_at + interval '4 days' END"},
        "o WHERE o.g % 33 = 0 OR o.g % 35 = 0")
    took["after-sales"] = time.perf_counter() - t
    t = time.perf_counter()
    for table in ("accounts_user", "network_promoter", "ledger_account", "orders_order", "ledger_journalentry",
                  "ledger_journalline", "orders_aftersalescase"):
        sql(f"VACUUM ANALYZE {table}")
    took["vacuum analyze"] = time.perf_counter() - t
    return took


# --- measurements -------------------------------------------------------------------------------------------------

def timed(fn, repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls (after one warm-up call)."""
    fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


BARE_DASHBOARD = [
    # orders per paid day, with the net commission of each order from the ledger
    """SELECT (o.paid_at AT TIME ZONE 'Asia/Shanghai')::date AS day, sum(o.total), count(*),
              sum(o.commission_base_remaining), sum(o.refunded_amount), sum(c.total)
       FROM orders_order o
       LEFT JOIN LATERAL (SELECT sum(l.amount) AS total FROM ledger_journalline l WHERE l.order_ref = o.number) c
            ON true
       WHERE o.paid_at >= %(prev)s AND o.paid_at < %(end)s GROUP BY 1""",
    "SELECT count(*) FROM network_promoter WHERE created_at < %(prev)s",
    """SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
       FROM network_promoter WHERE created_at >= %(prev)s AND created_at < %(end)s GROUP BY 1""",
    """SELECT (opened_at AT TIME ZONE 'Asia/Shanghai')::date, count(*) FROM orders_aftersalescase
       WHERE opened_at >= %(prev)s AND opened_at < %(end)s GROUP BY 1""",
    """SELECT (answer_due_at AT TIME ZONE 'Asia/Shanghai')::date, count(*) FROM orders_aftersalescase
       WHERE answer_due_at >= %(prev)s AND answer_due_at < %(end)s
         AND (answered_at > answer_due_at OR (answered_at IS NULL AND answer_due_at < now())) GROUP BY 1""",
    """SELECT count(*) FROM orders_aftersalescase
       WHERE status IN ('open', 'merchant_accepted', 'return_shipped', 'escalated', 'refunding')""",
]

BARE_DASHBOARD_ROLLUP = [
    # what the selector reads now: the rollup's rows of the 60 days and the journal lines after its mark
    """SELECT day, sum(gmv), sum(orders), sum(base), sum(refunded), sum(lines) FROM (
           SELECT day, gmv, orders, base, refunded, lines FROM reports_dayorders
           WHERE day >= %(prev_day)s AND day < %(end_day)s
           UNION ALL
           SELECT (o.paid_at AT TIME ZONE 'Asia/Shanghai')::date, 0, 0, 0, 0, l.amount
           FROM ledger_journalline l JOIN orders_order o ON o.number = l.order_ref
           WHERE l.id > (SELECT through FROM reports_rollupmark WHERE name = 'ledger')
             AND o.paid_at >= %(prev)s AND o.paid_at < %(end)s) f GROUP BY day""",
    # promoters joined per day: the rollup's rows and the promoters after its mark (no community choice pending)
    """SELECT day, sum(n) FROM (
           SELECT day, joined AS n FROM reports_daypromoters WHERE day < %(end_day)s
           UNION ALL
           SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date, 1 FROM network_promoter
           WHERE id > (SELECT through FROM reports_rollupmark WHERE name = 'promoters') AND created_at < %(end)s
       ) j GROUP BY day""",
    # after-sales: the rollup's days (opened, due, answered, late) and every day's change of open cases
    """SELECT day, sum(opened), sum(due), sum(answered), sum(late) FROM reports_daycases
       WHERE day >= %(prev_day)s AND day < %(end_day)s GROUP BY day""",
    "SELECT sum(open_delta) FROM reports_daycases",
]

# The same aggregates over the books for one community (the agency XINGHUO), as the dashboard's one-agency scope
BARE_DASHBOARD_AGENCY = [
    """SELECT (o.paid_at AT TIME ZONE 'Asia/Shanghai')::date AS day, sum(o.total), count(*),
              sum(o.commission_base_remaining), sum(o.refunded_amount), sum(c.total)
       FROM orders_order o
       LEFT JOIN LATERAL (SELECT sum(l.amount) AS total FROM ledger_journalline l WHERE l.order_ref = o.number) c
            ON true
       WHERE o.paid_at >= %(prev)s AND o.paid_at < %(end)s AND o.community_id = %(community)s GROUP BY 1""",
    "SELECT count(*) FROM network_promoter WHERE created_at < %(prev)s AND community_id = %(community)s",
    """SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date, count(*) FROM network_promoter
       WHERE created_at >= %(prev)s AND created_at < %(end)s AND community_id = %(community)s GROUP BY 1""",
    """SELECT (c.opened_at AT TIME ZONE 'Asia/Shanghai')::date, count(*) FROM orders_aftersalescase c
       JOIN orders_order o ON o.id = c.order_id
       WHERE c.opened_at >= %(prev)s AND c.opened_at < %(end)s AND o.community_id = %(community)s GROUP BY 1""",
    """SELECT (c.answer_due_at AT TIME ZONE 'Asia/Shanghai')::date, count(*) FROM orders_aftersalescase c
       JOIN orders_order o ON o.id = c.order_id
       WHERE c.answer_due_at >= %(prev)s AND c.answer_due_at < %(end)s AND o.community_id = %(community)s
         AND (c.answered_at > c.answer_due_at OR (c.answered_at IS NULL AND c.answer_due_at < now())) GROUP BY 1""",
    """SELECT count(*) FROM orders_aftersalescase c JOIN orders_order o ON o.id = c.order_id
       WHERE c.status IN ('open', 'merchant_accepted', 'return_shipped', 'escalated', 'refunding')
         AND o.community_id = %(community)s""",
]

BARE_INCOME = """
    WITH earned AS (
        SELECT a.promoter_id, -sum(l.amount) AS amount FROM ledger_journalline l
        JOIN ledger_journalentry e ON e.id = l.entry_id JOIN ledger_account a ON a.id = l.account_id
        WHERE l.order_ref IS NOT NULL AND a.promoter_id IS NOT NULL AND e.created_at >= %(start)s
        GROUP BY a.promoter_id)
    SELECT p.community_id, CASE WHEN p.rank = '' THEN 'member' ELSE p.rank END, count(*),
           sum(coalesce(er.amount, 0)), count(*) FILTER (WHERE coalesce(er.amount, 0) <= 0),
           percentile_disc(0.5) WITHIN GROUP (ORDER BY coalesce(er.amount, 0)),
           percentile_disc(0.9) WITHIN GROUP (ORDER BY coalesce(er.amount, 0))
    FROM network_promoter p LEFT JOIN earned er ON er.promoter_id = p.id
    GROUP BY ROLLUP (1, 2)
"""


# What the selector reads now: one row per promoter (reports.PromoterWindow), without its corrections
BARE_INCOME_WINDOW = """
    SELECT community_id, CASE WHEN rank = '' THEN 'member' ELSE rank END, count(*), sum(amount),
           count(*) FILTER (WHERE amount <= 0),
           percentile_disc(0.5) WITHIN GROUP (ORDER BY amount), percentile_disc(0.9) WITHIN GROUP (ORDER BY amount)
    FROM reports_promoterwindow WHERE created_at < now()
    GROUP BY ROLLUP (1, 2)
"""


BARE_INCOME_ROLLUP = """
    WITH earned AS (
        SELECT promoter_id, sum(amount) AS amount FROM (
            SELECT promoter_id, amount FROM reports_promoterday WHERE day >= %(first)s AND day < %(today)s
            UNION ALL
            SELECT a.promoter_id, -l.amount FROM ledger_journalline l
            JOIN ledger_journalentry e ON e.id = l.entry_id JOIN ledger_account a ON a.id = l.account_id
            WHERE l.order_ref IS NOT NULL AND a.promoter_id IS NOT NULL
              AND l.id > (SELECT through FROM reports_rollupmark WHERE name = 'ledger')
              AND e.created_at >= %(start)s AND e.created_at < %(today_start)s
            UNION ALL
            SELECT a.promoter_id, -l.amount FROM ledger_journalline l
            JOIN ledger_journalentry e ON e.id = l.entry_id JOIN ledger_account a ON a.id = l.account_id
            WHERE l.order_ref IS NOT NULL AND a.promoter_id IS NOT NULL AND e.created_at >= %(today_start)s
        ) x GROUP BY promoter_id)
    SELECT p.community_id, CASE WHEN p.rank = '' THEN 'member' ELSE p.rank END, count(*),
           sum(coalesce(er.amount, 0)), count(*) FILTER (WHERE coalesce(er.amount, 0) <= 0),
           percentile_disc(0.5) WITHIN GROUP (ORDER BY coalesce(er.amount, 0)),
           percentile_disc(0.9) WITHIN GROUP (ORDER BY coalesce(er.amount, 0))
    FROM network_promoter p LEFT JOIN earned er ON er.promoter_id = p.id
    GROUP BY ROLLUP (1, 2)
"""


def bare(statements: list[str], params: dict) -> None:
    for statement in statements:
        sql(statement, params)


def explain(statement: str, params: dict) -> str:
    return "\n".join(row[0] for row in sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params))


def measure(ops, repeat: int, verbose: bool) -> dict[str, float]:
    from django.test import Client
    from django.utils import timezone

    from tuishou.reports.selectors.dashboard import ops_dashboard
    from tuishou.reports.selectors.income import income_disclosure, income_window
    from tuishou.reports.selectors.scope import day_start, period_resolve, platform_today, scope_resolve

    client = Client()
    client.force_login(ops)
    period = period_resolve(first=None, last=None)
    params = {"prev": period.previous().start, "end": period.end, "prev_day": period.previous().first,
              "end_day": period.last + timedelta(days=1)}
    scope = scope_resolve()
    window = income_window()
    out = {}

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    out["dashboard page"] = timed(lambda: page("/ops/"), repeat)
    out["dashboard selector"] = timed(lambda: ops_dashboard(user=ops, period=period, scope=scope), repeat)
    out["dashboard bare SQL over the books"] = timed(lambda: bare(BARE_DASHBOARD, params), repeat)
    out["dashboard bare SQL over the rollup"] = timed(lambda: bare(BARE_DASHBOARD_ROLLUP, params), repeat)
    agency = scope_resolve(community="XINGHUO")
    out["dashboard page, one agency"] = timed(lambda: page("/ops/?community=XINGHUO"), repeat)
    out["dashboard selector, one agency"] = timed(lambda: ops_dashboard(user=ops, period=period, scope=agency),
                                                  repeat)
    out["dashboard bare SQL over the books, one agency"] = timed(
        lambda: bare(BARE_DASHBOARD_AGENCY, {**params, "community": agency.community.pk}), repeat)
    income_repeat = max(1, repeat // 2)
    out["income page"] = timed(lambda: page("/ops/income/"), income_repeat)
    out["income selector"] = timed(lambda: income_disclosure(user=ops, scope=scope), income_repeat)
    out["income bare SQL over the books (percentile_disc)"] = timed(
        lambda: sql(BARE_INCOME, {"start": window.start}), income_repeat)
    today = platform_today()
    income_params = {"first": window.first, "today": today, "today_start": day_start(today), "start": window.start}
    out["income bare SQL over the day rollup (percentile_disc)"] = timed(
        lambda: sql(BARE_INCOME_ROLLUP, income_params), income_repeat)
    out["income bare SQL over the window table (percentile_disc)"] = timed(
        lambda: sql(BARE_INCOME_WINDOW), income_repeat)
    # The fold running late: the mark moved back by a day of journal lines (1/365 of them), which the pages then
    # read from the journal (timing only: the mark is put back at once).
    mark = sql("SELECT through FROM reports_rollupmark WHERE name = 'ledger'")[0][0]
    behind = max(0, mark - mark // 365)
    sql("UPDATE reports_rollupmark SET through = %s WHERE name = 'ledger'", [behind])
    try:
        out[f"dashboard page, fold {mark - behind:,} lines behind"] = timed(lambda: page("/ops/"), repeat)
        out[f"income page, fold {mark - behind:,} lines behind"] = timed(lambda: page("/ops/income/"),
                                                                         income_repeat)
    finally:
        sql("UPDATE reports_rollupmark SET through = %s WHERE name = 'ledger'", [mark])
    if verbose:
        for statement in BARE_DASHBOARD[:1]:
            print(explain(statement, params))
    del timezone
    return out


def rollups_timed() -> float:
    """Rebuild the reports' rollups from the bulk-loaded books (the rows bypassed the write points); seconds."""
    from tuishou.reports.rollups import rollups_fold, rollups_rebuild

    t = time.perf_counter()
    result = rollups_rebuild()
    took = time.perf_counter() - t
    rows = {t: sql(f"SELECT count(*) FROM {t}")[0][0] for t in ("reports_dayorders", "reports_promoterday")}
    print(f"rollups rebuilt in {took:.1f} s: lines through {result.ledger_to:,}, "
          + ", ".join(f"{t} {n:,} rows" for t, n in rows.items()))
    t = time.perf_counter()
    rollups_fold()
    print(f"a fold with nothing new: {(time.perf_counter() - t) * 1000:.0f} ms")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--promoters", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by --keep (no load)")
    parser.add_argument("--rebuild", action="store_true", help="with --reuse: rebuild the rollups first")
    parser.add_argument("--explain", action="store_true", help="print the plan of the bare orders aggregate")
    args = parser.parse_args(argv)
    if not args.reuse:
        db_recreate(args.pg_url, BENCH_DB)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            django_setup(args.pg_url, Path(workdir))
            from tuishou.accounts.models import User

            if args.reuse:
                ops = User.objects.get(phone="13900000000")
                if args.rebuild:
                    print(f"rollups rebuild {rollups_timed():.1f} s")
            else:
                started = time.perf_counter()
                ops, communities, merchants = services_setup()
                took = bulk_load(promoters=args.promoters, orders=args.orders, communities=communities,
                                 merchants=merchants, buyer=ops)
                took["rollups rebuild"] = rollups_timed()
                steps = ", ".join(f"{k} {v:.1f} s" for k, v in took.items())
                print(f"set-up {time.perf_counter() - started:.1f} s: {steps}")
            counts = {t: sql(f"SELECT count(*) FROM {t}")[0][0] for t in
                      ("network_promoter", "orders_order", "ledger_journalentry", "ledger_journalline",
                       "orders_aftersalescase")}
            print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
            results = measure(ops, args.repeat, args.explain)
            print("\n| measured (median ms) | ms |\n|---|---|")
            for name, ms in results.items():
                print(f"| {name} | {ms:,.1f} |")
            books, rolled = results["dashboard bare SQL over the books"], results["dashboard bare SQL over the rollup"]
            print(f"\ndashboard page ÷ bare SQL over the books: {results['dashboard page'] / books:.3f}; "
                  f"page ÷ bare SQL over the rollup: {results['dashboard page'] / rolled:.2f}; "
                  f"selector ÷ bare SQL over the rollup: {results['dashboard selector'] / rolled:.2f}; "
                  f"goal page ≤ 500 ms: {'met' if results['dashboard page'] <= 500 else 'MISSED'}")
            agency = results["dashboard page, one agency"]
            print(f"one agency: page ÷ bare SQL over the books "
                  f"{agency / results['dashboard bare SQL over the books, one agency']:.3f}; "
                  f"goal page ≤ 500 ms: {'met' if agency <= 500 else 'MISSED'}")
            books = results["income bare SQL over the books (percentile_disc)"]
            rolled = results["income bare SQL over the window table (percentile_disc)"]
            print(f"income page ÷ bare SQL over the books: {results['income page'] / books:.3f}; "
                  f"page ÷ bare SQL over the window table: {results['income page'] / rolled:.2f}; "
                  f"goal ≤ 5,000 ms: {'met' if results['income page'] <= 5000 else 'MISSED'}")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            db_recreate(args.pg_url, BENCH_DB, create=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
