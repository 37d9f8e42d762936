"""API routes for the catalog: the public supply pool, merchant product editing, review, shelf, stock, zones."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile

from tuishou.accounts.services import api_token_authenticate
from tuishou.catalog import selectors, services
from tuishou.catalog.schemas import (
    ImageOut,
    InspectedIn,
    PoolPage,
    ProductDetailOut,
    ProductIn,
    ProductManageOut,
    ProductPatch,
    ReasonIn,
    SkuIn,
    SkuOut,
    SkuPatch,
    StockIn,
    image_out,
    product_card,
    product_detail,
    product_manage,
    sku_out,
)
from tuishou.community.inspections_selectors import supply_pool_seen_by
from tuishou.core.api_roles import ANONYMOUS, MERCHANT_STAFF, OPERATORS, OPS, allowed
from tuishou.core.errors import CoreError, InvalidInput

router = Router(tags=["catalog"])
MAX_PAGE = 100


def _reader(request: HttpRequest):
    """Who reads a public route (it takes no sign-in): the bearer token's user, else the session's."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return api_token_authenticate(token=token.strip())
    return request.user


def _manage(request: HttpRequest, product_id: int) -> dict:
    return product_manage(selectors.product_for_staff_or_operator(user=request.user, product_id=product_id))


# ---- public --------------------------------------------------------------------------------------------------

@router.get("/products", auth=None, response=PoolPage, openapi_extra=allowed(ANONYMOUS))
def supply_pool(request: HttpRequest, zone: str | None = None, category: str | None = None, q: str | None = None,
                sort: str = "newest", limit: int = 20, offset: int = 0):
    """The supply pool (货源池): products on sale, filterable by zone (``hot`` 爆品区, ``inspected`` 验货区),
    category and search text; each with its lowest price. A promoter whose rank sees only the inspected zone
    (their community's zone rule) gets that zone whatever they ask for, as on the pool page."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(CoreError.PAGE_INVALID, max_page=MAX_PAGE)
    qs = supply_pool_seen_by(user=_reader(request), zone=zone, category=category, search=q, sort=sort)
    return {"count": qs.count(), "items": [product_card(p) for p in qs[offset:offset + limit]]}


@router.get("/products/{product_id}", auth=None, response=ProductDetailOut, openapi_extra=allowed(ANONYMOUS))
def product_public(request: HttpRequest, product_id: int):
    """A product on sale with its SKUs (prices and commission setting) and pictures."""
    return product_detail(selectors.product_public_detail(product_id=product_id))


# ---- merchant staff ------------------------------------------------------------------------------------------

@router.get("/merchants/{merchant_id}/products", response=list[ProductManageOut], openapi_extra=allowed(MERCHANT_STAFF))
def merchant_products(request: HttpRequest, merchant_id: int, status: str | None = None):
    """The merchant's own products in every status (its staff)."""
    products = selectors.merchant_products(user=request.user, merchant_id=merchant_id, status=status)
    return [product_manage(p) for p in products.prefetch_related("skus")]


@router.post("/products", response={201: ProductManageOut}, openapi_extra=allowed(MERCHANT_STAFF))
def product_create(request: HttpRequest, payload: ProductIn):
    """Create a draft product for a merchant the signed-in user works for."""
    product = services.product_create(actor=request.user, **payload.dict())
    return Status(201, _manage(request, product.pk))


@router.get("/products/{product_id}/manage", response=ProductManageOut,
            openapi_extra=allowed(MERCHANT_STAFF, *OPERATORS))
def product_manage_view(request: HttpRequest, product_id: int):
    """A product with its status, every SKU and zone fields (its merchant's staff, or operators)."""
    return _manage(request, product_id)


@router.patch("/products/{product_id}", response=ProductManageOut, openapi_extra=allowed(MERCHANT_STAFF))
def product_update(request: HttpRequest, product_id: int, payload: ProductPatch):
    """Edit a product's text; a reviewed product that is off the shelf goes back to draft."""
    services.product_update(actor=request.user, product_id=product_id, **payload.dict(exclude_unset=True))
    return _manage(request, product_id)


@router.post("/products/{product_id}/images", response={201: ImageOut}, openapi_extra=allowed(MERCHANT_STAFF))
def product_image_add(request: HttpRequest, product_id: int, image: File[UploadedFile]):
    """Upload a picture (multipart field ``image``; JPEG, PNG, WebP or GIF, at most 5 MB)."""
    picture = services.product_image_add(actor=request.user, product_id=product_id, image=image)
    return Status(201, image_out(picture))


@router.delete("/images/{image_id}", response={204: None}, openapi_extra=allowed(MERCHANT_STAFF, OPS))
def product_image_remove(request: HttpRequest, image_id: int):
    """Remove a picture."""
    services.product_image_remove(actor=request.user, image_id=image_id)
    return Status(204, None)


@router.post("/products/{product_id}/skus", response={201: SkuOut}, openapi_extra=allowed(MERCHANT_STAFF))
def sku_create(request: HttpRequest, product_id: int, payload: SkuIn):
    """Add an SKU with prices ("19.90"), stock and a commission setting (percent + rate, or fixed + amount)."""
    sku = services.sku_create(actor=request.user, product_id=product_id, **payload.dict())
    return Status(201, sku_out(sku, product=sku.product, staff=True))


@router.patch("/skus/{sku_id}", response=SkuOut, openapi_extra=allowed(MERCHANT_STAFF))
def sku_update(request: HttpRequest, sku_id: int, payload: SkuPatch):
    """Change an SKU; ``active`` alone needs no review, anything else is reviewed again."""
    changes = payload.dict(exclude_unset=True)
    active = changes.pop("active", None)
    sku = services.sku_update(actor=request.user, sku_id=sku_id, **changes)  # checks access even when empty
    if active is not None:
        sku = services.sku_active_set(actor=request.user, sku_id=sku_id, active=active)
    return sku_out(sku, product=sku.product, staff=True)


@router.put("/skus/{sku_id}/stock", response=SkuOut, openapi_extra=allowed(MERCHANT_STAFF))
def sku_stock_set(request: HttpRequest, sku_id: int, payload: StockIn):
    """Set the stock; with ``expected``, only if it is still that number."""
    sku = services.sku_stock_set(actor=request.user, sku_id=sku_id, stock=payload.stock, expected=payload.expected)
    return sku_out(sku, product=sku.product, staff=True)


@router.post("/products/{product_id}/submit", response=ProductManageOut, openapi_extra=allowed(MERCHANT_STAFF))
def product_submit(request: HttpRequest, product_id: int):
    """Send the product for review (提交审核)."""
    services.product_submit(actor=request.user, product_id=product_id)
    return _manage(request, product_id)


@router.post("/products/{product_id}/withdraw", response=ProductManageOut, openapi_extra=allowed(MERCHANT_STAFF))
def product_withdraw(request: HttpRequest, product_id: int):
    """Take the product back out of review."""
    services.product_withdraw(actor=request.user, product_id=product_id)
    return _manage(request, product_id)


@router.post("/products/{product_id}/shelve", response=ProductManageOut, openapi_extra=allowed(MERCHANT_STAFF))
def product_shelve(request: HttpRequest, product_id: int):
    """Put an approved product on the shelf (上架)."""
    services.product_shelve(actor=request.user, product_id=product_id)
    return _manage(request, product_id)


@router.post("/products/{product_id}/unshelve", response=ProductManageOut, openapi_extra=allowed(MERCHANT_STAFF, OPS))
def product_unshelve(request: HttpRequest, product_id: int, payload: ReasonIn):
    """Take the product off the shelf (下架); operators give a reason."""
    services.product_unshelve(actor=request.user, product_id=product_id, reason=payload.reason)
    return _manage(request, product_id)


# ---- operators -----------------------------------------------------------------------------------------------

@router.get("/review-queue", response=list[ProductManageOut], openapi_extra=allowed(OPS))
def review_queue(request: HttpRequest):
    """Products waiting for review, oldest first (ops)."""
    return [product_manage(p) for p in selectors.review_queue(user=request.user).prefetch_related("skus")[:200]]


@router.post("/products/{product_id}/approve", response=ProductManageOut, openapi_extra=allowed(OPS))
def product_approve(request: HttpRequest, product_id: int):
    """Approve a product in review (ops)."""
    services.product_approve(actor=request.user, product_id=product_id)
    return _manage(request, product_id)


@router.post("/products/{product_id}/reject", response=ProductManageOut, openapi_extra=allowed(OPS))
def product_reject(request: HttpRequest, product_id: int, payload: ReasonIn):
    """Reject a product in review with a reason (ops)."""
    services.product_reject(actor=request.user, product_id=product_id, reason=payload.reason)
    return _manage(request, product_id)


@router.put("/products/{product_id}/inspected", response=ProductManageOut, openapi_extra=allowed(OPS))
def product_inspected(request: HttpRequest, product_id: int, payload: InspectedIn):
    """Grant or withdraw the 验货区 badge (ops)."""
    services.product_inspected_set(actor=request.user, product_id=product_id, **payload.dict())
    return _manage(request, product_id)
