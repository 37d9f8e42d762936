"""API shapes for micro-stores and share links. Prices go out as decimal strings ("59.90")."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from tuishou.core.inputs import Id


class StoreIn(Schema):
    title: str | None = None
    slogan: str | None = None


class ItemIn(Schema):
    product_id: Id
    title: str = ""
    recommendation: str = ""


class ItemPatch(Schema):
    title: str | None = None
    recommendation: str | None = None
    hidden: bool | None = None


class ReorderIn(Schema):
    item_ids: list[Id]


class LinkIn(Schema):
    target: str
    product_id: Id | None = None


class ItemOut(Schema):
    id: int
    product_id: Id
    product_title: str
    title: str
    recommendation: str
    position: int
    hidden: bool


class StoreOut(Schema):
    code: str
    url: str
    title: str
    slogan: str
    promoter_name: str
    items: list[ItemOut]


class LinkOut(Schema):
    code: str
    target: str
    product_id: int | None
    url: str
    poster_url: str
    created_at: datetime


class LinkStatsOut(Schema):
    """``orders`` = ``orders_with_code`` (placed with the link's share code) + ``orders_through_binding``
    (placed without it by a consumer the link bound to its promoter)."""

    code: str
    clicks: int
    unique_visitors: int
    orders: int
    orders_with_code: int
    orders_through_binding: int


class PublicItemOut(Schema):
    product_id: Id
    title: str
    recommendation: str
    price: str
    product_code: str | None
    cover_url: str | None


class PublicStoreOut(Schema):
    code: str
    title: str
    slogan: str
    promoter_name: str
    items: list[PublicItemOut]


class PublicSkuOut(Schema):
    id: int
    spec_name: str
    price: str
    in_stock: bool
    buy_url: str


class PublicProductOut(Schema):
    code: str
    product_id: Id
    title: str
    recommendation: str
    description: str
    price: str
    promoter_name: str
    images: list[str]
    skus: list[PublicSkuOut]


class ClaimOut(Schema):
    claimed: int
