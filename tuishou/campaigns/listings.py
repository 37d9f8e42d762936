"""The operators' list of campaigns (``/ops/campaigns/``): search, status filter, sorts, CSV."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tuishou.campaigns import selectors
from tuishou.campaigns.models import Campaign
from tuishou.core.listing import Column, Filter, Listing


class CampaignListing(Listing):
    """Every campaign with its product, window, allocation taken and status."""

    name = "campaigns.campaigns"
    search = ("title", "product__title", "product__merchant__name")
    filters = (Filter("status", _("Status"), choices=Campaign.Status.choices),)
    sorts = {"start": (_("Newest window"), ("-starts_at", "-id")), "end": (_("Ending soonest"), ("ends_at", "id")),
             "sold": (_("Most taken"), ("-sold", "-id"))}

    @property
    def columns(self):
        return (
            Column("title", _("Campaign"), link=lambda c: f"/ops/campaigns/{c.pk}/"),
            Column("product", _("Product"), value=lambda c: c.product.title),
            Column("merchant", _("Merchant"), value=lambda c: c.product.merchant.name),
            Column("status", _("Status"), value=lambda c: c.get_status_display(), short=True),
            Column("starts_at", _("Starts")),
            Column("ends_at", _("Ends"), sort="end"),
            Column("sold", _("Taken"), num=True, sort="sold"),
            Column("allocation", _("Allocation"), num=True),
        )

    def rows(self):
        return selectors.campaigns_for_operator(user=self.user)
