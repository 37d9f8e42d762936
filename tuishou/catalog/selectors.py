"""Reads for the catalog: the supply pool (货源池) promoters pick from, a merchant's own products, details."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.utils import timezone

from tuishou.accounts.models import OperatorRole
from tuishou.accounts.permissions import is_operator, require_operator
from tuishou.catalog.errors import CatalogError
from tuishou.catalog.models import Product, ProductImage, Sku
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.merchants.models import Merchant
from tuishou.merchants.selectors import merchant_staff_role, require_merchant_staff

ZONES = ("hot", "inspected")
SORTS = {"newest": ("-id",), "price_asc": ("min_price", "-id"), "price_desc": ("-min_price", "-id")}


def _with_prices(qs: QuerySet[Product]) -> QuerySet[Product]:
    active = Q(skus__active=True)
    return qs.annotate(min_price=Min("skus__price", filter=active), total_stock=Sum("skus__stock", filter=active),
                       sku_count=Count("skus", filter=active))


def _running(now: datetime):
    from tuishou.campaigns.models import Campaign  # campaigns build on the catalog; the catalog only reads them

    return Campaign.objects.filter(status=Campaign.Status.LAUNCHED, starts_at__lte=now, ends_at__gt=now)


def hot_zone_open(*, now: datetime | None = None) -> Q:
    """Products in 爆品区: a launched campaign (``tuishou.campaigns``) whose window is open at ``now``."""
    return Q(pk__in=_running(now or timezone.now()).values("product_id"))


def _with_hot(qs: QuerySet[Product], now: datetime) -> QuerySet[Product]:
    """Annotate ``hot`` (in a running campaign), ``hot_price`` (its lowest campaign price) and ``hot_ends_at``."""
    from tuishou.campaigns.models import CampaignPrice

    running = _running(now).filter(product_id=OuterRef("pk")).order_by("starts_at")
    lowest = (CampaignPrice.objects.filter(campaign__in=_running(now), campaign__product_id=OuterRef("pk"))
              .order_by("price").values("price")[:1])
    return qs.annotate(hot=Exists(running), hot_price=Subquery(lowest),
                       hot_ends_at=Subquery(running.values("ends_at")[:1]))


def _hot_of(product: Product, now: datetime | None) -> tuple[bool, Decimal | None]:
    if now is None and hasattr(product, "hot"):
        return product.hot, product.hot_price
    annotated = _with_hot(Product.objects.filter(pk=product.pk), now or timezone.now()).values("hot", "hot_price")
    row = annotated.first() or {"hot": False, "hot_price": None}
    return row["hot"], row["hot_price"]


def product_in_hot_zone(product: Product, *, now: datetime | None = None) -> bool:
    """True while the product has a running 爆品 campaign (the badge)."""
    return _hot_of(product, now)[0]


def product_hot_price(product: Product, *, now: datetime | None = None) -> Decimal | None:
    """The lowest campaign price of the product's running 爆品 campaign, else None."""
    return _hot_of(product, now)[1]


def product_running_campaign(product: Product, *, now: datetime | None = None):
    """The product's running 爆品 campaign (``tuishou.campaigns.models.Campaign``), or None."""
    return _running(now or timezone.now()).filter(product_id=product.pk).order_by("starts_at").first()


def hot_price_applies(product: Product, *, now: datetime | None = None) -> bool:
    """True when a campaign price is the selling price right now."""
    return product_hot_price(product, now=now) is not None


def sku_selling_price(sku: Sku, *, now: datetime | None = None) -> Decimal:
    """What a buyer pays for one unit now: the running campaign's price of this SKU, else its retail price.
    Checkout reserves the campaign's allocation with the same read (``tuishou.campaigns.pricing``)."""
    from tuishou.campaigns.pricing import running_prices

    found = running_prices([sku.pk], now=now or timezone.now()).get(sku.pk)
    return found[0].price if found else sku.price


def sku_selling_prices(skus, *, now: datetime | None = None) -> dict[int, Decimal]:
    """``sku_selling_price`` of many SKUs in one query: {sku_id: price}."""
    from tuishou.campaigns.pricing import running_prices

    skus = list(skus)
    found = running_prices([s.pk for s in skus], now=now or timezone.now())
    return {s.pk: found[s.pk][0].price if s.pk in found else s.price for s in skus}


def supply_pool(*, zone: str | None = None, category: str | None = None, search: str | None = None,
                sort: str = "newest", now: datetime | None = None) -> QuerySet[Product]:
    """Products promoters can pick and consumers can buy (货源池): approved and on the shelf, from an active
    merchant, with at least one active SKU; annotated with ``min_price``, ``total_stock`` and ``sku_count``.

    ``zone``: ``hot`` (爆品区, window open now) or ``inspected`` (验货区). Products of a running 爆品 campaign
    come first (pushed to the top of every promoter's pool for the window), annotated ``hot``, ``hot_price``
    and ``hot_ends_at``.
    """
    if zone and zone not in ZONES:
        raise InvalidInput(CatalogError.ZONE_UNKNOWN, zone=zone, choices=", ".join(ZONES),
                           details={"field": "zone"})
    if sort not in SORTS:
        raise InvalidInput(CatalogError.SORT_UNKNOWN, sort=sort, choices=", ".join(SORTS),
                           details={"field": "sort"})
    now = now or timezone.now()
    qs = Product.objects.filter(status=Product.Status.ON_SHELF, merchant__status=Merchant.Status.ACTIVE)
    if zone == "hot":
        qs = qs.filter(hot_zone_open(now=now))
    elif zone == "inspected":
        qs = qs.filter(inspected=True)
    if category:
        qs = qs.filter(category=category)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(description__icontains=search)
                       | Q(merchant__name__icontains=search))
    qs = _with_hot(_with_prices(qs).filter(sku_count__gt=0), now)
    return (qs.select_related("merchant").order_by(F("hot").desc(), *SORTS[sort])
            .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))))


def supply_categories() -> list[str]:
    """The categories that have something for sale, by name (the storefront's category chips)."""
    return list(supply_pool().order_by().values_list("category", flat=True).distinct().order_by("category"))


def product_public_detail(*, product_id: int) -> Product:
    """A product in the supply pool with its active SKUs and images; ``catalog.product_unknown`` otherwise."""
    product = (supply_pool().filter(pk=product_id)
               .prefetch_related(Prefetch("skus", queryset=Sku.objects.filter(active=True).order_by("id")))
               .first())
    if product is None:
        raise NotFound(CatalogError.PRODUCT_UNKNOWN, product_id=product_id,
                       details={"product_id": product_id})
    return product


def product_get(*, product_id: int) -> Product:
    """Any product by id; ``catalog.product_unknown`` (404) if there is none."""
    product = Product.objects.select_related("merchant").filter(pk=product_id).first()
    if product is None:
        raise NotFound(CatalogError.PRODUCT_UNKNOWN, product_id=product_id,
                       details={"product_id": product_id})
    return product


def require_product_staff(*, user, product_id: int) -> Product:
    """The product, when ``user`` works for its merchant; else ``catalog.product_unknown`` (404: another
    merchant's product is unknown, like one that does not exist)."""
    product = product_get(product_id=product_id)
    if merchant_staff_role(user=user, merchant_id=product.merchant_id) is None:
        raise NotFound(CatalogError.PRODUCT_UNKNOWN, product_id=product_id, details={"product_id": product_id})
    return product


def product_for_staff_or_operator(*, user, product_id: int) -> Product:
    """A product with all its SKUs (active or not) and images, for its merchant's staff or an operator."""
    product = product_get(product_id=product_id)
    if not is_operator(user):
        require_product_staff(user=user, product_id=product_id)
    return (_with_prices(Product.objects.filter(pk=product.pk)).select_related("merchant")
            .prefetch_related("skus", "images").get())


def merchant_products(*, user, merchant_id: int, status: str | None = None) -> QuerySet[Product]:
    """A merchant's own products, every status, newest first (for its staff)."""
    require_merchant_staff(user=user, merchant_id=merchant_id)
    qs = Product.objects.filter(merchant_id=merchant_id)
    if status:
        qs = qs.filter(status=status)
    return _with_prices(qs).select_related("merchant").prefetch_related("images").order_by("-id")


def review_queue(*, user) -> QuerySet[Product]:
    """Products waiting for an operator's review, oldest first (商品审核)."""
    require_operator(user, OperatorRole.Role.OPS)
    return (_with_prices(Product.objects.filter(status=Product.Status.PENDING_REVIEW))
            .select_related("merchant").prefetch_related("images").order_by("updated_at", "id"))


def sku_for_sale(*, sku_id: int) -> Sku:
    """An SKU a buyer can order now: active, its product on the shelf, its merchant active.

    Raises ``catalog.sku_unknown`` (404) or ``catalog.sku_unavailable`` (409).
    """
    sku = Sku.objects.select_related("product__merchant").filter(pk=sku_id).first()
    if sku is None:
        raise NotFound(CatalogError.SKU_UNKNOWN, sku_id=sku_id, details={"sku_id": sku_id})
    if (not sku.active or sku.product.status != Product.Status.ON_SHELF
            or sku.product.merchant.status != Merchant.Status.ACTIVE):
        raise Conflict(CatalogError.SKU_UNAVAILABLE, details={"sku_id": sku_id})
    return sku


def supply_pool_by_commission(*, zone: str | None = None, category: str | None = None, search: str | None = None,
                              sort: str = "newest", now: datetime | None = None) -> QuerySet[Product]:
    """The supply pool as ``supply_pool`` gives it, plus the sort ``commission`` (highest commission base first).

    ``commission_rank`` is the product's highest active SKU's commission base in 分 as the database computes it
    (rate × price, or the fixed amount), good for ordering; the exact base for display is ``commission_base``
    applied to each SKU in Python.
    """
    if sort != "commission":
        return supply_pool(zone=zone, category=category, search=search, sort=sort, now=now)
    active = Q(skus__active=True)
    per_sku = Case(When(skus__commission_mode=Sku.CommissionMode.PERCENT,
                        then=F("skus__price") * F("skus__commission_rate")),
                   default=F("skus__commission_amount"), output_field=FloatField())
    return (supply_pool(zone=zone, category=category, search=search, now=now)
            .annotate(commission_rank=Max(per_sku, filter=active)).order_by(F("hot").desc(), "-commission_rank", "-id"))


# ---- the merchant portal and the operators' review queue ------------------------------------------------------

LOW_STOCK = 10  # an active SKU with this many units or fewer is flagged 库存紧张 in the merchant portal
REVIEW_STATUSES = (Product.Status.PENDING_REVIEW, Product.Status.REJECTED, Product.Status.APPROVED,
                   Product.Status.ON_SHELF, Product.Status.OFF_SHELF)


def merchant_product_rows(*, user, merchant_id: int, status: str | None = None) -> QuerySet[Product]:
    """A merchant's products for its staff's list page: every status, annotated with ``min_price``,
    ``total_stock``, ``sku_count`` and ``low_stock`` (active SKUs at or below ``LOW_STOCK``), cover images
    prefetched. ``catalog.status_unknown``-free: an unknown status simply matches nothing."""
    qs = merchant_products(user=user, merchant_id=merchant_id, status=status)
    return qs.annotate(low_stock=Count("skus", filter=Q(skus__active=True, skus__stock__lte=LOW_STOCK),
                                       distinct=True))


def merchant_product_counts(*, user, merchant_id: int) -> dict[str, int]:
    """How many of the merchant's products are in each status (every status present, zeros included), and
    ``low_stock``: active SKUs of its products at or below ``LOW_STOCK`` units. Two queries."""
    require_merchant_staff(user=user, merchant_id=merchant_id)
    counts = dict.fromkeys(Product.Status.values, 0)
    rows = Product.objects.filter(merchant_id=merchant_id).order_by().values("status").annotate(n=Count("id"))
    counts.update({row["status"]: row["n"] for row in rows})
    counts["low_stock"] = Sku.objects.filter(product__merchant_id=merchant_id, active=True,
                                             stock__lte=LOW_STOCK).count()
    return counts


def product_for_merchant_page(*, user, product_id: int) -> Product:
    """A product of a merchant ``user`` works for, with every SKU (active or not), its pictures and its status
    history; ``catalog.product_unknown`` (404) for another merchant's product, like a missing one."""
    product = require_product_staff(user=user, product_id=product_id)
    return (Product.objects.filter(pk=product.pk).select_related("merchant", "reviewed_by")
            .prefetch_related(Prefetch("skus", queryset=Sku.objects.order_by("id")),
                              Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
                              "status_changes")
            .get())


def sku_for_merchant_page(*, user, product_id: int, sku_id: int) -> Sku:
    """One SKU of a product ``user``'s merchant owns; ``catalog.sku_unknown`` (404) otherwise."""
    product = require_product_staff(user=user, product_id=product_id)
    sku = Sku.objects.filter(pk=sku_id, product=product).select_related("product").first()
    if sku is None:
        raise NotFound(CatalogError.SKU_UNKNOWN, sku_id=sku_id, details={"sku_id": sku_id})
    return sku


def reviews_for_operator(*, user, status: str = Product.Status.PENDING_REVIEW) -> QuerySet[Product]:
    """The operators' review queue (商品审核): products in ``status`` (pending review by default, oldest
    waiting first; any reviewed status for the history, latest review first), with their merchant, prices
    and pictures. Ops operators (or admin) only."""
    require_operator(user, OperatorRole.Role.OPS)
    if status not in REVIEW_STATUSES:
        raise InvalidInput(CatalogError.STATUS_UNKNOWN, status=status,
                           details={"field": "status"})
    qs = _with_prices(Product.objects.filter(status=status)).select_related("merchant", "reviewed_by")
    qs = qs.prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")))
    if status == Product.Status.PENDING_REVIEW:
        return qs.order_by("updated_at", "id")
    return qs.order_by("-reviewed_at", "-id")


def product_for_review(*, user, product_id: int) -> Product:
    """A product with its merchant, SKUs, pictures and history, for an ops operator reviewing it."""
    require_operator(user, OperatorRole.Role.OPS)
    product = product_get(product_id=product_id)
    return (Product.objects.filter(pk=product.pk).select_related("merchant", "reviewed_by")
            .prefetch_related(Prefetch("skus", queryset=Sku.objects.order_by("id")),
                              Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
                              "status_changes")
            .get())
