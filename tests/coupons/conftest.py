"""Coupon goods test set-up: the sandbox platform, a plan, a promoter with a sponsor, picks.

(`tuishou reconcile` runs after every test that moves money: tests/conftest.py.)
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.orders import factories as of
from tuishou.coupons import services
from tuishou.coupons.connectors.sandbox import SandboxConnector, report_csv
from tuishou.coupons.models import CouponItem

TODAY = date(2026, 12, 4)


@pytest.fixture
def ops():
    return of.operator("ops")


@pytest.fixture
def world(ops):
    """A plan (direct 30 % member / 50 % shopkeeper, one tier of 10 %), 阿花 (root) ← 小李, the sandbox feed, and
    小李's picks of the first three live items."""
    of.plan()
    sponsor = of.root("阿花")
    seller = of.invitee(sponsor, "小李")
    services.feed_import(actor=ops, connector="sandbox", options={"seed": 11, "today": TODAY})
    items = list(CouponItem.objects.filter(valid_until__gt=timezone.now()).order_by("pk")[:3])
    picks = [services.coupon_pick_add(promoter=seller, item_id=item.pk) for item in items]
    return {"sponsor": sponsor, "seller": seller, "picks": picks, "items": items}


def report(rows: list[dict]) -> bytes:
    """A report file of ``rows`` (the columns' defaults filled in)."""
    base = {"amount": "100.00", "commission": "20.00", "paid_at": "2026-12-01 10:00:00", "updated_at": ""}
    return report_csv([{**base, **row} for row in rows])


def sandbox_report(codes, start, end) -> bytes:
    return report_csv(SandboxConnector(seed=11, today=TODAY).order_report(start=start, end=end,
                                                                          tracking_codes=codes))
