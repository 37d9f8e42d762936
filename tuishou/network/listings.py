"""Desk lists of the network: the operators' promoter list (/ops/promoters/), with its CSV export."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tuishou.core.listing import Column, Filter, Listing
from tuishou.network import ops_selectors
from tuishou.network.models import Promoter

LOWEST_RANK = "-"  # the filter's value for the lowest rank (stored as "")


def _rank(promoter: Promoter) -> str:
    rank = promoter.rank or str(_("Lowest rank"))
    return f"{rank} ({_('set by hand')})" if promoter.rank_locked else rank


def _file_link(promoter: Promoter) -> str:
    return f"/ops/promoters/{promoter.pk}/"


# A template calls what it finds callable without arguments; core/listing.html's ``c.link|call:row`` needs the
# function itself (reported to the lead: every Column.link needs this until the component handles it).
_file_link.do_not_call_in_templates = True


def _rank_choices(listing: Listing) -> list[tuple[str, str]]:
    return [(rank or LOWEST_RANK, rank or _("Lowest rank")) for rank in ops_selectors.ranks_in_use()]


class OpsPromoterListing(Listing):
    """Every promoter, for operators: search by phone, name or invite code; filters by community, rank, freeze."""

    name = "network.ops_promoters"
    columns = (
        Column("id", _("ID"), num=True, sort="id"),
        Column("name", _("Promoter"), value=lambda p: p.user.display_name or p.user.phone,
               link=_file_link),
        Column("user.phone", _("Phone")),
        Column("invite_code", _("Invite code"),
               value=lambda p: p.invite_code if p.invite_code_active else f"{p.invite_code} ({_('disabled')})"),
        Column("community.name", _("Community")),
        Column("rank", _("Rank"), value=_rank, sort="rank"),
        Column("stage", _("Stage"), value=lambda p: p.get_stage_display()),
        Column("personal_volume", _("Personal volume"), num=True, money=True, sort="-volume"),
        Column("paid_sales_count", _("Paid sales"), num=True, sort="-sales"),
        Column("frozen", _("Frozen"), value=lambda p: _("Frozen") if p.frozen_at else ""),
        Column("frozen_reason", _("Freeze reason"), show=False),
        Column("created_at", _("Joined"), sort="-joined"),
    )
    search = ("user__phone", "user__display_name", "invite_code")  # what ``search_rows`` matches, see there
    search_label = _("Phone, name or invite code")
    filters = (
        Filter("community", _("Community"), choices=lambda listing: ops_selectors.communities_for_filter(),
               lookup="community__code"),
        Filter("rank", _("Rank"), choices=_rank_choices,
               apply=lambda rows, value: rows.filter(rank="" if value == LOWEST_RANK else value)),
        Filter("frozen", _("Frozen"), choices=(("yes", _("Frozen")), ("no", _("Not frozen"))),
               apply=ops_selectors.frozen_filter),
    )
    sorts = {
        "-joined": (_("Newest"), ops_selectors.SORTS["-joined"]),
        "joined": (_("Oldest"), ops_selectors.SORTS["joined"]),
        "-volume": (_("Highest volume"), ops_selectors.SORTS["-volume"]),
        "-sales": (_("Most sales"), ops_selectors.SORTS["-sales"]),
        "rank": (_("Rank"), ops_selectors.SORTS["rank"]),
        "id": (_("ID"), ops_selectors.SORTS["id"]),
    }
    default_sort = "-joined"

    def rows(self):
        return ops_selectors.promoters_for_operator(actor=self.user)

    def search_rows(self, rows, term):
        return ops_selectors.promoters_matching(rows, term)
