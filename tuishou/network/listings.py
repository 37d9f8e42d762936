"""The network's desk lists (``tuishou.core.listing``): an agency's promoters and mentors (/agency/promoters/,
/agency/mentors/), the operators' communities (/ops/communities/) and promoters (/ops/promoters/).

Rows come from selectors that check who asks (``require_community_staff``, ``require_operator``). Rank names come
from the community's plan, which the network does not read: the page passes them in the scope (``ranks``: id →
name), so an export job rebuilds the same labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.listing import Column, Filter, Listing
from tuishou.network import community_insight, ops_selectors, selectors
from tuishou.network.models import Community, Promoter

STAGES = Promoter.Stage


class _Link:
    """A column's link as a callable the template language does not call by itself (Django calls any callable it
    resolves, with no argument: a plain lambda there fails silently and the cell loses its link)."""

    do_not_call_in_templates = True

    def __init__(self, pattern: str, key: str = "id") -> None:
        self.pattern, self.key = pattern, key

    def __call__(self, row) -> str:
        value = row[self.key] if isinstance(row, dict) else getattr(row, self.key)
        return self.pattern.format(value)


def _name(row) -> str:
    return selectors.public_name(row["user__display_name"], row["user__phone"])


def _stage_label(row) -> str:
    return str(_("Temporary") if row["stage"] == STAGES.TEMPORARY else _("Ordinary"))


class _CommunityListing(Listing):
    """A list of one community's promoters; scope: ``community_id`` and ``ranks`` (id → name)."""

    def rank_label(self, row) -> str:
        return self.scope.get("ranks", {}).get(row["rank"], row["rank"]) or str(_("Lowest rank"))

    def rank_choices(self) -> list[tuple[str, str]]:
        return [(rank_id, name) for rank_id, name in self.scope.get("ranks", {}).items() if rank_id]

    def rank_filter(self, rows, value: str):
        """The lowest rank is stored as "" until an evaluation names it: its filter matches both."""
        ids = [value]
        if next(iter(self.rank_choices()), ("",))[0] == value:
            ids.append("")
        return rows.filter(rank__in=ids)


class AgencyPromoterListing(_CommunityListing):
    name = "network.agency_promoters"
    search = ("user__display_name", "user__phone", "invite_code")
    search_label = _("Name, phone or invite code")
    sorts = {"new": (_("Newest"), ("-id",)), "old": (_("Oldest"), ("id",)),
             "sales": (_("Personal volume"), ("-personal_volume", "id")),
             "directs": (_("Direct members"), ("-directs", "id")), "depth": (_("Level"), ("depth", "id"))}

    @property
    def columns(self):
        return (Column("name", _("Promoter name"), value=_name, link=_Link("/agency/promoters/{}/")),
                Column("invite_code", _("Invite code")),
                Column("rank", _("Rank"), value=self.rank_label),
                Column("stage", _("Stage"), value=_stage_label),
                Column("depth", _("Level"), num=True, sort="depth"),
                Column("directs", _("Direct members"), num=True, sort="directs"),
                Column("paid_sales_count", _("Paid sales"), num=True),
                Column("personal_volume", _("Personal volume"), num=True, money=True, sort="sales"),
                Column("created_at", _("Joined"), value=lambda r: timezone.localdate(r["created_at"]), sort="new"))

    @property
    def filters(self):
        return (Filter("rank", _("Rank"), choices=lambda listing: listing.rank_choices(),
                       apply=self.rank_filter),
                Filter("stage", _("Stage"), choices=((STAGES.TEMPORARY, _("Temporary")),
                                                     (STAGES.ORDINARY, _("Ordinary")))))

    def rows(self):
        return community_insight.community_promoters(user=self.user, community_id=self.scope["community_id"])


TEAM_SIZE_CHUNK = 200


class AgencyMentorListing(_CommunityListing):
    """The mentors with their team sizes: counted for the page shown (one query), or per chunk in an export."""

    name = "network.agency_mentors"
    search = ("user__display_name", "user__phone", "invite_code")
    search_label = _("Name, phone or invite code")
    sorts = {"directs": (_("Direct members"), ("-directs", "id")), "old": (_("Oldest"), ("id",)),
             "sales": (_("Personal volume"), ("-personal_volume", "id"))}

    @property
    def columns(self):
        return (Column("name", _("Mentor"), value=_name, link=_Link("/agency/promoters/{}/")),
                Column("invite_code", _("Invite code")),
                Column("rank", _("Rank"), value=self.rank_label),
                Column("directs", _("Direct members"), num=True, sort="directs"),
                Column("team_size", _("Team size"), num=True),
                Column("personal_volume", _("Personal volume"), num=True, money=True, sort="sales"),
                Column("created_at", _("Joined"), value=lambda r: timezone.localdate(r["created_at"]), sort="old"))

    @property
    def filters(self):
        return (Filter("rank", _("Rank"), choices=lambda listing: listing.rank_choices(),
                       apply=self.rank_filter),)

    def rows(self):
        return community_insight.community_mentors(user=self.user, community_id=self.scope["community_id"])

    def _with_team_sizes(self, rows: list[dict]) -> list[dict]:
        sizes = community_insight.team_sizes({r["id"]: r["path"] for r in rows},
                                             community_id=self.scope["community_id"])
        for row in rows:
            row["team_size"] = sizes[row["id"]]
        return rows

    @property
    def page(self):
        page = super().page
        if not getattr(page, "_sized", False):
            page.object_list = self._with_team_sizes(list(page.object_list))
            page._sized = True
        return page

    def csv_lines(self, rows: Iterable | None = None) -> Iterator[str]:
        return super().csv_lines(rows if rows is not None else self._sized_rows())

    def _sized_rows(self) -> Iterator[dict]:
        chunk: list[dict] = []
        for row in self.queryset().iterator(chunk_size=TEAM_SIZE_CHUNK):
            chunk.append(row)
            if len(chunk) == TEAM_SIZE_CHUNK:
                yield from self._with_team_sizes(chunk)
                chunk = []
        yield from self._with_team_sizes(chunk)


class OpsCommunityListing(Listing):
    """Every community, for operators: name, code, kind, open or closed, promoters and staff."""

    name = "network.ops_communities"
    columns = (Column("name", _("Community"), link=_Link("/ops/communities/{}/", "pk")),
               Column("code", _("Code")),
               Column("kind", _("Kind"), value=lambda c: str(_("Official") if c.kind == "official" else _("Agency"))),
               Column("active", _("Status"), value=lambda c: str(_("Open") if c.active else _("Closed"))),
               Column("promoter_count", _("Promoters"), num=True, sort="promoters"),
               Column("staff_count", _("Staff"), num=True),
               Column("created_at", _("Created"), value=lambda c: timezone.localdate(c.created_at), sort="new"))
    search = ("name", "code")
    search_label = _("Name or code")
    filters = (Filter("kind", _("Kind"), choices=((Community.Kind.AGENCY, _("Agency")),
                                                  (Community.Kind.OFFICIAL, _("Official")))),
               Filter("active", _("Status"), choices=(("1", _("Open")), ("0", _("Closed"))),
                      apply=lambda rows, value: rows.filter(active=value == "1")))
    sorts = {"new": (_("Newest"), ("-id",)), "name": (_("Name"), ("name", "id")),
             "promoters": (_("Most promoters"), ("-promoter_count", "id"))}

    def rows(self):
        return selectors.communities_for_operator(user=self.user)


# ---- the operators' promoter list (/ops/promoters/), with its CSV export -----------------------------------


LOWEST_RANK = "-"  # the filter's value for the lowest rank (stored as "")


def _rank(promoter: Promoter, names: dict[str, str] | None = None) -> str:
    """The rank's name under the promoter's community's plan (the page passes them in), else its id."""
    rank = (names or {}).get(promoter.rank) or promoter.rank or str(_("Lowest rank"))
    return f"{rank} ({_('set by hand')})" if promoter.rank_locked else rank


def _file_link(promoter: Promoter) -> str:
    return f"/ops/promoters/{promoter.pk}/"


# A template calls what it finds callable without arguments; core/listing.html's ``c.link|call:row`` needs the
# function itself (reported to the lead: every Column.link needs this until the component handles it).
_file_link.do_not_call_in_templates = True


def _rank_choices(listing: Listing) -> list[tuple[str, str]]:
    names: dict[str, str] = {}
    for community_names in listing.scope.get("ranks", {}).values():  # a rank id's name in the first plan naming it
        for rank_id, name in community_names.items():
            names.setdefault(rank_id, name)
    return [(rank or LOWEST_RANK, names.get(rank, rank) if rank else _("Lowest rank"))
            for rank in ops_selectors.ranks_in_use()]


class OpsPromoterListing(Listing):
    """Every promoter, for operators: search by phone, name or invite code; filters by community, rank, freeze.
    Scope: ``ranks`` (community id as text → rank id → name, from each community's plan in force), so that a rank
    reads 店主, not ``shopkeeper``."""

    name = "network.ops_promoters"

    @property
    def columns(self):
        return tuple(Column(c.key, c.label, value=self.rank_label, sort=c.sort) if c.key == "rank" else c
                     for c in self.COLUMNS)

    def rank_label(self, promoter: Promoter) -> str:
        return _rank(promoter, self.scope.get("ranks", {}).get(str(promoter.community_id)))

    COLUMNS = (
        Column("id", _("ID"), num=True, sort="id"),
        Column("name", pgettext_lazy("person", "Promoter"), value=lambda p: p.user.display_name or p.user.phone,
               link=_file_link),
        Column("user.phone", _("Phone")),
        Column("invite_code", _("Invite code"),
               value=lambda p: p.invite_code if p.invite_code_active else f"{p.invite_code} ({_('disabled')})"),
        Column("community.name", _("Community")),
        Column("rank", _("Rank"), value=_rank, sort="rank"),
        Column("stage", _("Stage"), value=lambda p: str(_("Temporary shopkeeper") if p.stage == STAGES.TEMPORARY
                                                        else _("Ordinary shopkeeper"))),
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
