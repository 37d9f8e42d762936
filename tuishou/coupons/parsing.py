"""Validating a platform's feed rows and order-report rows (pure Python: no Django).

Every connector's raw rows go through here, so a bad cell is a reported skip with a stable reason (and the
column it concerns), never a half-written row. Times without a zone are the platform's (China Standard Time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

PLATFORM_TZ = ZoneInfo("Asia/Shanghai")
FEED_REQUIRED = ("external_id", "title", "price", "coupon_amount", "commission_rate", "link", "valid_until")
REPORT_REQUIRED = ("order_id", "tracking_code", "status", "amount", "commission", "paid_at")
STATUSES = ("paid", "settled", "refunded")
MAX_AMOUNT = Decimal("1000000.00")


class RowSkip(Exception):
    """A row that cannot be imported: ``reason`` is a stable code, ``detail`` says what a person should fix."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class FeedItem:
    external_id: str
    title: str
    images: tuple[str, ...]
    price: Decimal
    coupon_amount: Decimal
    coupon_starts_at: datetime | None
    coupon_ends_at: datetime
    commission_rate: Decimal
    link: str
    category: str
    valid_until: datetime


@dataclass(frozen=True)
class ReportLine:
    line: int
    order_id: str
    tracking_code: str
    status: str
    amount: Decimal
    commission: Decimal
    paid_at: datetime
    at: datetime  # when the row's status was reached (settled / refunded time; the paid time for "paid")

    @property
    def key(self) -> tuple[str, str]:
        """The row key: a repeated (order, status) is the same fact told twice."""
        return self.order_id, self.status


def money(cells: dict[str, str], column: str, *, positive: bool = False) -> Decimal:
    text = cells.get(column, "").replace(",", "").replace("¥", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowSkip("malformed", f"{column}: {text[:30]!r} is not an amount") from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        raise RowSkip("malformed", f"{column}: {text[:30]!r} is not an amount in yuan and fen")
    if positive and not value:
        raise RowSkip("malformed", f"{column}: must be more than 0")
    return value


def moment(cells: dict[str, str], column: str, *, required: bool = True) -> datetime | None:
    text = cells.get(column, "").strip()
    if not text:
        if required:
            raise RowSkip("malformed", f"{column}: missing")
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise RowSkip("malformed", f"{column}: {text[:30]!r} is not a time (YYYY-MM-DD HH:MM:SS)") from None
    return value if value.tzinfo else value.replace(tzinfo=PLATFORM_TZ)


def text_cell(cells: dict[str, str], column: str, *, longest: int, required: bool = True) -> str:
    value = cells.get(column, "").strip()
    if required and not value:
        raise RowSkip("malformed", f"{column}: missing")
    if len(value) > longest:
        raise RowSkip("malformed", f"{column}: longer than {longest} characters")
    return value


def _url(value: str) -> bool:
    return value.startswith(("https://", "http://", "/")) and " " not in value and len(value) <= 500


def feed_item_parse(cells: dict[str, str]) -> FeedItem:
    """A feed row as a ``FeedItem``; ``RowSkip`` names what is wrong."""
    if "__malformed__" in cells:
        raise RowSkip("malformed", cells["__malformed__"])
    price = money(cells, "price", positive=True)
    coupon = money(cells, "coupon_amount")
    if coupon >= price:
        raise RowSkip("malformed", "coupon_amount: must be less than the price")
    try:
        rate = Decimal(cells.get("commission_rate", "").rstrip("%")) / (100 if "%" in cells["commission_rate"] else 1)
    except (InvalidOperation, KeyError):
        raise RowSkip("malformed", "commission_rate: not a rate") from None
    if not rate.is_finite() or not 0 < rate <= 1 or rate != rate.quantize(Decimal("0.0001")):
        raise RowSkip("malformed", "commission_rate: a rate between 0 and 1 (or 0% and 100%), 4 places at most")
    link = text_cell(cells, "link", longest=500)
    if not link.startswith(("https://", "http://")):
        raise RowSkip("malformed", "link: must be an http(s) address")
    images = tuple(u.strip() for u in cells.get("images", "").split("|") if u.strip())
    if len(images) > 9 or not all(_url(u) for u in images):
        raise RowSkip("malformed", "images: up to 9 http(s) addresses separated by |")
    valid_until = moment(cells, "valid_until")
    ends = moment(cells, "coupon_end", required=False) or valid_until
    return FeedItem(external_id=text_cell(cells, "external_id", longest=64),
                    title=text_cell(cells, "title", longest=120), images=images, price=price, coupon_amount=coupon,
                    coupon_starts_at=moment(cells, "coupon_start", required=False), coupon_ends_at=ends,
                    commission_rate=rate, link=link, category=text_cell(cells, "category", longest=40, required=False),
                    valid_until=min(valid_until, ends))


def report_line_parse(line: int, cells: dict[str, str]) -> ReportLine:
    """An order-report row as a ``ReportLine``; ``RowSkip`` names what is wrong."""
    if "__malformed__" in cells:
        raise RowSkip("malformed", cells["__malformed__"])
    status = cells.get("status", "").strip().lower()
    if status not in STATUSES:
        raise RowSkip("malformed", f"status: {status[:20]!r} is none of {', '.join(STATUSES)}")
    paid_at = moment(cells, "paid_at")
    at = moment(cells, "updated_at", required=False) or paid_at
    return ReportLine(line=line, order_id=text_cell(cells, "order_id", longest=64),
                      tracking_code=text_cell(cells, "tracking_code", longest=64), status=status,
                      amount=money(cells, "amount"), commission=money(cells, "commission"), paid_at=paid_at, at=at)
