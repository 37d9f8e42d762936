"""Placing an order from the pages (提交订单): to a saved address or to a new one typed on the checkout page,
which is saved with the checkout — a refused checkout (out of stock, a bad quantity) saves no address, so
sending the form again does not leave the buyer with two copies of it."""

from __future__ import annotations

from django.db import transaction

from tuishou.accounts.permissions import require_user
from tuishou.orders.checkout import checkout_submit, checkout_submit_from_cart
from tuishou.orders.models import Checkout
from tuishou.orders.services import address_create


def checkout_place(*, buyer, idempotency_key: str, address_id: int | None = None, new_address: dict | None = None,
                   sku_id: int | None = None, quantity: int = 0, share_code: str = "") -> Checkout:
    """Check out one SKU (立即购买, when ``sku_id`` is given) or the whole cart, to ``address_id`` or to
    ``new_address`` (the fields of ``address_create``). A key already used answers its checkout at once.

    Raises what ``address_create``, ``checkout_submit`` and ``checkout_submit_from_cart`` raise; nothing is
    written then.
    """
    require_user(buyer)
    first = Checkout.objects.filter(buyer_id=buyer.pk, idempotency_key=(idempotency_key or "").strip()).first()
    if first is not None:
        return first
    with transaction.atomic():
        if new_address is not None:
            address_id = address_create(user=buyer, **new_address).pk
        common = {"buyer": buyer, "address_id": address_id, "share_code": share_code,
                  "idempotency_key": idempotency_key}
        if sku_id:
            return checkout_submit(lines=[(sku_id, quantity, share_code)], **common)
        return checkout_submit_from_cart(**common)
