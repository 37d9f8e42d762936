"""Benchmark of the coupon order-report import (券订单报表导入) on PostgreSQL against a bare COPY (run on demand).

    .venv/bin/python bench/coupons.py --rows 1000000

On a throwaway database (``tuishou_bench_coupons``, made with the project's migrations, dropped at the end unless
``--keep``):

1. Through the real services: a plan (direct 30 % / 50 %, one tier of 10 %), ``--promoters`` promoters in a
   chain of sponsors, the sandbox feed, and every promoter's picks of ``--picks`` items (their tracking codes).
2. A report file of ``--rows`` rows like the platform's export: orders paid (~74 %), a settlement of one in five
   of them and a refund of one in twenty (some before, some after the settlement), 1 % repeated rows, 0.5 %
   unknown tracking codes, 0.5 % malformed rows; shuffled.
3. The baseline, in the same database and run: ``COPY`` of the same file into a plain table of text columns.
4. The import (``services.order_report_import(method="set")``: parsing, staging, decisions, orders, commissions,
   ledger entries and lines, balances, per-row results), timed from the file's bytes to the committed result.

Reports rows per second of both and the ratio (goal ≥ 10 %), what was written, and the ledger's reconcile checks
(every balance = Σ lines, every entry balanced, pending commissions = pending balances).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from settle import db_recreate, db_url, sql  # noqa: E402

BENCH_DB = os.environ.get("TUISHOU_BENCH_DB", "bench11_coupons")


def django_setup(pg_url: str, workdir: Path) -> None:
    os.environ["TUISHOU_DATA_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"
    os.environ["TUISHOU_ALLOW_SANDBOX"] = "1"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tuishou.settings"
    os.environ["DATABASE_URL"] = db_url(pg_url, BENCH_DB)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def world(promoters: int, picks: int) -> list[str]:
    """The plan, the promoters (each sponsored by the one before, in runs of ten), the feed, the picks: the codes."""
    from tests.orders import factories as of
    from tuishou.coupons import services
    from tuishou.coupons.selectors import live_items

    of.plan()
    people = [of.root("根")]
    for n in range(1, promoters):
        people.append(of.invitee(people[n - 1] if n % 10 else people[0], f"推手{n}"))
    services.feed_import(actor=None, system=True, connector="sandbox")
    items = list(live_items().order_by("pk"))[:picks]
    return [services.coupon_pick_add(promoter=p, item_id=i.pk).tracking_code for p in people for i in items]


def report_file(path: Path, *, rows: int, codes: list[str], seed: int = 11) -> dict:
    rng = random.Random(seed)
    out, made = [], {"paid": 0, "settled": 0, "refunded": 0, "repeated": 0, "unknown": 0, "malformed": 0}
    n = 0
    while len(out) < rows:
        n += 1
        code = codes[n % len(codes)]
        amount = rng.randint(990, 19900)
        commission = amount * rng.choice((6, 10, 15, 20, 30)) // 100
        paid = f"2026-11-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:00"
        money = f"{amount // 100}.{amount % 100:02d},{commission // 100}.{commission % 100:02d}"
        base = f"E{n:012d},{code},%s,{money},{paid},%s"
        out.append(base % ("paid", paid))
        made["paid"] += 1
        roll = rng.random()
        if roll < 0.2:
            out.append(base % ("settled", "2026-12-01 09:00:00"))
            made["settled"] += 1
        if roll < 0.03 or 0.9 < roll < 0.92:
            out.append(base % ("refunded", "2026-12-02 09:00:00"))
            made["refunded"] += 1
        if rng.random() < 0.01:
            out.append(out[-1])
            made["repeated"] += 1
        if rng.random() < 0.005:
            out.append(f"X{n:012d},tsNOTOURS{n},paid,10.00,1.00,{paid},{paid}")
            made["unknown"] += 1
        if rng.random() < 0.005:
            out.append(f"M{n:012d},{code},paid,12.3.4,1.00,{paid},{paid}")
            made["malformed"] += 1
    out = out[:rows]
    rng.shuffle(out)
    path.write_text("order_id,tracking_code,status,amount,commission,paid_at,updated_at\n" + "\n".join(out) + "\n")
    return made


WRITTEN = ("coupons_couponorder", "coupons_couponcommission", "ledger_journalentry", "ledger_journalline",
           "coupons_reportrow")


def index_entries() -> dict[str, int]:
    """Index entries of the tables the import writes: each index's rows (a partial index's: those it covers)."""
    found = {}
    for table in WRITTEN:
        total = 0
        for (predicate,) in sql("SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i "
                                f"WHERE i.indrelid = '{table}'::regclass"):
            total += sql(f"SELECT count(*) FROM {table}" + (f" WHERE {predicate}" if predicate else ""))[0][0]
        found[table] = total
    return found


def baseline(path: Path) -> float:
    from django.db import connection, transaction

    sql("CREATE TABLE bare (order_id text, tracking_code text, status text, amount text, commission text, "
        "paid_at text, updated_at text)")
    started = time.perf_counter()
    with (transaction.atomic(), connection.cursor() as cur,
          cur.cursor.copy("COPY bare FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, path.open("rb") as handle):
        while chunk := handle.read(1 << 20):
            copy.write(chunk)
    return time.perf_counter() - started


FLOOR_TABLES = {"floor_order": "coupons_couponorder", "floor_commission": "coupons_couponcommission",
                "floor_entry": "ledger_journalentry", "floor_line": "ledger_journalline"}


def floor(rows: int) -> float:
    """The floor: only what the product must keep per report row, written with plain set-based SQL from the
    COPY'd table ``bare`` (no validation, no per-row checks, no decisions, no result rows, no staging): the coupon
    orders of the paid rows, their commissions, the import's one accrual entry and its lines (one per commission
    with its snapshot, the receivable and the margin), into tables made ``LIKE`` the real ones ``INCLUDING ALL``
    (their columns, defaults, CHECK constraints and indexes; not their triggers). Rates, chains and the plan's key
    are computed before the clock starts. Dedup is a DISTINCT (the file's repeated rows are exact copies) and the
    malformed rows are dropped by the cheapest test that catches this file's (``NOT LIKE '%.%.%'``). Returns its
    seconds, COMMIT included."""
    from django.db import connection, transaction

    from tuishou.coupons.bulk import rates_for
    from tuishou.incentives.payouts import chain_snapshot
    from tuishou.incentives.selectors import plan_version_in_force
    from tuishou.network.models import Promoter

    for mine, real in FLOOR_TABLES.items():
        sql(f"CREATE TABLE {mine} (LIKE {real} INCLUDING ALL)")
    seller, recipient, rule, rate, plan_key, plan_version = [], [], [], [], [], []
    chains: dict[int, tuple[int, str]] = {}
    for promoter in Promoter.objects.filter(coupon_picks__isnull=False).distinct():
        version = plan_version_in_force(community_id=promoter.community_id)
        chain = chain_snapshot(promoter_id=promoter.pk)
        chains[promoter.pk] = (version.pk, json.dumps([link.as_dict() for link in chain]))
        for rid, r, rt in rates_for(version, chain):
            seller.append(promoter.pk), recipient.append(rid), rule.append(r), rate.append(rt)
            plan_key.append(version.plan_key), plan_version.append(version.version or 0)
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE floor_rate AS SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], "
                    "%s::numeric[], %s::text[], %s::int[]) AS r(seller, recipient, rule, rate, plan_id, plan_version)",
                    [seller, recipient, rule, rate, plan_key, plan_version])
        cur.execute("CREATE TABLE floor_chain AS SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::jsonb[]) "
                    "AS c(promoter_id, version_id, chain)",
                    [list(chains), [v for v, _ in chains.values()], [c for _, c in chains.values()]])
        cur.execute("ANALYZE floor_rate")
        cur.execute("ANALYZE floor_chain")
    steps: list[tuple[str, float]] = []
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL jit = off")
        cur.execute("SET LOCAL default_statistics_target = 10")  # as the import's ANALYZE of its staging tables

        def step(name: str, statement: str) -> None:
            began = time.perf_counter()
            cur.execute(statement)
            steps.append((name, time.perf_counter() - began))

        step("ANALYZE bare", "ANALYZE bare")
        step("orders", """INSERT INTO floor_order (platform, external_order_id, pick_id, promoter_id, item_id, amount,
                                  external_commission, plan_version_id, chain, status, paid_at, report_id, created_at)
            SELECT i.platform, b.order_id, p.id, p.promoter_id, p.item_id, (b.amount::numeric * 100)::bigint,
                   (b.commission::numeric * 100)::bigint, c.version_id, c.chain, 'paid',
                   b.paid_at::timestamp AT TIME ZONE 'Asia/Shanghai', 0, now()
            FROM (SELECT DISTINCT order_id, tracking_code, amount, commission, paid_at FROM bare
                  WHERE status = 'paid' AND amount NOT LIKE '%.%.%') b
            JOIN coupons_couponpick p ON p.tracking_code = b.tracking_code
            JOIN coupons_couponitem i ON i.id = p.item_id JOIN floor_chain c ON c.promoter_id = p.promoter_id""")
        step("ANALYZE orders", "ANALYZE floor_order")
        # The commissions and their lines from the same join of orders and rates (a line names its order, not
        # its commission row), so neither reads the other back.
        priced = """FROM floor_order o JOIN floor_rate r ON r.seller = o.promoter_id
                    WHERE o.external_commission > 0 AND floor(r.rate * o.external_commission) > 0"""
        step("commissions", f"""INSERT INTO floor_commission (order_id, promoter_id, rule, base, rate, amount, status,
                                                                created_at)
            SELECT o.id, r.recipient, r.rule, o.external_commission,
                   trunc(floor(r.rate * o.external_commission) / o.external_commission, 6),
                   floor(r.rate * o.external_commission)::bigint, 'pending', now() {priced}""")
        step("entry", "INSERT INTO floor_entry (id, kind, key, memo, created_at) "
                      "VALUES (1, 'commission_accrued', 'floor', 'floor', now())")
        step("commission lines", f"""INSERT INTO floor_line (entry_id, account_id, amount, order_ref, plan_id,
                                                               plan_version, rule, rate, base)
            SELECT 1, r.recipient, -floor(r.rate * o.external_commission)::bigint, 'coupon:' || o.id, r.plan_id,
                   r.plan_version, r.rule, trunc(floor(r.rate * o.external_commission) / o.external_commission, 6),
                   o.external_commission {priced}""")
        step("receivable and margin lines", """INSERT INTO floor_line (entry_id, account_id, amount)
            SELECT 1, 0, b FROM (SELECT sum(external_commission) AS b FROM floor_order) x
            UNION ALL
            SELECT 1, 1, -(SELECT sum(external_commission) FROM floor_order) + (SELECT sum(amount)
                                                                                FROM floor_commission)""")
    spent = time.perf_counter() - started
    written = {t: sql(f"SELECT count(*) FROM {t}")[0][0] for t in FLOOR_TABLES}
    for name, seconds in steps:
        print(f"    {seconds:6.2f} s  {name}")
    print(f"floor: {spent:.2f} s = {rows / spent:,.0f} rows/s (COMMIT included); written {written} = "
          f"{sum(written.values()) / rows:.2f} rows per report row", flush=True)
    sql("DROP TABLE floor_order, floor_commission, floor_entry, floor_line, floor_rate, floor_chain")
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--promoters", type=int, default=200)
    parser.add_argument("--picks", type=int, default=5)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--floor", action="store_true",
                        help="after the COPY, write only the orders, commissions and accrual lines with plain "
                             "set-based SQL into tables like the real ones (see ``floor``): the bound of any design")
    parser.add_argument("--explain", type=float, default=None, metavar="SECONDS",
                        help="print the plan (EXPLAIN ANALYZE, via auto_explain) of every statement of the import "
                             "slower than SECONDS, triggers included")
    args = parser.parse_args()
    db_recreate(args.pg_url, BENCH_DB)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            django_setup(args.pg_url, Path(workdir))
            run(args, Path(workdir))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            db_recreate(args.pg_url, BENCH_DB, create=False)


def run(args, workdir: Path) -> None:
    from tuishou.coupons import services
    from tuishou.ledger.reconcile import reconcile_run

    print(f"load average at the start: {os.getloadavg()}", flush=True)
    codes = world(args.promoters, args.picks)
    path = workdir / "report.csv"
    made = report_file(path, rows=args.rows, codes=codes)
    print(f"report: {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) {made}; {len(codes)} tracking codes")
    copy_s = baseline(path)
    print(f"baseline COPY: {copy_s:.2f} s = {args.rows / copy_s:,.0f} rows/s", flush=True)
    if args.floor:
        floor_s = floor(args.rows)
        print(f"  floor ratio {copy_s / floor_s:.1%} of COPY's rows/s (goal >= 10%)", flush=True)
    data = path.read_bytes()
    from django.db import connection

    spent: list[tuple[float, str]] = []

    def timing(execute, statement, params, many, context):
        began = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            spent.append((time.perf_counter() - began, " ".join(statement.split())[:90]))

    real_commit = connection._commit

    def commit():  # the COMMIT: where deferred foreign-key checks (row by row) run
        began = time.perf_counter()
        try:
            return real_commit()
        finally:
            spent.append((time.perf_counter() - began, "COMMIT"))

    if args.explain is not None:
        with connection.cursor() as cur:
            cur.execute("LOAD 'auto_explain'")
            # A literal: with parameters bound on the server (``TUISHOU_DB_PREPARE_AFTER``), SET takes no $1.
            cur.execute(f"SET auto_explain.log_min_duration = {int(args.explain * 1000)}")
            cur.execute("SET auto_explain.log_analyze = on")
            cur.execute("SET auto_explain.log_triggers = on")
            cur.execute("SET auto_explain.log_nested_statements = on")
            cur.execute("SET client_min_messages = log")
        connection.connection.add_notice_handler(lambda notice: print(notice.message_primary, flush=True))
    started = time.perf_counter()
    connection._commit = commit
    try:
        with connection.execute_wrapper(timing):
            report = services.order_report_import(actor=None, system=True, source="command", data=data,
                                                  file_name=path.name, method="set")
    finally:
        connection._commit = real_commit
    import_s = time.perf_counter() - started
    if args.explain is not None:
        with connection.cursor() as cur:
            cur.execute("SET client_min_messages = notice")
    print(f"import ({report.method}): {import_s:.2f} s = {args.rows / import_s:,.0f} rows/s; "
          f"ratio {copy_s / import_s:.1%} of COPY's rows/s (goal >= 10%)")
    print(f"  imported {report.imported:,}, reversed {report.reversed:,}, skipped {report.skipped:,} "
          f"{report.skipped_by_reason}, commissions {report.commission_total}")
    written = {t: sql(f"SELECT count(*) FROM {t}")[0][0] for t in WRITTEN}
    print(f"  written: {written}")
    entries = index_entries()
    print(f"  index entries: {entries}")
    print(f"  per report row: {sum(written.values()) / args.rows:.2f} rows, "
          f"{sum(entries.values()) / args.rows:.2f} index entries")
    print(f"  statements {sum(x for x, w in spent if w != 'COMMIT'):.2f} s, "
          f"COMMIT {sum(x for x, w in spent if w == 'COMMIT'):.2f} s")
    print(f"  ANALYZE of the staging tables {sum(x for x, w in spent if w.startswith('ANALYZE')):.2f} s, "
          f"{len(spent)} statements")
    print("  slowest statements of the import (COPY not counted):")
    for seconds, statement in sorted(spent, reverse=True)[:12]:
        print(f"    {seconds:6.2f} s  {statement}")
    started = time.perf_counter()
    again = services.order_report_import(actor=None, system=True, source="command", data=data, method="set")
    print(f"re-import: {time.perf_counter() - started:.2f} s, imported {again.imported}, reversed {again.reversed}, "
          f"skipped {again.skipped:,}")
    print(f"load average after the imports: {os.getloadavg()}", flush=True)
    checks = ["account_balances", "entries_balanced", "commission_rows", "coupon_references"]
    if args.rows <= 200_000:  # recomputes every order through the plan engine in Python: minutes at 1M
        checks.append("coupon_commissions")
    result = reconcile_run(checks)
    print(f"reconcile {checks}: {'ok' if result.ok else 'MISMATCH'}")
    if not result.ok:
        print("\n".join(result.lines()[:20]))


if __name__ == "__main__":
    main()
