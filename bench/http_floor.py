"""The floor of checkout over HTTP (issue 13: checkout ≥ 30% of a trivial view's requests per second).

One gunicorn, the product's settings with ``bench/http_floor_urls.py``'s URL map, and ``wrk`` with the same
threads and connections for every rung of a ladder, alternated over several rounds in the same run:

1. ``GET /healthz`` — the trivial view (the baseline of ``bench/orders_http.py``);
2. ``POST /api/v1/floor/parse`` — the checkout's own request body parsed and validated, no authentication;
3. ``POST /api/v1/floor/noop`` — the same, token-authenticated as the checkout is, nothing written;
4. ``POST /api/v1/floor/write`` — the same plus one write transaction (one checkout row ``INSERT … RETURNING``);
4b. ``POST /api/v1/floor/lean`` — rung 4 with the token checked by one hand-written statement (not the ORM's);
5. ``POST /api/v1/orders/checkout`` — the real checkout (the fast one with a ``+fast`` shape).

Each rung's requests per second is divided by ``/healthz``'s of the same round. If rung 4 is under the goal, no
checkout can meet it on that machine; between rungs 4 and 5 is what the checkout itself adds.

    TUISHOU_BENCH_DB=<branch>_http .venv/bin/python bench/http_floor.py --promoters 2000 --consumers 100 \\
        --seconds 15 --health-seconds 10 --rounds 3
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.http_floor_settings"
URLCONF = "bench.http_floor_urls"
GOAL = 0.30
RUNGS = ("healthz", "parse", "noop", "write", "lean", "checkout")
LABELS = {"healthz": "1. GET /healthz", "parse": "2. POST floor/parse (no auth)",
          "noop": "3. POST floor/noop (+ token auth)", "write": "4. POST floor/write (+ 1 write txn)",
          "lean": "4b. floor/lean (4, token in 1 SQL)", "checkout": "5. POST orders/checkout"}
PATHS = {"parse": "/api/v1/floor/parse", "noop": "/api/v1/floor/noop", "write": "/api/v1/floor/write",
         "lean": "/api/v1/floor/lean",
         "checkout": "/api/v1/orders/checkout"}  # the last is bench/orders_http.py's CHECKOUT_PATH
STEPS = (("healthz", "parse"), ("parse", "noop"), ("noop", "write"), ("write", "checkout"), ("write", "lean"))


def _body(buyer: tuple[str, int, str], sku_id: int, key: str) -> bytes:
    _token, address_id, code = buyer
    return json.dumps({"lines": [{"sku_id": sku_id, "quantity": 1}], "address_id": address_id,
                       "share_code": code, "idempotency_key": key}).encode()


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _utc() -> str:
    return time.strftime("%H:%M:%S", time.gmtime())


def ladder(*, base: str, workdir: Path, buyers: list[tuple[str, int, str]], sku_ids: list[int], rounds: int,
           seconds: int, health_seconds: int, connections: int, threads: int) -> list[dict]:
    """``rounds`` rounds of the four rungs against the server at ``base`` (odd rounds in reverse order, so no
    rung always follows the same one); each POST rung with a fresh idempotency-key prefix. Returns one dict per
    round: ``{rung: wrk's result}`` plus the rows written, the UTC times and the load average."""
    from bench.orders_http import CHECKOUT_LUA, REPORT_LUA, _get, _wrk

    for rung, path in PATHS.items():  # each answers 201 before any is measured
        status, answer = _get(base + path, data=_body(buyers[0], sku_ids[0], f"probe-{secrets.token_hex(6)}"),
                              headers={"Authorization": f"Bearer {buyers[0][0]}", "Content-Type": "application/json"})
        if status != 201:
            raise RuntimeError(f"{rung} ({path}) answered {status}: {answer[:500]!r}")
    report_lua = workdir / "report.lua"
    report_lua.write_text(REPORT_LUA)
    lua_buyers = ",".join(f'{{"{t}",{a},"{c}"}}' for t, a, c in buyers)
    results = []
    for r in range(rounds):
        order = RUNGS if r % 2 == 0 else tuple(reversed(RUNGS))
        row = {"round": r + 1, "start": _utc(), "load_start": _load(), "order": list(order)}
        for rung in order:
            if rung == "healthz":
                row[rung] = _wrk(base, "/healthz", report_lua, seconds=health_seconds, connections=connections,
                                 threads=threads)
                continue
            nonce = secrets.token_hex(4)
            script = workdir / f"{rung}.lua"
            script.write_text(CHECKOUT_LUA % {"buyers": lua_buyers, "skus": ",".join(map(str, sku_ids)),
                                              "nonce": nonce, "seed": 4242 + r, "path": PATHS[rung]} + REPORT_LUA)
            result = _wrk(base, PATHS[rung], script, seconds=seconds, connections=connections, threads=threads)
            result["written"] = _written(rung, f"wrk-{nonce}-")
            row[rung] = result
        row["end"], row["load_end"] = _utc(), _load()
        results.append(row)
    return results


def _written(rung: str, prefix: str) -> int | None:
    """Rows the rung's wrk run left (a check that every answered request did its work)."""
    from django.db import connection, connections

    from bench.http_floor_urls import FLOOR_TABLE
    from tuishou.orders.models import Checkout

    if rung in ("parse", "noop"):
        return None
    table = Checkout._meta.db_table if rung == "checkout" else FLOOR_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE idempotency_key LIKE %s", [prefix + "%"])
        written = cursor.fetchone()[0]
    connections.close_all()  # hold no connection while the server is measured
    return written


def in_process(*, buyers: list[tuple[str, int, str]], sku_ids: list[int], requests: int) -> dict:
    """Median ms per request of each rung through Django's whole handler in this process (no socket, no
    gunicorn): the CPU a request costs the server's side, database round trips included."""
    from django.test import Client, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    nonce = secrets.token_hex(4)
    times: dict[str, list[float]] = {rung: [] for rung in RUNGS}

    def one(rung: str, i: int) -> None:
        if rung == "healthz":
            status = client.get("/healthz").status_code
        else:
            buyer = buyers[i % len(buyers)]
            status = client.post(PATHS[rung], _body(buyer, sku_ids[i % len(sku_ids)], f"inproc-{nonce}-{rung}-{i}"),
                                 content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {buyer[0]}").status_code
        if status not in (200, 201):
            raise RuntimeError(f"{rung} answered {status} in process")

    with override_settings(ROOT_URLCONF=URLCONF):
        for i in range(10):  # warm: imports, URL resolver, prepared plans
            for rung in RUNGS:
                one(rung, i)
        for i in range(requests):
            for rung in RUNGS:
                t = time.perf_counter()
                one(rung, 100 + i)
                times[rung].append(time.perf_counter() - t)
    return {rung: 1000 * statistics.median(v) for rung, v in times.items()}


def report(shape: str, rounds: list[dict]) -> str:
    lines = [f"== {shape}: {len(rounds)} rounds, rung ÷ /healthz of the same round (goal ≥ {GOAL:.0%} for checkout)",
             f"  {'round':<6}{'rung':<38}{'req/s':>9}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>8}"
             f"{'errors':>7}{'written':>9}"]
    for row in rounds:
        health = row["healthz"]["rate"]
        for rung in RUNGS:
            r = row[rung]
            errors = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
            written = "" if r.get("written") is None else f"{r['written']:,}"
            lines.append(f"  {row['round']:<6}{LABELS[rung]:<38}{r['rate']:>9.1f}{r['rate'] / health:>8.1%}"
                         f"{r['p50_us'] / 1000:>9.1f}{r['p99_us'] / 1000:>9.1f}{r['status_errors']:>8}{errors:>7}"
                         f"{written:>9}")
        lines.append(f"        {row['start']}–{row['end']} UTC, load average {row['load_start']} → {row['load_end']}")
    lines.append("  summary (median over rounds of each round's ratio; pooled = all requests ÷ all seconds):")
    for rung in RUNGS[1:]:
        if not rounds:
            break
        ratios = [row[rung]["rate"] / row["healthz"]["rate"] for row in rounds]
        pooled = (sum(row[rung]["requests"] for row in rounds) / sum(row[rung]["duration_us"] for row in rounds)) / (
            sum(row["healthz"]["requests"] for row in rounds) / sum(row["healthz"]["duration_us"] for row in rounds))
        lines.append(f"    {LABELS[rung]:<38} median {statistics.median(ratios):6.1%}  pooled {pooled:6.1%}  "
                     f"range {min(ratios):.1%}–{max(ratios):.1%}")
    lines.append("  each step's price in the machine's time per request (1/rate(b) − 1/rate(a), median over rounds):")
    for a, b in STEPS:
        if not rounds:
            break
        costs = [1000 * (1 / row[b]["rate"] - 1 / row[a]["rate"]) for row in rounds]
        lines.append(f"    {a} → {b}: {statistics.median(costs):.3f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """The floor of checkout over HTTP: a small world (``bench/orders.py``'s builder), then for each ``--serve``
    shape one gunicorn with the floor's URL map and ``--rounds`` rounds of the ladder measured with wrk."""
    import argparse
    import tempfile

    sys.path.insert(0, str(ROOT))
    from bench import http_world, orders_http

    parser = argparse.ArgumentParser(description=main.__doc__.split("\n")[0])
    parser.add_argument("--serve", action="append", metavar="SHAPE",
                        help="gunicorn shape as in bench/orders_http.py (sync:W, gthread:WxT, +pool, +prep, +fast), "
                             "repeatable (default: gthread:2x4+prep+fast, the lead's last checkout measure)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15, help="wrk duration of each POST rung, per round")
    parser.add_argument("--health-seconds", type=int, default=10, help="wrk duration on /healthz, per round")
    parser.add_argument("--in-process", type=int, default=100, help="requests per rung through Django's handler "
                        "in this process, median ms (0: skip)")
    parser.add_argument("--profile-requests", type=int, default=0,
                        help="then bench/orders_http.py's cProfile of that many checkouts in process (0: skip)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    http_world.arguments_add(parser, promoters=2_000, consumers=100)
    args = parser.parse_args(argv)
    shapes = args.serve or ["gthread:2x4+prep+fast"]
    os.environ.setdefault("TUISHOU_BENCH_DB", "http_floor")
    # The in-process figures take the fast checkout, like the default shape (read by the settings at setup).
    os.environ.setdefault("TUISHOU_CHECKOUT_FAST_PATH", "1")
    from bench import orders

    os.environ.update(orders_http.NO_HOARDING_LIMITS)  # before the settings load, as orders_http does
    shown = sys.argv if argv is None else ["bench/http_floor.py", *argv]
    print(f"command: {' '.join([Path(sys.executable).name, *shown])}", flush=True)
    print(f"start {_utc()} UTC, load average {_load()}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="tuishou-bench-floor-"))
    figures: dict = {"command": " ".join(shown), "shapes": {}}
    try:
        world = http_world.world_make(args, workdir)
        from bench.http_floor_urls import floor_table_create

        floor_table_create()
        if args.in_process:
            ms = in_process(buyers=world.http_buyers, sku_ids=world.sku_ids, requests=args.in_process)
            figures["in_process_ms"] = ms
            print(f"== in process, median ms per request of {args.in_process} (Django's handler, no socket; "
                  f"fast checkout {os.environ['TUISHOU_CHECKOUT_FAST_PATH']}): "
                  + "; ".join(f"{LABELS[r]} {ms[r]:.2f}" for r in RUNGS), flush=True)
        if args.profile_requests:
            print(orders_http.profile_report(orders_http.profile(buyers=world.http_buyers, sku_ids=world.sku_ids,
                                                                 requests=args.profile_requests)), flush=True)
        from django.db import connections

        connections.close_all()
        for shape in shapes:
            if shutil.which("wrk") is None:
                print("== skipped: wrk is not installed (apt-get install wrk)")
                break
            s = http_world.shape_parse(shape)
            with orders_http.served(db_url=orders.db_url(args.pg_url, orders.BENCH_DB), workdir=workdir,
                                    workers=s["workers"], threads=s["gunicorn_threads"], pool=s["pool"],
                                    prepare=s["prepare"], fast=s["fast"], settings=SETTINGS) as base:
                rounds = ladder(base=base, workdir=workdir, buyers=world.http_buyers, sku_ids=world.sku_ids,
                                rounds=args.rounds, seconds=args.seconds, health_seconds=args.health_seconds,
                                connections=args.connections, threads=args.wrk_threads)
            figures["shapes"][shape] = rounds
            print(report(f"gunicorn {shape}, wrk -t{args.wrk_threads} -c{args.connections}", rounds), flush=True)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            orders.db_drop(args.pg_url, orders.BENCH_DB)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"end {_utc()} UTC, load average {_load()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
