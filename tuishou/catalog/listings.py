"""The catalog's desk lists (``tuishou.core.listing``): the merchant's products (``/merchant/products/``) and the
operators' review queue (``/ops/reviews/``), each with search, filters, sorting, pagination and CSV export.

Search by SKU code goes through a subquery rather than a join, so the per-product figures (lowest price, stock,
SKU count) the selectors annotate are not multiplied by the matching SKUs.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.catalog import selectors
from tuishou.catalog.models import Product, Sku
from tuishou.core.listing import Column, Filter, Listing
from tuishou.merchants.models import Merchant

S = Product.Status
STATUS_LABELS = {S.DRAFT: _("Draft"), S.PENDING_REVIEW: _("In review"), S.REJECTED: _("Rejected"),
                 S.APPROVED: _("Approved, not on sale"), S.ON_SHELF: _("On sale"), S.OFF_SHELF: _("Off the shelf")}


def _search(rows: QuerySet, term: str, *fields: str) -> QuerySet:
    condition = Q(pk__in=Sku.objects.filter(code__icontains=term).values("product_id"))
    for name in fields:
        condition |= Q(**{f"{name}__icontains": term})
    return rows.filter(condition)


def _status(product: Product) -> str:
    return str(STATUS_LABELS.get(product.status, product.status))


class MerchantProductListing(Listing):
    """A merchant's products, every status; scope: ``merchant_id`` (its staff only, checked by the selector)."""

    name = "catalog.merchant_products"
    columns = (
        Column("pk", _("ID"), num=True, show=False),
        Column("title", pgettext_lazy("column", "Product"), link=lambda p: f"/merchant/products/{p.pk}/", sort="title"),
        Column("category", _("Category")),
        Column("status", _("Status"), value=_status, short=True),
        Column("min_price", _("Price from"), num=True, money=True, sort="price"),
        Column("total_stock", _("Stock"), num=True, sort="stock"),
        Column("sku_count", _("SKUs"), num=True),
        Column("low_stock", _("Low-stock SKUs"), num=True),
        Column("reject_reason", _("Reason for rejection"), show=False),
        Column("updated_at", _("Updated"), sort="updated"),
    )
    search = ("title", "category")  # and SKU codes, through ``search_rows``
    search_label = _("Title, category or SKU code")
    filters = (
        Filter("status", _("Status"), choices=tuple(STATUS_LABELS.items())),
        Filter("stock", _("Stock"), choices=(("low", _("Low stock")),),
               apply=lambda rows, value: rows.filter(low_stock__gt=0)),
    )
    sorts = {"updated": (_("Recently updated"), ("-updated_at", "-pk")), "new": (_("Newest"), ("-pk",)),
             "title": (_("Title"), ("title", "pk")), "price": (_("Lowest price"), ("min_price", "pk")),
             "stock": (_("Least stock"), ("total_stock", "pk"))}
    default_sort = "updated"

    def rows(self) -> QuerySet[Product]:
        return selectors.merchant_product_rows(user=self.user, merchant_id=self.scope["merchant_id"])

    def search_rows(self, rows: QuerySet, term: str) -> QuerySet:
        return _search(rows, term, *self.search)


def _merchants(listing: Listing) -> list[tuple[int, str]]:
    return list(Merchant.objects.order_by("name", "pk").values_list("pk", "name"))


class ReviewListing(Listing):
    """The operators' review queue: products in review (the default) or, by the status filter, those reviewed;
    ops operators only (the selector checks)."""

    name = "catalog.reviews"
    columns = (
        Column("pk", _("ID"), num=True),
        Column("title", pgettext_lazy("column", "Product"), link=lambda p: f"/ops/reviews/{p.pk}/", sort="title"),
        Column("merchant.name", _("Merchant"), sort="merchant"),
        Column("category", _("Category")),
        Column("min_price", _("Price from"), num=True, money=True),
        Column("sku_count", _("SKUs"), num=True),
        Column("status", _("Status"), value=_status, short=True),
        Column("updated_at", _("Submitted or changed"), sort="oldest"),
        Column("reviewed_by.display_name", _("Reviewed by"), show=False),
        Column("reject_reason", _("Reason for rejection"), show=False),
    )
    search = ("title", "merchant__name")  # and SKU codes, through ``search_rows``
    search_label = _("Title, merchant or SKU code")
    filters = (
        Filter("status", _("Status"), all_label=_("In review"),
               choices=tuple((s, STATUS_LABELS[s]) for s in selectors.REVIEW_STATUSES if s != S.PENDING_REVIEW),
               apply=lambda rows, value: rows),  # rows() already reads it: the queue's default is "in review"
        Filter("merchant", _("Merchant"), choices=_merchants, lookup="merchant_id"),
    )
    sorts = {"oldest": (_("Waiting longest"), ("updated_at", "pk")), "newest": (_("Latest"), ("-updated_at", "-pk")),
             "title": (_("Title"), ("title", "pk")), "merchant": (_("Merchant"), ("merchant__name", "pk"))}
    default_sort = "oldest"

    def rows(self) -> QuerySet[Product]:
        return selectors.reviews_for_operator(user=self.user, status=self.active.get("status") or S.PENDING_REVIEW)

    def search_rows(self, rows: QuerySet, term: str) -> QuerySet:
        return _search(rows, term, *self.search)
