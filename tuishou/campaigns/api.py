"""API routes of hot-product campaigns (爆品): operators create, launch, end, list and read figures; agency staff
read their own community's figures; promoters read the campaigns running now."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from tuishou.accounts.permissions import require_user
from tuishou.campaigns import selectors, services
from tuishou.campaigns.schemas import (
    CampaignFiguresOut,
    CampaignIn,
    CampaignOut,
    ReasonIn,
    RunningOut,
    campaign_figures_out,
    campaign_out,
    running_out,
)
from tuishou.core.api_roles import AGENCY_STAFF, CONSUMER, OPS, allowed

router = Router(tags=["campaigns"])


@router.get("", response=list[CampaignOut], openapi_extra=allowed(OPS))
def campaign_list(request: HttpRequest):
    """Every campaign, newest window first (ops)."""
    return [campaign_out(c) for c in selectors.campaigns_for_operator(user=request.user)
            .prefetch_related("prices__sku", "pushes")[:200]]


@router.get("/running", response=list[RunningOut], openapi_extra=allowed(CONSUMER))
def campaigns_running(request: HttpRequest):
    """The campaigns running now, ending soonest first: campaign price from, retail price, units left, end."""
    require_user(request.user)
    return [running_out(c) for c in selectors.campaigns_running()]


@router.post("", response={201: CampaignOut}, openapi_extra=allowed(OPS))
def campaign_create(request: HttpRequest, payload: CampaignIn):
    """Draft a campaign for a product (ops): a price for all SKUs (``price``) or per SKU (``prices``: {sku_id:
    price}), a window, an allocation and a commission setting (``sku``, ``percent`` + ``commission_rate`` or
    ``fixed`` + ``commission_amount`` per unit)."""
    campaign = services.campaign_create(actor=request.user, **payload.dict())
    return Status(201, campaign_out(selectors.campaign_get(campaign_id=campaign.pk)))


@router.get("/{campaign_id}", response=CampaignOut, openapi_extra=allowed(OPS))
def campaign_detail(request: HttpRequest, campaign_id: int):
    """One campaign (ops)."""
    return campaign_out(selectors.campaign_for_operator(user=request.user, campaign_id=campaign_id))


@router.post("/{campaign_id}/launch", response=CampaignOut, openapi_extra=allowed(OPS))
def campaign_launch(request: HttpRequest, campaign_id: int):
    """Launch a draft to every community at once: an announcement and a starter material each (ops)."""
    services.campaign_launch(actor=request.user, campaign_id=campaign_id)
    return campaign_out(selectors.campaign_get(campaign_id=campaign_id))


@router.post("/{campaign_id}/end", response=CampaignOut, openapi_extra=allowed(OPS))
def campaign_end(request: HttpRequest, campaign_id: int, payload: ReasonIn):
    """End a campaign early, or withdraw a draft, with a reason (ops)."""
    services.campaign_end(actor=request.user, campaign_id=campaign_id, reason=payload.reason)
    return campaign_out(selectors.campaign_get(campaign_id=campaign_id))


@router.get("/{campaign_id}/figures", response=CampaignFiguresOut, openapi_extra=allowed(OPS, AGENCY_STAFF))
def campaign_figures(request: HttpRequest, campaign_id: int, community_id: int | None = None):
    """Clicks, orders, units, GMV and commissions by community and team: every community for operators, their
    own community for an agency's staff (``community_id``)."""
    campaign, figures = selectors.campaign_figures_for(user=request.user, campaign_id=campaign_id,
                                                       community_id=community_id)
    return campaign_figures_out(campaign, figures)
