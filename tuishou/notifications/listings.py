"""Desk lists of the message centre: announcements an operator or an agency published, with read receipts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.listing import Column, Filter, Listing
from tuishou.notifications import selectors


def _community_choices(listing: Listing):
    return [(c.pk, c.name) for c in selectors.announcement_communities(listing.user)]


class AnnouncementListing(Listing):
    """Published announcements the person may follow up on; ``audience`` and ``read share`` per row."""

    name = "notifications.announcements"
    search = ("title", "body")
    filters = (Filter("community", _("Community"), choices=_community_choices, lookup="community_id"),)
    sorts = {"new": (pgettext_lazy("announcements", "Newest first"), ("-published_at", "-id")),
             "reads": (_("Most read"), ("-read_count", "-id"))}

    @property
    def columns(self):
        return (
            Column("title", _("Title")),
            Column("community", _("Audience"), value=lambda a: a.community.name if a.community else _("Everyone")),
            Column("author", _("By"), value=lambda a: a.author.display_name or a.author.get_username()),
            Column("published_at", _("Published")),
            Column("read_count", _("Read"), num=True, sort="reads"),
            Column("audience", _("Audience size"), num=True, value=self.audience_of),
            Column("share", _("Read share"), num=True, value=self.share_of),
        )

    def rows(self):
        return selectors.announcements_authored(self.user)

    def audience_of(self, announcement) -> int:
        if not hasattr(self, "_sizes"):
            self._sizes = {}
        if announcement.community_id not in self._sizes:
            self._sizes.update(selectors.announcement_audiences([announcement]))
        return self._sizes[announcement.community_id]

    def share_of(self, announcement) -> str:
        size = self.audience_of(announcement)
        return f"{announcement.read_count * 100 / size:.0f}%" if size else "—"
