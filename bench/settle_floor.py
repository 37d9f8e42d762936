"""The floor of settlement: what any settlement must write under the money standards (``bench/settle.py --floor``).

In the same run and database as ``bench/settle.py``'s bare-UPDATE baseline and its real ``settlement_run``, on the
same loaded rows (copied before they are settled), one transaction per chunk of plain set-based SQL — ONE statement
of data-modifying CTEs per chunk, no due checks, no locks beyond what the statements take, no Python per row —
writes only what the product must keep per settled commission:

* the commission's status move (``status``, ``settled_amount``, ``settled_at``, as the real UPDATE sets them);
* one journal entry per commission (kind ``commission_settled``, the unique key ``settle:commission:<id>``, the
  same memo), its two lines (+amount on the promoter's pending account, −amount on the available one);
* the two accounts' cached balances and line counts moved (once per account and chunk, as the posting does).

The tables are copies of the real ones (``CREATE TABLE floor_x (LIKE real INCLUDING ALL)``: columns, defaults,
CHECKs, indexes; the accounts' ``fillfactor`` too) holding the same rows as the real ones before the run, so that
their indexes have the same size. Not copied: triggers and foreign keys. The append-only triggers fire on UPDATE
and DELETE only and the accounts' guard only on UPDATEs naming identity columns, so none of them would fire here;
the lines' statement-level reference check (``ledger_line_refs_check``) is a check, not a write, and is priced
by its own row (``floor + the lines' reference check``, the same function on the copies).

Then, each a change to the money model that the project has NOT made (labelled as such in the output):

* (b) a narrow append-only settlement row (commission id as primary key, amount, time) instead of the commission
  status UPDATE;
* (a) balances as appended per-chunk deltas (one narrow row per account and chunk, one index ``(account, id)``
  for the readers that would have to add them) instead of balance UPDATEs; the later roll-up is not measured;
* (c) one entry per promoter and chunk (two lines: the promoter's sum) instead of one per commission;

and (a)+(b), (a)+(b)+(c). After each, outside the clock, the copy is checked: every pending commission settled
once, every entry balanced, every account's balance (+ its deltas) = Σ of its lines.

Every variant runs in rounds (``--floor-rounds``, order rotated), each round between two bare UPDATEs of as many
rows; ratios are reported in wall seconds and in the backend's CPU seconds (``backend_cpu``), the steadier of the
two on a shared machine. Figures: bench/RESULTS.md, "The settlement floor".
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PENDING, AVAILABLE = "promoter_pending", "promoter_available"
COPIES = {"floor_commission": "settlement_commission", "floor_entry": "ledger_journalentry",
          "floor_line": "ledger_journalline", "floor_account": "ledger_account"}


@dataclass(frozen=True)
class Variant:
    label: str
    a: bool = False  # balances as appended per-chunk deltas
    b: bool = False  # a narrow settlement row instead of the status UPDATE
    c: bool = False  # one entry per promoter and chunk
    refs: bool = False  # the lines' statement-level reference check, as on the real lines

    @property
    def model_change(self) -> bool:
        return self.a or self.b or self.c


VARIANTS = (
    Variant("floor (today's money model)"),
    Variant("floor + the lines' reference check", refs=True),
    Variant("(b) narrow settlement row, no status UPDATE", b=True),
    Variant("(a) balances as per-chunk deltas, no balance UPDATE", a=True),
    Variant("(c) one entry per promoter and chunk", c=True),
    Variant("(a)+(b)", a=True, b=True),
    Variant("(a)+(b)+(c)", a=True, b=True, c=True),
)


@dataclass(frozen=True)
class FloorResult:
    variant: Variant
    seconds: float
    commissions: int
    written: dict[str, float]  # per settled commission
    checked: str  # "ok" or what is off
    cpu: float = math.nan  # the backend's CPU seconds
    rounds: tuple[float, ...] = ()  # every round's seconds (``seconds`` is their median)
    round_ratios: tuple[float, ...] = ()  # every round's bare-UPDATE seconds (around it) ÷ its seconds
    cpu_ratios: tuple[float, ...] = ()  # the same in the backend's CPU seconds


def sql(statement: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def backend_cpu() -> float:
    """CPU seconds (user + system) this connection's PostgreSQL backend has used so far, from Linux's ``/proc`` (the
    server runs on this machine; NaN if it cannot be read). On the shared machine wall times move several times
    over with the load within minutes; CPU times much less, so the floor is reported both ways."""
    pid = sql("SELECT pg_backend_pid()")[0][0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _vacuum(tables) -> None:
    for table in tables:
        sql(f"VACUUM ANALYZE {table}")  # autocommit: outside any transaction
    sql("CHECKPOINT")


def _copies_make(variant: Variant) -> list[str]:
    """The floor's tables, like the real ones and holding their rows; returns every table made."""
    from tuishou.core.money import CURRENCY

    for mine, real in COPIES.items():
        options = sql("SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = %s::regclass", [real])[0][0]
        sql(f"CREATE TABLE {mine} (LIKE {real} INCLUDING ALL)" + (f" WITH ({options})" if options else ""))
        sql(f"INSERT INTO {mine} SELECT * FROM {real} ORDER BY id")
        sql(f"SELECT setval(pg_get_serial_sequence('{mine}', 'id'), (SELECT max(id) FROM {mine}))")
    # Every promoter with a pending commission has both accounts (the posting opens a missing one once in a
    # promoter's life; the template's promoters have no available account yet).
    sql(f"""INSERT INTO floor_account (kind, promoter_id, currency, key, balance, line_count, created_at)
            SELECT k.kind, p.promoter_id, %s, k.kind || ':promoter:' || p.promoter_id, 0, 0, now()
            FROM (SELECT DISTINCT promoter_id FROM floor_commission WHERE status = 'pending') p
                 CROSS JOIN (VALUES ('{PENDING}'), ('{AVAILABLE}')) AS k(kind)
            ON CONFLICT (key) DO NOTHING""", [CURRENCY])
    made = list(COPIES)
    if variant.b:
        sql("CREATE TABLE floor_settlement (commission_id bigint PRIMARY KEY, amount bigint NOT NULL "
            "CHECK (amount >= 0), settled_at timestamptz NOT NULL)")
        made.append("floor_settlement")
    if variant.a:
        sql("CREATE TABLE floor_delta (id bigint GENERATED ALWAYS AS IDENTITY, account_id bigint NOT NULL, "
            "change bigint NOT NULL, lines bigint NOT NULL CHECK (lines > 0), created_at timestamptz NOT NULL)")
        sql("CREATE INDEX floor_delta_account ON floor_delta (account_id, id)")
        made.append("floor_delta")
    if variant.refs:
        body, config = sql("SELECT prosrc, array_to_string(proconfig, ', ') FROM pg_proc "
                           "WHERE proname = 'ledger_line_refs_check'")[0]
        for real in ("ledger_journalentry", "ledger_journalline", "ledger_account"):
            body = body.replace(real, next(m for m, r in COPIES.items() if r == real))
        sets = " ".join("SET {} = {}".format(*item.split("=")) for item in config.split(", ")) if config else ""
        sql(f"CREATE FUNCTION floor_line_refs_check() RETURNS trigger LANGUAGE plpgsql {sets} AS $f${body}$f$")
        sql("CREATE TRIGGER floor_line_refs AFTER INSERT ON floor_line REFERENCING NEW TABLE AS new_lines "
            "FOR EACH STATEMENT EXECUTE FUNCTION floor_line_refs_check()")
    _vacuum(made)
    return made


def _copies_drop(made: list[str]) -> None:
    sql(f"DROP TABLE IF EXISTS {', '.join(made)}")
    sql("DROP FUNCTION IF EXISTS floor_line_refs_check()")


def chunk_statement(variant: Variant, entry_sequence: str) -> str:
    """ONE statement settling the pending commissions with ids in [lo, hi): returns (commissions, accounts)."""
    ctes = []
    if variant.b:  # the commission row is only read; the settlement is a new narrow row, its pk the idempotency
        ctes.append("""moved AS (SELECT id, promoter_id, amount, rule FROM floor_commission
                                 WHERE id >= %(lo)s AND id < %(hi)s AND status = 'pending')""")
        ctes.append("""settled AS (INSERT INTO floor_settlement (commission_id, amount, settled_at)
                                   SELECT id, amount, now() FROM moved)""")
    else:
        ctes.append("""moved AS (UPDATE floor_commission SET status = 'available', settled_amount = amount,
                                        settled_at = now()
                                 WHERE id >= %(lo)s AND id < %(hi)s AND status = 'pending'
                                 RETURNING id, promoter_id, amount, rule)""")
    if variant.c:  # one transfer per promoter: the sum of their commissions in the chunk
        ctes.append("""posted AS (SELECT promoter_id, sum(amount) AS amount,
                                         'settle:promoter:' || promoter_id || ':' || %(lo)s AS key,
                                         '佣金结算 ' || count(*) || ' 笔 #' || min(id) || '…#' || max(id) AS memo
                                  FROM moved WHERE amount <> 0 GROUP BY promoter_id)""")
    else:
        ctes.append("""posted AS (SELECT promoter_id, amount, 'settle:commission:' || id AS key,
                                         '佣金结算 #' || id || ' (' || rule || ')' AS memo
                                  FROM moved WHERE amount <> 0)""")
    per_owner = "(SELECT promoter_id, sum(amount) AS total, count(*) AS n FROM posted GROUP BY promoter_id)"
    change = f"CASE a.kind WHEN '{PENDING}' THEN p.total ELSE -p.total END"
    if variant.a:  # accounts only looked up; their moves appended
        ctes.append(f"""acct AS (SELECT a.id, a.promoter_id, a.kind, {change} AS change, p.n
                                 FROM floor_account a JOIN {per_owner} AS p ON a.promoter_id = p.promoter_id
                                 WHERE a.kind IN ('{PENDING}', '{AVAILABLE}'))""")
        ctes.append("""delta AS (INSERT INTO floor_delta (account_id, change, lines, created_at)
                                 SELECT id, change, n, now() FROM acct)""")
    else:
        ctes.append(f"""acct AS (UPDATE floor_account a SET balance = a.balance + {change},
                                        line_count = a.line_count + p.n
                                 FROM {per_owner} AS p
                                 WHERE a.promoter_id = p.promoter_id AND a.kind IN ('{PENDING}', '{AVAILABLE}')
                                 RETURNING a.id, a.promoter_id, a.kind)""")
    # Each promoter's two accounts as one row, so that the entries join them once (by hash, whatever the
    # planner guesses of the CTEs' sizes).
    ctes.append(f"""pair AS (SELECT promoter_id, max(id) FILTER (WHERE kind = '{PENDING}') AS debit,
                                    max(id) FILTER (WHERE kind = '{AVAILABLE}') AS credit
                             FROM acct GROUP BY promoter_id)""")
    ctes.append(f"""src AS MATERIALIZED (
                        SELECT nextval('{entry_sequence}'::regclass) AS eid, p.key, p.memo, p.amount, q.debit, q.credit
                        FROM posted p JOIN pair q ON q.promoter_id = p.promoter_id)""")
    ctes.append("""entry AS (INSERT INTO floor_entry (id, kind, key, memo, created_at)
                             SELECT eid, 'commission_settled', key, memo, now() FROM src)""")
    ctes.append("""line AS (INSERT INTO floor_line (entry_id, account_id, amount)
                            SELECT s.eid, v.account, v.amount
                            FROM src s CROSS JOIN LATERAL (VALUES (s.debit, s.amount), (s.credit, -s.amount))
                                 AS v(account, amount))""")
    return "WITH " + ",\n".join(ctes) + "\nSELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM acct)"


def _checked(variant: Variant, pending: int, first_entry: int) -> str:
    """Outside the clock: every pending commission settled once, every entry balanced, every balance = Σ lines."""
    off = []
    if variant.b:
        settled = sql("SELECT count(*) FROM floor_settlement")[0][0]
    else:
        settled = sql("SELECT count(*) FROM floor_commission WHERE status = 'available'")[0][0]
    if settled != pending:
        off.append(f"{settled} of {pending} settled")
    unbalanced = sql("SELECT count(*) FROM (SELECT entry_id FROM floor_line WHERE entry_id >= %s GROUP BY entry_id "
                     "HAVING sum(amount) <> 0 OR count(*) <> 2) x", [first_entry])[0][0]
    if unbalanced:
        off.append(f"{unbalanced} entries unbalanced")
    deltas = ("LEFT JOIN (SELECT account_id, sum(change) AS s, sum(lines) AS n FROM floor_delta "
              "GROUP BY account_id) d ON d.account_id = a.id" if variant.a
              else "LEFT JOIN (SELECT NULL::bigint AS s, NULL::bigint AS n) d ON true")
    wrong = sql(f"""SELECT count(*) FROM floor_account a
                    LEFT JOIN (SELECT account_id, sum(amount) AS s, count(*) AS n FROM floor_line GROUP BY account_id) l
                         ON l.account_id = a.id {deltas}
                    WHERE (a.balance + coalesce(d.s, 0), a.line_count + coalesce(d.n, 0))
                          IS DISTINCT FROM (coalesce(l.s, 0), coalesce(l.n, 0))""")[0][0]
    if wrong:
        off.append(f"{wrong} balances off")
    return "; ".join(off) or "ok"


def floor_one(variant: Variant, chunk: int) -> FloorResult:
    from django.db import connection, transaction

    made = _copies_make(variant)
    try:
        lo, hi, pending = sql("SELECT min(id), max(id), count(*) FROM floor_commission WHERE status = 'pending'")[0]
        counted = {t: sql(f"SELECT count(*) FROM {t}")[0][0] for t in ("floor_entry", "floor_line")}
        first_entry = sql("SELECT max(id) + 1 FROM floor_entry")[0][0]
        statement = chunk_statement(variant, sql("SELECT pg_get_serial_sequence('floor_entry', 'id')")[0][0])
        settled = accounts = 0
        time.sleep(0.5)
        cpu = backend_cpu()
        started = time.perf_counter()
        for start in range(lo, hi + 1, chunk):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")  # as the real posting: arrays' sizes unknown to the planner
                cursor.execute(statement, {"lo": start, "hi": start + chunk})
                moved, touched = cursor.fetchone()
                settled, accounts = settled + moved, accounts + touched
        seconds = time.perf_counter() - started
        cpu = backend_cpu() - cpu
        rows = {t: sql(f"SELECT count(*) FROM {t}")[0][0] - counted[t] for t in counted}
        written = {"entries": rows["floor_entry"] / settled, "lines": rows["floor_line"] / settled,
                   "commission versions": 0.0 if variant.b else 1.0, "settlement rows": 1.0 if variant.b else 0.0,
                   "account versions": 0.0 if variant.a else accounts / settled,
                   "delta rows": accounts / settled if variant.a else 0.0}
        return FloorResult(variant, seconds, settled, written, _checked(variant, pending, first_entry), cpu)
    finally:
        _copies_drop(made)


def floor_run(chunk: int, rounds: int, bare: Callable[[], tuple[float, float]]) -> list[FloorResult]:
    """Every variant ``rounds`` times (the order rotated each round), each time on fresh copies of the loaded rows,
    with ``bare()`` (one bare UPDATE of as many rows: wall and backend CPU seconds) before each round and after the
    last: a round's ratios are against the mean of the bare UPDATEs either side of it, since the load on this
    machine moves by several times within minutes. Each variant's median round. Printed as it goes."""
    runs: dict[Variant, list[tuple[FloorResult, tuple[float, float]]]] = {variant: [] for variant in VARIANTS}
    before = bare()
    for n in range(rounds):
        done = []
        for variant in VARIANTS[n % len(VARIANTS):] + VARIANTS[:n % len(VARIANTS)]:
            result = floor_one(variant, chunk)
            print(f"  round {n + 1}, {variant.label}: {result.commissions:,} commissions in {result.seconds:.2f} s "
                  f"({result.commissions / result.seconds:,.0f}/s; backend CPU {result.cpu:.2f} s), "
                  f"check {result.checked}", flush=True)
            done.append(result)
        after = bare()
        print(f"  round {n + 1}: bare UPDATE before {before[0]:.2f} s (CPU {before[1]:.2f} s), after {after[0]:.2f} s "
              f"(CPU {after[1]:.2f} s)", flush=True)
        for result in done:
            runs[result.variant].append((result, ((before[0] + after[0]) / 2, (before[1] + after[1]) / 2)))
        before = after
    merged = []
    for variant, results in runs.items():
        checked = "; ".join(sorted({r.checked for r, _ in results}))
        first = results[0][0]
        merged.append(FloorResult(variant, statistics.median(r.seconds for r, _ in results), first.commissions,
                                  first.written, checked, statistics.median(r.cpu for r, _ in results),
                                  tuple(r.seconds for r, _ in results), tuple(b[0] / r.seconds for r, b in results),
                                  tuple(b[1] / r.cpu for r, b in results)))
    return merged


def floor_report(results: list[FloorResult], *, bare_rows: int, bare: tuple[float, float],
                 real: tuple[int, float, float]) -> None:
    """Each variant's ratio to the bare UPDATE, commissions per second ÷ rows per second: the median of its rounds'
    ratios to the bare UPDATEs around each round, in wall and in backend CPU seconds; beside the real run's (its
    commissions, wall seconds and CPU seconds, backend and bench process, against ``bare``: the medians of the six
    bare UPDATEs around it)."""
    real_wall = (real[0] / real[1]) / (bare_rows / bare[0])
    real_cpu = (real[0] / real[2]) / (bare_rows / bare[1])
    print(f"the floor, commissions per second ÷ bare-UPDATE rows per second (goal ≥ 0.20), in wall and CPU seconds; "
          f"the real settlement: {real_wall:.3f} wall, {real_cpu:.3f} CPU ({real[2]:.2f} CPU s, backend and bench "
          f"process, against the six bare UPDATEs' median {bare[1]:.2f} CPU s):")
    for r in results:
        wall, cpu = statistics.median(r.round_ratios), statistics.median(r.cpu_ratios)
        mark = "  [a money-model change NOT made]" if r.variant.model_change else ""
        per = ", ".join(f"{value:.2f} {name}" for name, value in r.written.items() if value)
        print(f"  {r.variant.label:52s} wall {wall:.3f} (real ÷ it {real_wall / wall:.2f}), CPU {cpu:.3f} "
              f"(real ÷ it {real_cpu / cpu:.2f}){mark}\n"
              f"      rounds {', '.join(f'{x:.2f}' for x in r.rounds)} s, ratios "
              f"{', '.join(f'{x:.3f}' for x in r.round_ratios)}; CPU ratios "
              f"{', '.join(f'{x:.3f}' for x in r.cpu_ratios)}\n      {per} per commission; check {r.checked}")
