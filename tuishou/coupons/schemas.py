"""API shapes of coupon goods."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from tuishou.core.inputs import Id


class CouponPageQuery(Schema):
    """A page of the coupon zone or of my coupon commissions, with the zone's search and category."""

    q: str = ""
    category: str = ""
    limit: int = 20
    offset: int = 0


class CouponItemOut(Schema):
    id: int
    platform: str
    external_id: str
    title: str
    images: list[str]
    category: str
    price: Decimal
    coupon_amount: Decimal
    final_price: Decimal
    commission_rate: Decimal
    valid_until: datetime
    estimated_commission: Decimal | None = None
    picked: bool = False


class ItemPageOut(Schema):
    total: int
    items: list[CouponItemOut]


class PickIn(Schema):
    item_id: Id


class PickOut(Schema):
    id: int
    item_id: Id
    tracking_code: str
    link: str
    clicks: int


class CouponCommissionOut(Schema):
    id: int
    external_order_id: str
    item_title: str
    rule: str
    base: Decimal
    rate: Decimal
    amount: Decimal
    status: str
    paid_at: datetime


class FeedImportOut(Schema):
    id: int
    connector: str
    created: int
    updated: int
    skipped: int
    skips: list[dict]


class FeedImportIn(Schema):
    connector: str = Field("sandbox", max_length=32)


class ReportFetchIn(Schema):
    start: date
    end: date
    connector: str = Field("sandbox", max_length=32)


class ReportImportOut(Schema):
    id: int
    connector: str
    source: str
    rows: int
    imported: int
    reversed: int
    skipped: int
    skipped_by_reason: dict[str, int]
    commission_total: Decimal


class ReportRowOut(Schema):
    line: int
    external_order_id: str
    reported_status: str
    tracking_code: str
    outcome: str
    reason: str
    detail: str


def item_out(item, *, earn=None, picked=False) -> dict:
    return {"id": item.pk, "platform": item.platform, "external_id": item.external_id, "title": item.title,
            "images": item.images, "category": item.category, "price": item.price,
            "coupon_amount": item.coupon_amount, "final_price": item.final_price,
            "commission_rate": item.commission_rate, "valid_until": item.valid_until,
            "estimated_commission": earn, "picked": picked}


def pick_out(pick) -> dict:
    return {"id": pick.pk, "item_id": pick.item_id, "tracking_code": pick.tracking_code,
            "link": f"/c/{pick.tracking_code}/go", "clicks": pick.clicks}


def commission_out(c) -> dict:
    return {"id": c.pk, "external_order_id": c.order.external_order_id, "item_title": c.order.item.title,
            "rule": c.rule, "base": c.base, "rate": c.rate, "amount": c.amount, "status": c.status,
            "paid_at": c.order.paid_at}


def report_out(r) -> dict:
    return {"id": r.pk, "connector": r.connector, "source": r.source, "rows": r.rows, "imported": r.imported,
            "reversed": r.reversed, "skipped": r.skipped, "skipped_by_reason": r.skipped_by_reason,
            "commission_total": r.commission_total}
