"""The operators' list of inspection tasks (``/ops/inspections/``), declared once for the page and its CSV."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.community import inspections_selectors as selectors
from tuishou.community.models_inspections import InspectionTask
from tuishou.core.listing import Column, Filter, Listing
from tuishou.network.models import Community


def _communities(listing: Listing) -> list[tuple[int, str]]:
    return list(Community.objects.order_by("id").values_list("pk", "name"))


class TaskListing(Listing):
    """Every inspection task with its report counts; open ones due soonest first by default."""

    name = "community.inspection_tasks"
    columns = (
        Column("pk", _("ID"), num=True),
        Column("product.title", pgettext_lazy("column", "Product"), link=lambda t: f"/ops/inspections/{t.pk}/",
               sort="product"),
        Column("product.category", _("Category")),
        Column("community.name", _("Community")),
        Column("status", _("Status"), value=lambda t: t.get_status_display(), short=True),
        Column("due_at", _("Due"), sort="due"),
        Column("filed", _("Reports"), num=True),
        Column("passes", _("Passing"), num=True),
        Column("fails", _("Failing"), num=True),
        Column("waiting", _("Waiting for a decision"), num=True, sort="waiting"),
        Column("product.inspected", _("Inspected badge"), value=lambda t: _("Yes") if t.product.inspected else ""),
        Column("opened_by.display_name", _("Opened by"), show=False),
        Column("note", _("Note"), show=False),
    )
    search = ("product__title", "product__merchant__name", "note")
    search_label = _("Product, merchant or note")
    filters = (Filter("status", _("Status"), choices=InspectionTask.Status.choices),
               Filter("community", _("Community"), choices=_communities, lookup="community_id"))
    sorts = {"due": (_("Due soonest"), ("due_at", "pk")), "newest": (_("Newest"), ("-created_at", "-pk")),
             "waiting": (_("Most waiting"), ("-waiting", "due_at", "pk")),
             "product": (pgettext_lazy("column", "Product"), ("product__title", "pk"))}
    default_sort = "due"

    def rows(self) -> QuerySet[InspectionTask]:
        return selectors.tasks_for_operator(user=self.user)
