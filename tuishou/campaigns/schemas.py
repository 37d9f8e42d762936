"""Shapes of the campaigns API: operators create, launch, end and read figures; promoters read what runs."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from tuishou.campaigns.models import Campaign
from tuishou.campaigns.selectors import CampaignFigures, Figures
from tuishou.core.inputs import (
    Count,
    Id,
    ReasonIn,  # noqa: F401 (the routes' shape of a reason)
    Title,
)


class CampaignIn(Schema):
    product_id: Id
    title: Title
    pitch: str
    starts_at: datetime
    ends_at: datetime
    allocation: Count
    price: str | None = None
    prices: dict[int, str] | None = None
    commission_mode: str = "sku"
    commission_rate: str | None = None
    commission_amount: str | None = None



class PriceOut(Schema):
    sku_id: int
    spec_name: str
    retail_price: str
    price: str


class CampaignOut(Schema):
    id: int
    product_id: Id
    product_title: str
    title: str
    pitch: str
    status: str
    starts_at: datetime
    ends_at: datetime
    allocation: Count
    sold: int
    left: int
    commission_mode: str
    commission_rate: str | None
    commission_amount: str | None
    prices: list[PriceOut]
    communities_reached: int


class RunningOut(Schema):
    id: int
    product_id: Id
    product_title: str
    title: str
    lowest_price: str | None
    retail_price: str | None
    ends_at: datetime
    left: int
    cover: str


class ReachFiguresOut(Schema):
    key: str
    name: str
    clicks: int
    orders: int
    units: int
    gmv: str
    commissions: str
    teams: list[ReachFiguresOut] = []


class CampaignFiguresOut(Schema):
    campaign_id: int
    total: ReachFiguresOut
    communities: list[ReachFiguresOut]


def _money(value) -> str | None:
    return None if value is None else str(value)


def campaign_out(campaign: Campaign) -> dict:
    return {
        "id": campaign.pk, "product_id": campaign.product_id, "product_title": campaign.product.title,
        "title": campaign.title, "pitch": campaign.pitch, "status": campaign.status,
        "starts_at": campaign.starts_at, "ends_at": campaign.ends_at, "allocation": campaign.allocation,
        "sold": campaign.sold, "left": campaign.left, "commission_mode": campaign.commission_mode,
        "commission_rate": _money(campaign.commission_rate), "commission_amount": _money(campaign.commission_amount),
        "prices": [{"sku_id": p.sku_id, "spec_name": p.sku.spec_name, "retail_price": str(p.sku.price),
                    "price": str(p.price)} for p in campaign.prices.all()],
        "communities_reached": len(campaign.pushes.all()),
    }


def running_out(campaign: Campaign) -> dict:
    return {"id": campaign.pk, "product_id": campaign.product_id, "product_title": campaign.product.title,
            "title": campaign.title, "lowest_price": _money(campaign.lowest_price),
            "retail_price": _money(campaign.retail_price), "ends_at": campaign.ends_at, "left": campaign.left,
            "cover": campaign.cover_url}


def figures_out(figures: Figures) -> dict:
    return {"key": figures.key, "name": figures.name, "clicks": figures.clicks, "orders": figures.orders,
            "units": figures.units, "gmv": str(figures.gmv), "commissions": str(figures.commissions),
            "teams": [figures_out(t) for t in figures.teams]}


def campaign_figures_out(campaign: Campaign, figures: CampaignFigures) -> dict:
    return {"campaign_id": campaign.pk, "total": figures_out(figures.total),
            "communities": [figures_out(c) for c in figures.communities]}
