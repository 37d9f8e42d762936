"""Writes for the catalog: products and SKUs by merchant staff, and stock (review, shelf and zones are in
``review``, the checks of what staff type in ``inputs``; both are importable from here).

Stock changes only here, through conditional updates (``… SET stock = stock - n WHERE stock >= n``), so
concurrent orders can never oversell, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from tuishou.accounts.models import OperatorRole, User
from tuishou.accounts.permissions import is_operator, require_user
from tuishou.catalog import inputs
from tuishou.catalog.errors import CatalogError
from tuishou.catalog.inputs import MAX_PRICE, MAX_STOCK  # noqa: F401 (importable from here)
from tuishou.catalog.models import Product, ProductImage, Sku
from tuishou.catalog.review import (  # noqa: F401 (review, shelf and zones: importable from here)
    product_approve,
    product_inspected_release,
    product_inspected_set,
    product_reject,
    product_shelve,
    product_submit,
    product_unshelve,
    product_withdraw,
    products_unshelve_for_merchant,
)
from tuishou.catalog.selectors import require_product_staff
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.images import image_format
from tuishou.merchants.selectors import require_merchant_staff
from tuishou.risk.services import audit_record

OPS = OperatorRole.Role.OPS
MAX_IMAGE_BYTES = 5 * 1024 * 1024


# ---- products (merchant staff) -------------------------------------------------------------------------------

def product_create(*, actor: User, merchant_id: int, title: str, category: str, description: str = "") -> Product:
    """Merchant staff create a draft product (商品草稿)."""
    require_user(actor)
    merchant = require_merchant_staff(user=actor, merchant_id=merchant_id)
    inputs.merchant_require_active(merchant)
    fields = {"title": inputs.text_field(title, "title", 120), "category": inputs.text_field(category, "category", 60),
              "description": inputs.text_field(description, "description", 10000, required=False)}
    return Product.objects.create(merchant=merchant, **fields)


def product_update(*, actor: User, product_id: int, title: str | None = None, category: str | None = None,
                   description: str | None = None) -> Product:
    """Merchant staff edit a product's text; a reviewed product goes back to draft (see ``_open_for_edit``)."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    changes = {}
    if title is not None:
        changes["title"] = inputs.text_field(title, "title", 120)
    if category is not None:
        changes["category"] = inputs.text_field(category, "category", 60)
    if description is not None:
        changes["description"] = inputs.text_field(description, "description", 10000, required=False)
    if not changes:
        return product
    with transaction.atomic():
        inputs.product_open_for_edit(actor=actor, product=product)
        Product.objects.filter(pk=product.pk).update(updated_at=timezone.now(), **changes)
    product.refresh_from_db()
    return product


def product_image_add(*, actor: User, product_id: int, image: File, position: int | None = None) -> ProductImage:
    """Merchant staff add a picture (JPEG, PNG, WebP or GIF, at most 5 MB); it goes last unless placed."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    if image.size is not None and image.size > MAX_IMAGE_BYTES:
        raise InvalidInput(CatalogError.IMAGE_TOO_LARGE, details={"field": "image"})
    image_format(image, formats={"JPEG", "PNG", "WEBP", "GIF"},
                 refusal=InvalidInput(CatalogError.IMAGE_INVALID, details={"field": "image"}))
    with transaction.atomic():
        inputs.product_open_for_edit(actor=actor, product=product)
        if position is None:
            last = product.images.aggregate(last=Max("position"))["last"]
            position = 0 if last is None else last + 1
        return ProductImage.objects.create(product=product, image=image, position=position)


def product_image_remove(*, actor: User, image_id: int) -> None:
    """Merchant staff (or an ops operator, for an offending picture) remove a picture."""
    require_user(actor)
    picture = ProductImage.objects.select_related("product__merchant").filter(pk=image_id).first()
    if picture is None:
        raise NotFound(CatalogError.IMAGE_UNKNOWN, image_id=image_id)
    with transaction.atomic():
        if is_operator(actor, OPS):
            audit_record(actor=actor, action="catalog.image_removed", target=picture.product,
                         data={"image": picture.image.name})
        else:
            require_product_staff(user=actor, product_id=picture.product_id)
            inputs.product_open_for_edit(actor=actor, product=picture.product)
        picture.delete()
        transaction.on_commit(lambda name=picture.image.name, storage=picture.image.storage: storage.delete(name))


# ---- SKUs (merchant staff) -----------------------------------------------------------------------------------

def sku_create(*, actor: User, product_id: int, spec_name: str, code: str, price: Decimal | str,
               supply_price: Decimal | str, commission_mode: str, commission_rate: Decimal | str | None = None,
               commission_amount: Decimal | str | None = None, stock: int = 0, active: bool = True) -> Sku:
    """Merchant staff add an SKU (规格) with prices, stock and its commission setting."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    retail, supply = inputs.prices_field(price, supply_price)
    mode, rate, amount = inputs.commission_setting(commission_mode, commission_rate, commission_amount, price=retail)
    fields = {"spec_name": inputs.text_field(spec_name, "spec_name", 60), "code": inputs.text_field(code, "code", 40),
              "stock": inputs.stock_field(stock), "active": bool(active)}
    with transaction.atomic():
        if Sku.objects.filter(product=product, code=fields["code"]).exists():
            raise Conflict(CatalogError.SKU_CODE_TAKEN, code=fields["code"],
                           details={"field": "code"})
        inputs.product_open_for_edit(actor=actor, product=product)
        try:
            with transaction.atomic():
                return Sku.objects.create(product=product, price=retail, supply_price=supply, commission_mode=mode,
                                          commission_rate=rate, commission_amount=amount, **fields)
        except IntegrityError:  # a concurrent create took the code
            raise Conflict(CatalogError.SKU_CODE_TAKEN, code=fields["code"],
                           details={"field": "code"}) from None


def sku_update(*, actor: User, sku_id: int, spec_name: str | None = None, code: str | None = None,
               price: Decimal | str | None = None, supply_price: Decimal | str | None = None,
               commission_mode: str | None = None, commission_rate: Decimal | str | None = None,
               commission_amount: Decimal | str | None = None) -> Sku:
    """Merchant staff change an SKU's spec, code, prices or commission setting (re-reviewed like any edit).

    Changing the commission mode replaces the whole setting: give the new rate or amount with it.
    """
    require_user(actor)
    sku = _sku_get(sku_id)
    product = require_product_staff(user=actor, product_id=sku.product_id)
    given = (spec_name, code, price, supply_price, commission_mode, commission_rate, commission_amount)
    if all(value is None for value in given):
        return sku
    retail, supply = inputs.prices_field(sku.price if price is None else price,
                             sku.supply_price if supply_price is None else supply_price)
    if commission_mode is None and commission_rate is None and commission_amount is None:
        mode, rate, amount = inputs.commission_setting(sku.commission_mode, sku.commission_rate, sku.commission_amount,
                                         price=retail)
    else:
        mode = commission_mode or sku.commission_mode
        mode, rate, amount = inputs.commission_setting(mode, commission_rate, commission_amount, price=retail)
    changes = {"price": retail, "supply_price": supply, "commission_mode": mode, "commission_rate": rate,
               "commission_amount": amount}
    if spec_name is not None:
        changes["spec_name"] = inputs.text_field(spec_name, "spec_name", 60)
    if code is not None:
        changes["code"] = inputs.text_field(code, "code", 40)
    with transaction.atomic():
        if code is not None and Sku.objects.filter(product=product, code=changes["code"]).exclude(pk=sku.pk).exists():
            raise Conflict(CatalogError.SKU_CODE_TAKEN, code=changes["code"],
                           details={"field": "code"})
        inputs.product_open_for_edit(actor=actor, product=product)
        Sku.objects.filter(pk=sku.pk).update(updated_at=timezone.now(), **changes)
    sku.refresh_from_db()
    return sku


def sku_active_set(*, actor: User, sku_id: int, active: bool) -> Sku:
    """Merchant staff stop or resume selling one SKU; no review needed (like stock, it is operational)."""
    require_user(actor)
    sku = _sku_get(sku_id)
    require_product_staff(user=actor, product_id=sku.product_id)
    Sku.objects.filter(pk=sku.pk).update(active=bool(active), updated_at=timezone.now())
    sku.refresh_from_db()
    return sku


def _sku_get(sku_id: int) -> Sku:
    sku = Sku.objects.filter(pk=sku_id).first()
    if sku is None:
        raise NotFound(CatalogError.SKU_UNKNOWN, sku_id=sku_id, details={"sku_id": sku_id})
    return sku


# ---- stock ---------------------------------------------------------------------------------------------------

def sku_stock_set(*, actor: User, sku_id: int, stock: int, expected: int | None = None) -> Sku:
    """Merchant staff set an SKU's stock (库存). With ``expected``, only if the stock is still that number
    (``catalog.stock_changed`` otherwise), so a count taken before orders came in does not erase them."""
    require_user(actor)
    stock = inputs.stock_field(stock)
    sku = _sku_get(sku_id)
    require_product_staff(user=actor, product_id=sku.product_id)
    rows = Sku.objects.filter(pk=sku.pk)
    if expected is not None:
        rows = rows.filter(stock=inputs.stock_field(expected))
    if not rows.update(stock=stock, updated_at=timezone.now()):
        sku.refresh_from_db()
        raise Conflict(CatalogError.STOCK_CHANGED, stock=sku.stock,
                       details={"stock": sku.stock})
    sku.refresh_from_db()
    return sku


def sku_stock_reserve(*, sku_id: int, quantity: int) -> int:
    """Take ``quantity`` units out of stock for an order; return what is left.

    One conditional UPDATE: it succeeds only while enough stock remains, so stock never goes below zero.
    Raises ``catalog.stock_insufficient`` (409) or ``catalog.sku_unknown`` (404). Call it inside the order's
    transaction so a failed order gives the units back by rolling back.
    """
    quantity = inputs.quantity_field(quantity)
    # The conditional UPDATE answers what is left itself (RETURNING): no second read of the row.
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(Sku._meta.db_table)} SET stock = stock - %s WHERE id = %s AND stock >= %s "
                       "RETURNING stock", [quantity, sku_id, quantity])
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    left = Sku.objects.filter(pk=sku_id).values_list("stock", flat=True).first()
    if left is None:
        raise NotFound(CatalogError.SKU_UNKNOWN, sku_id=sku_id, details={"sku_id": sku_id})
    raise Conflict(CatalogError.STOCK_INSUFFICIENT, left=left,
                   details={"sku_id": sku_id, "available": left, "requested": quantity})


def sku_stock_release(*, sku_id: int, quantity: int) -> int:
    """Give ``quantity`` reserved units back (a cancelled or refunded order); return the new stock."""
    quantity = inputs.quantity_field(quantity)
    if not Sku.objects.filter(pk=sku_id).update(stock=F("stock") + quantity):
        raise NotFound(CatalogError.SKU_UNKNOWN, sku_id=sku_id, details={"sku_id": sku_id})
    return Sku.objects.values_list("stock", flat=True).get(pk=sku_id)
