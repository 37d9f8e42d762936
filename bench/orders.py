"""Benchmark of order placement through the services, against the bare PostgreSQL transaction (run on demand).

    .venv/bin/python bench/orders.py                  # or: make bench-orders
    .venv/bin/python bench/orders.py --promoters 100000 --orders 300 --anchor-seconds 10 --http-seconds 10

Builds a throwaway PostgreSQL database (``tuishou_bench_orders``, dropped and re-created, dropped again at the
end unless ``--keep``) with the project's migrations, bulk-loads the network with ``bench/network_tree.py``'s
generator and loader (1,000,000 promoters, a fifth of them ranked 店主), publishes a plan in the official
community, and creates merchants with SKUs in ample stock, share links of random promoters, consumers (half
arriving through a share link at every checkout, four in ten bound earlier through a link, one in ten promoters
buying for themselves) and, for the HTTP run, consumers with API tokens. Then, on the same data:

* the profile: queries per order and per step (``CaptureQueriesContext``), the share of wall time spent in
  database round trips, and cProfile's top functions;
* orders per second through the services — ``checkout_submit`` → ``paying.checkout_pay`` (payment start,
  sandbox charge) → the sandbox's signed ``payment.succeeded`` callback through ``payment_callback_handle``
  (the webhook's handler, without HTTP) → paid, with the chain and ranks snapshotted — in one process and in
  ``--workers`` processes, each with its own connection;
* the anchor: ``pgbench -n -c 8 -j 2 -T 30 -f place_order.sql`` on its own database built from
  ``order_schema.sql`` (``../shared/bench``), and our rate as a share of its (goal ≥ 35 %);
* HTTP (``bench/orders_http.py``): gunicorn serving the project on loopback, ``wrk`` with 32 connections
  against ``POST /api/v1/orders/checkout`` (token-authenticated, a fresh idempotency key per request) and,
  for reference, ``/healthz``;

* with ``--floor`` (``bench/orders_floor.py``, ``orders_floor_run.py``), after the anchor: the floor — the statements
  the fast path sends for captured orders, replayed by pgbench on a copy of the database, no Python at all;

then checks what was written (every order paid once, chains snapshotted, stock exact) and prints the table.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import orders_floor_run, orders_http  # noqa: E402
from bench.network_tree import _bulk_load, encode, generate  # noqa: E402

BENCH_DB = os.environ.get("TUISHOU_BENCH_DB", "tuishou_bench_orders")  # throwaway, dropped afterwards
ANCHOR_DB = os.environ.get("TUISHOU_BENCH_ANCHOR_DB", f"{BENCH_DB}_anchor")
FLOOR_DB = f"{BENCH_DB}_floor"  # --floor: a copy of the loaded bench database, replayed by pgbench
ANCHOR_DIR = Path(os.environ.get("TUISHOU_ANCHOR_DIR") or ROOT.parent / "shared" / "bench")
GOAL_SINGLE, GOAL_MULTI = 0.10, 0.25  # issue 13: of the anchor, one process / several
CONTESTANTS = ("single", "multi", "single_batched", "multi_batched", "single_fast", "multi_fast")
PRICES = ["9.90", "19.90", "39.90", "59.90", "99.00", "128.00", "299.00"]
STOCK = 1_000_000_000


# --- databases -----------------------------------------------------------------------------------------------

def db_url(pg_url: str, name: str) -> str:
    return pg_url.rsplit("/", 1)[0] + "/" + name


def db_recreate(pg_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def db_drop(pg_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pg_env(pg_url: str) -> tuple[list[str], dict]:
    """libpq command-line options and environment for the server of ``pg_url`` (TCP, as Django connects)."""
    parts = urlsplit(pg_url)
    options = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return options, env


def django_setup(pg_url: str, workdir: Path) -> None:
    os.environ["TUISHOU_DATA_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"  # no query log
    os.environ["TUISHOU_ALLOW_SANDBOX"] = "1"  # the benchmarks pay through the sandboxes
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tuishou.settings"
    os.environ["DATABASE_URL"] = db_url(pg_url, BENCH_DB)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


# --- the world: network, plan, catalog, links, consumers ----------------------------------------------------------

@dataclass
class World:
    sku_ids: list[int]
    link_codes: list[str]
    buyers: list[tuple[int, int, str]]  # (user id, address id, how they arrive: link | bound | self)
    http_buyers: list[tuple[str, int, str]]  # (API token, address id, share code or "")
    promoters: int
    initial_stock: dict[int, int]
    timings: dict[str, float] = field(default_factory=dict)


def world_build(args, rng: random.Random) -> World:
    from django.db import connection

    from tests.orders import factories as f
    from tuishou.accounts.models import User
    from tuishou.accounts.services import api_token_issue
    from tuishou.network.models import Promoter
    from tuishou.stores.attribution import attribution_record_visit
    from tuishou.stores.models import ShareLink
    from tuishou.stores.services import share_link_get_or_create

    timings = {}
    t0 = time.perf_counter()
    parent = generate(args.promoters, chains=3, chain_length=min(600, args.promoters // 10), seed=args.seed)
    paths, depth, children, roots = encode(parent)
    volumes = [rng.randrange(0, 100_000) for _ in parent]
    _bulk_load(parent, paths, depth, children, roots, volumes)
    n = len(parent)
    with connection.cursor() as cursor:
        # A fifth are shopkeepers, so the snapshot carries ranks; the rest have none (the plan's lowest).
        cursor.execute("UPDATE network_promoter SET rank = 'shopkeeper' WHERE mod(id, %s) = 0", [5])
        cursor.execute("VACUUM ANALYZE network_promoter")
    timings["network"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    f.plan()
    skus = []
    for m in range(args.merchants):
        shop = f.shop(name=f"商家{m:03d}", fee_rate=rng.choice(["0.0300", "0.0500", "0.0800"]))
        for k in range(max(1, args.skus // args.merchants)):
            fixed = k % 4 == 3
            skus.append(f.sku(merchant=shop, price=rng.choice(PRICES), stock=STOCK, title=f"商品 {m}-{k}",
                              rate=None if fixed else rng.choice(["0.1000", "0.2000", "0.3000"]),
                              fixed="5.00" if fixed else None))
    product_ids = [s.product_id for s in skus]
    links = []
    for pid in rng.sample(range(1, n + 1), min(args.links, n)):
        links.append(share_link_get_or_create(promoter=Promoter.objects.get(pk=pid), target=ShareLink.Target.PRODUCT,
                                              product_id=rng.choice(product_ids)))

    serial = iter(range(10**8))

    def consumer(kind: str):
        if kind == "self":
            person = User.objects.get(pk=Promoter.objects.values_list("user_id", flat=True).get(
                pk=rng.randrange(1, n + 1)))
        else:
            # Not ``user_create``: its case-insensitive username check reads every user (no index on
            # UPPER(username)), about 0.3 s per sign-up with a million users — a sign-up cost, not an order's.
            number = next(serial)
            person = User(username=f"bench_c{number}", phone=f"158{number:08d}", display_name=f"顾客{number}")
            person.set_unusable_password()
            person.save()
        if kind == "bound":  # came through a link earlier: the binding decides later checkouts
            attribution_record_visit(link=rng.choice(links), visitor_key="", user=person)
        return person, f.address(person)

    buyers = []
    for i in range(args.consumers):
        kind = "self" if i % 10 == 9 else "link" if i % 10 < 5 else "bound"
        person, home = consumer(kind)
        buyers.append((person.pk, home.pk, kind))
    http_buyers = []
    for i in range(args.http_consumers if args.http_seconds else 0):
        kind = "link" if i % 2 == 0 else "bound"
        person, home = consumer(kind)
        token = api_token_issue(user=person, label="bench", days=1).token
        http_buyers.append((token, home.pk, rng.choice(links).code if kind == "link" else ""))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["catalog_consumers"] = time.perf_counter() - t0
    return World(sku_ids=[s.pk for s in skus], link_codes=[link.code for link in links], buyers=buyers,
                 http_buyers=http_buyers, promoters=n, initial_stock={s.pk: STOCK for s in skus}, timings=timings)


# --- placing one order -----------------------------------------------------------------------------------------

Item = tuple[int, int, int, int, "str | None", str]  # buyer id, address id, SKU id, quantity, share code, key


def work(world: World, *, phase: str, start: int, count: int, rng: random.Random) -> list[Item]:
    """``count`` orders; the i-th is placed by consumer ``i mod consumers`` (so workers never share a buyer)."""
    items = []
    for i in range(start, start + count):
        buyer_id, address_id, kind = world.buyers[i % len(world.buyers)]
        code = rng.choice(world.link_codes) if kind == "link" else None
        items.append((buyer_id, address_id, rng.choice(world.sku_ids), rng.randint(1, 3), code, f"bench-{phase}-{i}"))
    return items


class Placer:
    """Places orders for one process: the services' own calls, step by step (users cached: the HTTP layer's
    authentication is measured in the HTTP run, not here)."""

    def __init__(self, book_every: int = 0) -> None:
        self.users: dict[int, object] = {}
        self.book_every = book_every  # batched accrual: book the queue every this many orders (0: inline)
        self.placed = 0

    def buyer(self, user_id: int):
        from tuishou.accounts.models import User

        if user_id not in self.users:
            self.users[user_id] = User.objects.get(pk=user_id)
        return self.users[user_id]

    def checkout(self, item: Item):
        from tuishou.orders.checkout import checkout_submit

        buyer_id, address_id, sku_id, quantity, code, key = item
        return checkout_submit(buyer=self.buyer(buyer_id), lines=[(sku_id, quantity)], address_id=address_id,
                               share_code=code, idempotency_key=key)

    def pay_start(self, checkout):
        from tuishou.orders import paying

        return paying.checkout_pay(buyer=checkout.buyer, checkout_id=checkout.pk)

    def payer_confirms(self, payment) -> None:
        """The payer confirms on the sandbox's pay page (``sandbox_charge_pay``): the gateway's charge is paid, so
        its statement shows it and ``tuishou reconcile``'s gateway check holds on the bench's orders."""
        from tuishou.payments.sandbox import sandbox_charge_pay

        sandbox_charge_pay(txn_id=payment.gateway_txn_id)

    def callback(self, payment) -> None:
        """The sandbox's ``payment.succeeded`` callback, in its shape and signed as it signs, through the
        webhook's handler (delivered here rather than by the outbox's worker, which the bench does not run)."""
        from django.utils import timezone

        from tuishou.payments import sandbox
        from tuishou.payments.gateway import PAYMENT_SUCCEEDED
        from tuishou.payments.services import payment_callback_handle

        body = json.dumps({"event_id": f"evt_{secrets.token_hex(12)}", "type": PAYMENT_SUCCEEDED,
                           "txn_id": payment.gateway_txn_id, "amount": str(payment.amount),
                           "currency": payment.currency, "occurred_at": timezone.now().isoformat()},
                          separators=(",", ":")).encode()
        result = payment_callback_handle(gateway=sandbox.SandboxGateway.name, headers=sandbox.callback_headers(body),
                                         body=body)
        if result.outcome != "processed" or result.reason:
            raise RuntimeError(f"callback {result}")

    def place(self, item: Item) -> None:
        payment = self.pay_start(self.checkout(item))
        self.payer_confirms(payment)
        self.callback(payment)
        self.placed += 1
        if self.book_every and self.placed % self.book_every == 0:
            self.book()

    def book(self) -> int:
        """Batched accrual: book every queued paid order (of any process), 1,000 per transaction."""
        from tuishou.settlement.accrual_batch import accruals_book_all

        return accruals_book_all() if self.book_every else 0


def accrual_mode(mode: str) -> None:
    """``inline``: commissions booked in the payment callback; ``batched``: queued there, booked by the
    placers themselves every ``--book-every`` orders (no task worker in the benchmark); ``fast``: batched, and
    the callback through the hand-written fast paid path (``TUISHOU["PAID_FAST_PATH"]``)."""
    from django.conf import settings

    settings.TUISHOU["ACCRUAL_BATCHED"] = mode in ("batched", "fast")
    settings.TUISHOU["PAID_FAST_PATH"] = mode == "fast"
    settings.TUISHOU["CHECKOUT_FAST_PATH"] = mode == "fast"
    settings.TUISHOU["PAYMENT_START_FAST_PATH"] = mode == "fast"
    settings.TUISHOU["ACCRUAL_TRIGGER_SECONDS"] = None


def run_items(placer: Placer, items: list[Item]) -> tuple[int, list[str]]:
    """Place each order; an error is counted (with its message) and the run goes on. Batched: the queue is
    drained at the end, inside the timed run."""
    errors = []
    for item in items:
        try:
            placer.place(item)
        except Exception as exc:  # a benchmark reports failures, it does not stop at the first
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
    placer.book()
    return len(items) - len(errors), errors


def run_single(world: World, args, rng: random.Random, mode: str = "inline") -> dict:
    accrual_mode(mode)
    placer = Placer(book_every=args.book_every if mode != "inline" else 0)
    run_items(placer, work(world, phase=f"warm1{mode}", start=0, count=args.warmup, rng=rng))
    items = work(world, phase=f"single{mode}", start=0, count=args.orders, rng=rng)
    start, cpu = time.perf_counter(), time.process_time()
    done, errors = run_items(placer, items)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"orders": done, "seconds": seconds, "rate": done / seconds, "errors": errors,
            "client_cpu_ms": cpu * 1000 / max(done, 1)}


def _worker(index: int, warm: list[Item], items: list[Item], barrier, results, book_every: int) -> None:
    from django.db import connection

    connection.close()  # a connection of its own (the parent's was closed before the fork)
    placer = Placer(book_every=book_every)
    run_items(placer, warm)
    barrier.wait()
    start = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process
    done, errors = run_items(placer, items)
    end = time.monotonic()
    connection.close()
    results.put({"worker": index, "start": start, "end": end, "orders": done, "errors": errors})


def run_multi(world: World, args, rng: random.Random, mode: str = "inline") -> dict:
    import multiprocessing

    from django.db import connections

    accrual_mode(mode)
    workers = args.workers
    items = work(world, phase=f"multi{mode}", start=0, count=args.orders, rng=rng)
    warm = work(world, phase=f"warmN{mode}", start=0, count=max(args.warmup // 4, 2) * workers, rng=rng)
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(workers)
    results = ctx.Queue()
    book_every = args.book_every if mode != "inline" else 0
    procs = [ctx.Process(target=_worker, args=(w, warm[w::workers], items[w::workers], barrier, results, book_every))
             for w in range(workers)]
    for p in procs:
        p.start()
    reports = [results.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    seconds = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    done = sum(r["orders"] for r in reports)
    return {"orders": done, "seconds": seconds, "rate": done / seconds, "workers": workers,
            "errors": [e for r in reports for e in r["errors"]],
            "per_worker_rate": [r["orders"] / (r["end"] - r["start"])
                                for r in sorted(reports, key=lambda r: r["worker"])]}


# --- where the time goes ---------------------------------------------------------------------------------------

def _short(func: tuple) -> str:
    filename, line, name = func
    for prefix in (str(ROOT) + "/", "site-packages/"):
        if prefix in filename:
            filename = filename.split(prefix, 1)[1]
    return f"{filename}:{line}({name})" if line else name


def run_profile(world: World, args, rng: random.Random) -> dict:
    """Queries and time per step for a sample of orders, the share in database round trips, cProfile's top."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mode = args.profile_accrual
    accrual_mode(mode)
    placer = Placer(book_every=10**9 if mode != "inline" else 0)  # batched: the queue drained after each measure
    run_items(placer, work(world, phase=f"warm0{mode}", start=0, count=args.warmup, rng=rng))
    steps = {"checkout": [], "pay start": [], "callback": []}
    times = {name: [] for name in steps}
    sample_sql: dict[str, list[str]] = {}
    for item in work(world, phase="queries", start=0, count=args.profile_orders // 4, rng=rng):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            checkout = placer.checkout(item)
            times["checkout"].append(time.perf_counter() - t)
        steps["checkout"].append(len(q.captured_queries))
        with CaptureQueriesContext(connection) as q2:
            t = time.perf_counter()
            payment = placer.pay_start(checkout)
            times["pay start"].append(time.perf_counter() - t)
        steps["pay start"].append(len(q2.captured_queries))
        placer.payer_confirms(payment)  # the gateway's side, not the platform's: outside the measure
        with CaptureQueriesContext(connection) as q3:
            t = time.perf_counter()
            placer.callback(payment)
            times["callback"].append(time.perf_counter() - t)
        steps["callback"].append(len(q3.captured_queries))
        if item[4] and "checkout" not in sample_sql:  # one order through a share link, every statement
            sample_sql = {"checkout": [x["sql"] for x in q.captured_queries],
                          "pay start": [x["sql"] for x in q2.captured_queries],
                          "callback": [x["sql"] for x in q3.captured_queries]}
    if mode != "inline":  # the batch's share of each order: its statements and time over the orders it booked
        queued = len(steps["checkout"])
        with CaptureQueriesContext(connection) as q4:
            t = time.perf_counter()
            placer.book()
            times["booking"] = [(time.perf_counter() - t) / queued]
        steps["booking"] = [len(q4.captured_queries) / queued]

    # Time inside the driver's execute (round trip + server work) against wall time, and per statement
    # (the SQL is still parametrised here; savepoint names are the only literals that vary).
    in_db = [0.0]
    per_statement: dict[str, list[float]] = {}

    def timer(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - t
            in_db[0] += spent
            per_statement.setdefault(re.sub(r'"s\d+_x\d+"', '"sp"', sql), []).append(spent)

    items = work(world, phase=f"dbshare{mode}", start=0, count=args.profile_orders, rng=rng)
    with connection.execute_wrapper(timer):
        t = time.perf_counter()
        run_items(placer, items)
        wall = time.perf_counter() - t
    db_share, db_wall_rate = in_db[0] / wall, len(items) / wall
    statements = sorted(per_statement.items(), key=lambda kv: sum(kv[1]), reverse=True)[:args.profile_top]
    top_sql = [(re.sub(r"\s+", " ", sql)[:150], 1000 * sum(ts) / len(items), len(ts) / len(items),
                1000 * statistics.mean(ts)) for sql, ts in statements]

    profiler = cProfile.Profile()
    items = work(world, phase=f"cprofile{mode}", start=0, count=args.profile_orders, rng=rng)
    profiler.enable()
    run_items(placer, items)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)  # by own time
    top_self = [(_short(func), st[2] / total, st[1]) for func, st in rows[:args.profile_top]]
    ours = [(func, st) for func, st in stats.stats.items() if "/tuishou/" in func[0] and "/migrations/" not in func[0]]
    top_cum = sorted(ours, key=lambda kv: kv[1][3], reverse=True)[:args.profile_top]
    return {"queries": {k: statistics.mean(v) for k, v in steps.items()},
            "ms": {k: 1000 * statistics.mean(v) for k, v in times.items()},
            "db_share": db_share, "db_wall_rate": db_wall_rate, "top_sql": top_sql,
            "statements_per_order": sum(len(ts) for ts in per_statement.values()) / len(items),
            "top_self": top_self,
            "top_cumulative": [(_short(func), st[3] / args.profile_orders * 1000, st[1] / args.profile_orders)
                               for func, st in top_cum],
            "profile_seconds": total, "sample_sql": sample_sql}


# --- the anchor ------------------------------------------------------------------------------------------------

def pgbench_path() -> str | None:
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    return str(candidates[-1]) if candidates else None


def run_anchor(args) -> dict:
    """``createdb anchor && psql -q anchor -f order_schema.sql; pgbench -n -c 8 -j 2 -T 30 -f place_order.sql``."""
    pgbench = pgbench_path()
    schema, script = ANCHOR_DIR / "order_schema.sql", ANCHOR_DIR / "place_order.sql"
    if pgbench is None or not schema.exists():
        return {"skipped": f"pgbench ({pgbench}) or {schema} missing"}
    options, env = pg_env(args.pg_url)
    db_recreate(args.pg_url, ANCHOR_DB)
    try:
        subprocess.run(["psql", "-q", *options, "-d", ANCHOR_DB, "-f", str(schema)], check=True, env=env,
                       capture_output=True)
        cmd = [pgbench, "-n", "-c", str(args.anchor_clients), "-j", str(args.anchor_threads), "-T",
               str(args.anchor_seconds), "-f", str(script), *options, ANCHOR_DB]
        proc = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True)
    finally:
        db_drop(args.pg_url, ANCHOR_DB)
    tps = float(re.search(r"tps = ([0-9.]+)", proc.stdout).group(1))
    latency = re.search(r"latency average = ([0-9.]+) ms", proc.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    return {"tps": tps, "latency_ms": float(latency.group(1)) if latency else None,
            "failed": int(failed.group(1)) if failed else 0,
            "command": "pgbench " + " ".join(cmd[1:]).replace(str(ANCHOR_DIR) + "/", "")}


# --- checking what was written -----------------------------------------------------------------------------------

def verify(world: World) -> dict:
    """Every paid checkout paid once, every order's chain snapshotted from its credited promoter, stock exact."""
    from django.db.models import Count, Q, Sum

    from tuishou.catalog.models import Sku
    from tuishou.ledger.models import JournalEntry
    from tuishou.orders.models import AccrualPending, Checkout, Order, OrderLine
    from tuishou.payments.models import Payment, PaymentEvent
    from tuishou.settlement.models import Commission, MerchantReceivable

    orders = Order.objects.filter(checkout__idempotency_key__startswith="bench-")
    paid = orders.filter(status="paid")
    bad_chain = sum(1 for pid, chain in paid.exclude(promoter=None).values_list("promoter_id", "chain").iterator()
                    if not chain or chain[0]["promoter_id"] != pid)
    ranked = paid.exclude(promoter=None).filter(chain__contains=[{"rank": "shopkeeper"}]).count()
    reserved = dict(OrderLine.objects.exclude(order__status="cancelled").values_list("sku_id")
                    .annotate(q=Sum("quantity")).values_list("sku_id", "q"))
    stock = dict(Sku.objects.filter(pk__in=world.sku_ids).values_list("pk", "stock"))
    stock_wrong = [s for s in world.sku_ids if world.initial_stock[s] - stock[s] != reserved.get(s, 0)]
    return {
        "bench_orders": orders.count(),
        "paid": paid.count(),
        "not_paid": orders.exclude(status="paid").count(),
        "checkouts_paid": Checkout.objects.filter(idempotency_key__startswith="bench-", status="paid").count(),
        "payments_succeeded": Payment.objects.filter(status="succeeded").count(),
        "events_processed": PaymentEvent.objects.filter(outcome="processed").count(),
        "paid_twice": Payment.objects.filter(status="succeeded").values("payable_ref")
        .annotate(n=Count("id")).filter(n__gt=1).count(),
        "chain_wrong": bad_chain,
        "with_a_shopkeeper_in_chain": ranked,
        "mean_chain_length": (sum(len(c) for c in paid.exclude(promoter=None).values_list("chain", flat=True))
                              / max(paid.exclude(promoter=None).count(), 1)),
        "attribution": dict(Counter(paid.values_list("attribution_reason", flat=True))),
        "plan_version_missing": paid.filter(~Q(promoter=None), plan_version=None).count(),
        "stock_wrong": len(stock_wrong),
        "not_booked": paid.exclude(pk__in=MerchantReceivable.objects.values("order_id")).count(),
        "booked_twice": JournalEntry.objects.filter(key__startswith="order:", key__endswith=":paid").count()
        - MerchantReceivable.objects.count(),
        "queued": AccrualPending.objects.count(),
        "commissions": Commission.objects.count(),
        "reconcile_failing": _reconcile_exit(),
    }


def _reconcile_exit() -> dict:
    """``tuishou reconcile``'s checks over everything the benchmark wrote: mismatches per failing check, with
    one example each (the sandbox gateway's statement never sees the benchmark's hand-signed callbacks as paid,
    so ``payment_gateway_statements`` is expected to differ here)."""
    from tuishou.ledger.reconcile import reconcile_run

    report = reconcile_run()
    return {r.name: f"{len(r.mismatches)} e.g. {r.mismatches[0]}"[:200] for r in report.results if not r.ok}


# --- the report --------------------------------------------------------------------------------------------------

def report(out: dict, args) -> str:
    anchor = out.get("anchor", {})
    tps = anchor.get("tps")
    lines = [f"== orders through the services: {out['promoters']:,} promoters, {args.skus} SKUs of "
             f"{args.merchants} merchants, {args.links} share links, {args.consumers} consumers; "
             f"{args.orders:,} orders per contestant (one line each)",
             f"  build: network {out['timings']['network']:.1f} s, plan + catalog + consumers "
             f"{out['timings']['catalog_consumers']:.1f} s",
             f"  {'contestant':<58}{'orders':>8}{'seconds':>10}{'orders/s':>10}{'÷ anchor':>10}"]

    def row(label, r):
        ratio = f"{r['rate'] / tps:9.1%}" if tps else "        -"
        cpu = f"  client CPU {r['client_cpu_ms']:.1f} ms/order" if r.get("client_cpu_ms") else ""
        lines.append(f"  {label:<58}{r['orders']:>8,}{r['seconds']:>10.2f}{r['rate']:>10.1f} {ratio}{cpu}")

    for suffix, label in (("", "accrual inline"), ("_batched", f"accrual batched, booked every {args.book_every}"),
                          ("_fast", f"FAST paid path, batched, booked every {args.book_every}")):
        if "single" + suffix in out:
            row(f"services, {label}, 1 process", out["single" + suffix])
        if "multi" + suffix in out:
            row(f"services, {label}, {out['multi' + suffix]['workers']} processes", out["multi" + suffix])
    if tps:
        lines.append(f"  {'anchor: ' + anchor['command']:<58}{'':>8}{args.anchor_seconds:>10.2f}{tps:>10.1f}"
                     f"{'100.0%':>10}")
        for kind, goal in (("single", GOAL_SINGLE), ("multi", GOAL_MULTI)):
            best = max((out[k]["rate"] for k in CONTESTANTS if k.startswith(kind) and k in out), default=0)
            if best:
                lines.append(f"  goal {kind}: ≥ {goal:.0%} of the anchor: {'met' if best / tps >= goal else 'MISSED'}"
                             f" (best {best / tps:.1%})")
        lines.append(f"  anchor latency {anchor['latency_ms']} ms, failed {anchor['failed']}")
        cores = os.cpu_count() or 1
        for key in ("single", "single_batched", "single_fast"):
            if key in out and out[key].get("client_cpu_ms"):
                cpu = out[key]["client_cpu_ms"]
                lines.append(f"  {key}: client CPU {cpu:.2f} ms per order; with the database free, {cores} cores "
                             f"would place at most {cores * 1000 / cpu:,.0f} orders/s "
                             f"({cores * 1000 / cpu / tps:.1%} of the anchor)")
    elif anchor:
        lines.append(f"  anchor skipped: {anchor.get('skipped')}")
    for key in CONTESTANTS:
        if out.get(key, {}).get("errors"):
            errs = out[key]["errors"]
            lines.append(f"  {key}: {len(errs)} errors, e.g. {Counter(errs).most_common(3)}")
    for key in ("multi", "multi_batched", "multi_fast"):
        if key in out:
            lines.append(f"  {key} per worker orders/s: "
                         + ", ".join(f"{r:.1f}" for r in out[key]["per_worker_rate"]))
    if "http" in out:
        lines.append(orders_http.report(out["http"]))
    if "profile" in out:
        p = out["profile"]
        q, ms = p["queries"], p["ms"]
        lines += [f"== where the time goes (one process, accrual {args.profile_accrual}, {args.profile_orders} orders "
                  "per measure)",
                  "  queries per order: " + ", ".join(f"{k} {v:.1f}" for k, v in q.items())
                  + f"; total {sum(q.values()):.1f}",
                  "  ms per order:      " + ", ".join(f"{k} {v:.2f}" for k, v in ms.items())
                  + f"; total {sum(ms.values()):.2f}",
                  f"  in database round trips (driver execute): {p['db_share']:.0%} of wall time "
                  f"({p['db_wall_rate']:.0f} orders/s while timing them)",
                  f"  statements per order (BEGIN, SAVEPOINT and COMMIT included): {p['statements_per_order']:.1f}; "
                  "the costliest (ms per order, per order, ms each):"]
        for sql, ms_per, calls, each in p["top_sql"]:
            lines.append(f"    {ms_per:6.2f} {calls:5.1f} {each:6.3f}  {sql}")
        lines.append("  cProfile, top own time (share of profiled time, calls per order):")
        for name, share, calls in p["top_self"]:
            lines.append(f"    {share:6.1%}  {calls / args.profile_orders:8.1f}  {name}")
        lines.append("  cProfile, project functions by cumulative time (ms per order, calls per order):")
        for name, ms_per, calls in p["top_cumulative"]:
            lines.append(f"    {ms_per:8.2f}  {calls:8.1f}  {name}")
    if "floor" in out:
        lines += orders_floor_run.report(out["floor"], args, tps, out)
    if "verify" in out:
        lines.append("== check: " + json.dumps(out["verify"], ensure_ascii=False))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders per contestant (1 process, N processes)")
    parser.add_argument("--workers", type=int, default=8, help="processes of the parallel run (0: skip it)")
    parser.add_argument("--promoters", type=int, default=1_000_000)
    parser.add_argument("--merchants", type=int, default=20)
    parser.add_argument("--skus", type=int, default=200)
    parser.add_argument("--links", type=int, default=1000, help="share links of random promoters")
    parser.add_argument("--consumers", type=int, default=800, help="buyers (rounded up to a multiple of --workers)")
    parser.add_argument("--accrual", choices=["inline", "batched", "fast", "both", "all"], default="all",
                        help="commissions booked in the callback, by the batch (settlement.accrual_batch), by the "
                             "batch behind the fast paid path (payments.callback_fast); both: inline and batched; "
                             "all: the three")
    parser.add_argument("--book-every", type=int, default=200,
                        help="batched: each process books the queue every this many orders (and at its end)")
    parser.add_argument("--profile-accrual", choices=["inline", "batched", "fast"], default="fast")
    parser.add_argument("--warmup", type=int, default=20, help="orders placed before timing, per process")
    parser.add_argument("--profile-orders", type=int, default=200, help="orders per profile measure (0: skip)")
    parser.add_argument("--profile-top", type=int, default=15)
    parser.add_argument("--anchor-seconds", type=int, default=30, help="pgbench duration (0: skip the anchor)")
    parser.add_argument("--anchor-clients", type=int, default=8)
    parser.add_argument("--anchor-threads", type=int, default=2)
    parser.add_argument("--http-seconds", type=int, default=30, help="wrk duration on checkout (0: skip HTTP)")
    parser.add_argument("--http-health-seconds", type=int, default=10, help="wrk duration on /healthz")
    parser.add_argument("--http-connections", type=int, default=32)
    parser.add_argument("--http-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--http-workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--http-consumers", type=int, default=400, help="consumers with API tokens for wrk")
    parser.add_argument("--seed", type=int, default=20250401)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--sql", action="store_true", help="print the statements of one order placed through a link")
    parser.add_argument("--floor", action="store_true",
                        help="after the anchor: today's fast-path statements of captured orders replayed by pgbench "
                             "on a copy of the database, at 1 client, --workers and --anchor-clients (orders_floor)")
    parser.add_argument("--floor-orders", type=int, default=200, help="orders captured (the first 100 as scripts)")
    parser.add_argument("--floor-seconds", type=int, default=20, help="pgbench duration per client count")
    parser.add_argument("--floor-protocol", choices=["prepared", "simple", "extended"], default="prepared")
    parser.add_argument("--floor-async", action=argparse.BooleanOptionalAction, default=True,
                        help="also replay at 1 and --anchor-clients clients with synchronous_commit off")
    parser.add_argument("--floor-one-transaction", action=argparse.BooleanOptionalAction, default=True,
                        help="also replay at 1 and --anchor-clients clients with each order as one transaction")
    parser.add_argument("--floor-warmup", type=int, default=5, help="seconds of unmeasured replay first")
    parser.add_argument("--floor-booking-runs", type=int, default=5, help="replays of the captured booking batch")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    if args.workers:
        args.consumers = -(-args.consumers // args.workers) * args.workers

    shown = sys.argv if argv is None else ["bench/orders.py", *argv]
    print(f"command: {' '.join([Path(sys.executable).name, *shown])}", flush=True)
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="tuishou-bench-orders-"))
    out: dict = {}
    db_recreate(args.pg_url, BENCH_DB)
    try:
        django_setup(args.pg_url, workdir)
        world = world_build(args, rng)
        out.update(promoters=world.promoters, timings=world.timings)
        print(f"built: {world.timings}", flush=True)
        if args.profile_orders:
            out["profile"] = run_profile(world, args, rng)
            print("profiled", flush=True)
        modes = {"both": ["inline", "batched"], "all": ["inline", "batched", "fast"]}.get(args.accrual, [args.accrual])
        for mode in modes if args.orders else ():
            suffix = "" if mode == "inline" else f"_{mode}"
            out["single" + suffix] = run_single(world, args, rng, mode)
            print(f"single {mode}: {out['single' + suffix]['rate']:.1f} orders/s", flush=True)
            if args.workers:
                out["multi" + suffix] = run_multi(world, args, rng, mode)
                print(f"{args.workers} processes {mode}: {out['multi' + suffix]['rate']:.1f} orders/s", flush=True)
        if args.anchor_seconds:
            out["anchor"] = run_anchor(args)
            print(f"anchor: {out['anchor']}", flush=True)
        if args.floor:
            out["floor"] = orders_floor_run.run(
                world, args, rng, bench_db=BENCH_DB, floor_db=FLOOR_DB, pg_env=pg_env(args.pg_url),
                pgbench=pgbench_path(), placer_cls=Placer, work=work, run_items=run_items, accrual_mode=accrual_mode)
            if args.anchor_seconds:  # the anchor again right after: the floor's minutes bracketed on a noisy machine
                out["floor"]["anchor_after"] = run_anchor(args)
        if args.http_seconds:
            from django.db import connections

            connections.close_all()
            out["http"] = orders_http.run(
                db_url=db_url(args.pg_url, BENCH_DB), workdir=workdir, buyers=world.http_buyers, sku_ids=world.sku_ids,
                seconds=args.http_seconds, health_seconds=args.http_health_seconds,
                connections=args.http_connections, threads=args.http_threads, workers=args.http_workers)
        out["verify"] = verify(world)
        sample_sql = out.get("profile", {}).pop("sample_sql", None)
        print(report(out, args), flush=True)
        if args.sql and sample_sql:
            for step, statements in sample_sql.items():
                print(f"-- {step}: {len(statements)} statements")
                for sql in statements:
                    print("   ", sql[:240])
        if args.json:
            args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up yet
            pass
        if not args.keep:
            db_drop(args.pg_url, BENCH_DB)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
