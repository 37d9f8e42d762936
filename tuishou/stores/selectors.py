"""Reads for micro-stores and share links: public store and product pages by short code, a promoter's own
items and links, and the figures of a link (clicks, unique visitors, orders)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tuishou.catalog.commission import commission_base
from tuishou.catalog.models import Product
from tuishou.catalog.selectors import (
    product_hot_price,
    product_in_hot_zone,
    product_public_detail,
    supply_pool,
)
from tuishou.core.errors import NotFound
from tuishou.core.fields import MoneyField
from tuishou.incentives.payouts import promoter_estimates
from tuishou.network.models import Promoter
from tuishou.network.selectors import public_name
from tuishou.orders.models import Order, OrderLine
from tuishou.orders.selectors import link_order_counts
from tuishou.stores import codes
from tuishou.stores.errors import StoreError
from tuishou.stores.models import AttributionVisit, ConsumerBinding, ShareClick, ShareLink, Store, StoreItem


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
    """What a share link brought: opens, distinct visitors (by cookie), and orders: ``orders_with_code``
    placed with its share code, ``orders_through_binding`` placed without it by a consumer the link had bound
    to its promoter; ``orders`` is both."""

    clicks: int
    unique_visitors: int
    orders: int
    orders_with_code: int
    orders_through_binding: int


def promoter_name(promoter: Promoter) -> str:
    """What visitors see of the promoter (display name, or the masked phone number)."""
    return public_name(promoter.user.display_name, promoter.user.phone)


def product_price(product: Product, *, now: datetime | None = None) -> Decimal:
    """The lowest price a buyer pays for the product now: the 爆品 price in its window, else the lowest
    active SKU's retail price (``min_price`` when the supply-pool annotation is there)."""
    hot = product_hot_price(product, now=now)
    if hot is not None:
        return hot
    price = getattr(product, "min_price", None)
    if price is None:
        price = min(sku.price for sku in product.skus.all() if sku.active)
    return price


def _require_shown(promoter: Promoter, code: str) -> None:
    """A frozen promoter's store and links (冻结, by an operator) answer ``stores.store_unavailable`` (404)."""
    if promoter.frozen_at is not None:
        raise NotFound(StoreError.STORE_UNAVAILABLE, details={"code": code})


def store_by_code(code: str) -> Store:
    """A store by its short code (``/m/<code>``), or ``stores.store_unknown`` (404); a frozen promoter's is
    ``stores.store_unavailable`` (404)."""
    normalized = codes.normalize(code)
    store = (Store.objects.select_related("promoter__user").filter(code=normalized).first()
             if codes.is_well_formed(normalized) else None)
    if store is None:
        raise NotFound(StoreError.STORE_UNKNOWN, details={"code": code})
    _require_shown(store.promoter, code)
    return store


def link_by_code(code: str, *, public: bool = True) -> ShareLink:
    """A share link by its short code (``/s/<code>``, ``/p/<code>``), or ``stores.link_unknown`` (404). A public
    look-up of a frozen promoter's link is ``stores.store_unavailable`` (404); ``public=False`` is the promoter's
    own."""
    normalized = codes.normalize(code)
    link = (ShareLink.objects.select_related("promoter__user", "product").filter(code=normalized).first()
            if codes.is_well_formed(normalized) else None)
    if link is None:
        raise NotFound(StoreError.LINK_UNKNOWN, details={"code": code})
    if public:
        _require_shown(link.promoter, code)
    return link


def product_link_by_code(code: str) -> ShareLink:
    """A product share link (the product page ``/p/<code>``); a store link or an unknown code is a 404."""
    link = link_by_code(code)
    if link.target != ShareLink.Target.PRODUCT:
        raise NotFound(StoreError.LINK_UNKNOWN, details={"code": code})
    return link


def promoter_link_by_code(*, promoter: Promoter, code: str) -> ShareLink:
    """One of the promoter's own links; somebody else's is ``stores.link_unknown`` (404) like a missing one."""
    link = link_by_code(code, public=False)
    if link.promoter_id != promoter.pk:
        raise NotFound(StoreError.LINK_UNKNOWN, details={"code": code})
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
            cover_url=images[0].image.url if images else None, hot=product_in_hot_zone(product),
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


def link_stats(link: ShareLink) -> LinkStats:
    """Clicks, unique visitors (distinct cookie ids: two clicks with the same cookie are one) and the orders
    the link brought: placed with its share code, and led to through the binding it created (see
    ``orders.selectors.link_order_counts``)."""
    row = link.clicks.aggregate(clicks=Count("id"), visitors=Count("visitor_key", distinct=True))
    with_code, through_binding = link_order_counts(link_id=link.pk)
    return LinkStats(clicks=row["clicks"], unique_visitors=row["visitors"], orders=with_code + through_binding,
                     orders_with_code=with_code, orders_through_binding=through_binding)


# --- the promoter centre ---------------------------------------------------------------------------------------

def promoter_links_with_stats(promoter: Promoter) -> QuerySet[ShareLink]:
    """The promoter's share links newest first, each with ``click_count``, ``visitor_count`` (distinct cookie
    ids) and ``order_count`` (orders placed with it or through its binding) computed in the same query (推广链接)."""
    # Orders placed with the link's code, or led to through the binding it created (as ``link_stats`` counts).
    orders = (Order.objects.filter(Q(share_link_id=OuterRef("pk")) | Q(binding_link_id=OuterRef("pk"))).order_by()
              .annotate(one=Value(1)).values("one").annotate(n=Count("*")).values("n"))
    clicks = (ShareClick.objects.filter(link_id=OuterRef("pk")).order_by().values("link_id")
              .annotate(n=Count("*"), v=Count("visitor_key", distinct=True)))
    return (ShareLink.objects.filter(promoter=promoter).select_related("product")
            .annotate(click_count=Coalesce(Subquery(clicks.values("n")), 0),
                      visitor_count=Coalesce(Subquery(clicks.values("v")), 0),
                      order_count=Coalesce(Subquery(orders), 0))
            .order_by("-id"))


def store_product_ids(promoter: Promoter) -> set[int]:
    """Ids of the products already in the promoter's store (to mark them in the supply pool)."""
    return set(StoreItem.objects.filter(store__promoter_id=promoter.pk).values_list("product_id", flat=True))


def promoter_customers(promoter: Promoter) -> QuerySet[ConsumerBinding]:
    """Consumers bound to the promoter (我的客户 / 锁粉), newest binding first, each with ``order_count``,
    ``spent`` (what they paid on orders credited to the promoter) and ``last_title`` (the first line of
    their latest such order), from one query."""
    theirs = Order.objects.filter(promoter_id=promoter.pk, buyer_id=OuterRef("consumer_id"),
                                        paid_at__isnull=False).order_by()
    totals = theirs.values("buyer_id").annotate(n=Count("*"), s=Sum("total"))
    last_title = (OrderLine.objects.filter(order__promoter_id=promoter.pk, order__buyer_id=OuterRef("consumer_id"),
                                            order__paid_at__isnull=False)
                  .order_by("-order_id", "id").values("title")[:1])
    return (ConsumerBinding.objects.filter(promoter=promoter).select_related("consumer")
            .annotate(order_count=Coalesce(Subquery(totals.values("n")), 0),
                      spent=Coalesce(Subquery(totals.values("s")), Value(0), output_field=MoneyField()),
                      last_title=Subquery(last_title))
            .order_by("-bound_at", "-id"))


def masked_phone(phone: str | None) -> str:
    """A phone number as a promoter sees a customer's: ``138****5678``."""
    if phone and len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "—"


def pool_estimates(promoter: Promoter, products) -> dict[int, Decimal]:
    """预估佣金: product id → what the promoter would earn selling one unit of the product's best-paying active
    SKU (``incentives.payouts.promoter_estimates``); empty without a plan. ``products`` carry their SKUs."""
    products = list(products)
    terms = campaign_terms([sku.pk for product in products for sku in product.skus.all() if sku.active])
    best = {product.pk: max(bases) for product in products
            if (bases := [sku_commission_base(sku, terms=terms) for sku in product.skus.all() if sku.active])}
    estimates = promoter_estimates(promoter=promoter, bases=best.values())
    return {pk: estimates[base] for pk, base in best.items() if base in estimates}


def sku_estimates(promoter: Promoter | None, product, *, terms: dict | None = None) -> dict[int, Decimal]:
    """预估佣金 on a product page: SKU id → what ``promoter`` would earn from one unit sold through their link;
    empty for anyone who is not a promoter, or without a plan in force."""
    if promoter is None:
        return {}
    if terms is None:
        terms = campaign_terms([sku.pk for sku in product.skus.all()])
    bases = {sku.pk: sku_commission_base(sku, terms=terms) for sku in product.skus.all()}
    estimates = promoter_estimates(promoter=promoter, bases=bases.values())
    return {pk: estimates[base] for pk, base in bases.items() if base in estimates}


def promoter_of(user) -> Promoter | None:
    """The signed-in user's promoter row, or None (anonymous visitors and consumers earn nothing)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Promoter.objects.filter(user_id=user.pk).first()


def campaign_terms(sku_ids: list[int]) -> dict:
    """{sku_id: the running 爆品 campaign's terms} of the SKUs in one (``campaigns.pricing.CampaignTerms``)."""
    from tuishou.campaigns.pricing import running_terms

    return running_terms(sku_ids, now=timezone.now())


def sku_commission_base(sku, *, terms: dict | None = None) -> Decimal:
    """B of one unit of an SKU as it sells now: in a running 爆品 campaign at the campaign's price and commission
    setting (``terms``: ``campaigns.pricing.running_terms`` of the SKUs, read once for a page), else its own."""
    terms = campaign_terms([sku.pk]) if terms is None else terms
    campaign = terms.get(sku.pk)
    if campaign is None:
        return commission_base(sku.commission_mode, sku.commission_rate, sku.commission_amount,
                               paid_amount=sku.price, quantity=1)
    mode, rate, amount = campaign.setting_for(sku)
    return commission_base(mode, rate, amount, paid_amount=campaign.price, quantity=1)


def store_item_of(*, promoter: Promoter, item_id: int) -> StoreItem:
    """One item of the promoter's own store; another store's item is ``stores.item_unknown`` (404), never shown."""
    item = (StoreItem.objects.select_related("product").prefetch_related("product__images")
            .filter(pk=item_id, store__promoter_id=promoter.pk).first())
    if item is None:
        raise NotFound(StoreError.ITEM_UNKNOWN, item_id=item_id, details={"item_id": item_id})
    return item


def store_item_order_moved(*, promoter: Promoter, item_id: int, up: bool) -> list[int]:
    """The ids of the promoter's store items in order, with ``item_id`` swapped with its neighbour above
    (``up``) or below; unchanged at either end. Another store's item is ``stores.item_unknown``."""
    ids = list(StoreItem.objects.filter(store__promoter_id=promoter.pk).order_by("position", "id")
               .values_list("id", flat=True))
    if item_id not in ids:
        raise NotFound(StoreError.ITEM_UNKNOWN, item_id=item_id, details={"item_id": item_id})
    at = ids.index(item_id)
    other = at - 1 if up else at + 1
    if 0 <= other < len(ids):
        ids[at], ids[other] = ids[other], ids[at]
    return ids


def invite_code_for_visitor(*, visitor_key: str | None) -> str:
    """The invite code of the promoter whose share link this visitor opened last (to prefill sign-up), or ""."""
    if not visitor_key:
        return ""
    visit = (AttributionVisit.objects.filter(visitor_key=visitor_key, user__isnull=True)
             .select_related("link__promoter").order_by("-at", "-id").first())
    if visit is None or not visit.link.promoter.invite_code_active:
        return ""
    return visit.link.promoter.invite_code
