"""Running the floor (``bench/orders.py --floor``; the scripts come from ``bench/orders_floor.py``): copy the
bench's database, capture there, write the scripts, replay them with pgbench at each client count (and with
``synchronous_commit`` off), replay the booking batch, count the rows and index entries written per order, sample
what the backends wait on, and report against the anchor and the fast contestants of the same run."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.orders_floor import BASE, MARKERS, MAX_SCRIPTS, STEPS, booking_script, capture, one_transaction, script


def _pgbench(pgbench: str, options: list[str], env: dict, db: str, files: list[Path], *, clients: int,
             seconds: int = 0, transactions: int = 0, protocol: str, defines: dict) -> dict:
    threads = min(clients, 2)
    cmd = [pgbench, "-n", "-r", "-M", protocol, "-c", str(clients), "-j", str(threads),
           *(["-T", str(seconds)] if seconds else ["-t", str(transactions)]),
           *[a for k, v in defines.items() for a in ("-D", f"{k}={v}")],
           *[a for f in files for a in ("-f", f"{f}@1" if len(files) > 1 else str(f))], *options, db]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    out = proc.stdout
    tps = re.search(r"tps = ([0-9.]+) \(without initial", out)
    processed = re.search(r"number of transactions actually processed: (\d+)", out)
    failed = re.search(r"number of failed transactions: (\d+)", out)
    latency = re.search(r"latency average = ([0-9.]+) ms", out)
    per_script = []  # [(transactions, [latency ms per command])]
    for block in re.split(r"\nSQL script \d+: ", out)[1:]:
        count = re.search(r"- (\d+) transactions", block)
        lat = [float(m.group(1)) for m in re.finditer(r"^\s+([0-9]+\.[0-9]+)\s+(?:\d+\s+)?\S", block, re.M)]
        per_script.append((int(count.group(1)) if count else 0, lat))
    if not per_script:  # one script: pgbench prints its statements without a header
        lat = [float(m.group(1)) for m in re.finditer(r"^\s+([0-9]+\.[0-9]+)\s+(?:\d+\s+)?\S", out, re.M)]
        per_script.append((0, lat))
    shown = " ".join(cmd[1:]).replace(str(files[0].parent) + "/", "")
    if len(files) > 1:
        shown = re.sub(r"(-f \S+ )+", f"-f <{len(files)} order scripts> ", shown)
    return {"tps": float(tps.group(1)) if tps else 0.0, "processed": int(processed.group(1)) if processed else 0,
            "failed": int(failed.group(1)) if failed else 0,
            "latency_ms": float(latency.group(1)) if latency else None, "per_script": per_script,
            "aborted": proc.returncode != 0, "stderr": proc.stderr.strip()[-600:], "command": "pgbench " + shown}


class WaitSampler:
    """What the floor database's backends are doing, sampled every 50 ms during a replay from
    ``pg_stat_activity``: on CPU (active, no wait event), waiting (the event; ``Client:ClientRead`` is waiting for
    pgbench's next statement: the round trip and pgbench's own work), or idle (between transactions)."""

    def __init__(self, pg_url: str, db: str) -> None:
        import threading

        self.pg_url, self.db, self.counts = pg_url, db, {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.pg_url, autocommit=True) as conn:
            while not self.stop.wait(0.05):
                for state, kind, event in conn.execute(
                        "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = %s "
                        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()", [self.db]):
                    key = ("idle" if state == "idle" else f"{kind}:{event}" if kind else "CPU")
                    self.counts[key] = self.counts.get(key, 0) + 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def shares(self, top: int = 6) -> dict[str, float]:
        total = sum(self.counts.values()) or 1
        return {k: v / total for k, v in sorted(self.counts.items(), key=lambda kv: -kv[1])[:top]}


def _step_ms(result: dict, steps: list[list[str]]) -> dict[str, float]:
    """Mean latency per step over the orders run (each script weighted by how often it ran)."""
    total, sums = 0, dict.fromkeys(STEPS, 0.0)
    for (count, lat), names in zip(result["per_script"], steps, strict=False):
        if not count or len(lat) != len(names):
            continue
        total += count
        for ms, name in zip(lat, names, strict=True):
            if name:
                sums[name] += ms * count
    return {k: v / total for k, v in sums.items()} if total else {}


def run(world, args, rng, *, bench_db: str, floor_db: str, pg_env, pgbench: str, placer_cls, work, run_items,
        accrual_mode) -> dict:
    """Copy the bench's database, capture there, write the scripts, replay them at each client count."""
    import psycopg
    from django.db import connection, connections

    connections.close_all()
    with psycopg.connect(args.pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {floor_db} WITH (FORCE)")
        # FILE_COPY: the copy is not written to the WAL (WAL_LOG, the default, would write the whole database
        # there and bring on a checkpoint in the middle of the replays).
        conn.execute(f"CREATE DATABASE {floor_db} TEMPLATE {bench_db} STRATEGY FILE_COPY")
    prepared = args.floor_protocol == "prepared"
    workdir = Path(tempfile.mkdtemp(prefix="tuishou-orders-floor-"))
    connection.settings_dict["NAME"] = floor_db
    try:
        accrual_mode("fast")
        captured = capture(world, args, rng, placer_cls=placer_cls, work=work, run_items=run_items)

        def mogrify(value) -> str:
            return psycopg.ClientCursor(connection.connection).mogrify("%s", [value])

        files, steps, single_files, single_steps = [], [], [], []
        for k, order in enumerate(captured["orders"][:MAX_SCRIPTS]):
            text, names = script(order, mogrify, prepared=prepared)
            files.append(workdir / f"order_{k:03d}.sql")
            files[-1].write_text(text)
            steps.append(names)
            text, names = one_transaction(text, names)
            single_files.append(workdir / f"order_{k:03d}_one.sql")
            single_files[-1].write_text(text)
            single_steps.append(names)
        booking = workdir / "booking.sql"
        booking.write_text(booking_script(captured["booking"], mogrify, prepared=prepared,
                                                   sequences=captured["booking_sequences"]))
        per_order = {step: statistics.mean(sum(st.sql not in MARKERS for st in o["steps"][step])
                                           for o in captured["orders"]) for step in STEPS}
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = bench_db
    options, env = pg_env
    out = {"statements": per_order, "scripts": len(files), "workdir": str(workdir), "runs": {},
           "booked": captured["booked"], "booking_statements": sum(st.sql not in MARKERS
                                                                   for st in captured["booking"])}
    if args.floor_warmup:  # not measured: the scripts' statements prepared, the touched pages in the cache
        _pgbench(pgbench, options, env, floor_db, files, clients=1, seconds=args.floor_warmup,
                 protocol=args.floor_protocol, defines={"n": 0, "base": 9 * 10**10})
    counts = list(dict.fromkeys([1, args.workers or 1, args.anchor_clients]))
    # Then the same without waiting for the WAL flush at each commit (synchronous_commit off, for these
    # sessions only): how much of the floor is the five commits per order.
    plan = [(c, "") for c in counts] + ([(1, "async"), (args.anchor_clients, "async")] if args.floor_async else [])
    if args.floor_one_transaction:
        plan += [(1, "one"), (args.anchor_clients, "one")]
    for k, (clients, variant) in enumerate(plan, start=1):
        lazy = variant == "async"
        files_k, steps_k = (single_files, single_steps) if variant == "one" else (files, steps)
        before = table_stats(args.pg_url, floor_db)
        with WaitSampler(args.pg_url, floor_db) as waits:
            r = _pgbench(pgbench, options, {**env, "PGOPTIONS": "-c synchronous_commit=off"} if lazy else env,
                         floor_db, files_k, clients=clients, seconds=args.floor_seconds,
                         protocol=args.floor_protocol, defines={"n": 0, "base": k * 10**10})
        r.update(step_ms=_step_ms(r, steps_k), clients=clients, variant=variant, waits=waits.shares())
        if k == 1:
            time.sleep(1)  # the backends' counters reach the statistics when they exit
            out["rows"] = rows_per_order(before, table_stats(args.pg_url, floor_db), r["processed"])
        label = f"{clients} clients" + {"": "", "async": ", synchronous_commit off",
                                        "one": ", each order ONE transaction"}[variant]
        out["runs"][label] = r
        print(f"floor, {label}: {r['tps']:.1f} orders/s, failed {r['failed']}"
              + (f" ABORTED {r['stderr']}" if r["aborted"] else ""), flush=True)
    r = _pgbench(pgbench, options, env, floor_db, [booking], clients=1, transactions=args.floor_booking_runs,
                 protocol=args.floor_protocol, defines={})
    lat = r["per_script"][0][1][len(captured["booking_sequences"]):] if r["per_script"] else []
    batch_ms = sum(lat) if lat else r["latency_ms"] or 0.0  # without the setval lines
    out["booking"] = {"ms_per_order": batch_ms / max(captured["booked"], 1), "batch_ms": batch_ms,
                      "aborted": r["aborted"], "stderr": r["stderr"], "command": r["command"]}
    out["written"] = written(args.pg_url, floor_db)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    if not args.keep:
        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {floor_db} WITH (FORCE)")
    return out


def table_stats(pg_url: str, db: str) -> dict[str, tuple[int, ...]]:
    """Per table: rows inserted, updated, of which HOT, deleted, and the table's index count."""
    import psycopg

    with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/" + db) as conn:
        return {name: tuple(rest) for name, *rest in conn.execute(
            "SELECT s.relname, s.n_tup_ins, s.n_tup_upd, s.n_tup_hot_upd, s.n_tup_del, "
            "(SELECT count(*) FROM pg_index i WHERE i.indrelid = s.relid) FROM pg_stat_user_tables s")}


def rows_per_order(before: dict, after: dict, orders: int) -> dict:
    """Rows written per order and index entries written (an insert or a non-HOT update writes one entry in each
    of the table's indexes; a HOT update none), with the tables that write the most entries."""
    per_table = {}
    for name, (ins, upd, hot, dele, indexes) in after.items():
        b = before.get(name, (0, 0, 0, 0, indexes))
        d_ins, d_upd, d_hot, d_del = ins - b[0], upd - b[1], hot - b[2], dele - b[3]
        if d_ins or d_upd or d_del:
            per_table[name] = {"inserted": d_ins / orders, "updated": d_upd / orders, "hot": d_hot / orders,
                               "deleted": d_del / orders, "indexes": indexes,
                               "index_entries": (d_ins + d_upd - d_hot) * indexes / orders}
    total = {k: sum(t[k] for t in per_table.values()) for k in ("inserted", "updated", "hot", "deleted",
                                                                "index_entries")}
    top = sorted(per_table.items(), key=lambda kv: kv[1]["index_entries"], reverse=True)
    return {"total": total, "tables": dict(top)}


def written(pg_url: str, db: str) -> dict:
    """What the replayed orders left: orders past BASE, paid ones, payments, queued for booking."""
    import psycopg

    with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/" + db) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM orders_order WHERE id >= %(b)s), "
            "(SELECT count(*) FROM orders_order WHERE id >= %(b)s AND status = 'paid'), "
            "(SELECT count(*) FROM payments_payment WHERE id >= %(b)s AND status = 'succeeded'), "
            "(SELECT count(*) FROM orders_accrualpending)", {"b": BASE}).fetchone()
    return dict(zip(["orders", "paid", "payments_succeeded", "queued"], row, strict=True))


def report(out: dict, args, anchor_tps: float | None, contestants: dict) -> list[str]:
    lines = [f"== the floor: today's fast-path statements replayed by pgbench (-M {args.floor_protocol}, "
             f"{out['scripts']} captured orders as scripts, {args.floor_seconds} s per run)",
             "  statements per order: " + ", ".join(f"{k} {v:.1f}" for k, v in out["statements"].items())
             + f"; booking {out['booking_statements'] / max(out['booked'], 1):.2f} "
             f"({out['booking_statements']} for {out['booked']} orders)"]
    after = out.get("anchor_after", {}).get("tps")
    if after:
        lines.append(f"  the anchor again after the floor: {after:.1f} tps (before: {anchor_tps:.1f}); ratios below "
                     "against the one before")
    b = out["booking"]["ms_per_order"]
    lines.append(f"  booking replayed (BEGIN … SET CONSTRAINTS ALL IMMEDIATE; ROLLBACK): "
                 f"{out['booking']['batch_ms']:.2f} ms per batch of {out['booked']} = {b:.3f} ms per order"
                 + (f" ABORTED {out['booking']['stderr']}" if out["booking"]["aborted"] else ""))
    for label, r in out["runs"].items():
        with_booking = 1 / (1 / r["tps"] + b / 1000) if r["tps"] else 0.0
        ratio = (f"{r['tps'] / anchor_tps:.1%} of the anchor; with booking {with_booking:.1f} "
                 f"({with_booking / anchor_tps:.1%})") if anchor_tps else ""
        lines.append(f"  {label}: {r['tps']:.1f} orders/s, {ratio}; failed {r['failed']}"
                     + (f"; ABORTED: {r['stderr'][-300:]}" if r["aborted"] else ""))
        if r["step_ms"]:
            lines.append("    ms per order by step (latency incl. waits): "
                         + ", ".join(f"{k} {v:.2f}" for k, v in r["step_ms"].items())
                         + f"; total {sum(r['step_ms'].values()):.2f}")
        if r.get("waits"):
            lines.append("    backends sampled: " + ", ".join(f"{k} {v:.0%}" for k, v in r["waits"].items()))
    if out.get("rows"):
        t = out["rows"]["total"]
        lines.append(f"  rows per order (1-client run, pg_stat_user_tables): inserted {t['inserted']:.1f}, updated "
                     f"{t['updated']:.1f} (HOT {t['hot']:.1f}), deleted {t['deleted']:.1f}; index entries written "
                     f"{t['index_entries']:.1f} (the anchor: 11), the most by:")
        lines.append("    " + ", ".join(f"{name} {v['index_entries']:.1f} ({v['inserted']:.1f} ins + "
                                        f"{v['updated'] - v['hot']:.1f} non-HOT upd × {v['indexes']} idx)"
                                        for name, v in list(out["rows"]["tables"].items())[:8]))
    for key, clients in (("single_fast", 1), ("multi_fast", args.workers)):
        floor = out["runs"].get(f"{clients} clients", {}).get("tps")
        if key in contestants and floor:
            rate = contestants[key]["rate"]
            lines.append(f"  {key} {rate:.1f} orders/s = {rate / floor:.1%} of the floor "
                         f"at {clients} clients")
    first = next(iter(out["runs"].values()), {})
    lines.append(f"  written by the replay: {out['written']}; command: {first.get('command')}")
    return lines
