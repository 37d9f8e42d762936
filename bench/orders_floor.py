"""The paid-order path's floor (``bench/orders.py --floor``): today's statements replayed by pgbench, no Python.

On a copy of the bench's loaded database (``CREATE DATABASE … TEMPLATE``, so the contestants' ``verify`` stays
exact), ``capture`` places ``--floor-orders`` orders through the fastest path (checkout, payment start, the
sandbox's charge paid by the payer, the signed callback; every fast path on, accrual batched) and records every
statement each step sends, with its parameters and its result rows, and the transaction boundaries Django sends
(``BEGIN``/``COMMIT``); then the booking batch of all of them, inside a transaction rolled back afterwards.

``script`` turns each captured order into a pgbench script sending the same statements in the same transactions:
the parameters become literals, except the ids the order's own statements return (made distinguishable by moving
every sequence past ``BASE`` before the capture: a value ≥ ``BASE`` returned by one statement and sent by a later
one is carried by ``\\gset``) and the strings that must be unique (idempotency keys, order numbers, the gateway's
txn and event ids, task-row UUIDs), whose last 12 characters become a counter unique per client and run. pgbench
picks one of the order scripts at random per "transaction" (``-f order_k.sql@1``), so a pgbench transaction is one
whole order: checkout, payment start, payer's confirmation and callback, each its own transaction as in the
product. The booking's statements are replayed separately (``BEGIN; …; SET CONSTRAINTS ALL IMMEDIATE;
ROLLBACK``: the deferred foreign keys checked, nothing kept) and timed per order booked.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE = 1_000_000_000  # every sequence starts past this, 10,000,000 apart, before the capture
SEQ_STEP = 10_000_000
MARKERS = ("BEGIN", "COMMIT", "ROLLBACK")
STEPS = ("checkout", "pay start", "gateway", "callback")
MAX_SCRIPTS = 100  # pgbench takes at most 128 scripts
TOKEN_DIGITS = 11  # :tok, unique per client and run; one more digit tells an order's unique strings apart
UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")  # Django sends hex


@dataclass
class Statement:
    sql: str  # as sent through Django (``%s`` placeholders), or a marker: BEGIN, COMMIT, ROLLBACK
    params: object = None
    rows: list | None = None  # result rows, when the statement returned any columns
    columns: list[str] | None = None
    rendered_params: list[str] = field(default_factory=list)


# --- capture ---------------------------------------------------------------------------------------------------

class Recorder:
    """Every statement sent on Django's connection inside the block, with parameters and result rows, and the
    BEGIN/COMMIT/ROLLBACK Django logs (``CaptureQueriesContext`` gives the order, an execute wrapper the rest)."""

    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.calls: list[Statement] = []
        self.log = CaptureQueriesContext(connection)
        self.log.__enter__()
        self.wrap = connection.execute_wrapper(self._wrapper)
        self.wrap.__enter__()
        return self

    def _wrapper(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        cursor = context["cursor"].cursor
        rows = columns = None
        if not many and cursor.description is not None:
            try:
                rows = cursor.fetchall()
                cursor.scroll(0, mode="absolute")
                columns = [d.name for d in cursor.description]
            except Exception:  # a named cursor cannot scroll: its rows are not carried
                rows = None
        self.calls.append(Statement(sql, params, rows, columns))
        return result

    def __exit__(self, *exc):
        self.wrap.__exit__(*exc)
        self.log.__exit__(*exc)
        calls = iter(self.calls)
        self.statements = [Statement(q["sql"]) if q["sql"] in MARKERS else next(calls)
                           for q in self.log.captured_queries]


def sequences_past_base(cursor) -> None:
    cursor.execute("SELECT c.oid::regclass::text FROM pg_class c WHERE c.relkind = 'S' ORDER BY 1")
    for k, (name,) in enumerate(cursor.fetchall()):
        cursor.execute("SELECT setval(%s, %s)", [name, BASE + k * SEQ_STEP])


def sequences(cursor) -> dict[str, int]:
    cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences")
    return dict(cursor.fetchall())


def capture(world, args, rng, *, placer_cls, work, run_items) -> dict:
    """On the connection's current database (the floor's copy): warm up, then record ``args.floor_orders``
    orders step by step and their booking (rolled back); the strings each order must keep unique."""
    from django.db import connection, transaction

    from tuishou.orders.models import Checkout, Order
    from tuishou.payments.models import Payment, PaymentEvent

    placer = placer_cls(book_every=10**9)
    run_items(placer, work(world, phase="floorwarm", start=0, count=max(args.warmup, 10), rng=rng))
    with connection.cursor() as cursor:
        sequences_past_base(cursor)
    orders = []
    for item in work(world, phase="floor", start=0, count=args.floor_orders, rng=rng):
        steps = {}
        with Recorder() as r:
            checkout = placer.checkout(item)
        steps["checkout"] = r.statements
        with Recorder() as r:
            payment = placer.pay_start(checkout)
        steps["pay start"] = r.statements
        with Recorder() as r:
            placer.payer_confirms(payment)
        steps["gateway"] = r.statements
        with Recorder() as r:
            placer.callback(payment)
        steps["callback"] = r.statements
        payment = Payment.objects.get(pk=payment.pk)
        unique = [Checkout.objects.get(pk=checkout.pk).idempotency_key, payment.gateway_txn_id,
                  payment.idempotency_key,
                  *Order.objects.filter(checkout_id=checkout.pk).values_list("number", flat=True),
                  *PaymentEvent.objects.filter(payment_id=payment.pk).values_list("event_id", flat=True)]
        orders.append({"steps": steps, "unique": [u for u in unique if u]})
    with connection.cursor() as cursor:
        before = sequences(cursor)
    with transaction.atomic():
        with Recorder() as r:
            booked = placer.book()
        transaction.set_rollback(True)
    with connection.cursor() as cursor:  # the batch's new rows take these ids again at each replay
        moved = {name: before[name] for name, value in sequences(cursor).items() if value != before.get(name)}
    return {"orders": orders, "booking": r.statements, "booked": booked, "booking_sequences": moved}


# --- pgbench scripts -------------------------------------------------------------------------------------------

def _ints(value, found: set[int]) -> None:
    """Every whole number ≥ BASE a parameter carries, as a number or as digits inside text (keys, JSON)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if value >= BASE:
            found.add(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _ints(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _ints(v, found)
    else:
        text = getattr(value, "obj", value)  # psycopg's Json/Jsonb wrap the object
        if text is not value:
            _ints(text, found)
        elif isinstance(value, str):
            found.update(int(d) for d in re.findall(r"(?<!\d)\d{10,}(?!\d)", value) if int(d) >= BASE)


def _uuids(value, found: list[str]) -> None:
    import uuid

    if isinstance(value, uuid.UUID):
        value = value.hex  # as psycopg writes it
    if isinstance(value, str) and UUID.match(value) and value not in found:
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _uuids(v, found)


QUOTED = re.compile(r"(E?'(?:[^']|'')*')")


def _literal(rendered: str, needles: dict[str, tuple[str, str]], prepared: bool) -> str:
    """``rendered`` (one parameter as psycopg writes it, e.g. ``'…'::jsonb``) with each needle replaced by its
    (text prefix, pgbench variable): outside quotes by the variable as a bigint, inside a quoted string by
    concatenation. In prepared mode
    pgbench takes every ``:name`` for a variable, inside quotes too, so colons in text are written ``chr(58)``."""
    if not needles and not (prepared and ":" in rendered):
        return rendered
    keys = sorted(needles, key=len, reverse=True)
    digits = [k for k in keys if k.isdigit()]
    pattern = re.compile("|".join([f"(?<!\\d){re.escape(k)}(?!\\d)" for k in digits]
                                  + [re.escape(k) for k in keys if not k.isdigit()]) or "(?!)")
    out = []
    for part in QUOTED.split(rendered):
        if not part.startswith(("'", "E'")):
            out.append(pattern.sub(lambda m: f"CAST({needles[m.group(0)][1]} AS bigint)", part))
            continue
        prefix = "E" if part.startswith("E") else ""
        body = part[len(prefix) + 1:-1]
        pieces, last = [], 0
        for m in pattern.finditer(body):
            prefix_text, var = needles[m.group(0)]
            pieces += [("text", body[last:m.start()] + prefix_text), ("expr", f"CAST({var} AS text)")]
            last = m.end()
        pieces.append(("text", body[last:]))
        if prepared:
            pieces = [p for kind, text in pieces for p in (
                [(kind, text)] if kind == "expr" else _colons(text))]
        if len(pieces) == 1:
            out.append(part)
            continue
        out.append("(" + " || ".join(f"{prefix}'{text}'" if kind == "text" else text
                                     for kind, text in pieces if kind == "expr" or text) + ")")
    return "".join(out)


def _colons(text: str) -> list[tuple[str, str]]:
    pieces = []
    for i, chunk in enumerate(text.split(":")):
        if i:
            pieces.append(("expr", "chr(58)"))
        pieces.append(("text", chunk))
    return pieces


def render(st: Statement, mogrify, needles: dict[str, tuple[str, str]], prepared: bool) -> str:
    """The statement with its parameters written in (``mogrify`` renders one value as psycopg would send it)."""
    params = st.params or ()
    if isinstance(params, dict):
        def value(m):
            return "%" if m.group(0) == "%%" else _literal(mogrify(params[m.group(1)]), needles, prepared)
        return re.sub(r"%%|%\((\w+)\)s", value, st.sql)
    it = iter(params)
    return re.sub(r"%%|%s", lambda m: "%" if m.group(0) == "%%" else _literal(mogrify(next(it)), needles, prepared),
                  st.sql)


def script(order: dict, mogrify, *, prepared: bool) -> tuple[str, list[str]]:
    """One captured order as a pgbench script, and the step of each of its commands (for ``-r``'s latencies)."""
    statements = [(step, st) for step in STEPS for st in order["steps"][step]]
    sent_later: list[set[int]] = []
    wanted: set[int] = set()
    for _, st in reversed(statements):
        sent_later.append(set(wanted))
        if st.sql not in MARKERS:
            _ints(st.params, wanted)
    sent_later.reverse()
    uuids: list[str] = []
    for _, st in statements:
        _uuids(st.params, uuids)
    needles: dict[str, tuple[str, str]] = {}
    for j, u in enumerate([*order["unique"], *uuids]):
        if len(u) < TOKEN_DIGITS + 1:
            raise ValueError(f"unique string {u!r} shorter than its token")
        needles[u] = (f"{u[:-(TOKEN_DIGITS + 1)]}{j % 10}", ":tok")
    lines = ["\\set n :n + 1", "\\set tok :base + :client_id * 100000000 + :n"]
    steps = ["", ""]
    for i, (step, st) in enumerate(statements):
        if st.sql in MARKERS:
            lines.append(f"{st.sql};")
            steps.append(step)
            continue
        sql = render(st, mogrify, needles, prepared)
        sql = re.sub(r"\s+", " ", sql).strip()
        gset = None
        if st.rows is not None and len(st.rows) == 1 and st.columns:
            carried = [(c, v) for c, v in zip(st.columns, st.rows[0], strict=True)
                       if isinstance(v, int) and not isinstance(v, bool) and v in sent_later[i]
                       and f"{v}" not in needles and re.fullmatch(r"[a-z_][a-z0-9_]*", c)]
            for c, v in carried:
                needles[f"{v}"] = ("", f":p{i}_{c}")
            if carried:
                gset = f"p{i}_"
        lines.append(sql + (f" \\gset {gset}" if gset else ";"))
        steps.append(step)
    return "\n".join(lines) + "\n", steps


def booking_script(statements: list[Statement], mogrify, *, prepared: bool, sequences: dict[str, int]) -> str:
    """The batch's statements as captured, literally: the sequences it draws from are set back first (outside
    its transaction; ``setval`` is not rolled back anyway), so its new rows take the captured ids again."""
    lines = [f"SELECT setval('{name}', {value});" for name, value in sorted(sequences.items())] + ["BEGIN;"]
    for st in statements:
        if st.sql in MARKERS:
            continue
        lines.append(re.sub(r"\s+", " ", render(st, mogrify, {}, prepared)).strip() + ";")
    lines += ["SET CONSTRAINTS ALL IMMEDIATE;", "ROLLBACK;"]
    return "\n".join(lines) + "\n"


# --- running them ----------------------------------------------------------------------------------------------

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
        conn.execute(f"CREATE DATABASE {floor_db} TEMPLATE {bench_db}")
    prepared = args.floor_protocol == "prepared"
    workdir = Path(tempfile.mkdtemp(prefix="tuishou-orders-floor-"))
    connection.settings_dict["NAME"] = floor_db
    try:
        accrual_mode("fast")
        captured = capture(world, args, rng, placer_cls=placer_cls, work=work, run_items=run_items)

        def mogrify(value) -> str:
            return psycopg.ClientCursor(connection.connection).mogrify("%s", [value])

        files, steps = [], []
        for k, order in enumerate(captured["orders"][:MAX_SCRIPTS]):
            text, names = script(order, mogrify, prepared=prepared)
            files.append(workdir / f"order_{k:03d}.sql")
            files[-1].write_text(text)
            steps.append(names)
        booking = workdir / "booking.sql"
        booking.write_text(booking_script(captured["booking"], mogrify, prepared=prepared,
                                                   sequences=captured["booking_sequences"]))
        per_order = {step: statistics.mean(sum(st.sql not in MARKERS for st in o["steps"][step])
                                           for o in captured["orders"]) for step in STEPS}
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = bench_db
    options, env = pg_env
    out = {"statements": per_order, "scripts": len(files), "workdir": str(workdir), "runs": {},
           "booked": captured["booked"], "booking_statements": sum(st.sql not in MARKERS
                                                                   for st in captured["booking"])}
    counts = list(dict.fromkeys([1, args.workers or 1, args.anchor_clients]))
    # Then the same without waiting for the WAL flush at each commit (synchronous_commit off, for these
    # sessions only): how much of the floor is the five commits per order.
    plan = [(c, False) for c in counts] + ([(1, True), (args.anchor_clients, True)] if args.floor_async else [])
    for k, (clients, lazy) in enumerate(plan, start=1):
        before = table_stats(args.pg_url, floor_db)
        r = _pgbench(pgbench, options, {**env, "PGOPTIONS": "-c synchronous_commit=off"} if lazy else env,
                     floor_db, files, clients=clients, seconds=args.floor_seconds, protocol=args.floor_protocol,
                     defines={"n": 0, "base": k * 10**10})
        r.update(step_ms=_step_ms(r, steps), clients=clients, async_commit=lazy)
        if k == 1:
            time.sleep(1)  # the backends' counters reach the statistics when they exit
            out["rows"] = rows_per_order(before, table_stats(args.pg_url, floor_db), r["processed"])
        label = f"{clients} clients" + (", synchronous_commit off" if lazy else "")
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
