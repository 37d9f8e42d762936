"""Writes for micro-stores (微店) and share links (分享链接): picking products, editing texts, ordering and
hiding items, links reused per (promoter, target), and click tracking.

Every write runs in one transaction and checks that the signed-in user is the store's promoter; a refused
request raises a ``DomainError`` and leaves nothing written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.catalog.selectors import supply_pool
from tuishou.community.inspections_selectors import pool_pick_check
from tuishou.core.bots import is_bot
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.inputs import text_check
from tuishou.core.visitors import visitor_fingerprint
from tuishou.network.models import Promoter
from tuishou.network.selectors import promoter_for_user, public_name
from tuishou.stores import codes
from tuishou.stores.attribution import attribution_record_visit
from tuishou.stores.errors import StoreError
from tuishou.stores.models import ShareClick, ShareLink, Store, StoreItem

STORE_TITLE_MAX = 60
SLOGAN_MAX = 200
ITEM_TITLE_MAX = 120
RECOMMENDATION_MAX = 2000
_CODE_ATTEMPTS = 8

T = TypeVar("T")


# --- helpers ---------------------------------------------------------------------------------------------------

def _text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    """What a promoter writes for their buyers to read: stripped, bounded, and without control characters
    (line breaks only in a recommendation) or bidirectional overrides (``request.text_unsafe``)."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(StoreError.TEXT_MISSING, field=field, details={"field": field})
    if len(text) > max_length:
        raise InvalidInput(StoreError.TEXT_TOO_LONG, field=field, max_length=max_length,
                           details={"field": field, "max_length": max_length})
    return text_check(text, field=field, max_length=max_length, multiline=field == "recommendation")


def _with_fresh_code(create: Callable[[str], T], *, taken: Callable[[str], bool]) -> T:
    """Run ``create(code)`` with a new random code, retrying on the rare collision (a longer code after three)."""
    for attempt in range(_CODE_ATTEMPTS):
        code = codes.generate(min(codes.LENGTH + attempt // 3, codes.MAX_LENGTH))
        if taken(code):
            continue
        try:
            with transaction.atomic():
                return create(code)
        except IntegrityError:
            if not taken(code):
                raise  # another constraint: the caller decides
    raise Conflict(StoreError.CODE_EXHAUSTED)


def share_product_check(product_id: int) -> None:
    """Raise ``stores.product_unavailable`` unless the product is in the supply pool (what may be shared)."""
    _product_available(product_id)


def _product_available(product_id: int) -> None:
    if not supply_pool().filter(pk=product_id).exists():
        raise Conflict(StoreError.PRODUCT_UNAVAILABLE,
                       details={"product_id": product_id})


# --- stores ----------------------------------------------------------------------------------------------------

def store_get_or_create(*, promoter: Promoter) -> Store:
    """The promoter's store, created the first time with a default title (「…的小店」) and a short code."""
    store = Store.objects.filter(promoter_id=promoter.pk).first()
    if store is not None:
        return store
    title = f"{public_name(promoter.user.display_name, promoter.user.phone)}的小店"[:STORE_TITLE_MAX]
    try:
        return _with_fresh_code(lambda code: Store.objects.create(promoter=promoter, code=code, title=title),
                                taken=lambda code: Store.objects.filter(code=code).exists())
    except IntegrityError:  # created concurrently for the same promoter
        return Store.objects.get(promoter_id=promoter.pk)


def store_mine(*, user: User) -> Store:
    """The signed-in promoter's store (created on first use); ``network.not_a_promoter`` for anyone else."""
    return store_get_or_create(promoter=promoter_for_user(user))


def _store_for_edit(*, user: User, store_id: int | None = None) -> Store:
    """The store to change, locked; only its own promoter may change it."""
    if store_id is None:
        store_id = store_mine(user=user).pk
    store = Store.objects.select_for_update().select_related("promoter").filter(pk=store_id).first()
    if store is None or store.promoter.user_id != getattr(user, "pk", None):
        # Someone else's store is unknown (404) like one that does not exist.
        raise NotFound(StoreError.STORE_UNKNOWN)
    return store


def _item_for_edit(*, user: User, item_id: int) -> StoreItem:
    item = StoreItem.objects.select_related("store__promoter", "product").filter(pk=item_id).first()
    if item is None:
        raise NotFound(StoreError.ITEM_UNKNOWN, item_id=item_id, details={"item_id": item_id})
    _store_for_edit(user=user, store_id=item.store_id)  # permission, and the store row lock
    return item


def store_update(*, user: User, title: str | None = None, slogan: str | None = None) -> Store:
    """Change the store's title and recommendation line (店铺推荐语)."""
    with transaction.atomic():
        store = _store_for_edit(user=user)
        if title is not None:
            store.title = _text(title, field="title", max_length=STORE_TITLE_MAX, required=True)
        if slogan is not None:
            store.slogan = _text(slogan, field="slogan", max_length=SLOGAN_MAX)
        store.save(update_fields=["title", "slogan", "updated_at"])
    return store


def store_item_add(*, user: User, product_id: int, title: str = "", recommendation: str = "") -> StoreItem:
    """Pick a product from the supply pool into the store (选品上架), last in order.

    Only approved, on-shelf products of active merchants with an SKU for sale can be picked
    (``stores.product_unavailable``); a product is in a store once (``stores.item_exists``). The promoter's
    share link for the product is made at the same time, so the store page can link to its product page.
    """
    title = _text(title, field="title", max_length=ITEM_TITLE_MAX)
    recommendation = _text(recommendation, field="recommendation", max_length=RECOMMENDATION_MAX)
    with transaction.atomic():
        store = _store_for_edit(user=user)
        _product_available(product_id)
        pool_pick_check(promoter=store.promoter, product_id=product_id)  # 验货区: what this rank may pick
        if StoreItem.objects.filter(store=store, product_id=product_id).exists():
            raise Conflict(StoreError.ITEM_EXISTS,
                           details={"product_id": product_id})
        last = StoreItem.objects.filter(store=store).aggregate(m=Max("position"))["m"]
        item = StoreItem.objects.create(store=store, product_id=product_id, title=title,
                                        recommendation=recommendation, position=0 if last is None else last + 1)
        share_link_get_or_create(promoter=store.promoter, target=ShareLink.Target.PRODUCT, product_id=product_id)
    return item


def store_item_update(*, user: User, item_id: int, title: str | None = None, recommendation: str | None = None,
                      hidden: bool | None = None) -> StoreItem:
    """Edit an item's own title and recommendation text, or hide / show it (隐藏 / 显示)."""
    with transaction.atomic():
        item = _item_for_edit(user=user, item_id=item_id)
        if title is not None:
            item.title = _text(title, field="title", max_length=ITEM_TITLE_MAX)
        if recommendation is not None:
            item.recommendation = _text(recommendation, field="recommendation", max_length=RECOMMENDATION_MAX)
        if hidden is not None:
            item.hidden = bool(hidden)
        item.save(update_fields=["title", "recommendation", "hidden", "updated_at"])
    return item


def store_item_hidden_set(*, user: User, item_id: int, hidden: bool) -> StoreItem:
    """Hide an item from the store page, or show it again; it keeps its place in the order."""
    return store_item_update(user=user, item_id=item_id, hidden=hidden)


def store_items_reorder(*, user: User, item_ids: Sequence[int]) -> list[StoreItem]:
    """Put the store's items in the given order. ``item_ids`` must list every item of the store (hidden ones
    too) exactly once; anything else is ``stores.reorder_mismatch`` and changes nothing."""
    with transaction.atomic():
        store = _store_for_edit(user=user)
        items = {item.pk: item for item in StoreItem.objects.filter(store=store)}
        wanted = [int(i) for i in item_ids]
        if len(wanted) != len(set(wanted)) or set(wanted) != set(items):
            raise InvalidInput(StoreError.REORDER_MISMATCH,
                               details={"expected": sorted(items), "got": wanted})
        for position, pk in enumerate(wanted):
            items[pk].position = position
        StoreItem.objects.bulk_update(list(items.values()), ["position"])
    return [items[pk] for pk in wanted]


def store_item_remove(*, user: User, item_id: int) -> None:
    """Take a product out of the store (下架). Its share link stays, so shared posters keep working."""
    with transaction.atomic():
        item = _item_for_edit(user=user, item_id=item_id)
        item.delete()


# --- share links and clicks ------------------------------------------------------------------------------------

def share_link_get_or_create(*, promoter: Promoter, target: str, product_id: int | None = None,
                             material_id: int | None = None) -> ShareLink:
    """The promoter's share link to their store or to a product (one per target, reused); with ``material_id``
    their link to the product that carries that selling material (one per material, reused)."""
    return _share_link(promoter=promoter, target=target, product_id=product_id, material_id=material_id)[0]


def _share_link(*, promoter: Promoter, target: str, product_id: int | None,
                material_id: int | None = None) -> tuple[ShareLink, bool]:
    if target not in ShareLink.Target.values:
        raise InvalidInput(StoreError.LINK_TARGET_UNKNOWN, target=target,
                           details={"field": "target"})
    if target == ShareLink.Target.STORE:
        product_id = None
        store_get_or_create(promoter=promoter)
    elif product_id is None:
        raise InvalidInput(StoreError.PRODUCT_MISSING,
                           details={"field": "product_id"})
    mine = {"promoter_id": promoter.pk, "target": target, "product_id": product_id, "material_id": material_id}
    existing = ShareLink.objects.filter(**mine).first()
    if existing is not None:
        return existing, False
    if product_id is not None:
        _product_available(product_id)
        pool_pick_check(promoter=promoter, product_id=product_id)  # 验货区: share only what this rank may pick
    try:
        link = _with_fresh_code(lambda code: ShareLink.objects.create(code=code, **mine),
                                taken=lambda code: ShareLink.objects.filter(code=code).exists())
    except IntegrityError:  # made concurrently: the one that won is the link
        return ShareLink.objects.get(**mine), False
    return link, True


def share_link_create(*, user: User, target: str, product_id: int | None = None) -> tuple[ShareLink, bool]:
    """For the signed-in promoter: their link to their store or a product; ``(link, created)``.

    Linking a product needs it in the supply pool (``stores.product_unavailable``), not in the store, and with
    the inspected badge when the promoter's rank sees only the inspected zone (``community.zone_restricted``,
    the pick's rule): a new link is refused, a link made before the rule stays.
    """
    promoter = promoter_for_user(user)
    with transaction.atomic():
        return _share_link(promoter=promoter, target=target, product_id=product_id)


def user_agent_digest(user_agent: str | None) -> str:
    """SHA-256 of the user agent: enough to tell repeated clicks apart, without keeping the string."""
    return hashlib.sha256((user_agent or "").encode()).hexdigest() if user_agent else ""


def share_click_record(*, link: ShareLink, visitor_key: str, user: User | None, user_agent: str | None = None,
                       ip: str = "", at: datetime | None = None) -> ShareClick | None:
    """Record an open of a share link (点击) and the attribution visit it makes, in one transaction.

    Statistics cannot be inflated by opening a link again and again (issue 12, item 9): a known bot (crawler,
    chat link preview, script, headless browser: ``core.bots``) records nothing, and an open by a visitor who
    already counted for this link within ``CLICK_DEDUPE_HOURS`` (the same visitor cookie, the same signed-in
    account, or the same address and user agent: a browser that drops the cookie) is no new click; its
    attribution visit is still recorded (it moves a last-click binding). Only a keyed digest of address and
    user agent is kept. Returns the click, or None when the open did not count.
    """
    at = at or timezone.now()
    user = user if user is not None and user.is_authenticated else None
    if is_bot(user_agent):
        return None
    fingerprint = visitor_fingerprint(ip=ip, user_agent=user_agent) if ip else ""
    with transaction.atomic():
        click = None
        if not _counted_recently(link=link, visitor_key=visitor_key, user=user, fingerprint=fingerprint, at=at):
            click = ShareClick.objects.create(link=link, visitor_key=visitor_key, user=user, at=at,
                                              user_agent_hash=user_agent_digest(user_agent),
                                              visitor_hash=fingerprint)
        attribution_record_visit(link=link, visitor_key=visitor_key, user=user, at=at)
    return click


def _counted_recently(*, link: ShareLink, visitor_key: str, user: User | None, fingerprint: str,
                      at: datetime) -> bool:
    """Whether this visitor's open of ``link`` already counted within the dedupe window before ``at``."""
    same = Q(visitor_key=visitor_key)
    if user is not None:
        same |= Q(user=user)
    if fingerprint:
        same |= Q(visitor_hash=fingerprint)
    window = timedelta(hours=settings.TUISHOU.get("CLICK_DEDUPE_HOURS", 24))
    return ShareClick.objects.filter(same, link=link, at__gt=at - window, at__lte=at).exists()
