"""The operators' list of materials reward periods (``tuishou.core.listing``): search, status, sorting, CSV."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.community.models_rewards import RewardPeriod
from tuishou.community.rewards_selectors import reward_periods_query
from tuishou.core.listing import Column, Filter, Listing


def scope_label(period: RewardPeriod) -> str:
    return period.community.name if period.community_id else str(_("Platform-wide"))


class RewardPeriodListing(Listing):
    name = "community.reward_periods"
    columns = (Column("title", pgettext_lazy("reward period", "Title"),
                      link=lambda p: f"/ops/materials/rewards/{p.pk}/"),
               Column("scope", _("Scope"), value=scope_label),
               Column("starts_on", _("Starts on"), sort="new"),
               Column("ends_on", _("Ends on")),
               Column("pool", _("Pool"), num=True, money=True, sort="pool"),
               Column("status", _("Status"), value=lambda p: p.get_status_display(), short=True),
               Column("paid_total", _("Paid"), num=True, money=True),
               Column("returned_total", _("Returned"), num=True, money=True))
    search = ("title",)
    search_label = _("Title")
    filters = (Filter("status", _("Status"), choices=RewardPeriod.Status.choices, all_label=_("Any status")),)
    sorts = {"new": (_("Newest first"), ("-starts_on", "-id")), "old": (_("Oldest first"), ("starts_on", "id")),
             "pool": (_("Largest pool"), ("-pool", "-id"))}
    default_sort = "new"

    def rows(self) -> QuerySet[RewardPeriod]:
        return reward_periods_query(actor=self.user)
