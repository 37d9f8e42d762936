"""Writes for a buyer's delivery addresses (收货地址) and cart (购物车).

Checkout lives in ``checkout``, payment in ``paying``, shipping and receipt in ``fulfilment``, after-sales
in ``aftersales``.
"""

from __future__ import annotations

from django.db import transaction

from tuishou.accounts.permissions import require_user
from tuishou.accounts.services import normalize_phone
from tuishou.catalog.selectors import sku_for_sale
from tuishou.core.errors import Conflict, DomainError, InvalidInput, NotFound
from tuishou.merchants.services import clean_text
from tuishou.orders.errors import OrderError
from tuishou.orders.models import Address, CartLine

MAX_QUANTITY = 9999
MAX_ADDRESSES = 30


def text_clean(value, field: str, max_length: int, required: bool = True) -> str:
    """A stripped text field or ``orders.field_required`` / ``orders.field_too_long``."""
    return clean_text(value, field=field, max_length=max_length, required=required, errors=OrderError)


def quantity_clean(value) -> int:
    """A quantity of at least 1 (and at most ``MAX_QUANTITY``), else ``orders.quantity_invalid``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise InvalidInput(OrderError.QUANTITY_INVALID, max_quantity=MAX_QUANTITY, value=value,
                           details={"field": "quantity", "value": value if isinstance(value, int) else None})
    return value


def sku_available(sku_id: int):
    """The SKU when it is for sale now, else ``orders.sku_unavailable`` (unknown or off the shelf)."""
    try:
        return sku_for_sale(sku_id=sku_id)
    except DomainError:
        raise Conflict(OrderError.SKU_UNAVAILABLE, sku_id=sku_id,
                       details={"sku_id": sku_id}) from None


# ---- addresses -----------------------------------------------------------------------------------------------

ADDRESS_FIELDS = ("name", "phone", "province", "city", "district", "detail")


def address_create(*, user, name: str, phone: str, province: str, city: str, district: str, detail: str,
                   is_default: bool = False) -> Address:
    """Add a delivery address; the first one (or one marked default) becomes the default. The same address
    typed again (every field equal, as cleaned) is the one already in the book, not a second copy: a buyer who
    types their address at each checkout keeps one."""
    require_user(user)
    values = _address_values(name=name, phone=phone, province=province, city=city, district=district, detail=detail)
    with transaction.atomic():
        existing = Address.objects.filter(user=user)
        same = existing.filter(**values).order_by("pk").first()
        if same is not None:
            return address_set_default(user=user, address_id=same.pk) if is_default else same
        if existing.count() >= MAX_ADDRESSES:
            raise Conflict(OrderError.TOO_MANY_ADDRESSES, max_addresses=MAX_ADDRESSES)
        is_default = is_default or not existing.exists()
        if is_default:
            existing.update(is_default=False)
        return Address.objects.create(user=user, is_default=is_default, **values)


def _address_values(*, name: str, phone: str, province: str, city: str, district: str, detail: str) -> dict:
    try:
        phone = normalize_phone(phone)
    except DomainError:
        raise InvalidInput(OrderError.PHONE_INVALID, phone=phone, details={"field": "phone"}) from None
    return {"name": text_clean(name, "name", 60), "phone": phone, "province": text_clean(province, "province", 30),
            "city": text_clean(city, "city", 30), "district": text_clean(district, "district", 30),
            "detail": text_clean(detail, "detail", 200)}


def address_update(*, user, address_id: int, name: str, phone: str, province: str, city: str, district: str,
                   detail: str) -> Address:
    """Change one of the user's addresses (orders already placed keep the copy they were given)."""
    address = address_get(user=user, address_id=address_id)
    values = _address_values(name=name, phone=phone, province=province, city=city, district=district, detail=detail)
    for field, value in values.items():
        setattr(address, field, value)
    address.save(update_fields=list(values))
    return address


def address_set_default(*, user, address_id: int) -> Address:
    """Make one of the user's addresses the default (默认地址); the others stop being it."""
    with transaction.atomic():
        address = address_get(user=user, address_id=address_id)
        Address.objects.filter(user_id=user.pk).exclude(pk=address.pk).update(is_default=False)
        if not address.is_default:
            address.is_default = True
            address.save(update_fields=["is_default"])
    return address


def address_get(*, user, address_id: int) -> Address:
    """One of the user's addresses, else ``orders.address_unknown`` (404; another's is unknown too)."""
    address = Address.objects.filter(pk=address_id, user_id=getattr(user, "pk", None)).first()
    if address is None:
        raise NotFound(OrderError.ADDRESS_UNKNOWN, address_id=address_id,
                       details={"address_id": address_id})
    return address


def address_delete(*, user, address_id: int) -> None:
    """Delete one of the user's addresses (orders keep their own copy); when it was the default, the newest
    remaining address becomes the default."""
    with transaction.atomic():
        address = address_get(user=user, address_id=address_id)
        was_default = address.is_default
        address.delete()
        if was_default:
            successor = Address.objects.filter(user_id=user.pk).order_by("-id").first()
            if successor is not None:
                Address.objects.filter(pk=successor.pk).update(is_default=True)


# ---- cart ----------------------------------------------------------------------------------------------------

def quantity_in_stock(*, sku, quantity: int) -> int:
    """``quantity`` when the SKU has that many in stock now, else ``orders.out_of_stock`` naming the field: a
    cart or a buy-now page never shows a total for more than can be sold."""
    quantity = quantity_clean(quantity)
    if quantity > sku.stock:
        raise Conflict(OrderError.OUT_OF_STOCK, available=sku.stock, title=sku.product.title,
                       details={"field": "quantity", "sku_id": sku.pk, "available": sku.stock, "requested": quantity})
    return quantity


def cart_add(*, user, sku_id: int, quantity: int, share_code: str = "") -> CartLine:
    """Put ``quantity`` more of an SKU in the cart, remembering the share code it came through (the latest).

    Raises ``orders.quantity_invalid`` (not 1–``MAX_QUANTITY``), ``orders.sku_unavailable`` and
    ``orders.out_of_stock`` (more than the stock, counting what the cart already holds); nothing is written then.
    """
    require_user(user)
    quantity = quantity_clean(quantity)
    sku = sku_available(sku_id)
    share_code = (share_code or "").strip()[:32]
    with transaction.atomic():
        line = CartLine.objects.select_for_update().filter(user=user, sku_id=sku_id).first()
        if line is None:
            quantity_in_stock(sku=sku, quantity=quantity)
            return CartLine.objects.create(user=user, sku_id=sku_id, quantity=quantity, share_code=share_code)
        line.quantity = quantity_in_stock(sku=sku, quantity=quantity_clean(line.quantity + quantity))
        line.share_code = share_code or line.share_code
        line.save(update_fields=["quantity", "share_code"])
        return line


def cart_line_get(*, user, line_id: int) -> CartLine:
    line = CartLine.objects.filter(pk=line_id, user_id=getattr(user, "pk", None)).first()
    if line is None:
        raise NotFound(OrderError.CART_LINE_UNKNOWN, line_id=line_id, details={"line_id": line_id})
    return line


def cart_line_set_quantity(*, user, line_id: int, quantity: int) -> CartLine:
    """Change a cart line's quantity: ``orders.quantity_invalid`` or ``orders.out_of_stock`` leave it as it was."""
    line = cart_line_get(user=user, line_id=line_id)
    quantity = quantity_clean(quantity)
    line.quantity = quantity_in_stock(sku=sku_available(line.sku_id), quantity=quantity)
    line.save(update_fields=["quantity"])
    return line


def cart_line_remove(*, user, line_id: int) -> None:
    cart_line_get(user=user, line_id=line_id).delete()
