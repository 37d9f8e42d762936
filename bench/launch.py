"""The hot-product launch (爆品) scenario on PostgreSQL: buyers racing for one SKU's allocation (run on demand).

    TUISHOU_ANCHOR_DIR=/work/shared/bench .venv/bin/python bench/launch.py            # 5,000 units, 10,000 buyers
    TUISHOU_ANCHOR_DIR=/work/shared/bench .venv/bin/python bench/launch.py --small    # 500 units, 1,000 buyers
    TUISHOU_ANCHOR_DIR=/work/shared/bench .venv/bin/python bench/launch.py --paid fast  # fast callback + batches

Builds a throwaway database (``launch13_bench``, or ``$TUISHOU_BENCH_DB``; dropped afterwards unless ``--keep``;
cloned from a migrated template kept between runs) with ``bench/orders.py``'s helpers: the network from
``bench/network_tree.py``'s generator (``--promoters``, a fifth ranked 店主), the test plan in the official community,
one merchant with one SKU, and a 爆品 campaign made and launched through ``tuishou.campaigns.services`` (campaign
price, a fixed commission base per unit, an allocation of ``--units``). ``--links`` random promoters each get a
share link to the product; ``--buyers`` fresh consumers (their own address each) each arrive through one of those
links.

Then ``--clients`` processes (forked, each with its own connection, released together by a barrier) work
through the buyers: ``checkout_submit`` (1 unit, 2 for one buyer in five) → ``paying.checkout_pay`` (payment
start, sandbox charge) → the payer confirms on the sandbox (``sandbox_charge_pay``: the gateway's statement shows
the charge paid) → the sandbox's signed ``payment.succeeded`` callback through ``payment_callback_handle`` → paid,
commissions booked (``bench/orders.py``'s ``Placer``, step by step). One buyer in twenty cancels the
unpaid checkout (its units go back to the allocation), one in twenty abandons it (its units stay reserved).
A refusal with ``campaigns.sold_out`` is the expected answer once the allocation is gone; anything else is an
error.

Checked afterwards, exactly (the run fails when one does not hold):

* never oversold: ``campaign.sold`` = units of paid orders + units of live unpaid orders ≤ allocation, the
  campaign's order lines sum to ``sold``, the SKU's stock went down by exactly ``sold``; no unit lost (fewer
  units left than the smallest refused request);
* every paid order credited to the promoter of the link its buyer came through, with that promoter's chain;
  its commissions booked exactly once: one accrual entry (``order:<id>:paid``), one receivable, and commission
  rows equal to what the incentive engine computes from the promoter's chain in the tree now (unchanged during
  the run) on B = the campaign's base × units; no entry, commission or receivable for an unpaid order;
* ``tuishou reconcile`` exits 0;

and reports the sustained paid orders per second (whole window, and the middle 80 % of paid completions), the
latency percentiles of a paid purchase (checkout to callback processed) and of a refusal, per step, and the
pgbench anchor (``bench/orders.py``'s) measured in the same run, as a ratio. Load average before and after.

``--paid fast`` runs the same race with the fast paid path and the batched accrual (the callback marks the order
paid and queues it; a booking process beside the clients books the queue in batches of up to 1,000 and drains it
once the clients are done, before the checks): it also reports the orders *booked* per second and how long an
order waited between its callback and its batch.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TUISHOU_BENCH_DB", "launch13_bench")  # read by bench/orders.py at import

from bench import orders  # noqa: E402
from bench.network_tree import _bulk_load, encode, generate  # noqa: E402

KEY_PREFIX = "launch-"
RETAIL, CAMPAIGN_PRICE, BASE_PER_UNIT = "59.90", "39.90", Decimal("8.00")


def db_from_template(pg_url: str, workdir: Path) -> None:
    """The bench database, migrated: cloned from a migrated template kept between runs (``<bench db>_tpl_<hash of
    the migrations>``, made on the first run), since migrating takes minutes on a loaded machine."""
    import hashlib

    import psycopg

    digest = hashlib.sha1()
    for path in sorted(ROOT.glob("tuishou/*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    template = f"{orders.BENCH_DB}_tpl_{digest.hexdigest()[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:  # any of this helper's templates of these migrations
        have = conn.execute("SELECT datname FROM pg_database WHERE datname = %s OR datname LIKE %s ORDER BY 1",
                            [template, f"launch13%\\_tpl\\_{digest.hexdigest()[:8]}"]).fetchone()
    if have:
        template = have[0]
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {orders.BENCH_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {orders.BENCH_DB} TEMPLATE {template}")
        orders.django_setup(pg_url, workdir)  # migrate: nothing to do
        return
    orders.db_recreate(pg_url, orders.BENCH_DB)
    orders.django_setup(pg_url, workdir)
    from django.db import connections

    connections.close_all()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for (old,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                   [f"{orders.BENCH_DB}_tpl_%"]).fetchall():
            conn.execute(f"DROP DATABASE IF EXISTS {old} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {template} TEMPLATE {orders.BENCH_DB}")


@dataclass
class Launch:
    campaign_id: int
    sku_id: int
    stock_before: int
    allocation: int
    links: dict[str, int]  # share code -> promoter id
    buyers: list[tuple[int, int, str, int, str]]  # user id, address id, share code, quantity, fate (pay|cancel|abandon)
    promoters: int
    timings: dict


def build(args, rng: random.Random) -> Launch:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from tests.orders import factories as f
    from tuishou.accounts.models import User
    from tuishou.campaigns.services import campaign_create, campaign_launch
    from tuishou.network.models import Promoter
    from tuishou.orders.models import Address
    from tuishou.stores.services import share_link_get_or_create

    timings = {}
    t0 = time.perf_counter()
    parent = generate(args.promoters, chains=3, chain_length=min(600, args.promoters // 10), seed=args.seed)
    paths, depth, children, roots = encode(parent)
    _bulk_load(parent, paths, depth, children, roots, [rng.randrange(0, 100_000) for _ in parent])
    n = len(parent)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE network_promoter SET rank = 'shopkeeper' WHERE mod(id, %s) = 0", [5])
        cursor.execute("VACUUM ANALYZE network_promoter")
    timings["network"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    f.plan()
    stock = 2 * args.units  # the campaign's allocation, not the stock, is what runs out
    sku = f.sku(merchant=f.shop(name="爆品商家"), price=RETAIL, stock=stock, rate="0.2000", title="爆品 蜂蜜")
    ops = f.operator("ops")
    now = timezone.now()
    draft = campaign_create(actor=ops, product_id=sku.product_id, title="蜂蜜爆品日", pitch="限量特价，手慢无！",
                            starts_at=now, ends_at=now + timezone.timedelta(days=1), allocation=args.units,
                            prices={sku.pk: CAMPAIGN_PRICE}, commission_mode="fixed",
                            commission_amount=str(BASE_PER_UNIT))
    campaign = campaign_launch(actor=ops, campaign_id=draft.pk)
    links = {}
    for pid in rng.sample(range(1, n + 1), min(args.links, n)):
        link = share_link_get_or_create(promoter=Promoter.objects.get(pk=pid), target="product",
                                        product_id=sku.product_id)
        links[link.code] = pid
    timings["campaign_links"] = time.perf_counter() - t0

    # Fresh consumers, inserted in bulk (sign-up is not what is measured), each with an address of their own.
    t0 = time.perf_counter()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"launch_b{i}", phone=f"159{i:08d}", display_name=f"抢购{i}", password=unusable)
         for i in range(args.buyers)], batch_size=2000)
    homes = Address.objects.bulk_create(
        [Address(user=u, name=f"买家{i}", phone="13812345678", province="浙江省", city="杭州市", district="西湖区",
                 detail=f"文三路 {i // 100 + 1} 号 {i % 100 + 1} 室", is_default=True)
         for i, u in enumerate(users)], batch_size=2000)
    codes = list(links)
    buyers = []
    for i, (u, home) in enumerate(zip(users, homes, strict=True)):
        fate = "cancel" if i % 20 == 18 else "abandon" if i % 20 == 19 else "pay"
        buyers.append((u.pk, home.pk, rng.choice(codes), 2 if i % 5 == 4 else 1, fate))
    rng.shuffle(buyers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["buyers"] = time.perf_counter() - t0
    return Launch(campaign_id=campaign.pk, sku_id=sku.pk, stock_before=stock, allocation=args.units, links=links,
                  buyers=buyers, promoters=n, timings=timings)


# --- the race ----------------------------------------------------------------------------------------------------

def attempt(placer, launch: Launch, index: int, buyer) -> dict:
    """One buyer's purchase, timed step by step (CLOCK_MONOTONIC: one clock for every process)."""
    from tuishou.core.errors import DomainError
    from tuishou.orders import paying
    user_id, address_id, code, quantity, fate = buyer
    item = (user_id, address_id, launch.sku_id, quantity, code, f"{KEY_PREFIX}{index}")
    t0 = time.monotonic()
    out = {"start": t0, "quantity": quantity, "fate": fate}
    try:
        checkout = placer.checkout(item)
        t1 = time.monotonic()
        out["checkout"] = t1 - t0
        if fate == "cancel":
            for order in checkout.orders.all():
                paying.order_cancel(buyer=checkout.buyer, order_id=order.pk, reason="改主意了")
            out["outcome"] = "cancelled"
        elif fate == "abandon":
            out["outcome"] = "reserved"
        else:
            payment = placer.pay_start(checkout)
            t2 = time.monotonic()
            # The payer confirms on the sandbox's pay page: the gateway's charge is paid (its statement, which
            # reconcile compares, shows it) and it schedules its callback; the callback comes through the
            # webhook's handler, signed as the sandbox signs (bench/orders.py's Placer).
            placer.payer_confirms(payment)
            t3 = time.monotonic()
            placer.callback(payment)
            out.update(pay_start=t2 - t1, payer_confirms=t3 - t2, callback=time.monotonic() - t3, outcome="paid")
    except DomainError as exc:
        out["outcome"] = "sold_out" if exc.code == "campaigns.sold_out" else f"error {exc.code}"
    except Exception as exc:  # counted and reported; the run goes on
        out["outcome"] = f"error {type(exc).__name__}: {str(exc)[:200]}"
    out["end"] = time.monotonic()
    return out


def _client(index: int, launch: Launch, share: list[tuple[int, tuple]], barrier, results) -> None:
    from django.db import connection

    connection.close()  # a connection of its own (the parent's was closed before the fork)
    placer = orders.Placer()
    for _i, (user_id, *_rest) in share:
        placer.buyer(user_id)  # the HTTP layer's authentication is bench/orders_http.py's part, not this one
    barrier.wait()
    rows = [attempt(placer, launch, i, buyer) for i, buyer in share]
    connection.close()
    results.put((index, rows))


def _booker(stop, log) -> None:
    """The booking worker of the batched accrual (``--paid fast``): books the queued paid orders in batches
    (``accruals_book``, up to 1,000 a transaction) while the clients race, then drains the queue once they are
    done; logs ``(monotonic time at the batch's commit, orders booked)`` of every batch that booked any."""
    from django.db import connection

    from tuishou.settlement.accrual_batch import accruals_book

    connection.close()
    batches = []
    while True:
        stopping = stop.is_set()
        booked = accruals_book()
        if booked:
            batches.append((time.monotonic(), booked))
        elif stopping:
            break
        else:
            time.sleep(0.05)
    connection.close()
    log.put(batches)


def race(launch: Launch, clients: int, booking: bool = False) -> list[dict]:
    import multiprocessing

    from django.db import connections

    numbered = list(enumerate(launch.buyers))
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(clients)
    results = ctx.Queue()
    procs = [ctx.Process(target=_client, args=(c, launch, numbered[c::clients], barrier, results))
             for c in range(clients)]
    stop, log = ctx.Event(), ctx.Queue()
    booker = ctx.Process(target=_booker, args=(stop, log)) if booking else None
    for p in procs:
        p.start()
    if booker:
        booker.start()
    rows, sampler = [], LockSampler()
    deadline = time.monotonic() + 7200
    while len(rows) < len(launch.buyers) and time.monotonic() < deadline:
        try:
            rows.extend(results.get(timeout=0.5)[1])
        except queue.Empty:
            sampler.sample()
    for p in procs:
        p.join()
    batches = None
    if booker:
        stop.set()
        batches = log.get()
        booker.join()
    sampler.close()
    return rows, sampler.summary(), batches


def booking_summary(rows: list[dict], batches: list[tuple[float, int]]) -> dict:
    """When the paid orders' commissions reached the ledger (batched accrual): the rate of orders *booked*, and
    how long after its callback an order waited for its batch. The batch books the oldest queued orders first,
    so the k-th paid order (by the end of its callback) is taken as booked by the first batch at whose commit k
    orders had been booked in all (an approximation: callbacks of several clients commit out of order)."""
    start = min(r["start"] for r in rows)
    paid = sorted(r["end"] for r in rows if r["outcome"] == "paid")
    done, booked_at = 0, []
    for at, n in batches:
        done += n
        booked_at.extend([at] * n)
    lags = [max(0.0, b - p) for p, b in zip(paid, booked_at, strict=False)]
    last = booked_at[-1] if booked_at else start
    return {"booked": done, "batches": len(batches), "largest_batch": max((n for _, n in batches), default=0),
            "rate_booked": done / (last - start) if last > start else 0.0,
            "drained_after_last_paid": (last - paid[-1]) if paid and booked_at else None,
            "lag_ms": {"p50": 1000 * pct(lags, .50), "p99": 1000 * pct(lags, .99),
                       "max": 1000 * max(lags, default=float("nan"))}}


class LockSampler:
    """What the clients' backends are doing, sampled twice a second from ``pg_stat_activity`` during the race:
    running a statement, waiting on a lock (and whose), idle inside a transaction (Python running between
    statements), or idle between transactions."""

    SQL = ("SELECT CASE WHEN state = 'active' AND wait_event_type = 'Lock' THEN 'waiting on a lock' "
           "WHEN state = 'active' THEN 'running a statement' WHEN state LIKE 'idle in transaction%' "
           "THEN 'idle in a transaction' ELSE 'idle' END, count(*) FROM pg_stat_activity "
           "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
           "GROUP BY 1")

    def __init__(self) -> None:
        import psycopg
        from django.conf import settings

        db = settings.DATABASES["default"]
        self.conn = psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                                    password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True)
        self.counts: Counter = Counter()

    def sample(self) -> None:
        for state, n in self.conn.execute(self.SQL).fetchall():
            self.counts[state] += n

    def close(self) -> None:
        self.conn.close()

    def summary(self) -> dict[str, float]:
        total = sum(self.counts.values()) or 1
        return {state: n / total for state, n in self.counts.most_common()}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarise(rows: list[dict]) -> dict:
    start = min(r["start"] for r in rows)
    paid = sorted(r["end"] for r in rows if r["outcome"] == "paid")
    window = (max(r["end"] for r in rows) - start) if rows else 0
    middle = None
    if len(paid) >= 10:
        lo, hi = paid[len(paid) // 10], paid[(len(paid) * 9) // 10]
        middle = (len(paid) * 9 // 10 - len(paid) // 10) / (hi - lo) if hi > lo else None
    sold_out_at = min((r["end"] for r in rows if r["outcome"] == "sold_out"), default=None)

    def ms(values):
        return {"n": len(values), "p50": 1000 * pct(values, .50), "p90": 1000 * pct(values, .90),
                "p99": 1000 * pct(values, .99), "max": 1000 * max(values, default=float("nan"))}

    done = [r for r in rows if r["outcome"] == "paid"]
    return {
        "outcomes": dict(Counter(r["outcome"] for r in rows)),
        "seconds": window,
        "paid_orders": len(paid),
        "rate_all": len(paid) / (paid[-1] - start) if paid else 0.0,
        "rate_middle": middle,
        "attempts_per_second": len(rows) / window if window else 0.0,
        "first_sold_out_after": None if sold_out_at is None else sold_out_at - start,
        "latency_paid": ms([r["end"] - r["start"] for r in done]),
        "latency_sold_out": ms([r["end"] - r["start"] for r in rows if r["outcome"] == "sold_out"]),
        "steps": {step: ms([r[step] for r in done])
                  for step in ("checkout", "pay_start", "payer_confirms", "callback")},
    }


# --- the invariants ------------------------------------------------------------------------------------------------

def check(launch: Launch, rows: list[dict]) -> dict:
    """What the race wrote, against what it must have written; ``failures`` lists every invariant broken."""
    from django.db.models import Count, Sum

    from tuishou.campaigns.models import Campaign
    from tuishou.catalog.models import Sku
    from tuishou.incentives.models import PlanVersion
    from tuishou.incentives.payouts import chain_snapshot, order_payouts_compute
    from tuishou.ledger.models import JournalEntry
    from tuishou.orders.models import Order, OrderLine
    from tuishou.settlement.models import Commission, MerchantReceivable

    failures = []
    campaign = Campaign.objects.get(pk=launch.campaign_id)
    bench = Order.objects.filter(checkout__idempotency_key__startswith=KEY_PREFIX)
    units = {status: q or 0 for status, q in
             bench.values_list("status").annotate(q=Sum("lines__quantity")).values_list("status", "q")}
    paid_units = units.get("paid", 0)
    reserved_units = sum(q for s, q in units.items() if s not in ("paid", "cancelled"))
    line_units = OrderLine.objects.filter(campaign_id=campaign.pk).exclude(order__status="cancelled") \
        .aggregate(q=Sum("quantity"))["q"] or 0
    stock = Sku.objects.get(pk=launch.sku_id).stock
    outcomes = Counter(r["outcome"] for r in rows)
    said_paid = sum(r["quantity"] for r in rows if r["outcome"] == "paid")
    said_reserved = sum(r["quantity"] for r in rows if r["outcome"] == "reserved")
    smallest_refused = min((r["quantity"] for r in rows if r["outcome"] == "sold_out"), default=None)

    def expect(name, ok, detail):
        if not ok:
            failures.append(f"{name}: {detail}")

    expect("sold = paid + reserved", campaign.sold == paid_units + reserved_units,
           f"sold {campaign.sold}, paid {paid_units}, reserved {reserved_units}")
    expect("never oversold", campaign.sold <= campaign.allocation, f"sold {campaign.sold} > {campaign.allocation}")
    expect("campaign lines = sold", line_units == campaign.sold, f"lines {line_units}, sold {campaign.sold}")
    expect("stock exact", launch.stock_before - stock == campaign.sold,
           f"stock {launch.stock_before} → {stock}, sold {campaign.sold}")
    expect("clients' count = database's", (said_paid, said_reserved) == (paid_units, reserved_units),
           f"clients paid {said_paid} reserved {said_reserved}")
    expect("no unit lost", smallest_refused is None or campaign.allocation - campaign.sold < smallest_refused,
           f"{campaign.allocation - campaign.sold} left, a request for {smallest_refused} refused")
    errors = {k: v for k, v in outcomes.items() if k.startswith("error")}
    expect("no error but sold out", not errors, json.dumps(errors, ensure_ascii=False)[:500])

    # Commissions: booked once, equal to the engine's on the promoter's chain in the tree now.
    code_of = {i: b[2] for i, b in enumerate(launch.buyers)}
    paid = list(bench.filter(status="paid").values_list(
        "pk", "promoter_id", "chain", "plan_version_id", "number", "commission_base", "checkout__idempotency_key"))
    versions = {}
    booked: dict[int, dict] = {}
    for order_id, promoter_id, rule, amount in Commission.objects.filter(order__in=bench).values_list(
            "order_id", "promoter_id", "rule", "accrued_amount"):
        mine = booked.setdefault(order_id, {})
        if (promoter_id, rule) in mine:
            failures.append(f"order #{order_id}: commission ({promoter_id}, {rule}) booked twice")
        mine[(promoter_id, rule)] = amount
    entries = dict(JournalEntry.objects.filter(key__in=[f"order:{o[0]}:paid" for o in paid]).values("key")
                   .annotate(n=Count("id")).values_list("key", "n"))
    receivables = dict(MerchantReceivable.objects.filter(order__in=bench).values("order_id")
                       .annotate(n=Count("id")).values_list("order_id", "n"))
    commissions_total, wrong = Decimal("0.00"), 0

    chains: dict[int, list] = {}
    for order_id, promoter_id, chain, version_id, number, base, key in paid:
        index = int(key[len(KEY_PREFIX):])
        want_promoter = launch.links[code_of[index]]
        quantity = launch.buyers[index][3]
        problems = []
        if promoter_id != want_promoter:
            problems.append(f"credited {promoter_id}, link's promoter {want_promoter}")
        if base != BASE_PER_UNIT * quantity:
            problems.append(f"B {base}, campaign's {BASE_PER_UNIT * quantity}")
        if want_promoter not in chains:
            chains[want_promoter] = chain_snapshot(promoter_id=want_promoter)
        links = chains[want_promoter]
        if [m["promoter_id"] for m in chain or []] != [link.promoter_id for link in links]:
            problems.append("snapshotted chain differs from the tree's")
        if version_id not in versions:
            versions[version_id] = PlanVersion.objects.get(pk=version_id) if version_id else None
        expected = {}
        if versions[version_id] is not None:
            for p in order_payouts_compute(version=versions[version_id], order_ref=number, chain=links,
                                           base=BASE_PER_UNIT * quantity, self_purchase=False):
                if p.amount:
                    expected[(p.promoter_id, p.rule)] = expected.get((p.promoter_id, p.rule), 0) + p.amount
        got = booked.get(order_id, {})
        if got != expected:
            problems.append(f"commissions {sorted(got.items())} ≠ engine's {sorted(expected.items())}")
        if entries.get(f"order:{order_id}:paid") != 1:
            problems.append(f"{entries.get(f'order:{order_id}:paid', 0)} accrual entries")
        if receivables.get(order_id) != 1:
            problems.append(f"{receivables.get(order_id, 0)} receivables")
        commissions_total += sum(got.values(), Decimal("0.00"))
        if problems:
            wrong += 1
            if wrong <= 5:
                failures.append(f"order {number} (#{order_id}): " + "; ".join(problems))
    expect("every paid order's commissions right", wrong == 0, f"{wrong} orders wrong")
    unpaid = bench.exclude(status="paid")
    stray = (Commission.objects.filter(order__in=unpaid).count(),
             MerchantReceivable.objects.filter(order__in=unpaid).count(),
             JournalEntry.objects.filter(key__in=[f"order:{pk}:paid" for pk in unpaid.values_list("pk", flat=True)])
             .count())
    expect("nothing booked for unpaid orders", stray == (0, 0, 0), f"commissions, receivables, entries {stray}")
    return {"allocation": campaign.allocation, "sold": campaign.sold, "paid_units": paid_units,
            "reserved_units": reserved_units, "left": campaign.allocation - campaign.sold, "stock_after": stock,
            "paid_orders": len(paid), "commission_rows": sum(len(v) for v in booked.values()),
            "commissions_total": str(commissions_total), "failures": failures}


def reconcile(args) -> dict:
    """``tuishou reconcile`` on the bench database, as an operator runs it."""
    env = dict(os.environ, DATABASE_URL=orders.db_url(args.pg_url, orders.BENCH_DB))
    proc = subprocess.run([sys.executable, "-m", "tuishou.cli", "reconcile"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1800)
    return {"exit": proc.returncode, "tail": (proc.stdout + proc.stderr).strip().splitlines()[-3:]}


# --- the report ----------------------------------------------------------------------------------------------------

def report(out: dict, args) -> str:
    s, c = out["race"], out["check"]
    tps = out.get("anchor", {}).get("tps")
    ratio = (lambda r: f" = {r / tps:.1%} of the anchor") if tps else (lambda r: "")
    lat = s["latency_paid"]
    lines = [
        f"== 爆品 launch: {args.units:,} units of one SKU, {args.buyers:,} buyers through {args.links:,} promoters' "
        f"links, {args.clients} client processes, {out['promoters']:,} promoters",
        f"  load average before {out['load_before']}, after {out['load_after']}",
        f"  build: {', '.join(f'{k} {v:.1f} s' for k, v in out['timings'].items())}",
        f"  outcomes: {json.dumps(s['outcomes'], ensure_ascii=False)} in {s['seconds']:.1f} s "
        f"({s['attempts_per_second']:.1f} attempts/s); first sold-out answer after "
        + (f"{s['first_sold_out_after']:.1f} s" if s["first_sold_out_after"] is not None else "-"),
        f"  paid orders/s: {s['rate_all']:.1f} over the whole window{ratio(s['rate_all'])}; "
        + (f"{s['rate_middle']:.1f} over the middle 80% of paid completions{ratio(s['rate_middle'])}"
           if s["rate_middle"] else ""),
        f"  paid purchase (checkout → callback processed), ms: p50 {lat['p50']:.0f}, p90 {lat['p90']:.0f}, "
        f"p99 {lat['p99']:.0f}, max {lat['max']:.0f} ({lat['n']:,})",
        "  per step p50 / p99 ms: " + "; ".join(f"{k} {v['p50']:.0f} / {v['p99']:.0f}" for k, v in s["steps"].items()),
        f"  sold-out refusal, ms: p50 {s['latency_sold_out']['p50']:.0f}, p99 {s['latency_sold_out']['p99']:.0f} "
        f"({s['latency_sold_out']['n']:,})",
        "  the clients' backends, sampled during the race: "
        + ", ".join(f"{state} {share:.0%}" for state, share in s.get("backends", {}).items()),
    ]
    if "booking" in s:
        b = s["booking"]
        lines.append(
            f"  booking (batched accrual, one booking process): {b['booked']:,} orders in {b['batches']:,} batches "
            f"(largest {b['largest_batch']:,}); orders booked/s {b['rate_booked']:.1f}{ratio(b['rate_booked'])}; "
            f"callback → booked p50 {b['lag_ms']['p50']:.0f} ms, p99 {b['lag_ms']['p99']:.0f} ms, max "
            f"{b['lag_ms']['max']:.0f} ms; queue empty "
            + (f"{b['drained_after_last_paid']:.1f} s after the last callback" if b["drained_after_last_paid"]
               is not None else "-"))
    if tps:
        a = out["anchor"]
        lines.append(f"  anchor: {a['command']}: {tps:,.1f} tps, latency {a['latency_ms']} ms, failed {a['failed']}")
    elif "anchor" in out:
        lines.append(f"  anchor: {out['anchor']}")
    lines.append(f"== invariants: allocation {c['allocation']:,}, sold {c['sold']:,} = paid {c['paid_units']:,} + "
                 f"reserved {c['reserved_units']:,}, left {c['left']}, stock after {c['stock_after']:,}; "
                 f"{c['paid_orders']:,} paid orders, {c['commission_rows']:,} commission rows, "
                 f"{c['commissions_total']} booked")
    lines.append(f"  tuishou reconcile: exit {out['reconcile']['exit']} ({' / '.join(out['reconcile']['tail'])})")
    lines.append("  ALL HELD" if not out["failures"] else "  BROKEN:\n    " + "\n    ".join(out["failures"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=5000, help="the campaign's allocation")
    parser.add_argument("--buyers", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=1000, help="promoters with a share link to the product")
    parser.add_argument("--clients", type=int, default=16, help="client processes")
    parser.add_argument("--promoters", type=int, default=100_000)
    parser.add_argument("--small", action="store_true",
                        help="a quick run: 500 units, 1,000 buyers, 100 links, 20,000 promoters, anchor 10 s")
    parser.add_argument("--anchor-seconds", type=int, default=None,
                        help="pgbench duration (0: skip the anchor; default 30, 10 with --small)")
    parser.add_argument("--anchor-clients", type=int, default=8)
    parser.add_argument("--anchor-threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--paid", choices=("services", "fast"), default="services",
                        help="services: the callback books the accrual inline (the default settings); fast: the "
                             "fast paid path (TUISHOU_PAID_FAST_PATH) with the batched accrual "
                             "(TUISHOU_ACCRUAL_BATCHED) and one booking process beside the clients")
    args = parser.parse_args(argv)
    if args.paid == "fast":  # read by the settings at django.setup (db_from_template)
        os.environ["TUISHOU_PAID_FAST_PATH"] = "1"
        os.environ["TUISHOU_CHECKOUT_FAST_PATH"] = "1"
        os.environ["TUISHOU_PAYMENT_START_FAST_PATH"] = "1"
        os.environ["TUISHOU_ACCRUAL_BATCHED"] = "1"
    if args.small:
        args.units, args.buyers, args.links, args.promoters = 500, 1000, 100, 20_000
    if args.anchor_seconds is None:
        args.anchor_seconds = 10 if args.small else 30
    shown = sys.argv if argv is None else ["bench/launch.py", *argv]
    print(f"command: {' '.join([Path(sys.executable).name, *shown])}", flush=True)

    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="tuishou-bench-launch-"))
    out: dict = {"load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    try:
        db_from_template(args.pg_url, workdir)
        launch = build(args, rng)
        out.update(promoters=launch.promoters, timings=launch.timings)
        print(f"built: {launch.timings}", flush=True)
        rows, backends, batches = race(launch, args.clients, booking=args.paid == "fast")
        out["race"] = summarise(rows)
        out["race"]["backends"] = backends
        if batches is not None:
            out["race"]["booking"] = booking_summary(rows, batches)
        print(f"race: {out['race']['outcomes']}", flush=True)
        if args.anchor_seconds:
            out["anchor"] = orders.run_anchor(args)
        out["check"] = check(launch, rows)
        out["reconcile"] = reconcile(args)
        out["failures"] = list(out["check"]["failures"])
        if out["reconcile"]["exit"] != 0:
            out["failures"].append(f"tuishou reconcile exited {out['reconcile']['exit']}")
        out["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(report(out, args), flush=True)
        if args.json:
            args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up yet
            pass
        if not args.keep:
            orders.db_drop(args.pg_url, orders.BENCH_DB)
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if out.get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
