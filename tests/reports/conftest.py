"""Reports test set-up: a small platform with history on chosen days (the demo's moved clock), made through the
real services, so every figure can be recomputed from the ledger and the orders in the test."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.orders import factories as of
from tests.settlement import factories as f
from tuishou.demo.clock import DemoClock, moved_clock
from tuishou.network import services as network_services
from tuishou.reports.selectors.scope import PLATFORM_TZ

# "Now" in the tests: noon of 2026-06-30 in Shanghai; the default period is 2026-06-01 … 2026-06-30.
NOW = datetime(2026, 6, 30, 12, 0, tzinfo=PLATFORM_TZ)


def at(day: str, hour: int = 10) -> DemoClock:
    """A clock at ``hour`` o'clock (Shanghai) of ``day`` (YYYY-MM-DD)."""
    return DemoClock(datetime.fromisoformat(day).replace(hour=hour, tzinfo=PLATFORM_TZ))


@pytest.fixture
def world(after_commit):
    """The official community on the spec's example-2 plan (X ← Y ← Z) and an agency with one promoter; two
    merchants; orders paid on 2026-05-20 (the previous period), 2026-06-03 (one at 23:30 Shanghai, still that
    day), 2026-06-10, one of them partly refunded, one after-sales case left unanswered past its deadline."""
    with moved_clock(at("2026-05-01")):
        of.plan(f.EXAMPLE_2)
        x, y, z = f.example_2_chain()
        agency = network_services.community_create(actor=of.operator("ops"), name="星火社群", code="XINGHUO")
        head = network_services.community_root_create(community=agency, user=of.user("火头"))
        shop_a, shop_b = of.shop(name="山野优品"), of.shop(name="海边鲜货")
    with moved_clock(at("2026-05-20")):
        may = f.self_purchase(after_commit, x, merchant=shop_a, price="100.00")
    with moved_clock(at("2026-06-02")):
        newcomer = of.invitee(x, "新人")
    with moved_clock(at("2026-06-03", 23)):
        late = f.self_purchase(after_commit, x, merchant=shop_b, price="400.00")
    with moved_clock(at("2026-06-03", 9)):
        early = of.paid_order(after_commit, item=of.sku(merchant=shop_a, price="50.00"), quantity=1)
    with moved_clock(at("2026-06-10")):
        refunded = f.self_purchase(after_commit, x, merchant=shop_a, price="200.00")
        f.refund(after_commit, refunded, amount="50.00")
    with moved_clock(at("2026-06-12")):
        from tuishou.orders import aftersales

        unanswered = aftersales.aftersales_open(buyer=late.buyer, order_id=late.pk, kind="refund_only",
                                                reason="破损", amount="10.00")
    return {"x": x, "y": y, "z": z, "newcomer": newcomer, "agency": agency, "head": head, "shop_a": shop_a,
            "shop_b": shop_b, "orders": [may, late, early, refunded], "case": unanswered,
            "ops": of.operator("customer_service")}


def days_after(start: str, n: int) -> list[str]:
    first = datetime.fromisoformat(start)
    return [(first + timedelta(days=i)).date().isoformat() for i in range(n)]
