"""Staging an order report for the set-based import (PostgreSQL only; 报表入暂存表).

The file's lines go into a temporary table with one ``COPY`` (each physical line one row, numbered as the row path
numbers them), and the rows are validated in SQL: a row in the plain shape every platform export has (no quotes,
plain amounts ``123.45``, times ``YYYY-MM-DD HH:MM:SS``, ids of printable ASCII) is typed there; any other row —
a malformed one, a blank one, an amount written ``¥1,234.50``, a time with a zone — goes through the row path's
own parser (``parsing.report_line_parse``), so its outcome and skip reason are exactly the row path's. The Python
work is per unusual row, not per row.

A file the line-wise COPY cannot read the way the csv module reads it (JSON lines, quoted fields, a stray carriage
return or backslash, a NUL, a blank first line) is staged from the row path's parsed rows instead: same table,
same result, slower.

The staging table ``cs``: ``line, order_id, code, status, rank, amount, commission`` (fen), ``paid_at, at``, and
``outcome, reason, detail`` filled for the rows the parser skipped (malformed).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from tuishou.core.errors import InvalidInput
from tuishou.coupons.connectors import RawRow
from tuishou.coupons.connectors.file import text_of
from tuishou.coupons.errors import CouponError
from tuishou.coupons.importing import STATUS_ORDER
from tuishou.coupons.parsing import PLATFORM_TZ, REPORT_REQUIRED, RowSkip, report_line_parse


def t(model) -> str:
    """A model's table name, quoted for raw SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def next_id(cur, model) -> str:
    """``nextval`` of a model's id sequence, the sequence named once (``pg_get_serial_sequence`` per row costs
    ~4 µs of a row's ~5)."""
    cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [t(model)])
    name = cur.fetchone()[0].replace("'", "''")  # already quoted as an identifier where it needs to be
    return f"nextval('{name}'::regclass)"


BOM = b"\xef\xbb\xbf"
# The shapes of a plain row's cells. PostgreSQL's regular expressions are slow with bounded repeats
# (``[!-~]{1,64}`` costs ~10 µs a cell, ``[!-~]+`` ~1 µs), so the bounds are checked by length.
ID = r"^[!-~]+$"
MONEY = r"^[0-9]+(\.[0-9][0-9]?)?$"
# Years 1992-2099 only: the platform's zone has had one offset since 1992, so the SQL and zoneinfo agree.
TIME = r"^(199[2-9]|20[0-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
COLUMNS = ("order_id", "tracking_code", "status", "amount", "commission", "paid_at", "updated_at")


@dataclass(frozen=True)
class RawReport:
    """A CSV report the line-wise COPY reads exactly as the csv module would: its header and its lines."""

    header: tuple[str, ...]
    body: bytes  # every line after the header, with "\n" endings


def raw_report(data: bytes) -> RawReport | None:
    """The file as a ``RawReport``, or None when it must be read by the row path's parser. Raises the row path's
    errors for a file it refuses (``coupons.file_missing``, ``file_too_large``, ``file_unreadable``,
    ``header_invalid``)."""
    text_of(data)  # the same size and encoding checks (and errors) as the file connector's
    if data.startswith(BOM):
        data = data[len(BOM):]
    if data.lstrip()[:1] in (b"{", b"[") or any(c in data for c in (b'"', b"\\", b"\x00", b"\x01", b"\x02")):
        return None
    if b"\r" in data:
        if data.count(b"\r") != data.count(b"\r\n"):
            return None
        data = data.replace(b"\r\n", b"\n")
    head, _, body = data.partition(b"\n")
    if not head.strip():
        return None
    header = tuple(c.strip() for c in head.decode().split(","))
    missing = [c for c in REPORT_REQUIRED if c not in header]
    if missing:
        raise InvalidInput(CouponError.HEADER_INVALID, columns=", ".join(missing), details={"field": "file"})
    return RawReport(header=header, body=body)


def stage(cur, *, raw: RawReport | None = None, rows: Iterable[RawRow] = ()) -> None:
    """Create and fill the staging table ``cs`` from a raw report, else from parsed rows."""
    cur.execute("""CREATE TEMP TABLE cs (line int, order_id text, code text, status text, rank int, amount bigint,
                       commission bigint, btext text, paid_at timestamptz, at timestamptz, outcome text,
                       reason text, detail text) ON COMMIT DROP""")
    if raw is not None:
        _stage_raw(cur, raw)
    else:
        _stage_rows(cur, rows)
    cur.execute("ANALYZE cs")


def _col(raw: RawReport, name: str) -> str | None:
    """The SQL array subscript of a column (the last one of that name, as a dict of the row would keep)."""
    found = [i for i, c in enumerate(raw.header) if c == name]
    return f"a[{found[-1] + 1}]" if found else None


def _stage_raw(cur, raw: RawReport) -> None:
    cur.execute("CREATE TEMP TABLE cl (n int GENERATED ALWAYS AS IDENTITY, t text) ON COMMIT DROP")
    with cur.cursor.copy("COPY cl (t) FROM STDIN WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')") as copy:
        copy.write(raw.body)
    o, c, s, am, cm, p = (_col(raw, n) for n in COLUMNS[:6])
    u = _col(raw, "updated_at")
    # Most rows' update time is their payment time: one shape check for both.
    same = f"{u} = {p}" if u else "true"
    updated_ok = f"({u} = '' OR {same} OR {u} ~ '{TIME}')" if u else "true"
    updated = f"CASE WHEN {u} = '' THEN {p} ELSE {u} END" if u else p

    def day_ok(x: str) -> str:  # every month has day 28; a later one is looked up in the calendar
        return (f"(substr({x}, 9, 2) COLLATE \"C\" <= '28' OR substr({x}, 9, 2)::int <= extract(day from "
                f"(substr({x}, 1, 8) || '01')::date + interval '1 month - 1 day'))")

    def id_ok(x: str) -> str:  # 1–64 printable ASCII characters
        return f"{x} ~ '{ID}' AND length({x}) <= 64"

    def money_ok(x: str) -> str:  # 1–6 digits or 1000000, then optionally a point and 1–2 digits (≤ 1,000,000);
        # anything else (7 digits with leading zeros, 1000000.01) goes to the parser, which decides it.
        return f"{x} ~ '{MONEY}' AND (strpos({x} || '.', '.') <= 7 OR {x} ~ '^1000000(\\.00?)?$')"

    happy = (f"CASE WHEN array_length(a, 1) = {len(raw.header)} AND {s} IN ('paid', 'settled', 'refunded') "
             f"AND {id_ok(o)} AND {id_ok(c)} AND {money_ok(am)} AND {money_ok(cm)} AND {p} ~ '{TIME}' "
             f"AND {updated_ok} "
             f"THEN {day_ok(p)} AND ({same} OR {day_ok(updated)}) ELSE false END")
    zone = PLATFORM_TZ.key
    # Line numbers: the header is line 1, as the csv module counts.
    # The commission as ``str(Decimal(text))`` writes it (the accrual's memo): no leading zeros.
    btext = f"CASE WHEN ltrim({cm}, '0') ~ '^([.]|$)' THEN '0' ELSE '' END || ltrim({cm}, '0')"
    # One pass: a plain row typed, any other kept whole (outcome 'odd', the line's text in reason) for the parser.
    # (OFFSET 0 keeps the subquery, so each row's checks run once.)
    cur.execute(f"""INSERT INTO cs (line, order_id, code, status, rank, amount, commission, btext, paid_at, at,
                                    outcome, reason)
        SELECT n, {o}, {c}, {s}, array_position(ARRAY['paid', 'settled', 'refunded'], {s}) - 1,
               CASE WHEN ok THEN ({am}::numeric * 100)::bigint END, CASE WHEN ok THEN ({cm}::numeric * 100)::bigint END,
               CASE WHEN ok THEN {btext} END, CASE WHEN ok THEN {p}::timestamp AT TIME ZONE '{zone}' END,
               CASE WHEN ok THEN ({updated})::timestamp AT TIME ZONE '{zone}' END,
               CASE WHEN NOT ok THEN 'odd' END, CASE WHEN NOT ok THEN coalesce(t, '') END
        FROM (SELECT n + 1 AS n, t, a, {happy} AS ok
              FROM (SELECT n, t, string_to_array(t, ',') AS a FROM cl) y OFFSET 0) x""")
    cur.execute("SELECT line, reason FROM cs WHERE outcome = 'odd' ORDER BY line")
    odd = cur.fetchall()
    cur.execute("DELETE FROM cs WHERE outcome = 'odd'")
    cur.execute("DROP TABLE cl")
    rows = []
    for n, text in odd:
        cells = next(csv.reader([text or ""]), [])
        if not cells:
            continue
        named = dict(zip(raw.header, cells, strict=False))
        row = {k: v.strip() for k, v in named.items()}
        row.update({k: "" for k in raw.header if k not in named})
        if len(cells) > len(raw.header):
            row["__malformed__"] = "more cells than columns"
        if any(row.values()):
            rows.append((n, row))
    _stage_rows(cur, rows)


def _stage_rows(cur, rows: Iterable[RawRow]) -> None:
    """Rows parsed in Python (the row path's parser): the valid ones typed, the malformed ones with their skip."""
    buf = io.StringIO()
    for number, cells in rows:
        try:
            ln = report_line_parse(number, cells)
        except RowSkip as skip:
            empty = "\\N\t" * 6
            buf.write(f"{number}\t{_esc(cells.get('order_id', '')[:64])}\t{_esc(cells.get('tracking_code', '')[:64])}"
                      f"\t{_esc(cells.get('status', '')[:16])}\t{empty}skipped\t{_esc(skip.reason)}"
                      f"\t{_esc(skip.detail[:200])}\n")
            continue
        buf.write(f"{ln.line}\t{_esc(ln.order_id)}\t{_esc(ln.tracking_code)}\t{ln.status}\t"
                  f"{STATUS_ORDER[ln.status]}\t{int(ln.amount * 100)}\t{int(ln.commission * 100)}\t{ln.commission}\t"
                  f"{ln.paid_at.isoformat()}\t{ln.at.isoformat()}\t\\N\t\\N\t\\N\n")
    if buf.tell():
        with cur.cursor.copy("COPY cs (line, order_id, code, status, rank, amount, commission, btext, paid_at, at, "
                             "outcome, reason, detail) FROM STDIN") as copy:
            copy.write(buf.getvalue())


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
