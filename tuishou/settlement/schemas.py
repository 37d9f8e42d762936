"""API shapes for settlement. Amounts go out as decimal strings ("19.90")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from tuishou.settlement.models import ZERO, Commission, MerchantReceivable, PeriodSettlement
from tuishou.settlement.selectors import ORDER_SOURCE, MerchantStatement, MyCommissions
from tuishou.settlement.statements import Statement


class CommissionOut(Schema):
    id: int
    order_id: int | None
    order_number: str | None
    period: str
    promoter_id: int
    rule: str
    plan_key: str
    plan_version: int | None
    base: Decimal
    rate: Decimal
    accrued_amount: Decimal
    cancelled_amount: Decimal
    clawed_back_amount: Decimal
    amount: Decimal
    status: str
    due_at: datetime | None
    settled_at: datetime | None
    created_at: datetime


def commission_out(row: Commission) -> dict:
    return {"id": row.pk, "order_id": row.order_id, "order_number": row.order.number if row.order_id else None,
            "period": row.period, "promoter_id": row.promoter_id, "rule": row.rule,
            "plan_key": row.plan_version.plan_key, "plan_version": row.plan_version.version, "base": row.base,
            "rate": row.rate, "accrued_amount": row.accrued_amount, "cancelled_amount": row.cancelled_amount,
            "clawed_back_amount": row.clawed_back_amount, "amount": row.amount, "status": row.status,
            "due_at": row.due_at, "settled_at": row.settled_at, "created_at": row.created_at}


class SummaryOut(Schema):
    pending: Decimal
    available: Decimal
    withdrawable: Decimal


class CouponOrderRefOut(Schema):
    """The coupon order a coupon commission was paid on (券订单), placed on an external platform."""

    platform: str
    external_order_id: str = Field(description="The order's number on its platform.")
    item_title: str
    paid_at: datetime = Field(description="When the buyer paid on the platform.")


class MyCommissionOut(CommissionOut):
    """One of my commissions, of any kind. ``id`` is unique within its ``kind``: a coupon commission's id is not a
    platform commission's. A coupon commission is refunded whole, so its ``cancelled_amount`` or
    ``clawed_back_amount`` is its accrued amount or zero, and ``amount`` (worth now) what is left."""

    kind: Literal["order", "period", "coupon"] = Field(description=(
        "order: a platform order's commission (order_id, order_number); period: a month's team volume or pool "
        "(period); coupon: a coupon goods order's on an external platform (coupon_order)."))
    at: datetime = Field(description=(
        "When it was earned, what the list is sorted by: when an order or period commission was booked, when a "
        "coupon order was paid on its platform."))
    coupon_order: CouponOrderRefOut | None = None


class MyCommissionsOut(Schema):
    summary: SummaryOut
    commissions: list[MyCommissionOut]


def _coupon_commission_out(row) -> dict:
    """A coupon commission (``tuishou.coupons``, loaded with its order, item and plan version) in the same shape."""
    lost = row.status in ("cancelled", "clawed_back")
    version = row.order.plan_version
    return {"id": row.pk, "kind": "coupon", "at": row.order.paid_at, "order_id": None, "order_number": None,
            "period": "", "promoter_id": row.promoter_id, "rule": row.rule,
            "plan_key": version.plan_key if version else "", "plan_version": version.version if version else None,
            "base": row.base, "rate": row.rate, "accrued_amount": row.amount,
            "cancelled_amount": row.amount if row.status == "cancelled" else ZERO,
            "clawed_back_amount": row.amount if row.status == "clawed_back" else ZERO,
            "amount": ZERO if lost else row.amount, "status": row.status, "due_at": None,
            "settled_at": row.order.settled_at if row.status in ("available", "clawed_back") else None,
            "created_at": row.created_at,
            "coupon_order": {"platform": row.order.platform, "external_order_id": row.order.external_order_id,
                             "item_title": row.order.item.title, "paid_at": row.order.paid_at}}


def my_commissions_out(mine: MyCommissions) -> dict:
    rows = [{**commission_out(row), "kind": "order" if row.order_id else "period", "at": row.created_at,
             "coupon_order": None} if source == ORDER_SOURCE else _coupon_commission_out(row)
            for source, row in mine.rows]
    return {"summary": {"pending": mine.summary.pending, "available": mine.summary.available,
                        "withdrawable": mine.summary.withdrawable},
            "commissions": rows}


class ReceivableOut(Schema):
    id: int
    order_id: int
    order_number: str
    merchant_id: int
    paid_amount: Decimal
    refunded_amount: Decimal
    commission_base: Decimal
    fee_rate: Decimal
    fee: Decimal
    net: Decimal
    settled_net: Decimal | None
    clawed_back_amount: Decimal
    status: str
    due_at: datetime | None
    settled_at: datetime | None


def receivable_out(row: MerchantReceivable) -> dict:
    return {"id": row.pk, "order_id": row.order_id, "order_number": row.order.number, "merchant_id": row.merchant_id,
            "paid_amount": row.paid_amount, "refunded_amount": row.refunded_amount,
            "commission_base": row.commission_base, "fee_rate": row.fee_rate, "fee": row.fee, "net": row.net,
            "settled_net": row.settled_net, "clawed_back_amount": row.clawed_back_amount, "status": row.status,
            "due_at": row.due_at, "settled_at": row.settled_at}


class StatementOut(Schema):
    merchant_id: int
    merchant_name: str
    totals: dict[str, Decimal]
    balances: dict[str, Decimal]
    rows: list[ReceivableOut]


def statement_out(statement: MerchantStatement) -> dict:
    return {"merchant_id": statement.merchant.pk, "merchant_name": statement.merchant.name,
            "totals": statement.totals, "balances": statement.balances,
            "rows": [receivable_out(row) for row in statement.rows]}


class PeriodOut(Schema):
    community_code: str
    period: str
    plan_key: str
    plan_version: int | None
    base_total: Decimal
    payout_total: Decimal
    recipients: int
    entry_key: str
    created_at: datetime


def period_out(row: PeriodSettlement) -> dict:
    return {"community_code": row.community.code, "period": row.period, "plan_key": row.plan_version.plan_key,
            "plan_version": row.plan_version.version, "base_total": row.base_total,
            "payout_total": row.payout_total, "recipients": row.recipients, "entry_key": row.entry_key,
            "created_at": row.created_at}


class MerchantPeriodOut(Schema):
    """One period of a merchant's statement (商家对账单): closing = opening + sales − platform fee − commissions
    − refunds − withdrawals + other; the closing split into pending, available and frozen."""

    label: str
    start: datetime
    end: datetime
    opening: str
    sales: str
    platform_fee: str
    commissions: str
    refunds: str
    withdrawals: str
    other: str
    closing: str
    closing_pending: str
    closing_available: str
    closing_frozen: str


def merchant_period_out(statement: Statement) -> dict:
    return {name: (str(value) if isinstance(value, Decimal) else value)
            for name, value in statement.__dict__.items()}
