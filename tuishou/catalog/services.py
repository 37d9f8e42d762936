"""Writes for the catalog: products and SKUs by merchant staff, review and zones by operators, stock.

Stock changes only here, through conditional updates (``… SET stock = stock - n WHERE stock >= n``), so
concurrent orders can never oversell, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from tuishou.accounts.models import OperatorRole, User
from tuishou.accounts.permissions import is_operator, require_operator, require_user
from tuishou.catalog.errors import CatalogError
from tuishou.catalog.models import Product, ProductImage, Sku
from tuishou.catalog.selectors import product_get, require_product_staff
from tuishou.catalog.transitions import product_transition
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.money import parse_amount
from tuishou.merchants.errors import MerchantError
from tuishou.merchants.models import Merchant
from tuishou.merchants.rates import parse_rate
from tuishou.merchants.selectors import require_merchant_staff
from tuishou.merchants.services import clean_text
from tuishou.risk.services import audit_record

OPS = OperatorRole.Role.OPS
S = Product.Status
MAX_PRICE = Decimal("10000000.00")
MAX_STOCK = 2_000_000_000  # below the 32-bit PositiveIntegerField limit on every database
MAX_IMAGE_BYTES = 5 * 1024 * 1024
REVIEWED = frozenset({S.APPROVED, S.ON_SHELF, S.OFF_SHELF})


# ---- input checks ---------------------------------------------------------------------------------------------

def _text(value, field: str, max_length: int, required: bool = True) -> str:
    return clean_text(value, field=field, max_length=max_length, required=required, errors=CatalogError)


def _amount(value, field: str, *, positive: bool = True) -> Decimal:
    """A price given as a decimal string: ``money.malformed`` / ``money.too_precise`` / ``money.negative``
    from ``parse_amount``, ``catalog.price_not_positive`` for zero, ``catalog.price_too_large`` above the cap."""
    amount = parse_amount(value, field=field)
    if positive and amount == 0:
        raise InvalidInput(CatalogError.PRICE_NOT_POSITIVE, field=field, details={"field": field})
    if amount > MAX_PRICE:
        raise InvalidInput(CatalogError.PRICE_TOO_LARGE, field=field, max_price=MAX_PRICE,
                           details={"field": field})
    return amount


def _stock(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(CatalogError.STOCK_MALFORMED, value=value,
                           details={"field": "stock"})
    if value < 0:
        raise InvalidInput(CatalogError.STOCK_NEGATIVE, details={"field": "stock"})
    if value > MAX_STOCK:
        raise InvalidInput(CatalogError.STOCK_TOO_LARGE, max_stock=MAX_STOCK,
                           details={"field": "stock"})
    return value


def _quantity(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > MAX_STOCK:
        raise InvalidInput(CatalogError.QUANTITY_INVALID, value=value,
                           details={"field": "quantity"})
    return value


def _commission(mode: str, rate, amount, *, price: Decimal) -> tuple[str, Decimal | None, Decimal | None]:
    """Check a commission setting against the SKU's price; exactly one of rate and amount applies."""
    if mode not in Sku.CommissionMode.values:
        raise InvalidInput(CatalogError.COMMISSION_MODE_UNKNOWN, mode=mode,
                           details={"field": "commission_mode"})
    if mode == Sku.CommissionMode.PERCENT:
        if amount is not None:
            raise InvalidInput(CatalogError.COMMISSION_SETTING_AMBIGUOUS, mode="percent", wanted="commission_rate",
                               other="commission_amount",
                               details={"field": "commission_amount"})
        if rate is None:
            raise InvalidInput(CatalogError.COMMISSION_RATE_REQUIRED,
                               details={"field": "commission_rate"})
        return mode, parse_rate(rate, field="commission_rate", malformed=CatalogError.COMMISSION_RATE_MALFORMED,
                                out_of_range=CatalogError.COMMISSION_RATE_OUT_OF_RANGE), None
    if rate is not None:
        raise InvalidInput(CatalogError.COMMISSION_SETTING_AMBIGUOUS, mode="fixed", wanted="commission_amount",
                           other="commission_rate",
                           details={"field": "commission_rate"})
    if amount is None:
        raise InvalidInput(CatalogError.COMMISSION_AMOUNT_REQUIRED,
                           details={"field": "commission_amount"})
    fixed = _amount(amount, "commission_amount", positive=False)
    if fixed > price:
        raise InvalidInput(CatalogError.COMMISSION_ABOVE_PRICE, fixed=fixed, price=price,
                           details={"field": "commission_amount"})
    return mode, None, fixed


def _prices(price, supply_price) -> tuple[Decimal, Decimal]:
    retail = _amount(price, "price")
    supply = _amount(supply_price, "supply_price", positive=False)
    if supply > retail:
        raise InvalidInput(CatalogError.SUPPLY_PRICE_ABOVE_PRICE, supply=supply, retail=retail,
                           details={"field": "supply_price"})
    return retail, supply


def _require_merchant_active(merchant: Merchant) -> None:
    if merchant.status != Merchant.Status.ACTIVE:
        raise Conflict(MerchantError.MERCHANT_SUSPENDED,
                       details={"merchant_id": merchant.pk})


def _open_for_edit(*, actor: User, product: Product) -> None:
    """Editing what promoters see or earn is reviewed again: a reviewed product off the shelf goes back to
    draft; one on the shelf or in review must be taken off or withdrawn first."""
    _require_merchant_active(product.merchant)
    if product.status in (S.DRAFT, S.REJECTED):
        return
    if product.status in (S.APPROVED, S.OFF_SHELF):
        product_transition(product=product, event="revise", actor=actor, reason="edited by the merchant")
        return
    raise Conflict(CatalogError.PRODUCT_NOT_EDITABLE, status=product.status,
                   details={"status": product.status})


# ---- products (merchant staff) -------------------------------------------------------------------------------

def product_create(*, actor: User, merchant_id: int, title: str, category: str, description: str = "") -> Product:
    """Merchant staff create a draft product (商品草稿)."""
    require_user(actor)
    merchant = require_merchant_staff(user=actor, merchant_id=merchant_id)
    _require_merchant_active(merchant)
    fields = {"title": _text(title, "title", 120), "category": _text(category, "category", 60),
              "description": _text(description, "description", 10000, required=False)}
    return Product.objects.create(merchant=merchant, **fields)


def product_update(*, actor: User, product_id: int, title: str | None = None, category: str | None = None,
                   description: str | None = None) -> Product:
    """Merchant staff edit a product's text; a reviewed product goes back to draft (see ``_open_for_edit``)."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    changes = {}
    if title is not None:
        changes["title"] = _text(title, "title", 120)
    if category is not None:
        changes["category"] = _text(category, "category", 60)
    if description is not None:
        changes["description"] = _text(description, "description", 10000, required=False)
    if not changes:
        return product
    with transaction.atomic():
        _open_for_edit(actor=actor, product=product)
        Product.objects.filter(pk=product.pk).update(updated_at=timezone.now(), **changes)
    product.refresh_from_db()
    return product


def product_image_add(*, actor: User, product_id: int, image: File, position: int | None = None) -> ProductImage:
    """Merchant staff add a picture (JPEG, PNG, WebP or GIF, at most 5 MB); it goes last unless placed."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    if image.size is not None and image.size > MAX_IMAGE_BYTES:
        raise InvalidInput(CatalogError.IMAGE_TOO_LARGE, details={"field": "image"})
    try:
        image.seek(0)
        with Image.open(image) as probe:
            probe.verify()
            kind = probe.format
        image.seek(0)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput(CatalogError.IMAGE_INVALID,
                           details={"field": "image"}) from None
    if kind not in {"JPEG", "PNG", "WEBP", "GIF"}:
        raise InvalidInput(CatalogError.IMAGE_INVALID,
                           details={"field": "image"})
    with transaction.atomic():
        _open_for_edit(actor=actor, product=product)
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
            _open_for_edit(actor=actor, product=picture.product)
        picture.delete()
        transaction.on_commit(lambda name=picture.image.name, storage=picture.image.storage: storage.delete(name))


# ---- SKUs (merchant staff) -----------------------------------------------------------------------------------

def sku_create(*, actor: User, product_id: int, spec_name: str, code: str, price: Decimal | str,
               supply_price: Decimal | str, commission_mode: str, commission_rate: Decimal | str | None = None,
               commission_amount: Decimal | str | None = None, stock: int = 0, active: bool = True) -> Sku:
    """Merchant staff add an SKU (规格) with prices, stock and its commission setting."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    retail, supply = _prices(price, supply_price)
    mode, rate, amount = _commission(commission_mode, commission_rate, commission_amount, price=retail)
    fields = {"spec_name": _text(spec_name, "spec_name", 60), "code": _text(code, "code", 40),
              "stock": _stock(stock), "active": bool(active)}
    with transaction.atomic():
        if Sku.objects.filter(product=product, code=fields["code"]).exists():
            raise Conflict(CatalogError.SKU_CODE_TAKEN, code=fields["code"],
                           details={"field": "code"})
        _open_for_edit(actor=actor, product=product)
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
    retail, supply = _prices(sku.price if price is None else price,
                             sku.supply_price if supply_price is None else supply_price)
    if commission_mode is None and commission_rate is None and commission_amount is None:
        mode, rate, amount = _commission(sku.commission_mode, sku.commission_rate, sku.commission_amount,
                                         price=retail)
    else:
        mode = commission_mode or sku.commission_mode
        mode, rate, amount = _commission(mode, commission_rate, commission_amount, price=retail)
    changes = {"price": retail, "supply_price": supply, "commission_mode": mode, "commission_rate": rate,
               "commission_amount": amount}
    if spec_name is not None:
        changes["spec_name"] = _text(spec_name, "spec_name", 60)
    if code is not None:
        changes["code"] = _text(code, "code", 40)
    with transaction.atomic():
        if code is not None and Sku.objects.filter(product=product, code=changes["code"]).exclude(pk=sku.pk).exists():
            raise Conflict(CatalogError.SKU_CODE_TAKEN, code=changes["code"],
                           details={"field": "code"})
        _open_for_edit(actor=actor, product=product)
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
    stock = _stock(stock)
    sku = _sku_get(sku_id)
    require_product_staff(user=actor, product_id=sku.product_id)
    rows = Sku.objects.filter(pk=sku.pk)
    if expected is not None:
        rows = rows.filter(stock=_stock(expected))
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
    quantity = _quantity(quantity)
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
    quantity = _quantity(quantity)
    if not Sku.objects.filter(pk=sku_id).update(stock=F("stock") + quantity):
        raise NotFound(CatalogError.SKU_UNKNOWN, sku_id=sku_id, details={"sku_id": sku_id})
    return Sku.objects.values_list("stock", flat=True).get(pk=sku_id)


# ---- review and shelf ----------------------------------------------------------------------------------------

def product_submit(*, actor: User, product_id: int) -> Product:
    """Merchant staff send a draft (or rejected) product for review (提交审核); it needs an active SKU."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    _require_merchant_active(product.merchant)
    if not product.skus.filter(active=True).exists():
        raise InvalidInput(CatalogError.PRODUCT_INCOMPLETE)
    return product_transition(product=product, event="submit", actor=actor)


def product_withdraw(*, actor: User, product_id: int) -> Product:
    """Merchant staff take a product back out of review, to edit it."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    return product_transition(product=product, event="withdraw", actor=actor)


def product_approve(*, actor: User, product_id: int) -> Product:
    """An operator (ops) approves a product in review (审核通过); the merchant then puts it on the shelf."""
    require_operator(actor, OPS)
    with transaction.atomic():
        product = product_transition(product=product_get(product_id=product_id), event="approve", actor=actor)
        audit_record(actor=actor, action="catalog.product_approved", target=product)
    return product


def product_reject(*, actor: User, product_id: int, reason: str) -> Product:
    """An operator (ops) rejects a product in review, with a reason the merchant sees (审核驳回)."""
    require_operator(actor, OPS)
    reason = _text(reason, "reason", 2000)
    with transaction.atomic():
        product = product_transition(product=product_get(product_id=product_id), event="reject", actor=actor,
                                     reason=reason)
        audit_record(actor=actor, action="catalog.product_rejected", target=product, reason=reason)
    return product


def product_shelve(*, actor: User, product_id: int) -> Product:
    """Merchant staff put an approved product on the shelf (上架)."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    _require_merchant_active(product.merchant)
    if not product.skus.filter(active=True).exists():
        raise InvalidInput(CatalogError.PRODUCT_INCOMPLETE)
    return product_transition(product=product, event="shelve", actor=actor)


def product_unshelve(*, actor: User, product_id: int, reason: str = "") -> Product:
    """Take a product off the shelf (下架): its merchant's staff, or an ops operator with a reason (audited)."""
    require_user(actor)
    product = product_get(product_id=product_id)
    if is_operator(actor, OPS) and not _works_for(actor, product):
        reason = _text(reason, "reason", 2000)
        with transaction.atomic():
            product = product_transition(product=product, event="unshelve", actor=actor, reason=reason)
            audit_record(actor=actor, action="catalog.product_unshelved", target=product, reason=reason)
        return product
    product = require_product_staff(user=actor, product_id=product_id)
    return product_transition(product=product, event="unshelve", actor=actor,
                              reason=_text(reason, "reason", 2000, required=False))


def _works_for(user: User, product: Product) -> bool:
    return product.merchant.staff.filter(user=user).exists()


def products_unshelve_for_merchant(*, actor: User | None, merchant: Merchant, reason: str) -> int:
    """Take every product of ``merchant`` off the shelf (on suspension); return how many moved."""
    moved = 0
    for product in Product.objects.filter(merchant=merchant, status=S.ON_SHELF).order_by("pk"):
        product_transition(product=product, event="unshelve", actor=actor, reason=reason)
        moved += 1
    return moved


# ---- zones (operators) ---------------------------------------------------------------------------------------

def _require_reviewed(product: Product) -> None:
    if product.status not in REVIEWED:
        raise Conflict(CatalogError.PRODUCT_NOT_APPROVED,
                       details={"status": product.status})


def product_hot_zone_set(*, actor: User, product_id: int, in_hot_zone: bool, hot_price: Decimal | str | None = None,
                         starts_at: datetime | None = None, ends_at: datetime | None = None) -> Product:
    """An operator (ops) puts a product into 爆品区 with a negotiated price and campaign window, or takes it out.

    The 爆品 price applies to every SKU while the window is open; it may not exceed the lowest active retail
    price nor fall below the highest supply price (the merchant would sell at a loss).
    """
    require_operator(actor, OPS)
    product = product_get(product_id=product_id)
    if not in_hot_zone:
        changes = {"in_hot_zone": False, "hot_price": None, "hot_starts_at": None, "hot_ends_at": None}
    else:
        _require_reviewed(product)
        price = None
        if hot_price is not None:
            price = _amount(hot_price, "hot_price")
            skus = list(product.skus.filter(active=True).values_list("price", "supply_price"))
            if skus and price > min(p for p, _ in skus):
                raise InvalidInput(CatalogError.HOT_PRICE_ABOVE_PRICE, price=price,
                                   details={"field": "hot_price"})
            if skus and price < max(s for _, s in skus):
                raise InvalidInput(CatalogError.HOT_PRICE_BELOW_SUPPLY_PRICE, price=price,
                                   details={"field": "hot_price"})
        if (starts_at is None) != (ends_at is None) or (starts_at is not None and ends_at <= starts_at):
            raise InvalidInput(CatalogError.HOT_WINDOW_INVALID,
                               details={"field": "ends_at"})
        changes = {"in_hot_zone": True, "hot_price": price, "hot_starts_at": starts_at, "hot_ends_at": ends_at}
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(updated_at=timezone.now(), **changes)
        product.refresh_from_db()
        audit_record(actor=actor, action="catalog.hot_zone_set", target=product, data={
            "in_hot_zone": product.in_hot_zone,
            "hot_price": None if product.hot_price is None else str(product.hot_price),
            "starts_at": product.hot_starts_at.isoformat() if product.hot_starts_at else None,
            "ends_at": product.hot_ends_at.isoformat() if product.hot_ends_at else None})
    return product


def product_inspected_set(*, actor: User, product_id: int, inspected: bool, reason: str = "") -> Product:
    """An operator (ops) grants or withdraws the 验货区 badge (inspected by the community)."""
    require_operator(actor, OPS)
    product = product_get(product_id=product_id)
    if inspected:
        _require_reviewed(product)
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(
            inspected=bool(inspected), inspected_at=timezone.now() if inspected else None, updated_at=timezone.now())
        product.refresh_from_db()
        audit_record(actor=actor, action="catalog.inspected_set", target=product, reason=reason,
                     data={"inspected": product.inspected})
    return product
