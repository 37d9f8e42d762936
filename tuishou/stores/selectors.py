"""Reads for micro-stores and share links: public store and product pages by short code, a promoter's own
items and links, and the figures of a link (clicks, unique visitors, orders)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, QuerySet

from tuishou.catalog.models import Product
from tuishou.catalog.selectors import hot_price_applies, product_public_detail, supply_pool
from tuishou.core.errors import NotFound, PermissionDenied
from tuishou.network.models import Promoter
from tuishou.network.selectors import public_name
from tuishou.stores import codes
from tuishou.stores.models import ShareLink, Store, StoreItem


@dataclass(frozen=True)
class PublicItem:
    """A visible item of a store page: the promoter's own title and text, the price, the product page code."""

    item_id: int
    product_id: int
    title: str
    recommendation: str
    price: Decimal
    link_code: str | None
    cover_url: str | None
    hot: bool = False
    inspected: bool = False


@dataclass(frozen=True)
class LinkStats:
    """What a share link brought: opens, distinct visitors (by cookie), and orders placed through it."""

    clicks: int
    unique_visitors: int
    orders: int


def promoter_name(promoter: Promoter) -> str:
    """What visitors see of the promoter (display name, or the masked phone number)."""
    return public_name(promoter.user.display_name, promoter.user.phone)


def product_price(product: Product, *, now: datetime | None = None) -> Decimal:
    """The lowest price a buyer pays for the product now: the 爆品 price in its window, else the lowest
    active SKU's retail price (``min_price`` when the supply-pool annotation is there)."""
    if hot_price_applies(product, now=now):
        return product.hot_price
    price = getattr(product, "min_price", None)
    if price is None:
        price = min(sku.price for sku in product.skus.all() if sku.active)
    return price


def store_by_code(code: str) -> Store:
    """A store by its short code (``/m/<code>``), or ``stores.store_unknown`` (404)."""
    normalized = codes.normalize(code)
    store = (Store.objects.select_related("promoter__user").filter(code=normalized).first()
             if codes.is_well_formed(normalized) else None)
    if store is None:
        raise NotFound("stores.store_unknown", "There is no store with this code.", details={"code": code})
    return store


def link_by_code(code: str) -> ShareLink:
    """A share link by its short code (``/s/<code>``, ``/p/<code>``), or ``stores.link_unknown`` (404)."""
    normalized = codes.normalize(code)
    link = (ShareLink.objects.select_related("promoter__user", "product").filter(code=normalized).first()
            if codes.is_well_formed(normalized) else None)
    if link is None:
        raise NotFound("stores.link_unknown", "There is no share link with this code.", details={"code": code})
    return link


def product_link_by_code(code: str) -> ShareLink:
    """A product share link (the product page ``/p/<code>``); a store link or an unknown code is a 404."""
    link = link_by_code(code)
    if link.target != ShareLink.Target.PRODUCT:
        raise NotFound("stores.link_unknown", "There is no product page with this code.", details={"code": code})
    return link


def promoter_link_by_code(*, promoter: Promoter, code: str) -> ShareLink:
    """One of the promoter's own links; somebody else's is ``stores.not_your_link`` (403)."""
    link = link_by_code(code)
    if link.promoter_id != promoter.pk:
        raise PermissionDenied("stores.not_your_link", "This share link belongs to another promoter.")
    return link


def store_items(store: Store) -> QuerySet[StoreItem]:
    """Every item of a store, hidden ones included, in the promoter's order (for the promoter)."""
    return StoreItem.objects.filter(store=store).select_related("product").order_by("position", "id")


def store_public_items(store: Store) -> list[PublicItem]:
    """The items a visitor sees: not hidden and still for sale (in the supply pool), in order."""
    items = list(StoreItem.objects.filter(store=store, hidden=False).order_by("position", "id"))
    products = {p.pk: p for p in supply_pool().filter(pk__in=[i.product_id for i in items])}
    link_codes = dict(ShareLink.objects.filter(promoter_id=store.promoter_id, target=ShareLink.Target.PRODUCT,
                                               product_id__in=list(products)).values_list("product_id", "code"))
    visible = []
    for item in items:
        product = products.get(item.product_id)
        if product is None:
            continue
        images = list(product.images.all())
        visible.append(PublicItem(
            item_id=item.pk, product_id=product.pk, title=item.title or product.title,
            recommendation=item.recommendation, price=product_price(product), link_code=link_codes.get(product.pk),
            cover_url=images[0].image.url if images else None, hot=product.in_hot_zone,
            inspected=product.inspected))
    return visible


def link_product(link: ShareLink) -> Product:
    """The product behind a product link, with active SKUs and images, while it is for sale
    (``catalog.product_unknown`` otherwise)."""
    return product_public_detail(product_id=link.product_id)


def store_item_for_product(*, promoter_id: int, product_id: int) -> StoreItem | None:
    """The promoter's store item for a product, if they picked it (its own title and text apply)."""
    return StoreItem.objects.filter(store__promoter_id=promoter_id, product_id=product_id).first()


def promoter_links(promoter: Promoter) -> QuerySet[ShareLink]:
    """A promoter's share links, newest first, with their click counts."""
    return (ShareLink.objects.filter(promoter=promoter).select_related("product")
            .annotate(click_count=Count("clicks")).order_by("-id"))


def _orders_through_link(link: ShareLink) -> int:
    """Orders that carry this link (``orders.Order.share_link``); 0 while the orders app is not installed."""
    try:
        order_model = apps.get_model("orders", "Order")
        order_model._meta.get_field("share_link")
    except (LookupError, FieldDoesNotExist):
        return 0
    return order_model.objects.filter(share_link_id=link.pk).count()


def link_stats(link: ShareLink, orders_count_fn: Callable[[ShareLink], int] | None = None) -> LinkStats:
    """Clicks, unique visitors (distinct cookie ids: two clicks with the same cookie are one) and orders.

    Orders are counted by ``orders_count_fn(link)`` when given, else from ``orders.Order`` rows whose
    ``share_link`` is this link (the orders app sets it from ``Attribution.share_link_id``), else 0.
    """
    row = link.clicks.aggregate(clicks=Count("id"), visitors=Count("visitor_key", distinct=True))
    orders = (orders_count_fn or _orders_through_link)(link)
    return LinkStats(clicks=row["clicks"], unique_visitors=row["visitors"], orders=orders)
