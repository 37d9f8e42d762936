"""Shapes of the materials reward periods' API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from tuishou.core.inputs import Count, Id, PlainDecimal, Reason, Title


class RewardPeriodIn(Schema):
    title: Title
    community_id: Id | None = Field(None, description="Empty: platform-wide.")
    starts_on: date
    ends_on: date = Field(..., description="Inclusive.")
    pool: PlainDecimal = Field(..., description="Yuan, to the fen (0.01 – 1,000,000).")
    cap_share: PlainDecimal = Field(Decimal("0.3"), description="The most one author may receive, as a share (0, 1].")
    min_rating: PlainDecimal = Field(Decimal("3.5"), description="Minimum average rating of the author's materials.")
    min_ratings: Count = Field(3, description="Minimum number of ratings of the author's materials.")


class CancelIn(Schema):
    reason: Reason


class PeriodQuery(Schema):
    status: str | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10**6)


class RewardPeriodOut(Schema):
    id: int
    title: str
    community_id: int | None
    community_name: str | None
    starts_on: date
    ends_on: date
    pool: Decimal
    cap_share: Decimal
    min_rating: Decimal
    min_ratings: int
    status: str
    funded_at: datetime | None
    settled_at: datetime | None
    cancelled_at: datetime | None
    paid_total: Decimal
    returned_total: Decimal


class RewardPeriodPage(Schema):
    count: int
    items: list[RewardPeriodOut]


class RewardLineOut(Schema):
    author_id: int
    author: str
    orders: int
    weight: Decimal
    rating: Decimal | None
    ratings: int
    excluded: str
    capped: bool
    amount: Decimal


class PreviewOut(Schema):
    period: RewardPeriodOut
    cap: Decimal
    paid: Decimal
    returned: Decimal
    lines: list[RewardLineOut]


class MyRewardOut(Schema):
    period_id: int
    title: str
    starts_on: date
    ends_on: date
    orders: int
    weight: Decimal
    excluded: str
    amount: Decimal
    settled_at: datetime | None


def period_out(period) -> dict:
    return {"id": period.pk, "title": period.title, "community_id": period.community_id,
            "community_name": period.community.name if period.community_id else None,
            **{name: getattr(period, name) for name in (
                "starts_on", "ends_on", "pool", "cap_share", "min_rating", "min_ratings", "status", "funded_at",
                "settled_at", "cancelled_at", "paid_total", "returned_total")}}
