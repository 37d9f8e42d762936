"""What a checkout asks for (its lines), what a replay must repeat (the request's digest) and the numbers of the
orders it makes: shared by the services' checkout (``orders.checkout``) and the fast one (``orders.checkout_fast``)."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from tuishou.core.errors import InvalidInput
from tuishou.orders import numbers
from tuishou.orders.errors import OrderError
from tuishou.orders.services import quantity_clean

MAX_LINES = 50


@dataclass(frozen=True)
class LineRequest:
    """One line asked for: an SKU, how many, and the share code it came through (may be empty)."""

    sku_id: int
    quantity: int
    share_code: str = ""


def requests_clean(lines) -> list[LineRequest]:
    """The lines asked for as ``LineRequest``s (tuples accepted), checked: 1–``MAX_LINES`` lines, integer SKU ids,
    valid quantities; else ``orders.lines_empty``, ``orders.too_many_lines``, ``orders.sku_unavailable`` or
    ``orders.quantity_invalid``."""
    requests = []
    for item in lines:
        if isinstance(item, LineRequest):
            requests.append(item)
            continue
        sku_id, quantity, *rest = item
        requests.append(LineRequest(sku_id=sku_id, quantity=quantity, share_code=(rest[0] if rest else "") or ""))
    if not requests:
        raise InvalidInput(OrderError.LINES_EMPTY, details={"field": "lines"})
    if len(requests) > MAX_LINES:
        raise InvalidInput(OrderError.TOO_MANY_LINES, max_lines=MAX_LINES,
                           details={"field": "lines"})
    for request in requests:
        if isinstance(request.sku_id, bool) or not isinstance(request.sku_id, int):
            raise InvalidInput(OrderError.SKU_UNAVAILABLE, sku_id=request.sku_id,
                               details={"sku_id": None})
        quantity_clean(request.quantity)
    return requests


@functools.cache
def _number_key(secret: str) -> bytes:
    return hashlib.sha256(f"tuishou-order-numbers:{secret}".encode()).digest()


def order_number_new(at, *, checkout_id: int, index: int) -> str:
    """A unique, unguessable order number: date and time, then nine digits permuting the serial of the
    ``index``-th order of checkout ``checkout_id`` under the deployment's key (``tuishou.orders.numbers``),
    e.g. ``2610031015427318806``."""
    return numbers.order_number(minute=f"{timezone.localtime(at):%y%m%d%H%M}", checkout_id=checkout_id,
                                index=index, key=_number_key(settings.SECRET_KEY))


def request_digest(requests: list[LineRequest] | None, address, share_code: str) -> str:
    """What a replay must repeat: the lines (or "the cart", whatever it holds by then), the address's
    contents (a copy of the same address is the same request) and the share code."""
    lines = "cart" if requests is None else sorted([r.sku_id, r.quantity, r.share_code] for r in requests)
    where = [address.name, address.phone, address.province, address.city, address.district, address.detail]
    return hashlib.sha256(json.dumps([lines, where, share_code], ensure_ascii=False).encode()).hexdigest()
