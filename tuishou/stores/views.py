"""Public pages at short URLs: a share link (``/s/<code>``: records the click, redirects), a store page
(``/m/<code>``), a product page (``/p/<code>``) and a link's poster (``/s/<code>/poster.png``).

Views read the request, call services and selectors, and render; a code that matches nothing is a 404 page.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tuishou.catalog.selectors import product_in_hot_zone
from tuishou.core.errors import NotFound
from tuishou.core.visitors import client_ip, visitor_cookie_set, visitor_key
from tuishou.stores import selectors
from tuishou.stores.errors import StoreError
from tuishou.stores.models import ShareLink, Store
from tuishou.stores.poster import poster_png
from tuishou.stores.services import share_click_record, store_get_or_create
from tuishou.stores.visitors import share_url


def _not_found(request: HttpRequest, what: str, exc: NotFound) -> HttpResponse:
    """The 404 page; a frozen promoter's store or link says the store is unavailable (no more than that)."""
    unavailable = exc.code == StoreError.STORE_UNAVAILABLE
    return render(request, "stores/not_found.html", {"what": what, "unavailable": unavailable}, status=404)


@require_GET
def share(request: HttpRequest, code: str) -> HttpResponse:
    """Open a share link: count the click, remember the visitor (cookie), record the attribution visit, and
    go to the store or the product page."""
    try:
        link = selectors.link_by_code(code)
    except NotFound as exc:
        return _not_found(request, _("share link"), exc)
    key = visitor_key(request) or secrets.token_urlsafe(16)
    share_click_record(link=link, visitor_key=key, user=request.user,
                       user_agent=request.headers.get("User-Agent", ""), ip=client_ip(request))
    if link.target == ShareLink.Target.STORE:
        target = reverse("stores:store", args=[store_get_or_create(promoter=link.promoter).code])
    else:
        target = reverse("stores:product", args=[link.code])
    response = HttpResponseRedirect(target)
    visitor_cookie_set(response, key, secure=request.is_secure())
    return response


@require_GET
def store_page(request: HttpRequest, code: str) -> HttpResponse:
    """A promoter's micro-store: title, slogan, who picked the goods, and the visible items in the promoter's
    order, each with the promoter's recommendation (推荐语)."""
    try:
        store: Store = selectors.store_by_code(code)
    except NotFound as exc:
        return _not_found(request, _("store"), exc)
    return render(request, "stores/store.html", {
        "store": store, "promoter_name": selectors.promoter_name(store.promoter),
        "items": selectors.store_public_items(store)})


@require_GET
def product_page(request: HttpRequest, code: str) -> HttpResponse:
    """A product at a promoter's link: gallery, title, 爆品/验货 badges, the promoter's recommendation, SKUs
    with price and stock, quantity, add to cart and buy now (both carry the share code), and for a signed-in
    promoter what they would earn from it (预估佣金)."""
    try:
        link = selectors.product_link_by_code(code)
        product = selectors.link_product(link)
    except NotFound as exc:
        return _not_found(request, _("product"), exc)
    item = selectors.store_item_for_product(promoter_id=link.promoter_id, product_id=product.pk)
    terms = selectors.campaign_terms([sku.pk for sku in product.skus.all()])  # 爆品: price and commission
    earnings = selectors.sku_estimates(selectors.promoter_of(request.user), product, terms=terms)
    skus = [{"sku": sku, "price": terms[sku.pk].price if sku.pk in terms else sku.price, "earn": earnings.get(sku.pk)}
            for sku in product.skus.all()]
    chosen = next((row for row in skus if row["sku"].stock > 0), skus[0] if skus else None)
    return render(request, "stores/product.html", {
        "link": link, "product": product, "images": list(product.images.all()),
        "title": item.title if item is not None and item.title else product.title,
        "recommendation": item.recommendation if item is not None else "",
        "price": selectors.product_price(product), "skus": skus, "chosen": chosen,
        "price_varies": len({row["price"] for row in skus}) > 1,
        "earn_from": min(earnings.values()) if earnings else None,
        "promoter_name": selectors.promoter_name(link.promoter), "hot": product_in_hot_zone(product),
        "store_code": getattr(getattr(link.promoter, "store", None), "code", None)})


@require_GET
def poster(request: HttpRequest, code: str) -> HttpResponse:
    """The share poster of a link, as a PNG."""
    try:
        link = selectors.link_by_code(code)
    except NotFound as exc:
        return _not_found(request, _("poster"), exc)
    png = poster_png(link, share_url=share_url(request, link.code))
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=300"
    return response
