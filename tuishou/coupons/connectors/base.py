"""Connectors to external coupon platforms (淘客/芬香 supply chains): one interface, a registry by name.

A connector fetches the platform's feed of coupon items and its order report for a date range, as raw rows
(``(line, {column: text})``); ``tuishou.coupons.parsing`` validates them, so every connector's rows pass the
same checks. ``settings.TUISHOU_COUPON_CONNECTOR`` names the one the desk and the API use by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Protocol

RawRow = tuple[int, dict[str, str]]


class CouponConnector(Protocol):
    """What the platform offers us: its feed, and its order report of a date range (inclusive)."""

    name: str

    def feed(self) -> Iterable[RawRow]:
        """The platform's current feed of coupon items."""
        ...

    def order_report(self, *, start: date, end: date, tracking_codes: Sequence[str] = ()) -> Iterable[RawRow]:
        """Orders placed, settled or refunded between ``start`` and ``end``; ``tracking_codes`` are ours that the
        platform has seen (a real platform knows them already and ignores the argument)."""
        ...


CONNECTORS: dict[str, Callable[..., CouponConnector]] = {}


def connector_register(name: str):
    def register(factory):
        CONNECTORS[name] = factory
        return factory
    return register
