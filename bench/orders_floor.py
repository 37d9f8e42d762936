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
ROLLBACK``: the deferred foreign keys checked, nothing kept) and timed per order booked. Running and reporting:
``bench/orders_floor_run.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def one_transaction(text: str, steps: list[str]) -> tuple[str, list[str]]:
    """The same order script as ONE transaction: its BEGIN/COMMIT pairs dropped, one around all its statements
    (the autocommitted ones included) — what the order would cost with a single commit."""
    lines = text.splitlines()
    kept = [(line, step) for line, step in zip(lines, steps, strict=True) if line not in ("BEGIN;", "COMMIT;")]
    head = [(line, step) for line, step in kept if line.startswith("\\set")]
    body = [(line, step) for line, step in kept if not line.startswith("\\set")]
    if any(line == "ROLLBACK;" for line, _ in body):
        raise ValueError("a script with a ROLLBACK cannot be folded into one transaction")
    out = [*head, ("BEGIN;", STEPS[0]), *body, ("COMMIT;", STEPS[-1])]
    return "\n".join(line for line, _ in out) + "\n", [step for _, step in out]


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
