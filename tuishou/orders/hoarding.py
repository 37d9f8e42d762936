"""Stock hoarding (囤货占库存): what one buyer may hold in checkouts that are not paid yet.

Submitting a checkout reserves its stock for the whole payment window. Without a bound one buyer could hold
every unit of a SKU in a row of unpaid checkouts and the next buyer would be told "out of stock". Two limits,
in ``settings.TUISHOU``: ``UNPAID_CHECKOUTS_MAX`` open unpaid checkouts per buyer, and
``UNPAID_UNITS_PER_SKU_MAX`` units of one SKU across them (this checkout's included). A checkout whose payment
time ran out no longer counts, even before the expiry job has cancelled it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Sum

from tuishou.accounts.models import User
from tuishou.core.errors import Conflict
from tuishou.orders.errors import OrderError
from tuishou.orders.models import Checkout, OrderLine


def unpaid_limits() -> tuple[int, int]:
    """(open unpaid checkouts, units per SKU) a buyer may hold, from the settings."""
    conf = settings.TUISHOU
    return int(conf.get("UNPAID_CHECKOUTS_MAX", 5)), int(conf.get("UNPAID_UNITS_PER_SKU_MAX", 10))


def unpaid_limits_check(*, buyer, wanted: dict[int, int], titles: dict[int, str], now: datetime) -> None:
    """Refuse a checkout that would take the buyer over a limit; call it inside the checkout's transaction.

    The buyer's row is locked first, so two checkouts of one buyer at once are counted one after the other
    (the second sees the first). ``wanted``: units asked for by SKU id; ``titles``: the SKUs' product titles.

    Raises ``orders.too_many_unpaid`` or ``orders.unpaid_units_limit`` (409, ``details`` say what is held).
    """
    max_checkouts, max_units = unpaid_limits()
    User.objects.select_for_update().filter(pk=buyer.pk).values_list("pk", flat=True).first()
    open_ids = list(Checkout.objects.filter(buyer=buyer, status=Checkout.Status.PENDING, expires_at__gt=now)
                    .values_list("pk", flat=True))
    if len(open_ids) >= max_checkouts:
        raise Conflict(OrderError.TOO_MANY_UNPAID, count=len(open_ids),
                       details={"unpaid_checkouts": len(open_ids), "limit": max_checkouts})
    held = {} if not open_ids else dict(
        OrderLine.objects.filter(order__checkout_id__in=open_ids, sku_id__in=list(wanted))
        .values_list("sku_id").annotate(units=Sum("quantity")).values_list("sku_id", "units"))
    for sku_id in sorted(wanted):
        holding = held.get(sku_id, 0)
        if holding + wanted[sku_id] > max_units:
            raise Conflict(OrderError.UNPAID_UNITS_LIMIT, limit=max_units, title=titles[sku_id], held=holding,
                           details={"sku_id": sku_id, "held": holding, "requested": wanted[sku_id],
                                    "limit": max_units})
