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
def served(*, db_url: str, workdir: Path, workers: int):
    """gunicorn serving the project (``DEBUG=0``, static files collected) on a free loopback port, answering
    ``/healthz`` before the block runs; stopped by its own pid whatever happens. Yields the base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=db_url, DEBUG="0", LOG_LEVEL="WARNING", ALLOWED_HOSTS="127.0.0.1",
               TUISHOU_ALLOW_SANDBOX="1",
               TUISHOU_DATA_DIR=str(workdir), SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only"),
               DJANGO_SETTINGS_MODULE="tuishou.settings", PYTHONPATH=str(ROOT))
    env.pop("TUISHOU_TESTING", None)
    subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True)
    cmd = [sys.executable, "-m", "gunicorn", "tuishou.wsgi:application", "--workers", str(workers),
           "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning"]
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
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
        health_seconds: int, connections: int, threads: int, workers: int) -> dict:
    """Serve the project with gunicorn on a free loopback port and measure checkout and /healthz with wrk."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    nonce = secrets.token_hex(4)
    with served(db_url=db_url, workdir=workdir, workers=workers) as base:
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
        results = {"workers": workers, "connections": connections, "threads": threads}
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
    lines = [f"== HTTP on loopback: gunicorn {http['workers']} sync workers, wrk {http['threads']} threads × "
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
