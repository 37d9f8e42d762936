"""The campaign's part of checkout (the order pricing hook): which SKUs sell at a running campaign's terms
now, taking their units out of the allocation, and giving units back when an unpaid checkout is cancelled.

Allocation is reserved with one conditional UPDATE per campaign (``… SET sold = sold + n WHERE sold + n <=
allocation``), in campaign id order after the SKUs' stock (SKUs in id order), so concurrent checkouts can
neither oversell nor deadlock; a database check (``campaign_never_oversold``) backs it. Checkout reads the terms
first without a lock (``campaign_terms_read``, which refuses a visibly sold-out campaign at once) and reserves
last (``campaign_units_reserve``, just before its commit), so the campaign's row is held for a statement and
the commit, not for the whole checkout.

Decisions (documented for operators):
- A sold-out campaign refuses the purchase (``campaigns.sold_out``, 409) until its window ends: the product was
  pushed at the campaign price, so silently charging the retail price would surprise the buyer. After the
  window the product sells at its normal price.
- Units come back to the allocation only when an unpaid checkout is cancelled or expires. A refund never gives
  allocation back, in or after the window: the units were sold at the negotiated price, and returned goods go
  back to the SKU's stock (when the case restocks) for sale at the normal price.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import F

from tuishou.campaigns.errors import CampaignError
from tuishou.campaigns.models import Campaign, CampaignPrice
from tuishou.core.errors import Conflict


@dataclass(frozen=True)
class CampaignTerms:
    """What one SKU sells at inside a running campaign: the price and the commission setting for the line."""

    campaign_id: int
    price: Decimal
    commission_mode: str
    commission_rate: Decimal | None
    commission_amount: Decimal | None

    def setting_for(self, sku) -> tuple[str, Decimal | None, Decimal | None]:
        """The commission setting a line of ``sku`` snapshots: the campaign's, or the SKU's own."""
        if self.commission_mode == Campaign.CommissionMode.SKU:
            return sku.commission_mode, sku.commission_rate, sku.commission_amount
        return self.commission_mode, self.commission_rate, self.commission_amount


def running_prices(sku_ids: Iterable[int], *, now: datetime) -> dict[int, tuple[CampaignPrice, Campaign]]:
    """{sku_id: (its campaign price, the campaign)} for the SKUs in a campaign running at ``now``."""
    rows = (CampaignPrice.objects.filter(sku_id__in=list(sku_ids), campaign__status=Campaign.Status.LAUNCHED,
                                         campaign__starts_at__lte=now, campaign__ends_at__gt=now)
            .select_related("campaign"))
    return {row.sku_id: (row, row.campaign) for row in rows}


def _terms(price: CampaignPrice, campaign: Campaign) -> CampaignTerms:
    return CampaignTerms(campaign_id=campaign.pk, price=price.price, commission_mode=campaign.commission_mode,
                         commission_rate=campaign.commission_rate, commission_amount=campaign.commission_amount)


def running_terms(sku_ids: Iterable[int], *, now: datetime) -> dict[int, CampaignTerms]:
    """{sku_id: terms} of the SKUs in a campaign running at ``now`` (what a page shows; nothing reserved)."""
    return {sku_id: _terms(price, campaign) for sku_id, (price, campaign) in running_prices(sku_ids, now=now).items()}


def running_price_subquery(sku_ref: str = "pk", *, now: datetime):
    """The running campaign price of the SKU ``OuterRef(sku_ref)`` as a subquery (None outside a campaign), to
    annotate a list of SKUs or cart lines without one query per row."""
    from django.db.models import OuterRef, Subquery

    return Subquery(CampaignPrice.objects.filter(
        sku_id=OuterRef(sku_ref), campaign__status=Campaign.Status.LAUNCHED, campaign__starts_at__lte=now,
        campaign__ends_at__gt=now).values("price")[:1])


def campaign_terms_read(*, wanted: Mapping[int, int], titles: Mapping[int, str],
                        now: datetime) -> dict[int, CampaignTerms]:
    """The terms by SKU of the units of ``wanted`` ({sku_id: quantity}) whose SKU is in a campaign running at
    ``now``, read without a lock; nothing is reserved (``campaign_units_reserve`` does that, last).

    Refuses early: ``campaigns.sold_out`` (409) when a campaign already shows fewer units left than asked, so a
    buyer of a sold-out launch is answered without queueing on the campaign's row. The locked conditional
    update in ``campaign_units_reserve`` still decides the last units.
    """
    found = running_prices(wanted, now=now)
    terms = {sku_id: _terms(price, campaign) for sku_id, (price, campaign) in found.items()}
    campaigns = {campaign.pk: campaign for _price, campaign in found.values()}
    for campaign_id, (quantity, sku_id) in sorted(_per_campaign(wanted, terms).items()):
        if campaigns[campaign_id].sold + quantity > campaigns[campaign_id].allocation:
            raise _sold_out(campaigns[campaign_id], quantity, sku_id, titles)
    return terms


def campaign_units_reserve(*, wanted: Mapping[int, int], terms: Mapping[int, CampaignTerms],
                           titles: Mapping[int, str]) -> None:
    """Take the units of ``wanted`` sold at ``terms`` (``campaign_terms_read``) out of their campaigns'
    allocations: one conditional UPDATE per campaign, in campaign id order. Call inside the checkout's
    transaction, after the SKUs' stock and as late as possible (the row is every launch buyer's: its lock is
    held until commit).

    Raises ``campaigns.sold_out`` (409) when a campaign has fewer units left than asked; the caller's
    transaction then writes nothing.
    """
    table = connection.ops.quote_name(Campaign._meta.db_table)
    for campaign_id, (quantity, sku_id) in sorted(_per_campaign(wanted, terms).items()):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET sold = sold + %s WHERE id = %s AND sold + %s <= allocation "
                           "RETURNING sold", [quantity, campaign_id, quantity])
            taken = cursor.fetchone()
        if taken is None:
            raise _sold_out(Campaign.objects.get(pk=campaign_id), quantity, sku_id, titles)


def _per_campaign(wanted: Mapping[int, int], terms: Mapping[int, CampaignTerms]) -> dict[int, tuple[int, int]]:
    """{campaign_id: (units asked for in it, its first SKU asked for)}."""
    per_campaign: dict[int, tuple[int, int]] = {}
    for sku_id in sorted(terms):
        units, first = per_campaign.get(terms[sku_id].campaign_id, (0, sku_id))
        per_campaign[terms[sku_id].campaign_id] = (units + wanted[sku_id], first)
    return per_campaign


def _sold_out(campaign: Campaign, quantity: int, sku_id: int, titles: Mapping[int, str]) -> Conflict:
    return Conflict(CampaignError.SOLD_OUT, title=titles.get(sku_id, campaign.title), left=campaign.left,
                    details={"campaign_id": campaign.pk, "left": campaign.left, "requested": quantity,
                             "sku_id": sku_id})


def campaign_units_release(*, order_ids: Iterable[int]) -> int:
    """Give back the allocation the lines of these (unpaid, now cancelled) orders took; return the units.
    Campaigns in id order, after the SKUs' stock, as at checkout."""
    from tuishou.orders.models import OrderLine  # orders calls this module; its models are data, not code

    taken: dict[int, int] = {}
    for campaign_id, quantity in (OrderLine.objects.filter(order_id__in=list(order_ids), campaign__isnull=False)
                                  .values_list("campaign_id", "quantity")):
        taken[campaign_id] = taken.get(campaign_id, 0) + quantity
    for campaign_id in sorted(taken):
        Campaign.objects.filter(pk=campaign_id).update(sold=F("sold") - taken[campaign_id])
    return sum(taken.values())
