"""The stores API (`/api/v1/stores/`): my store and its items, my share links and their figures, claiming
the visits made before sign-in; public store and product by short code. Routes validate and call services."""

from __future__ import annotations

import dataclasses

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from tuishou.catalog.selectors import sku_selling_price
from tuishou.core.api_roles import ANONYMOUS, CONSUMER, PROMOTER, allowed
from tuishou.core.visitors import visitor_key
from tuishou.network.selectors import promoter_for_user
from tuishou.stores import selectors, services
from tuishou.stores.attribution import attribution_claim_visits
from tuishou.stores.models import ShareLink, Store, StoreItem
from tuishou.stores.schemas import (
    ClaimOut,
    ItemIn,
    ItemOut,
    ItemPatch,
    LinkIn,
    LinkOut,
    LinkStatsOut,
    PublicProductOut,
    PublicStoreOut,
    ReorderIn,
    StoreIn,
    StoreOut,
)
from tuishou.stores.visitors import share_url

router = Router(tags=["stores"])


def _item(item: StoreItem) -> dict:
    return {"id": item.pk, "product_id": item.product_id, "product_title": item.product.title, "title": item.title,
            "recommendation": item.recommendation, "position": item.position, "hidden": item.hidden}


def _store(request: HttpRequest, store: Store) -> dict:
    return {"code": store.code, "url": request.build_absolute_uri(reverse("stores:store", args=[store.code])),
            "title": store.title, "slogan": store.slogan,
            "promoter_name": selectors.promoter_name(store.promoter),
            "items": [_item(item) for item in selectors.store_items(store)]}


def _link(request: HttpRequest, link: ShareLink) -> dict:
    return {"code": link.code, "target": link.target, "product_id": link.product_id,
            "url": share_url(request, link.code),
            "poster_url": request.build_absolute_uri(reverse("stores:poster", args=[link.code])),
            "created_at": link.created_at}


# --- my store --------------------------------------------------------------------------------------------------

@router.get("/me", response=StoreOut, openapi_extra=allowed(PROMOTER))
def my_store(request: HttpRequest):
    """My micro-store with every item (hidden ones too), in order; created the first time it is asked for."""
    return _store(request, services.store_mine(user=request.user))


@router.patch("/me", response=StoreOut, openapi_extra=allowed(PROMOTER))
def my_store_update(request: HttpRequest, payload: StoreIn):
    """Change my store's title and recommendation line."""
    return _store(request, services.store_update(user=request.user, title=payload.title, slogan=payload.slogan))


@router.post("/me/items", response={201: ItemOut}, openapi_extra=allowed(PROMOTER))
def my_item_add(request: HttpRequest, payload: ItemIn):
    """Pick a product from the supply pool into my store (with my own title and text)."""
    item = services.store_item_add(user=request.user, product_id=payload.product_id, title=payload.title,
                                   recommendation=payload.recommendation)
    return Status(201, _item(item))


# Declared before the /me/items/{item_id} routes, whose pattern would take "reorder" as an id.
@router.post("/me/items/reorder", response=list[ItemOut], openapi_extra=allowed(PROMOTER))
def my_items_reorder(request: HttpRequest, payload: ReorderIn):
    """Put my items in this order (every item id exactly once)."""
    return [_item(item) for item in services.store_items_reorder(user=request.user, item_ids=payload.item_ids)]


@router.patch("/me/items/{item_id}", response=ItemOut, openapi_extra=allowed(PROMOTER))
def my_item_update(request: HttpRequest, item_id: int, payload: ItemPatch):
    """Edit an item's own title or text, or hide / show it."""
    item = services.store_item_update(user=request.user, item_id=item_id, title=payload.title,
                                      recommendation=payload.recommendation, hidden=payload.hidden)
    return _item(item)


@router.delete("/me/items/{item_id}", response={204: None}, openapi_extra=allowed(PROMOTER))
def my_item_remove(request: HttpRequest, item_id: int):
    """Take an item out of my store."""
    services.store_item_remove(user=request.user, item_id=item_id)
    return Status(204, None)


# --- my share links --------------------------------------------------------------------------------------------

@router.get("/me/links", response=list[LinkOut], openapi_extra=allowed(PROMOTER))
def my_links(request: HttpRequest):
    """My share links, newest first."""
    return [_link(request, link) for link in selectors.promoter_links(promoter_for_user(request.user))]


@router.post("/me/links", response={200: LinkOut, 201: LinkOut}, openapi_extra=allowed(PROMOTER))
def my_link_create(request: HttpRequest, payload: LinkIn):
    """My share link to my store (``target: store``) or a product (``target: product``, ``product_id``): the
    existing one (200) or a new one (201), with its URL and poster URL."""
    link, created = services.share_link_create(user=request.user, target=payload.target,
                                               product_id=payload.product_id)
    return Status(201 if created else 200, _link(request, link))


@router.get("/me/links/{code}/stats", response=LinkStatsOut, openapi_extra=allowed(PROMOTER))
def my_link_stats(request: HttpRequest, code: str):
    """Clicks, unique visitors and orders of one of my links: placed with its share code, and placed without
    it by consumers the link bound to me. A visitor's opens count once a day (by visitor cookie, account, or
    address and user agent: ``CLICK_DEDUPE_HOURS``), and known bots (crawlers, chat link previews, scripts,
    headless browsers) not at all."""
    link = selectors.promoter_link_by_code(promoter=promoter_for_user(request.user), code=code)
    return {"code": link.code, **dataclasses.asdict(selectors.link_stats(link))}


@router.post("/visits/claim", response=ClaimOut, openapi_extra=allowed(CONSUMER))
def visits_claim(request: HttpRequest):
    """After signing in on the web: take over the share-link visits this browser made before (its cookie),
    so that the binding rules apply to them."""
    return {"claimed": attribution_claim_visits(user=request.user, visitor_key=visitor_key(request))}


# --- public ----------------------------------------------------------------------------------------------------

@router.get("/public/stores/{code}", auth=None, response=PublicStoreOut, openapi_extra=allowed(ANONYMOUS))
def public_store(request: HttpRequest, code: str):
    """A store by its short code: what its page shows."""
    store = selectors.store_by_code(code)
    return {"code": store.code, "title": store.title, "slogan": store.slogan,
            "promoter_name": selectors.promoter_name(store.promoter),
            "items": [{"product_id": item.product_id, "title": item.title, "recommendation": item.recommendation,
                       "price": str(item.price), "product_code": item.link_code, "cover_url": item.cover_url}
                      for item in selectors.store_public_items(store)]}


@router.get("/public/products/{code}", auth=None, response=PublicProductOut, openapi_extra=allowed(ANONYMOUS))
def public_product(request: HttpRequest, code: str):
    """A product at a promoter's product link: what its page shows, with buy URLs carrying the share code."""
    link = selectors.product_link_by_code(code)
    product = selectors.link_product(link)
    item = selectors.store_item_for_product(promoter_id=link.promoter_id, product_id=product.pk)
    return {"code": link.code, "product_id": product.pk,
            "title": item.title if item is not None and item.title else product.title,
            "recommendation": item.recommendation if item is not None else "", "description": product.description,
            "price": str(selectors.product_price(product)), "promoter_name": selectors.promoter_name(link.promoter),
            "images": [image.image.url for image in product.images.all()],
            "skus": [{"id": sku.pk, "spec_name": sku.spec_name, "price": str(sku_selling_price(sku)),
                      "in_stock": sku.stock > 0, "buy_url": f"/checkout/?sku={sku.pk}&share={link.code}"}
                     for sku in product.skus.all()]}
