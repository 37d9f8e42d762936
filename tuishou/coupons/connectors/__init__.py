"""Connectors to external coupon platforms (淘客/芬香 supply chains): one interface, a registry by name.

A connector fetches the platform's feed of coupon items and its order report for a date range, as raw rows
(``(line, {column: text})``); ``tuishou.coupons.parsing`` validates them, so every connector's rows pass the
same checks. ``settings.TUISHOU_COUPON_CONNECTOR`` names the one the desk and the API use by default.
"""

from __future__ import annotations

from tuishou.core.errors import InvalidInput
from tuishou.coupons.connectors.base import CONNECTORS, CouponConnector, RawRow, connector_register
from tuishou.coupons.errors import CouponError

__all__ = ["CONNECTORS", "CouponConnector", "RawRow", "connector_get", "connector_register"]


def connector_get(name: str, **options) -> CouponConnector:
    """The connector registered as ``name``; ``coupons.connector_unknown`` otherwise."""
    from tuishou.coupons.connectors import file, sandbox  # noqa: F401  (register the built-in ones)

    factory = CONNECTORS.get(name)
    if factory is None:
        raise InvalidInput(CouponError.CONNECTOR_UNKNOWN, name=name, details={"field": "connector"})
    return factory(**options)
