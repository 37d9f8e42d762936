"""What the demo loader knows while it replays the platform's last months: the people, shops and goods made so
far, the timeline, and the seeded random source every choice is drawn from."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tuishou.accounts.models import User
from tuishou.demo.timeline import Timeline
from tuishou.network.models import Promoter

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@dataclass
class Seller:
    """A promoter with a store: the products picked into it and how well they sell (a heavy-tailed weight)."""

    promoter: Promoter
    products: list[int]
    weight: float


@dataclass
class World:
    rng: random.Random
    timeline: Timeline
    end: datetime  # the wall-clock moment the demo is loaded: the timeline's "now"
    users: dict[str, User]  # the demo accounts by username
    merchant_staff: dict[int, User] = field(default_factory=dict)  # merchant id → its owner
    products: dict[int, list[int]] = field(default_factory=dict)  # product id → its SKU ids
    product_merchant: dict[int, int] = field(default_factory=dict)
    product_titles: dict[int, str] = field(default_factory=dict)
    promoters: list[Promoter] = field(default_factory=list)  # everyone who has joined so far
    sellers: dict[int, Seller] = field(default_factory=dict)  # promoter id → seller, once the store is open
    consumers: list[User] = field(default_factory=list)  # other buyers who are not promoters
    demo_customers: list[User] = field(default_factory=list)  # consumers locked to the demo promoter (锁粉)
    addresses: dict[int, int] = field(default_factory=dict)  # user id → address id
    stars: dict[int, int] = field(default_factory=dict)  # community id → star sellers still to come
    # (promoter id, product id) → the link carrying a material the promoter reused: their buyers click it
    material_links: dict[tuple[int, int], object] = field(default_factory=dict)

    @property
    def ops(self) -> User:
        return self.users["ops_admin"]

    @property
    def demo_promoter(self) -> Promoter:
        return self.users["promoter_demo"].promoter

    @property
    def demo_consumer(self) -> User:
        return self.users["consumer_demo"]

    def clock_now(self) -> datetime:
        """The demo clock's moment (without moving it on)."""
        return self.timeline.clock.at

    def ago(self, delta: timedelta) -> datetime:
        return self.end - delta

    def between(self, low: timedelta, high: timedelta) -> datetime:
        """A moment between ``high`` and ``low`` ago."""
        return self.end - high + (high - low) * self.rng.random()
