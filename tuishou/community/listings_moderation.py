"""The operators' list of materials to moderate (素材审核, ``tuishou.core.listing``): open reports first."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.community.models import Material
from tuishou.community.moderation_selectors import moderation_materials
from tuishou.core.listing import Column, Filter, Listing

EXCERPT = 40


def excerpt(material: Material) -> str:
    text = " ".join(material.text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def author_name(material: Material) -> str:
    return material.author.user.display_name or str(pgettext_lazy("person", "Promoter"))


def _show(rows: QuerySet, value: str) -> QuerySet:
    if value == "open":
        return rows.filter(open_reports__gt=0)
    return rows.filter(status=Material.Status.HIDDEN)


class MaterialModerationListing(Listing):
    name = "community.material_moderation"
    columns = (Column("material", pgettext_lazy("selling material", "Material"), value=excerpt,
                      link=lambda m: f"/ops/materials/{m.pk}/"),
               Column("author", _("Author"), value=author_name),
               Column("product", pgettext_lazy("goods", "Product"), value=lambda m: m.product.title),
               Column("open_reports", _("Open reports"), num=True, sort="reports"),
               Column("status", _("Status"), value=lambda m: m.get_status_display(), short=True),
               Column("latest_reason", _("Latest report reason")))
    search = ("text", "author__user__display_name")  # see search_rows
    search_label = _("Text or author")
    filters = (Filter("show", pgettext_lazy("moderation filter", "Show"),
                      choices=(("open", _("With open reports")), ("hidden", Material.Status.HIDDEN.label)),
                      apply=_show, all_label=_("All materials")),)
    sorts = {"reports": (_("Most open reports"), ("-open_reports", "-created_at", "-id")),
             "new": (_("Newest first"), ("-created_at", "-id"))}
    default_sort = "reports"

    def rows(self) -> QuerySet[Material]:
        return moderation_materials(actor=self.user)

    def search_rows(self, rows: QuerySet, term: str) -> QuerySet:
        # forward joins only: no duplicate rows, so no DISTINCT over the annotated counts
        return rows.filter(Q(text__icontains=term) | Q(author__user__display_name__icontains=term)
                           | Q(author__user__username__icontains=term))
