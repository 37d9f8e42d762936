"""The file connector: a platform that hands us its feed and order reports as files (CSV or JSON lines).

CSV: UTF-8 (a BOM is fine), a header row naming the columns; a feed's ``images`` column holds URLs separated
by ``|``. JSON lines: one object per line with the same keys (``images`` may be a list).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from tuishou.core.errors import InvalidInput
from tuishou.coupons.connectors.base import RawRow, connector_register
from tuishou.coupons.errors import CouponError

MAX_BYTES = 200 * 1024 * 1024


def text_of(data: bytes) -> str:
    """The file's text (UTF-8, BOM dropped); ``coupons.file_unreadable`` for anything else."""
    if not data:
        raise InvalidInput(CouponError.FILE_MISSING, details={"field": "file"})
    if len(data) > MAX_BYTES:
        raise InvalidInput(CouponError.FILE_TOO_LARGE, megabytes=MAX_BYTES // 1024 // 1024, details={"field": "file"})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(CouponError.FILE_UNREADABLE, reason="not UTF-8 text", details={"field": "file"}) from None


def rows_of(text: str, *, required: Sequence[str]) -> Iterator[RawRow]:
    """The rows of a CSV or JSON-lines text as ``(line, {column: text})``; a JSON line that is not an object
    comes back as ``{"__malformed__": reason}``. The header must name every ``required`` column."""
    head = text.lstrip()[:1]
    if head in ("{", "["):
        yield from _json_rows(text)
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in required if c not in columns]
    if missing:
        raise InvalidInput(CouponError.HEADER_INVALID, columns=", ".join(missing), details={"field": "file"})
    reader.fieldnames = columns
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if None in row:  # more cells than the header names
            cells["__malformed__"] = "more cells than columns"
        if any(cells.values()):
            yield reader.line_num, cells


def _json_rows(text: str) -> Iterator[RawRow]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            yield number, {"__malformed__": "not a JSON object"}
            continue
        if not isinstance(obj, dict):
            yield number, {"__malformed__": "not a JSON object"}
            continue
        yield number, {k: ("|".join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)).strip()
                       for k, v in obj.items()}


@connector_register("file")
class FileConnector:
    """Reads what an operator uploaded or a command was given (``feed_data``, ``report_data``: the file's bytes)."""

    name = "file"

    def __init__(self, *, feed_data: bytes = b"", report_data: bytes = b"") -> None:
        self.feed_data = feed_data
        self.report_data = report_data

    def feed(self) -> Iterable[RawRow]:
        from tuishou.coupons.parsing import FEED_REQUIRED

        return rows_of(text_of(self.feed_data), required=FEED_REQUIRED)

    def order_report(self, *, start: date | None = None, end: date | None = None,
                     tracking_codes: Sequence[str] = ()) -> Iterable[RawRow]:
        from tuishou.coupons.parsing import REPORT_REQUIRED

        return rows_of(text_of(self.report_data), required=REPORT_REQUIRED)
