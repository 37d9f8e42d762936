"""The demo merchant's desk (山野优品): orders waiting to be shipped, orders on their way, and an after-sales case
that ran past its SLA after the last escalation sweep (so the queue shows it overdue, in red, and customer
service sees it among the SLA breaches), on top of the fates every merchant's orders get (``fates``), which
already give it a case a couple of hours from its deadline and one escalated to customer service.

These stories draw from their own seeded random source, so adding them leaves every other story of the demo as
it was (the same buyers, goods and times).
"""

from __future__ import annotations

import dataclasses
import random

from tuishou.demo.fates import paid, received, shipped
from tuishou.demo.purchases import Purchase, Story, story_start
from tuishou.demo.world import DAY, HOUR, MINUTE, World
from tuishou.orders.models import AfterSalesCase

SEED = 1010
FIRST_NUMBER = 9001  # purchase numbers (idempotency keys) after the other stories'


def case_overdue(p: Purchase) -> Story:
    """A refund request the merchant left unanswered: due 25 minutes ago, after the last sweep (40 minutes ago)."""
    yield from received(p)
    yield p.world.ago(48 * HOUR + 25 * MINUTE)
    p.case_open(kind=AfterSalesCase.Kind.REFUND_ONLY, reason="快递外箱压坏，里面有一件商品破损了，申请部分退款",
                amount=p.partial_amount())


# (story, how many, youngest and oldest start)
STORIES = ((paid, 5, 3 * HOUR, 30 * HOUR), (shipped, 3, 2 * DAY, 4 * DAY), (case_overdue, 1, 8 * DAY, 8 * DAY))


def merchant_desk_schedule(world: World) -> int:
    """Put the demo merchant's extra orders on the timeline; answer how many there are."""
    desk = dataclasses.replace(world, rng=random.Random(SEED))
    demo_merchant = min(world.merchant_staff)
    number = FIRST_NUMBER
    for fate, count, youngest, oldest in STORIES:
        for _ in range(count):
            purchase = Purchase(world=desk, number=number, merchant_id=demo_merchant)
            story_start(desk, desk.between(youngest, oldest), lambda p=purchase, fate=fate: fate(p))
            number += 1
    return number - FIRST_NUMBER
