"""Benchmark of the settlement run (结算) on PostgreSQL against a bare SQL UPDATE (run on demand).

    .venv/bin/python bench/settle.py --rows 1000000          # or: make bench-settle

On a throwaway database (``tuishou_bench_settle``, made with the project's migrations, dropped at the end
unless ``--keep``):

1. One order goes through the real services (a plan, a promoter chain, checkout, the sandbox payment
   callback, accrual, receipt): spec example 2, three commissions (X 40.00 + 4.00, Z 4.00) and the
   merchant's share. That order, its accrual entry and lines, its commission rows and merchant receivable
   are the template.
2. The template is copied straight into the tables with ``INSERT … SELECT … generate_series`` until there
   are ``--rows`` pending commissions: every copy is a new order with its own number, its own promoters X
   and Z (``--promoters`` of them, each with pending and available accounts), its chain snapshot naming
   them, its accrual entry (key ``order:<id>:paid``) with the lines accrual writes, and its commission and
   receivable rows. Cached balances are then set from the lines. The ledger checks of ``tuishou
   reconcile`` (every balance = Σ lines, every entry balanced) run on the result; all the checks (plan
   recomputation of every order too) with ``--full-reconcile`` or up to 100,000 rows.
3. The baseline, in the same database and run: a plain table of as many rows with indexes like the
   commission table's (status; status, due_at), and ``UPDATE bare SET status = 2 WHERE status = 1``.
4. ``settlement_run`` over everything: every commission and every merchant share is due.

Reports both times, commissions settled per second against rows updated per second (goal ≥ 20%), and
the ledger rows and bytes written per order by accrual and by settlement (``pg_total_relation_size``
deltas of the ledger tables, divided by the orders). Not copied: order lines, payments, checkouts (the
template's are shared); the network tree of the copied promoters (their path is unique, not a tree).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("BENCH_DB", "tuishou_bench_settle")
LEDGER_TABLES = ("ledger_journalentry", "ledger_journalline", "ledger_account")
STATE_TABLES = ("settlement_commission", "settlement_merchantreceivable")


# --- databases -----------------------------------------------------------------------------------------------

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
    os.environ["TUISHOU_ALLOW_SANDBOX"] = "1"  # the benchmarks pay through the sandboxes
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tuishou.settings"
    os.environ["DATABASE_URL"] = db_url(pg_url, BENCH_DB)
    # The template order's payment callback and its tasks run in this process, at once.
    os.environ["TUISHOU_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def sql(statement: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def sizes(tables) -> dict[str, int]:
    return {t: sql("SELECT pg_total_relation_size(%s)", [t])[0][0] for t in tables}


def counts() -> tuple[int, int]:
    return (sql("SELECT count(*) FROM ledger_journalentry")[0][0], sql("SELECT count(*) FROM ledger_journalline")[0][0])


# --- the template order, through the real services -------------------------------------------------------------

class _RunOnCommit:
    """Stands in for the tests' after_commit fixture: outside a transaction on-commit callbacks run at once."""

    def __call__(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def template_order():
    """Spec example 2 through checkout, payment callback, accrual and receipt; its due_at stamped."""
    from django.conf import settings

    from tests.orders import factories as of
    from tests.settlement import factories as f
    from tuishou.payments.sandbox import CHANNEL_NAME
    from tuishou.sandboxes.outbox import _post_in_process
    from tuishou.settlement.models import Commission, MerchantReceivable
    from tuishou.settlement.settle import due_stamp

    # The sandboxes' callbacks go to this process, not over HTTP.
    settings.TUISHOU_OUTBOX_TRANSPORTS = {CHANNEL_NAME: _post_in_process}
    of.plan(f.EXAMPLE_2)
    x, _y, z = f.example_2_chain()
    shop = of.shop(fee_rate="0.0500")
    order = f.received(f.self_purchase(_RunOnCommit(), x, merchant=shop))
    due_stamp(model=Commission)
    due_stamp(model=MerchantReceivable)
    return order, x, z


# --- copies of it, straight into the tables ---------------------------------------------------------------------

def columns(table: str) -> list[str]:
    return [r[0] for r in sql("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                              "ORDER BY ordinal_position", [table])]


def copy_rows(table: str, *, where: str, series: str, overrides: dict[str, str]) -> None:
    """INSERT into ``table`` every column of its rows ``where`` (alias t) × ``series`` (alias g), some replaced."""
    cols = columns(table)
    select = ", ".join(overrides.get(c, f"t.{c}") for c in cols)
    sql(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM {table} t, {series} WHERE {where} "
        "ORDER BY g, t.id")


def next_id(table: str) -> int:
    return sql(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")[0][0]


def copies_load(order, x, z, *, orders: int, pairs: int) -> None:
    """``orders`` − 1 copies of the template order (g = 1 …), copy g credited to the pair of promoters
    (X_i, Z_i), i = g mod ``pairs``, each with its pending and available accounts."""
    import json

    from tuishou.ledger.models import Account

    copies = f"generate_series(1, {orders - 1}) g"
    pair = f"(g % {pairs})"
    user0, promoter0, account0 = next_id("accounts_user"), next_id("network_promoter"), next_id("ledger_account")
    order0, entry0, line0 = next_id("orders_order"), next_id("ledger_journalentry"), next_id("ledger_journalline")
    commission0, receivable0 = next_id("settlement_commission"), next_id("settlement_merchantreceivable")
    # pair i: X_i = promoter0 + 2i, Z_i = promoter0 + 2i + 1; accounts account0 + 4i + (0 X pending,
    # 1 X available, 2 Z pending, 3 Z available)
    for k, who in enumerate((x, z)):
        series = f"generate_series(0, {pairs - 1}) g"
        copy_rows("accounts_user", where=f"t.id = {who.user_id}", series=series,
                  overrides={"id": f"{user0} + 2 * g + {k}", "username": f"'bench{k}_' || g", "phone": "NULL"})
        copy_rows("network_promoter", where=f"t.id = {who.pk}", series=series,
                  overrides={"id": f"{promoter0} + 2 * g + {k}", "user_id": f"{user0} + 2 * g + {k}",
                             "path": "t.path || int8send(g)", "invite_code": f"'b{k}' || lpad(g::text, 6, '0')"})
    currency = Account.objects.get(kind=Account.Kind.PROMOTER_PENDING, promoter=x).currency
    sql(f"""INSERT INTO ledger_account (id, kind, promoter_id, merchant_id, currency, key, balance, line_count,
                                        created_at)
            SELECT {account0} + 4 * g + v.j, v.kind, {promoter0} + 2 * g + v.k, NULL, %s,
                   v.kind || ':promoter:' || ({promoter0} + 2 * g + v.k), 0, 0, now()
            FROM generate_series(0, {pairs - 1}) g,
                 (VALUES (0, 'promoter_pending', 0), (1, 'promoter_available', 0), (2, 'promoter_pending', 1),
                         (3, 'promoter_available', 1)) AS v(j, kind, k)""", [currency])
    x_pending = Account.objects.get(kind=Account.Kind.PROMOTER_PENDING, promoter=x).pk
    z_pending = Account.objects.get(kind=Account.Kind.PROMOTER_PENDING, promoter=z).pk
    chain = sql("SELECT chain FROM orders_order WHERE id = %s", [order.pk])[0][0]
    chain = json.loads(chain) if isinstance(chain, str) else chain
    ix = next(i for i, m in enumerate(chain) if int(m["promoter_id"]) == x.pk)
    iz = next(i for i, m in enumerate(chain) if int(m["promoter_id"]) == z.pk)
    x_i, z_i = f"({promoter0} + 2 * {pair})", f"({promoter0} + 2 * {pair} + 1)"
    number = "('B' || lpad(g::text, 11, '0'))"
    copy_rows("orders_order", where=f"t.id = {order.pk}", series=copies, overrides={
        "id": f"{order0} + g - 1", "number": number, "promoter_id": x_i,
        "chain": f"jsonb_set(jsonb_set(t.chain, '{{{ix},promoter_id}}', to_jsonb({x_i})), "
                 f"'{{{iz},promoter_id}}', to_jsonb({z_i}))"})
    entry = sql("SELECT id, key FROM ledger_journalentry WHERE key = %s", [f"order:{order.pk}:paid"])[0][0]
    copy_rows("ledger_journalentry", where=f"t.id = {entry}", series=copies, overrides={
        "id": f"{entry0} + g - 1", "key": f"'order:' || ({order0} + g - 1) || ':paid'",
        "memo": f"replace(t.memo, '{order.number}', {number})"})
    first_line, last_line, line_count = sql("SELECT min(id), max(id), count(*) FROM ledger_journalline "
                                            "WHERE entry_id = %s", [entry])[0]
    assert last_line - first_line + 1 == line_count, "the template's lines are not contiguous"
    copy_rows("ledger_journalline", where=f"t.entry_id = {entry}", series=copies, overrides={
        "id": f"{line0} + (g - 1) * {line_count} + (t.id - {first_line})", "entry_id": f"{entry0} + g - 1",
        "account_id": f"CASE t.account_id WHEN {x_pending} THEN {account0} + 4 * {pair} "
                      f"WHEN {z_pending} THEN {account0} + 4 * {pair} + 2 ELSE t.account_id END",
        "order_ref": f"CASE WHEN t.order_ref IS NULL THEN NULL ELSE {number} END"})
    first_c, last_c, commissions = sql("SELECT min(id), max(id), count(*) FROM settlement_commission "
                                       "WHERE order_id = %s", [order.pk])[0]
    assert last_c - first_c + 1 == commissions, "the template's commissions are not contiguous"
    copy_rows("settlement_commission", where=f"t.order_id = {order.pk}", series=copies, overrides={
        "id": f"{commission0} + (g - 1) * {commissions} + (t.id - {first_c})", "order_id": f"{order0} + g - 1",
        "promoter_id": f"CASE t.promoter_id WHEN {x.pk} THEN {x_i} WHEN {z.pk} THEN {z_i} END"})
    copy_rows("settlement_merchantreceivable", where=f"t.order_id = {order.pk}", series=copies, overrides={
        "id": f"{receivable0} + g - 1", "order_id": f"{order0} + g - 1"})
    # Cached balances and line counts, as the postings would have left them.
    sql("""UPDATE ledger_account a SET balance = s.total, line_count = s.lines
           FROM (SELECT account_id, sum(amount) AS total, count(*) AS lines FROM ledger_journalline
                 GROUP BY account_id) s
           WHERE a.id = s.account_id AND (a.balance, a.line_count) IS DISTINCT FROM (s.total, s.lines)""")
    for table in ("accounts_user", "network_promoter", "ledger_account", "orders_order", "ledger_journalentry",
                  "ledger_journalline", "settlement_commission", "settlement_merchantreceivable"):
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def vacuum(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


def rows_written(tables) -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and HOT-updated so far in each of ``tables`` (this database's statistics)."""
    sql("SELECT pg_stat_clear_snapshot()")
    return {t: tuple(sql("SELECT n_tup_ins, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = %s",
                         [t])[0]) for t in tables}


def index_entries_per_row(table: str) -> str:
    """The table's indexes as ``name: predicate`` (what a non-HOT new row version is written into)."""
    rows = sql("SELECT indexrelid::regclass::text, pg_get_expr(indpred, indrelid) FROM pg_index "
               "WHERE indrelid = %s::regclass ORDER BY 1", [table])
    return ", ".join(f"{name}" + (f" (only {pred})" if pred else "") for name, pred in rows)


def reconciled(full: bool) -> tuple[bool, str]:
    from tuishou.ledger.reconcile import reconcile_run

    report = reconcile_run(None if full else ["account_balances", "entries_balanced"])
    return report.ok, "\n".join(report.lines()[-12:])


# --- the baseline: a bare UPDATE ---------------------------------------------------------------------------------

def bare_update(rows: int, *, times: int = 3, cpu: list | None = None) -> list[float]:
    """A plain table of ``rows`` with the commission table's status indexes; seconds of each of ``times`` UPDATEs
    of them all (status 1 → 2, then back, …; vacuumed between), since one measurement on a shared machine is noise.
    With ``cpu``, the backend's CPU seconds of each are appended to it."""
    if cpu is not None:
        from bench.settle_floor import backend_cpu

    sql("DROP TABLE IF EXISTS bare")
    sql("CREATE TABLE bare (id bigserial PRIMARY KEY, status smallint NOT NULL, due_at timestamptz NOT NULL, "
        "amount bigint NOT NULL)")
    sql(f"INSERT INTO bare (status, due_at, amount) SELECT 1, now() - interval '30 days', 400 + g % 4000 "
        f"FROM generate_series(1, {rows}) g")
    sql("CREATE INDEX bare_status ON bare (status)")
    sql("CREATE INDEX bare_status_due ON bare (status, due_at)")
    from django.db import transaction

    seconds = []
    for n in range(times):
        vacuum("bare")
        cpu0 = backend_cpu() if cpu is not None else 0.0
        started = time.perf_counter()
        with transaction.atomic():
            sql(f"UPDATE bare SET status = {2 - n % 2} WHERE status = {1 + n % 2}")
        seconds.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(backend_cpu() - cpu0)
    sql("DROP TABLE bare")
    return seconds


def statements_timed():
    """Time every statement (by its first words) and every COMMIT of the settlement run: ``(totals, stop)``."""
    from django.db import connection

    totals: dict[str, list] = {}

    def timing(execute, statement, params, many, context):
        began = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            words = " ".join(statement.split())
            label = words[:70] if not words.startswith("WITH src") else "WITH src … (journal_post_transfers)"
            total = totals.setdefault(label, [0.0, 0])
            total[0] += time.perf_counter() - began
            total[1] += 1

    real_commit = connection._commit

    def commit():
        began = time.perf_counter()
        try:
            return real_commit()
        finally:
            total = totals.setdefault("COMMIT", [0.0, 0])
            total[0] += time.perf_counter() - began
            total[1] += 1

    wrapper = connection.execute_wrapper(timing)
    wrapper.__enter__()
    connection._commit = commit

    def stop():
        wrapper.__exit__(None, None, None)
        connection._commit = real_commit

    return totals, stop


# --- the run ------------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="pending commissions (3 per order)")
    parser.add_argument("--promoters", type=int, default=100_000, help="promoters they are paid to (pairs × 2)")
    parser.add_argument("--chunk", type=int, default=None, help="settlement chunk size (default: settle.CHUNK_SIZE)")
    parser.add_argument("--per-entry", action="store_true",
                        help="post per entry through journal_post_many (the SQLite/reference path), not set-based")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--full-reconcile", action="store_true", help="every reconcile check, whatever the size")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--load-only", action="store_true",
                        help="load and vacuum the data, then stop and keep the database (to prototype against)")
    parser.add_argument("--floor", action="store_true",
                        help="also settle copies of the loaded rows writing only what the money standards keep, "
                             "and variants of that floor (bench/settle_floor.py), against the same bare UPDATE")
    parser.add_argument("--floor-rounds", type=int, default=3, help="with --floor: rounds of every variant (median)")
    args = parser.parse_args()
    db_recreate(args.pg_url, BENCH_DB)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            django_setup(args.pg_url, Path(workdir))
            run(args)
    finally:
        if not (args.keep or args.load_only):
            from django.db import connections

            connections.close_all()
            db_recreate(args.pg_url, BENCH_DB, create=False)


def run(args) -> None:
    from tuishou.settlement import settle
    from tuishou.settlement.models import Commission

    started = time.perf_counter()
    order, x, z = template_order()
    per_order = Commission.objects.filter(order=order).count()
    orders = -(-args.rows // per_order)
    pairs = max(1, min(args.promoters // 2, orders))
    entries0, lines0 = counts()
    template_lines = sql("SELECT count(*) FROM ledger_journalline l JOIN ledger_journalentry e ON e.id = l.entry_id "
                         "WHERE e.key = %s", [f"order:{order.pk}:paid"])[0][0]
    before = sizes(LEDGER_TABLES)
    copies_load(order, x, z, orders=orders, pairs=pairs)
    vacuum(*LEDGER_TABLES, *STATE_TABLES, "orders_order", "network_promoter", "accounts_user")
    loaded = sizes(LEDGER_TABLES)
    entries1, lines1 = counts()
    pending = Commission.objects.filter(status="pending").count()
    print(f"load average before settling: {os.getloadavg()}")
    print(f"set-up: {orders:,} orders, {pending:,} pending commissions to {pairs * 2:,} promoters, "
          f"{entries1:,} entries, {lines1:,} lines in {time.perf_counter() - started:.1f} s")
    full = args.full_reconcile or args.rows <= 100_000
    ok, text = reconciled(full)
    print(f"reconcile ({'all checks' if full else 'ledger checks'}) before settling: {'ok' if ok else 'FAILED'}")
    if not ok:
        print(text)
        raise SystemExit(1)
    if args.load_only:
        return

    floors = []
    if args.floor:  # first, so that the real run sits between its six bare UPDATEs as without the flag
        from bench.settle_floor import floor_run

        print("the floor and its variants (bench/settle_floor.py), each on fresh copies of the loaded rows:")
        def bare_once() -> tuple[float, float]:
            cpu = []
            return bare_update(pending, times=1, cpu=cpu)[0], cpu[0]

        floors = floor_run(args.chunk or settle.CHUNK_SIZE, args.floor_rounds, bare=bare_once)
    bare_cpu = [] if args.floor else None
    bare_before = bare_update(pending, cpu=bare_cpu)
    print(f"bare UPDATE of {pending:,} rows, 3 times: {', '.join(f'{b:.2f}' for b in bare_before)} s", flush=True)
    vacuum(*LEDGER_TABLES)

    phases: dict[str, float] = {}
    walkers = {name: getattr(settle, name) for name in ("_in_chunks", "_in_claimed_chunks")}

    cpu_phases: dict[str, float] = {}

    def timed(walk):
        def walk_timed(spec, due, chunk_size, as_of):
            t0 = time.perf_counter()
            if args.floor:  # and the CPU seconds of the backend and of this process
                from bench.settle_floor import backend_cpu

                c0 = backend_cpu() + time.process_time()
            try:
                return walk(spec, due, chunk_size, as_of)
            finally:
                phases[due.model._meta.model_name] = time.perf_counter() - t0
                if args.floor:
                    cpu_phases[due.model._meta.model_name] = backend_cpu() + time.process_time() - c0
        return walk_timed

    for name, walk in walkers.items():
        setattr(settle, name, timed(walk))
    # The run's follow-up tasks (a promoter's "commission available" message per chunk) go to the database queue
    # as in production, for the worker to send; the template's payment callback above ran its tasks at once.
    from django.test import override_settings

    override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}).enable()
    as_of = order.received_at + timedelta(days=30)
    t0 = time.perf_counter()
    chunk = args.chunk or settle.CHUNK_SIZE
    time.sleep(1)  # the statistics of the set-up reach the counters
    written0 = rows_written((*LEDGER_TABLES, *STATE_TABLES))
    totals, stop = statements_timed()
    summary = settle.settlement_run(as_of=as_of, chunk_size=chunk, set_based=not args.per_entry)
    run_seconds = time.perf_counter() - t0
    stop()
    print(f"load average after settling: {os.getloadavg()}")
    time.sleep(1)
    written = rows_written((*LEDGER_TABLES, *STATE_TABLES))
    bare_after = bare_update(pending, cpu=bare_cpu)
    bares = sorted(bare_before + bare_after)
    bare_seconds = (bares[2] + bares[3]) / 2
    print(f"bare UPDATE of {pending:,} rows, 3 more times after the run: {', '.join(f'{b:.2f}' for b in bare_after)} s;"
          f" median of the six {bare_seconds:.2f} s ({pending / bare_seconds:,.0f} rows/s)")
    for name, walk in walkers.items():
        setattr(settle, name, walk)
    settled = sizes(LEDGER_TABLES)
    entries2, lines2 = counts()
    commission_seconds = phases["commission"]
    path = "per entry" if args.per_entry else "set-based"
    print(f"settlement_run ({path}, chunk {chunk}): {summary.commissions:,} commissions in "
          f"{commission_seconds:.2f} s ({summary.commissions / commission_seconds:,.0f}/s), "
          f"{summary.receivables:,} merchant shares in {phases['merchantreceivable']:.2f} s; "
          f"whole run {run_seconds:.2f} s")
    print(f"ratio: commissions settled per second ÷ bare rows updated per second = "
          f"{(summary.commissions / commission_seconds) / (pending / bare_seconds):.3f} (goal ≥ 0.20); "
          f"whole run: {(summary.commissions / run_seconds) / (pending / bare_seconds):.3f}")
    if floors:
        from bench.settle_floor import floor_report

        floor_report(floors, bare_rows=pending, bare=(bare_seconds, statistics.median(bare_cpu)),
                     real=(summary.commissions, commission_seconds, cpu_phases["commission"]))
    print("statements of the run by total time (seconds, count):")
    for label, (seconds, count) in sorted(totals.items(), key=lambda kv: -kv[1][0])[:10]:
        print(f"  {seconds:7.2f} s {count:6d}×  {label}")
    settled_rows = summary.commissions + summary.receivables
    print(f"rows written per settled row ({settled_rows:,} commissions and merchant shares; inserted, updated, "
          "of which HOT):")
    for table, (ins, upd, hot) in written.items():
        ins0, upd0, hot0 = written0[table]
        print(f"  {table:32s} {(ins - ins0) / settled_rows:5.2f} {(upd - upd0) / settled_rows:5.2f} "
              f"{(hot - hot0) / settled_rows:5.2f}   indexes: {index_entries_per_row(table)}")
    accrual_bytes = sum(loaded.values()) - sum(before.values())
    settle_bytes = sum(settled.values()) - sum(loaded.values())
    copied = orders - 1
    print(f"ledger rows per order: accrual {1 + template_lines} (1 entry + {template_lines} lines); settlement "
          f"{(entries2 - entries1 + lines2 - lines1) / orders:.1f} ({(entries2 - entries1) / orders:.1f} entries + "
          f"{(lines2 - lines1) / orders:.1f} lines)")
    print(f"ledger bytes per order (tables + indexes): accrual {accrual_bytes / copied:,.0f} "
          f"({(entries1 - entries0) / copied:.0f} entry + {(lines1 - lines0) / copied:.0f} lines copied); "
          f"settlement {settle_bytes / orders:,.0f}")
    ok, text = reconciled(full)
    print(f"reconcile ({'all checks' if full else 'ledger checks'}) after settling: {'ok' if ok else 'FAILED'}")
    if not ok:
        print(text)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
