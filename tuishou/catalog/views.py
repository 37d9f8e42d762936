"""The platform's storefront (首页): hot-products zone (爆品区), inspected zone (验货区), categories, search, and a
product page for goods reached from the storefront rather than through a promoter's link.

Views parse the query string, call catalog selectors and render; each page runs a fixed number of queries
whatever the number of tiles (prices are annotated, images prefetched).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tuishou.catalog import selectors
from tuishou.catalog.models import Product
from tuishou.core.errors import NotFound
from tuishou.core.pages import paginate

ZONE_SIZE = 6
PER_PAGE = 20


def _tile(product: Product, now) -> dict:
    images = list(product.images.all())  # prefetched, in position order
    return {"url": reverse("catalog:product", args=[product.pk]), "title": product.title,
            "image": images[0].image.url if images else "",
            "price": product.hot_price if product.hot_price is not None else product.min_price,
            "hot": product.hot, "inspected": product.inspected}


def _tiles(products, now) -> list[dict]:
    return [_tile(p, now) for p in products]


def _listing(request: HttpRequest, *, category: str | None = None, search: str | None = None):
    now = timezone.now()
    page = paginate(request, selectors.supply_pool(category=category, search=search, now=now), per_page=PER_PAGE)
    return page, _tiles(page.object_list, now)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The storefront: the two zones, the categories, and every product for sale, a page at a time."""
    now = timezone.now()
    page, tiles = _listing(request)
    return render(request, "catalog/home.html", {
        "hot": _tiles(selectors.supply_pool(zone="hot", now=now)[:ZONE_SIZE], now),
        "inspected": _tiles(selectors.supply_pool(zone="inspected", now=now)[:ZONE_SIZE], now),
        "categories": selectors.supply_categories(), "page": page, "tiles": tiles})


@require_GET
def category(request: HttpRequest, name: str) -> HttpResponse:
    """The products of one category; an unknown category is simply empty (with a way back)."""
    page, tiles = _listing(request, category=name)
    return render(request, "catalog/listing.html", {"heading": name, "page": page, "tiles": tiles,
                                                    "categories": selectors.supply_categories(), "current": name})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search titles, descriptions and merchants' names (``?q=``)."""
    q = (request.GET.get("q") or "").strip()[:60]
    page, tiles = _listing(request, search=q) if q else (None, [])
    return render(request, "catalog/search.html", {"q": q, "page": page, "tiles": tiles})


@require_GET
def product(request: HttpRequest, product_id: int) -> HttpResponse:
    """A product reached from the storefront rather than through a promoter's link: the same page as at a link
    (gallery, 爆品/验货 badges, SKUs with price and stock, quantity, add to cart and buy now through the buyer's cart
    and checkout), without a share code, a recommendation or a store to go back to."""
    try:
        item = selectors.product_public_detail(product_id=product_id)
    except NotFound:
        raise Http404 from None
    now = timezone.now()
    prices = selectors.sku_selling_prices(item.skus.all(), now=now)
    skus = [{"sku": sku, "price": prices[sku.pk], "earn": None} for sku in item.skus.all()]
    chosen = next((row for row in skus if row["sku"].stock > 0), skus[0] if skus else None)
    price = item.hot_price if item.hot_price is not None else item.min_price
    return render(request, "catalog/product.html", {
        "product": item, "title": item.title, "images": list(item.images.all()), "price": price, "skus": skus,
        "chosen": chosen, "earn_from": None, "hot": item.hot, "price_varies": len({row["price"] for row in skus}) > 1})
