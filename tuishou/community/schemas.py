"""Shapes of the community's API: leaderboards and the materials marketplace."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from tuishou.community.models import Material
from tuishou.core.inputs import (
    Count,
    Id,
    ReasonIn,  # noqa: F401 (the routes' shape of a reason)
)
from tuishou.network.selectors import public_name


class LeaderboardQuery(Schema):
    period: str = "month"


class StandingOut(Schema):
    place: int
    name: str
    value: Decimal
    detail: int
    me: bool


class LeaderboardOut(Schema):
    board: str
    period: str
    first_day: date
    last_day: date
    entrants: int
    rows: list[StandingOut]
    mine: StandingOut | None


class MaterialQuery(Schema):
    product_id: Id | None = None
    order: str = "citations"
    everywhere: bool = Field(False, description="All communities (default: mine).")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10**6)


class MaterialOut(Schema):
    id: int
    product_id: int
    product_title: str
    author: str
    text: str
    images: list[str]
    video_url: str
    status: str
    created_at: datetime
    citations: int | None = None
    orders: int | None = None
    rating: float | None = None
    score: float | None = None


class ReportsDismissedOut(Schema):
    material_id: int
    status: str = Field(description="The material's status, unchanged by the dismissal.")
    dismissed: list[int] = Field(description="The ids of the reports dismissed, oldest first.")


class MaterialPage(Schema):
    count: int
    items: list[MaterialOut]


class FiguresOut(Schema):
    citations: int
    clicks: int
    orders: int
    gmv: Decimal
    rating: float | None
    ratings: int


class MaterialDetailOut(MaterialOut):
    figures: FiguresOut


class ReuseIn(Schema):
    channel: str


class ReuseOut(Schema):
    citation_id: int
    link_code: str
    url: str
    text: str


class RatingIn(Schema):
    score: Count


class RatingOut(Schema):
    material_id: int
    score: Count



def material_out(material: Material) -> dict:
    user = material.author.user
    return {"id": material.pk, "product_id": material.product_id, "product_title": material.product.title,
            "author": public_name(user.display_name, user.phone), "text": material.text,
            "images": [image.image.url for image in material.images.all()], "video_url": material.video_url,
            "status": material.status, "created_at": material.created_at,
            "citations": getattr(material, "citation_count", None), "orders": getattr(material, "order_count", None),
            "rating": getattr(material, "rating", None), "score": getattr(material, "score", None)}
