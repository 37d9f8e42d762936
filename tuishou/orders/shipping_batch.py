"""Batch shipping (批量发货): the merchant exports the orders to ship as CSV, fills in the carrier and the tracking
number of each parcel, and uploads the file back; every filled row is shipped through ``order_ship``.

All or nothing: one row refused (an unknown order number, another merchant's order, one already shipped, a
malformed tracking number …) ships no order of the file, and the answer lists every refused row with its line
number and reason, so the merchant fixes the file and uploads it again. Rows without a tracking number are
left alone (not shipped yet). The file may be UTF-8 (with or without a BOM) or GB18030, as Excel saves Chinese
CSV; its columns are found by their headings, in Chinese or English, as the export writes them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from tuishou.core.errors import DomainError, InvalidInput
from tuishou.merchants.selectors import require_merchant_staff
from tuishou.orders.errors import OrderError
from tuishou.orders.fulfilment import order_ship
from tuishou.orders.models import Order

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000
HEADINGS = {"number": ("订单号", "order number"), "carrier": ("快递公司", "carrier"),
            "tracking_number": ("运单号", "tracking number")}


@dataclass(frozen=True)
class ShipRow:
    line: int  # the row's line in the file (the heading is line 1)
    number: str
    carrier: str
    tracking_number: str


@dataclass(frozen=True)
class RowRefusal:
    line: int
    number: str
    error: DomainError


class BatchRefused(Exception):
    """Some rows were refused: nothing was shipped."""

    def __init__(self, refusals: list[RowRefusal]) -> None:
        super().__init__(f"{len(refusals)} rows refused")
        self.refusals = refusals


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(OrderError.SHIP_FILE_INVALID, details={"field": "file"})


def ship_rows_parse(data: bytes) -> list[ShipRow]:
    """The filled rows of an uploaded file; ``orders.ship_file_invalid`` (not a CSV with the three columns, or
    over ``MAX_BYTES`` / ``MAX_ROWS``), ``orders.ship_file_empty`` (no row has a tracking number)."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(OrderError.SHIP_FILE_INVALID, details={"field": "file"})
    reader = csv.reader(io.StringIO(_text(data)))
    heading = [cell.strip().lower() for cell in next(reader, [])]
    columns = {}
    for key, names in HEADINGS.items():
        found = [i for i, cell in enumerate(heading) if cell in names]
        if not found:
            raise InvalidInput(OrderError.SHIP_FILE_INVALID, details={"field": "file"})
        columns[key] = found[0]
    rows = []
    for line, cells in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            raise InvalidInput(OrderError.SHIP_FILE_INVALID, details={"field": "file"})
        values = {key: (cells[i].strip() if i < len(cells) else "") for key, i in columns.items()}
        if values["number"] and values["tracking_number"]:
            rows.append(ShipRow(line=line, number=values["number"].lstrip("'"), carrier=values["carrier"],
                                tracking_number=values["tracking_number"]))
    if not rows:
        raise InvalidInput(OrderError.SHIP_FILE_EMPTY, details={"field": "file"})
    return rows


def orders_ship_batch(*, actor, merchant_id: int, data: bytes) -> list[Order]:
    """Ship every filled row of the uploaded file, all or nothing; the shipped orders, in the file's order.

    Raises what ``ship_rows_parse`` raises, ``merchants.not_staff``, and ``BatchRefused`` with each refused row
    (an order number twice in the file is refused the second time).
    """
    require_merchant_staff(user=actor, merchant_id=merchant_id)
    rows = ship_rows_parse(data)
    ids = dict(Order.objects.filter(merchant_id=merchant_id, number__in=[r.number for r in rows])
               .values_list("number", "pk"))
    refusals: list[RowRefusal] = []
    shipped: list[Order] = []
    with transaction.atomic():  # a refused row raises out of it: the rows shipped before it roll back
        seen: set[str] = set()
        for row in rows:
            try:
                if row.number not in ids or row.number in seen:
                    raise InvalidInput(OrderError.ORDER_UNKNOWN, order_id=row.number)
                seen.add(row.number)
                shipped.append(order_ship(actor=actor, order_id=ids[row.number], carrier=row.carrier,
                                          tracking_number=row.tracking_number))
            except DomainError as exc:
                refusals.append(RowRefusal(line=row.line, number=row.number, error=exc))
        if refusals:
            raise BatchRefused(refusals)
    return shipped
