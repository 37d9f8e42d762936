"""Benchmark of the web app's busiest pages against a trivial view on the same server (run on demand).

    .venv/bin/python bench/pages.py                       # 100,000 promoters, 20 s per page
    .venv/bin/python bench/pages.py --promoters 20000 --seconds 10 --keep

Builds a throwaway PostgreSQL database (``tuishou_bench_pages``, dropped and re-created, dropped again at the end
unless ``--keep``) with the project's migrations and the demo's shapes scaled up: the network of
``bench/network_tree.py`` (100,000 promoters by default), a plan in force, merchants with SKUs, micro-stores
of ``--stores`` promoters with ``--items`` items each and their recommendation texts, product share links, and
for ``--centre`` promoters real paid orders through their links (checkout → payment → the sandbox's signed
callback → commissions in the ledger) and a signed-in session each. Then gunicorn serves the project with
``DEBUG=0`` on loopback and ``wrk`` (32 connections) measures, one after the other on the same server:

* ``GET /healthz`` — the trivial view, the baseline (the same middleware stack, no template, no query);
* ``GET /m/<code>`` — a random store page;            goal ≥ 50 % of the baseline's requests/s
* ``GET /p/<code>`` — a random product page (by link); goal ≥ 50 %
* ``GET /centre/`` — a random signed-in promoter's centre overview; goal ≥ 25 %

and prints one table (requests/s, latency percentiles, non-2xx answers) with each page's ratio to the baseline.
Results with their command go to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TUISHOU_BENCH_DB", "tuishou_bench_pages")

from bench import orders  # noqa: E402
from bench.network_tree import _bulk_load, encode, generate  # noqa: E402
from bench.orders_http import REPORT_LUA, _get, _wrk, served  # noqa: E402

GOALS = {"store": 0.50, "product": 0.50, "centre": 0.25}
RECOMMENDATIONS = ["自用三个月回购的好物，家里老人孩子都爱吃。", "产地直发，收到当天就能吃上，性价比很高。",
                   "朋友圈好评最多的一款，这次活动价很划算。", "验货区推手实测过，品质放心，售后无忧。"]

PATHS_LUA = r"""
-- Each request: a random path of the list (and, for signed-in pages, a random session cookie).
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  math.randomseed(%(seed)d + tid * 7919)
end

request = function()
  local headers = {["Accept-Language"] = "zh-CN"}
  if #cookies > 0 then headers["Cookie"] = "sessionid=" .. cookies[math.random(#cookies)] end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
"""


def world_build(args, rng: random.Random) -> dict:
    """The data the pages read, built through the services except the network (bulk-loaded as in
    ``bench/network_tree.py``)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from tests.orders import factories as f
    from tuishou.accounts.models import User
    from tuishou.network.models import Promoter
    from tuishou.stores.models import ShareLink
    from tuishou.stores.services import share_link_get_or_create, store_get_or_create, store_item_add

    timings = {}
    t0 = time.perf_counter()
    parent = generate(args.promoters, chains=3, chain_length=min(600, args.promoters // 10), seed=args.seed)
    paths, depth, children, roots = encode(parent)
    _bulk_load(parent, paths, depth, children, roots, [rng.randrange(0, 100_000) for _ in parent])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE network_promoter SET rank = 'shopkeeper' WHERE mod(id, %s) = 0", [5])
    timings["network"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    f.plan()
    skus = []
    for m in range(args.merchants):
        shop = f.shop(name=f"商家{m:03d}", fee_rate="0.0500")
        for k in range(args.products // args.merchants):
            skus.append(f.sku(merchant=shop, price=rng.choice(orders.PRICES), stock=orders.STOCK,
                              title=f"产地直发 好物 {m}-{k}", rate=rng.choice(["0.1000", "0.2000", "0.3000"])))
    store_codes, link_codes, centre_links = [], [], {}
    sampled = rng.sample(range(1, len(parent) + 1), args.stores)
    for index, pid in enumerate(sampled):
        promoter = Promoter.objects.select_related("user").get(pk=pid)
        store_codes.append(store_get_or_create(promoter=promoter).code)
        for item in rng.sample(skus, min(args.items, len(skus))):
            store_item_add(user=promoter.user, product_id=item.product_id, recommendation=rng.choice(RECOMMENDATIONS))
        links = [share_link_get_or_create(promoter=promoter, target=ShareLink.Target.PRODUCT,
                                          product_id=item.product_id) for item in rng.sample(skus, 3)]
        link_codes.extend(link.code for link in links)
        if index < args.centre:
            centre_links[promoter.user_id] = [link.code for link in links]
    timings["stores"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    placer = orders.Placer()
    consumers = []
    for number in range(args.consumers):
        person = User(username=f"bench_p{number}", phone=f"157{number:08d}", display_name=f"顾客{number}")
        person.set_unusable_password()
        person.save()
        consumers.append((person.pk, f.address(person).pk))
    sku_by_link = {}
    serial = 0
    for codes in centre_links.values():
        for _ in range(args.orders_each):
            code = rng.choice(codes)
            if code not in sku_by_link:
                link = ShareLink.objects.get(code=code)
                sku_by_link[code] = next(s.pk for s in skus if s.product_id == link.product_id)
            buyer_id, address_id = consumers[serial % len(consumers)]
            serial += 1
            placer.place((buyer_id, address_id, sku_by_link[code], rng.randint(1, 2), code, f"bench-pages-{serial}"))
    timings["orders"] = time.perf_counter() - t0

    cookies = []
    for user in User.objects.filter(pk__in=list(centre_links)):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "tuishou.accounts.backends.PhoneOrUsernameBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookies.append(session.session_key)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"stores": store_codes, "links": link_codes, "cookies": cookies, "orders": serial, "timings": timings}


def measure(base: str, workdir: Path, world: dict, args) -> dict:
    """One wrk run per page, the baseline first, each after a short warm-up of every path."""
    pages = {"healthz": (["/healthz"], []),
             "store": ([f"/m/{code}" for code in world["stores"]], []),
             "product": ([f"/p/{code}" for code in world["links"]], []),
             "centre": (["/centre/"], world["cookies"])}
    results = {}
    for name, (paths, cookies) in pages.items():
        status, _body = _get(base + paths[0], headers={"Cookie": f"sessionid={cookies[0]}"} if cookies else None)
        script = workdir / f"{name}.lua"
        script.write_text(PATHS_LUA % {"paths": ",".join(f'"{p}"' for p in paths),
                                       "cookies": ",".join(f'"{c}"' for c in cookies), "seed": args.seed}
                          + REPORT_LUA)
        result = _wrk(base, paths[0], script, seconds=args.seconds, connections=args.connections,
                      threads=args.threads)
        result["probe_status"] = status
        results[name] = result
    return results


def report(results: dict, world: dict, args) -> str:
    base = results["healthz"]["rate"]
    lines = [f"== pages on PostgreSQL: {args.promoters:,} promoters, {len(world['stores'])} stores × {args.items} "
             f"items, {len(world['links'])} product links, {world['orders']} paid orders for {len(world['cookies'])} "
             f"signed-in promoters; gunicorn {args.workers} sync workers, DEBUG=0; wrk {args.threads} threads × "
             f"{args.connections} connections, {args.seconds} s each",
             f"  {'page':<10}{'probe':>6}{'requests':>10}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'non-2xx':>9}"
             f"{'ratio':>8}{'goal':>7}"]
    for name, r in results.items():
        ratio = r["rate"] / base if base else 0.0
        goal = GOALS.get(name)
        lines.append(f"  {name:<10}{r['probe_status']:>6}{r['requests']:>10,}{r['rate']:>9.1f}"
                     f"{r['p50_us'] / 1000:>8.1f}{r['p99_us'] / 1000:>8.1f}{r['status_errors']:>9}{ratio:>8.2f}"
                     + (f"{goal:>7.2f} {'met' if ratio >= goal else 'MISSED'}" if goal else ""))
    lines.append("  build: " + ", ".join(f"{k} {v:.1f} s" for k, v in world["timings"].items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=os.environ.get("TUISHOU_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--promoters", type=int, default=100_000)
    parser.add_argument("--merchants", type=int, default=4)
    parser.add_argument("--products", type=int, default=40)
    parser.add_argument("--stores", type=int, default=300)
    parser.add_argument("--items", type=int, default=12)
    parser.add_argument("--centre", type=int, default=40, help="signed-in promoters with orders")
    parser.add_argument("--orders-each", type=int, default=8)
    parser.add_argument("--consumers", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    orders.db_recreate(args.pg, orders.BENCH_DB)
    workdir = Path(tempfile.mkdtemp(prefix="tuishou-bench-pages-"))
    try:
        os.environ["TUISHOU_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
        orders.django_setup(args.pg, workdir)
        world = world_build(args, rng)
        with served(db_url=orders.db_url(args.pg, orders.BENCH_DB), workdir=workdir, workers=args.workers) as base:
            results = measure(base, workdir, world, args)
        print(report(results, world, args))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            orders.db_drop(args.pg, orders.BENCH_DB)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
