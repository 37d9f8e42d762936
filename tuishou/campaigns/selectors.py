"""Reads of hot-product campaigns (爆品): the operators' list and detail, the running campaigns promoters see,
and the campaign's figures by community and by team.

Figures (``campaign_figures``), for orders paid at the campaign's terms (lines carrying the campaign):
- ``clicks``: opens of share links to the product during the window, credited to the link's promoter;
- ``orders``: paid orders with a campaign line; ``units``: units sold in them (refunded units left out);
- ``gmv``: what buyers paid for the campaign lines, less what was refunded of them;
- ``commissions``: what the plan pays on those orders now (``settlement.Commission.amount``, after refunds),
  each order's share in proportion to its campaign lines' commission base B (an order may also hold lines of
  other products).
A community's teams: each direct downline of a community head (a root promoter) and everyone under them; the
heads' own sales are their own row ("the head's own"). Attribution is the order's credited promoter (p0).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuishou.accounts.permissions import Role, require_operator
from tuishou.campaigns.errors import CampaignError
from tuishou.campaigns.models import Campaign, CampaignPrice
from tuishou.core.errors import NotFound
from tuishou.core.money import round_down

ZERO = Decimal("0.00")


def campaigns_for_operator(*, user) -> QuerySet[Campaign]:
    """Every campaign, newest window first, with its product and merchant (ops)."""
    require_operator(user, Role.OPS)
    return Campaign.objects.select_related("product__merchant").order_by("-starts_at", "-id")


def campaign_for_operator(*, user, campaign_id: int) -> Campaign:
    """One campaign with its prices (and their SKUs), pushes and history; ``campaigns.campaign_unknown``."""
    require_operator(user, Role.OPS)
    return campaign_get(campaign_id=campaign_id)


def campaign_get(*, campaign_id: int) -> Campaign:
    campaign = (Campaign.objects.select_related("product__merchant", "created_by")
                .prefetch_related(Prefetch("prices", queryset=CampaignPrice.objects.select_related("sku")
                                           .order_by("sku_id")), "pushes__community", "status_changes")
                .filter(pk=campaign_id).first())
    if campaign is None:
        raise NotFound(CampaignError.CAMPAIGN_UNKNOWN, details={"campaign_id": campaign_id})
    return campaign


def campaigns_running(*, now: datetime | None = None) -> list[Campaign]:
    """Launched campaigns whose window is open now, ending soonest first, for the promoter centre and the API:
    each with ``lowest_price`` and ``retail_price`` (of the SKUs it prices) and its product's cover."""
    now = now or timezone.now()
    campaigns = list(Campaign.objects.filter(status=Campaign.Status.LAUNCHED, starts_at__lte=now, ends_at__gt=now)
                     .select_related("product").prefetch_related(
                         Prefetch("prices", queryset=CampaignPrice.objects.select_related("sku").order_by("price")),
                         "product__images").order_by("ends_at", "pk"))
    for campaign in campaigns:
        prices = list(campaign.prices.all())
        campaign.lowest_price = prices[0].price if prices else None
        campaign.retail_price = min((p.sku.price for p in prices), default=None)
        images = sorted(campaign.product.images.all(), key=lambda i: (i.position, i.pk))
        campaign.cover_url = images[0].image.url if images else ""
    return campaigns


# ---- figures ---------------------------------------------------------------------------------------------------

@dataclass
class Figures:
    """One row of figures: the campaign, a community or a team."""

    key: str
    name: str
    clicks: int = 0
    orders: int = 0
    units: int = 0
    gmv: Decimal = ZERO
    commissions: Decimal = ZERO
    teams: list[Figures] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        self.clicks += other.clicks
        self.orders += other.orders
        self.units += other.units
        self.gmv += other.gmv
        self.commissions += other.commissions


@dataclass
class CampaignFigures:
    total: Figures
    communities: list[Figures]


def _team_path(path: bytes | None) -> bytes:
    """The path of the team a promoter is in: its depth-1 ancestor (itself at depth 1), a head's own path."""
    from tuishou.network.treepath import split

    if not path:
        return b""
    segments = split(bytes(path))
    return b"".join(segments[:2])


def campaign_figures(*, campaign: Campaign, community_id: int | None = None) -> CampaignFigures:
    """Clicks, orders, units, GMV and commissions of ``campaign`` by community, each with its teams (see the
    module's docstring); only ``community_id``'s when given (an agency's view). Five queries."""
    from tuishou.network.models import Community, Promoter
    from tuishou.network.selectors import public_name
    from tuishou.orders.models import OrderLine
    from tuishou.settlement.models import Commission
    from tuishou.stores.models import ShareClick

    # (community_id, team path) → Figures; the order ids each cell counted
    cells: dict[tuple[int | None, bytes], Figures] = {}
    orders_of: dict[tuple[int | None, bytes], set[int]] = defaultdict(set)

    def cell(community: int | None, team: bytes) -> Figures:
        return cells.setdefault((community, team), Figures(key=team.hex(), name=""))

    lines = OrderLine.objects.filter(campaign=campaign, order__paid_at__isnull=False)
    if community_id is not None:
        lines = lines.filter(order__community_id=community_id)
    rows = list(lines.values_list("order_id", "order__community_id", "order__promoter__path", "quantity",
                                  "refunded_quantity", "paid_amount", "refunded_amount", "commission_base",
                                  "order__commission_base"))
    commission_of = defaultdict(lambda: ZERO)
    for order_id, amount in Commission.objects.filter(order_id__in={r[0] for r in rows}).values_list(
            "order_id", "amount"):
        commission_of[order_id] += amount
    for order_id, community, path, quantity, refunded_quantity, paid, refunded, base, order_base in rows:
        team = _team_path(path)
        figures = cell(community, team)
        figures.units += quantity - refunded_quantity
        figures.gmv += paid - refunded
        if order_base:
            figures.commissions += round_down(commission_of[order_id] * base / order_base)
        orders_of[(community, team)].add(order_id)
    for key, ids in orders_of.items():
        cells[key].orders = len(ids)
    clicks = ShareClick.objects.filter(link__product_id=campaign.product_id, at__gte=campaign.starts_at,
                                       at__lt=campaign.ends_at)
    if community_id is not None:
        clicks = clicks.filter(link__promoter__community_id=community_id)
    for community, path in clicks.values_list("link__promoter__community_id", "link__promoter__path"):
        cell(community, _team_path(path)).clicks += 1
    # names: the communities and the teams' leaders
    leaders = {bytes(p.path): p for p in Promoter.objects.filter(path__in=[t for _c, t in cells if t])
               .select_related("user")}
    communities = Community.objects.filter(active=True).order_by("pk")
    if community_id is not None:
        communities = communities.filter(pk=community_id)
    out, total = [], Figures(key="total", name=campaign.title)
    for community in communities:
        row = Figures(key=str(community.pk), name=community.name)
        for (cid, team), figures in sorted(cells.items(), key=lambda kv: (-kv[1].gmv, kv[0][1])):
            if cid != community.pk:
                continue
            leader = leaders.get(team)
            if leader is not None and leader.depth == 0:
                figures.name = _("%(name)s (the head's own)") % {
                    "name": public_name(leader.user.display_name, leader.user.phone)}
            elif leader is not None:
                figures.name = public_name(leader.user.display_name, leader.user.phone)
            else:
                figures.name = "—"
            row.add(figures)
            row.teams.append(figures)
        total.add(row)
        out.append(row)
    return CampaignFigures(total=total, communities=out)


def campaign_figures_for(*, user, campaign_id: int,
                         community_id: int | None = None) -> tuple[Campaign, CampaignFigures]:
    """The campaign and its figures as ``user`` may read them: operators (ops) every community (or the one
    asked for); an agency's staff only their own community's, of a launched or ended campaign (their first
    community unless ``community_id`` names another of theirs). Anyone else: ``network.community_not_found``."""
    from tuishou.accounts.permissions import is_operator
    from tuishou.network.selectors import require_community_staff, staff_communities

    if not is_operator(user, Role.OPS):
        if community_id is None:
            mine = staff_communities(user)
            community_id = mine[0]["id"] if mine else None
        require_community_staff(user, community_id)
    campaign = campaign_get(campaign_id=campaign_id)
    if not is_operator(user, Role.OPS) and campaign.status == Campaign.Status.DRAFT:
        raise NotFound(CampaignError.CAMPAIGN_UNKNOWN, details={"campaign_id": campaign_id})
    return campaign, campaign_figures(campaign=campaign, community_id=community_id)


def campaigns_for_agency(*, user, community_id: int | None = None) -> tuple[Any, QuerySet[Campaign]]:
    """The community an agency's staff member reads (their first unless ``community_id`` names another of theirs)
    and the campaigns pushed to it, newest first."""
    from tuishou.network.selectors import require_community_staff, staff_communities

    if community_id is None:
        mine = staff_communities(user)
        community_id = mine[0]["id"] if mine else None
    community = require_community_staff(user, community_id)
    rows = (Campaign.objects.filter(pushes__community=community).select_related("product")
            .order_by("-starts_at", "-id"))
    return community, rows
