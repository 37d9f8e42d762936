"""The HTTP part of the orders benchmark (``bench/orders.py`` calls ``run``): gunicorn serving the project on
loopback against the bench database, ``wrk`` driving it.

``wrk -t2 -c32`` for ``--http-seconds`` against ``POST /api/v1/orders/checkout``: every request is a consumer's
(``Authorization: Bearer`` with a pre-issued API token), one SKU, a fresh idempotency key, and for half the
consumers the share code they arrived with; then, for reference, ``GET /healthz``. A Lua script reports
requests, errors and latency percentiles as one JSON line. gunicorn is stopped (by its own pid) at the end,
whatever happened.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKOUT_PATH = "/api/v1/orders/checkout"
# wrk sends each consumer's checkouts by the hundred and never pays them: the anti-hoarding limits (5 unpaid
# checkouts, 10 units of a SKU per buyer) would answer 409 after the fifth. Raised, not switched off: their
# queries still run on every checkout.
NO_HOARDING_LIMITS = {"TUISHOU_UNPAID_CHECKOUTS_MAX": "1000000000", "TUISHOU_UNPAID_UNITS_PER_SKU_MAX": "1000000000"}

REPORT_LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "status_errors": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
"""

CHECKOUT_LUA = r"""
-- Each request: a random consumer (token, address, share code), a random SKU, a never-used idempotency key.
local buyers = {%(buyers)s}
local skus = {%(skus)s}
local nonce = "%(nonce)s"
local next_thread = 0
local counter = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  math.randomseed(%(seed)d + tid * 7919)
end

request = function()
  counter = counter + 1
  local b = buyers[math.random(#buyers)]
  local body = string.format(
    '{"lines":[{"sku_id":%%d,"quantity":1}],"address_id":%%d,"share_code":"%%s","idempotency_key":"wrk-%%s-%%d-%%d"}',
    skus[math.random(#skus)], b[2], b[3], nonce, tid, counter)
  return wrk.format("POST", "%(path)s",
                    {["Authorization"] = "Bearer " .. b[1], ["Content-Type"] = "application/json"}, body)
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, *, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wrk(base: str, path: str, script: Path, *, seconds: int, connections: int, threads: int) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
           base + path]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed: {proc.stdout[-2000:]} {proc.stderr[-2000:]}")
    result = json.loads(line.split(" ", 1)[1])
    result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
    result["command"] = " ".join(["wrk", *cmd[1:-3], script.name, path])
    return result


@contextmanager
def served(*, db_url: str, workdir: Path, workers: int, threads: int = 0, pool: bool = False,
           prepare: bool = False, fast: bool = False, settings: str = "tuishou.settings"):
    """gunicorn serving the project (``DEBUG=0``, static files collected) on a free loopback port, answering
    ``/healthz`` before the block runs; stopped by its own pid whatever happens. Yields the base URL.

    ``threads`` 0: sync workers (one request at a time each); else gthread workers with that many threads.
    ``pool``: Django's psycopg connection pool (``TUISHOU_DB_POOL``) instead of one persistent connection.
    ``prepare``: prepared statements (``TUISHOU_DB_PREPARE_AFTER=5``) instead of client-side binding.
    ``fast``: the hand-written checkout (``TUISHOU_CHECKOUT_FAST_PATH=1``) instead of the services alone.
    ``settings``: the settings module (``bench/http_floor.py`` serves the project's URLs plus its own)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=db_url, DEBUG="0", LOG_LEVEL="WARNING", ALLOWED_HOSTS="127.0.0.1",
               TUISHOU_ALLOW_SANDBOX="1",
               TUISHOU_DATA_DIR=str(workdir), SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only"),
               DJANGO_SETTINGS_MODULE=settings, PYTHONPATH=str(ROOT))
    env.pop("TUISHOU_TESTING", None)
    env.update(NO_HOARDING_LIMITS)
    env.pop("TUISHOU_DB_POOL", None)
    env["TUISHOU_DB_PREPARE_AFTER"] = "5" if prepare else "off"
    env["TUISHOU_CHECKOUT_FAST_PATH"] = "1" if fast else "0"
    if pool:
        env["TUISHOU_DB_POOL"] = str(max(threads, 1) + 1)  # at most a connection per thread, and one spare
    subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True)
    cmd = [sys.executable, "-m", "gunicorn", "tuishou.wsgi:application", "--workers", str(workers),
           *(["--worker-class", "gthread", "--threads", str(threads)] if threads else ["--worker-class", "sync"]),
           "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning"]
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240  # a loaded machine imports slowly
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not come up: " + (workdir / "gunicorn.log").read_text()[-2000:])
            time.sleep(0.3)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def run(*, db_url: str, workdir: Path, buyers: list[tuple[str, int, str]], sku_ids: list[int], seconds: int,
        health_seconds: int, connections: int, threads: int, workers: int, gunicorn_threads: int = 0,
        pool: bool = False, prepare: bool = False, fast: bool = False) -> dict:
    """Serve the project with gunicorn on a free loopback port and measure checkout and /healthz with wrk
    (``threads``: wrk's; ``gunicorn_threads``, ``pool``, ``prepare``, ``fast``: see ``served``)."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    nonce = secrets.token_hex(4)
    with served(db_url=db_url, workdir=workdir, workers=workers, threads=gunicorn_threads, pool=pool,
                prepare=prepare, fast=fast) as base:
        token, address_id, code = buyers[0]
        status, body = _get(base + CHECKOUT_PATH, data=json.dumps(
            {"lines": [{"sku_id": sku_ids[0], "quantity": 1}], "address_id": address_id, "share_code": code,
             "idempotency_key": f"wrk-{nonce}-probe"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        if status != 201:
            raise RuntimeError(f"checkout through HTTP answered {status}: {body[:500]!r}")
        lua_buyers = ",".join(f'{{"{t}",{a},"{c}"}}' for t, a, c in buyers)
        checkout_lua = workdir / "checkout.lua"
        checkout_lua.write_text(CHECKOUT_LUA % {"buyers": lua_buyers, "skus": ",".join(map(str, sku_ids)),
                                                "nonce": nonce, "seed": 4242, "path": CHECKOUT_PATH}
                                + REPORT_LUA)
        report_lua = workdir / "report.lua"
        report_lua.write_text(REPORT_LUA)
        results = {"workers": workers, "connections": connections, "threads": threads,
                   "gunicorn_threads": gunicorn_threads, "pool": pool, "prepare": prepare, "fast": fast}
        results["healthz"] = _wrk(base, "/healthz", report_lua, seconds=health_seconds, connections=connections,
                                  threads=threads)
        results["checkout"] = _wrk(base, CHECKOUT_PATH, checkout_lua, seconds=seconds, connections=connections,
                                   threads=threads)
    from tuishou.orders.models import Checkout

    results["checkout"]["created"] = Checkout.objects.filter(idempotency_key__startswith=f"wrk-{nonce}-").count() - 1
    return results


def report(http: dict) -> str:
    if "skipped" in http:
        return f"== HTTP skipped: {http['skipped']}"
    served_by = (f"{http['workers']} gthread workers × {http['gunicorn_threads']} threads"
                 if http.get("gunicorn_threads") else f"{http['workers']} sync workers")
    pooled = ((", psycopg pool" if http.get("pool") else "") + (", prepared statements" if http.get("prepare") else "")
              + (", fast checkout" if http.get("fast") else ""))
    lines = [f"== HTTP on loopback: gunicorn {served_by}{pooled}, wrk {http['threads']} threads × "
             f"{http['connections']} connections",
             f"  {'endpoint':<34}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
             f"{'errors':>8}"]
    for name, label in (("checkout", f"POST {CHECKOUT_PATH}"), ("healthz", "GET /healthz")):
        r = http[name]
        errors = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
        lines.append(f"  {label:<34}{r['requests']:>10,}{r['rate']:>10.1f}{r['p50_us'] / 1000:>9.1f}"
                     f"{r['p90_us'] / 1000:>9.1f}{r['p99_us'] / 1000:>9.1f}{r['status_errors']:>9}{errors:>8}")
    c = http["checkout"]
    lines.append(f"  checkouts written by the wrk run: {c['created']:,} (requests answered: {c['requests']:,})")
    lines.append(f"  commands: {c['command']}; {http['healthz']['command']}")
    return "\n".join(lines)


# --- where a checkout request's time goes (in process, through Django's whole handler) ------------------------------

def profile(*, buyers: list[tuple[str, int, str]], sku_ids: list[int], requests: int, top: int = 12) -> dict:
    """``requests`` checkouts through Django's request handler in this process (every middleware, the token's
    authentication, the view, the service and the response's serialisation; no socket, no gunicorn), and as
    many ``/healthz``: ms per request, statements per request by kind, and cProfile's cumulative time of the
    request's parts."""
    import cProfile
    import pstats
    import re
    import statistics

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    nonce = secrets.token_hex(4)

    def checkout(i: int):
        token, address_id, code = buyers[i % len(buyers)]
        body = {"lines": [{"sku_id": sku_ids[i % len(sku_ids)], "quantity": 1}], "address_id": address_id,
                "share_code": code, "idempotency_key": f"prof-{nonce}-{i}"}
        response = client.post(CHECKOUT_PATH, body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        if response.status_code != 201:
            raise RuntimeError(f"checkout answered {response.status_code}: {response.content[:300]!r}")

    for i in range(10):  # warm: imports, URL resolver, prepared plans
        checkout(i)
        client.get("/healthz")
    times, health = [], []
    for i in range(requests):
        t = time.perf_counter()
        checkout(100 + i)
        times.append(time.perf_counter() - t)
        t = time.perf_counter()
        client.get("/healthz")
        health.append(time.perf_counter() - t)
    spent: list[tuple[str, float]] = []

    def timer(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((sql, time.perf_counter() - t))

    with connection.execute_wrapper(timer):
        checkout(10**6)
    first = [sql for sql, _ in spent]
    for i in range(requests // 4):
        with connection.execute_wrapper(timer):
            checkout(3 * 10**6 + i)
    per_sql: dict[str, list[float]] = {}
    for sql, seconds in spent:
        per_sql.setdefault(re.sub(r"\s+", " ", re.sub(r'"s\d+_x\d+"', '"sp"', sql))[:100], []).append(seconds)
    runs = 1 + requests // 4
    slowest = sorted(((1000 * sum(v) / runs, sql) for sql, v in per_sql.items()), reverse=True)[:8]
    statements = [re.sub(r"\s+", " ", sql)[:160] for sql in first]
    kinds: dict[str, int] = {}
    for sql in statements:
        kind = sql.split(" ", 1)[0].upper()
        kinds[kind] = kinds.get(kind, 0) + 1

    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(requests):
        checkout(2 * 10**6 + i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    parts = {  # (file fragment, function): the request's stages, cumulative
        "whole handler (WSGI → response)": ("django/core/handlers/base.py", "get_response"),
        "token authentication": ("tuishou/accounts/services.py", "api_token_authenticate"),
        "view (ninja: parse, auth, call, serialise)": ("ninja/operation.py", "run"),
        "checkout_submit (the service)": ("tuishou/orders/checkout.py", "checkout_submit"),
        "checkout_out (the response's reads)": ("tuishou/orders/schemas.py", "checkout_out"),
        "ninja response validation": ("ninja/operation.py", "_result_to_response"),
        "session middleware": ("django/contrib/sessions/middleware.py", "process_response"),
        "CSRF middleware": ("django/middleware/csrf.py", "process_view"),
        "axes middleware": ("axes/middleware.py", "__call__"),
        "driver execute (all statements)": ("psycopg/cursor.py", "execute"),
        "Django query compilation": ("django/db/models/sql/compiler.py", "as_sql"),
    }
    found = {}
    for label, (fragment, name) in parts.items():
        ms = sum(st[3] for func, st in stats.stats.items() if func[0].endswith(fragment) and func[2] == name)
        found[label] = 1000 * ms / requests
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return {"requests": requests, "ms_checkout": 1000 * statistics.median(times),
            "ms_healthz": 1000 * statistics.median(health), "statements": statements, "kinds": kinds,
            "db_ms": 1000 * sum(t for _, t in spent) / runs, "slowest": slowest,
            "parts_ms": found, "profiled_ms": 1000 * total / requests,
            "top_self": [(f"{func[0].rsplit('site-packages/', 1)[-1].rsplit('/tuishou/', 1)[-1]}:{func[2]}",
                          st[2] / total) for func, st in rows]}


def profile_report(p: dict) -> str:
    lines = [f"== one checkout request in process (Django's handler, median of {p['requests']}): "
             f"{p['ms_checkout']:.2f} ms; /healthz {p['ms_healthz']:.2f} ms",
             f"  statements: {len(p['statements'])} ({', '.join(f'{k} {v}' for k, v in p['kinds'].items())})"]
    lines += [f"    {sql}" for sql in p["statements"]]
    lines.append(f"  in the driver's execute: {p['db_ms']:.2f} ms per request; the costliest (ms per request):")
    lines += [f"    {ms:7.2f}  {sql}" for ms, sql in p["slowest"]]
    lines.append(f"  cumulative ms per request under cProfile (profiled total {p['profiled_ms']:.2f} ms):")
    lines += [f"    {ms:7.2f}  {label}" for label, ms in p["parts_ms"].items()]
    lines.append("  top own time: " + "; ".join(f"{name} {share:.0%}" for name, share in p["top_self"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Checkout over HTTP on its own: a small world (``bench/orders.py``'s builder), the in-process profile, then
    gunicorn in each ``--serve`` shape, measuring ``/healthz`` and checkout with wrk in the same run."""
    import argparse
    import tempfile

    sys.path.insert(0, str(ROOT))
    from bench.http_world import arguments_add, shape_parse, world_make

    parser = argparse.ArgumentParser(description=main.__doc__.split("\n")[0])
    parser.add_argument("--serve", action="append", metavar="SHAPE",
                        help="gunicorn shape, repeatable: sync:W (W sync workers), gthread:WxT, +pool for "
                             "the psycopg pool, +prep for prepared statements, +fast for the hand-written "
                             "checkout, e.g. sync:4 or gthread:2x8+pool+prep+fast (default: sync:4 and the "
                             "shape `tuishou serve` runs)")
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration on checkout, per shape")
    parser.add_argument("--health-seconds", type=int, default=10, help="wrk duration on /healthz, per shape")
    parser.add_argument("--profile-requests", type=int, default=100, help="in-process profile (0: skip)")
    arguments_add(parser, promoters=20_000, consumers=400)
    args = parser.parse_args(argv)
    shapes = args.serve or ["sync:4", "gthread:2x4"]
    os.environ.setdefault("TUISHOU_BENCH_DB", "launch13_http")
    os.environ.update(NO_HOARDING_LIMITS)  # before the settings load (the in-process profile)
    from bench import orders

    shown = sys.argv if argv is None else ["bench/orders_http.py", *argv]
    print(f"command: {' '.join([Path(sys.executable).name, *shown])}", flush=True)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="tuishou-bench-http-"))
    try:
        world = world_make(args, workdir)
        if args.profile_requests:
            print(profile_report(profile(buyers=world.http_buyers, sku_ids=world.sku_ids,
                                         requests=args.profile_requests)), flush=True)
        from django.db import connections

        connections.close_all()
        for shape in shapes:
            result = run(db_url=orders.db_url(args.pg_url, orders.BENCH_DB), workdir=workdir,
                         buyers=world.http_buyers, sku_ids=world.sku_ids, seconds=args.seconds,
                         health_seconds=args.health_seconds, connections=args.connections,
                         threads=args.wrk_threads, **shape_parse(shape))
            print(report(result), flush=True)
            if "skipped" not in result:
                ratio = result["checkout"]["rate"] / result["healthz"]["rate"]
                print(f"  checkout ÷ /healthz: {ratio:.1%} (goal ≥ 30%); load average "
                      f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            orders.db_drop(args.pg_url, orders.BENCH_DB)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
