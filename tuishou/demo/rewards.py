"""The demo's materials reward periods (素材奖励): last month's platform-wide period, funded by the operator and
paid to the authors whose materials led to orders, and this month's period, funded and open (its preview shows
the split so far). Deterministic: the figures follow from the materials' citations, orders and ratings."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from tuishou.community import rewards
from tuishou.core.errors import DomainError
from tuishou.demo.callbacks import payment_callbacks_deliver
from tuishou.demo.purchases import PROVINCES, STREETS
from tuishou.demo.world import DAY, HOUR, World
from tuishou.orders import paying
from tuishou.orders import services as orders
from tuishou.orders.checkout import checkout_submit
from tuishou.payments.sandbox import sandbox_charge_pay

SALES = 18  # customers buying through a reused material's link over the last three weeks
SEED = 11


def rewards_schedule(world: World) -> None:
    """Sales through reused materials' links over the last weeks, then both periods a few hours before the end."""
    rng = random.Random(SEED)
    for n in range(SALES):
        world.timeline.at(world.ago((21 - n * 1.15) * DAY + 15 * HOUR), lambda n=n: _material_sale(world, rng, n))
    world.timeline.at(world.ago(0.2 * DAY), lambda: _periods(world))


def _material_sale(world: World, rng: random.Random, n: int) -> None:
    """A customer opens a link carrying a reused material (the reuser's) and buys the product at once."""
    links = sorted(world.material_links.items(), key=lambda item: item[0])
    if not links:
        return
    (_reuser, product_id), link = rng.choice(links)
    buyer = rng.choice(world.consumers)
    address = world.addresses.get(buyer.pk)
    if address is None:  # its own random stream: the rest of the demo is the same with or without these sales
        province, city, district = rng.choice(PROVINCES)
        address = orders.address_create(user=buyer, name=buyer.display_name.split("·")[-1] or "王小明",
                                        phone=buyer.phone, province=province, city=city, district=district,
                                        detail=rng.choice(STREETS)).pk
        world.addresses[buyer.pk] = address
    try:
        result = checkout_submit(buyer=buyer, lines=[(rng.choice(world.products[product_id]), 1)],
                                 address_id=address, share_code=link.code,
                                 idempotency_key=f"demo-material-sale-{n:03d}")
    except DomainError:  # sold out or taken off the shelf meanwhile: no sale this time
        return
    payment = paying.checkout_pay(buyer=buyer, checkout_id=result.orders.get().checkout_id)
    sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    payment_callbacks_deliver()


def _periods(world: World) -> None:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    finance = world.users["ops_finance"]
    paid = rewards.reward_period_create(
        actor=world.ops, title=f"{last_month.month}月素材奖励", starts_on=last_month,
        ends_on=this_month - timedelta(days=1), pool="2000.00", cap_share="0.3", min_rating="3.5", min_ratings=2)
    rewards.reward_period_fund(actor=finance, period_id=paid.pk)
    rewards.reward_period_settle(actor=finance, period_id=paid.pk)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    running = rewards.reward_period_create(
        actor=world.ops, title=f"{this_month.month}月素材奖励", starts_on=this_month,
        ends_on=next_month - timedelta(days=1), pool="3000.00", cap_share="0.3", min_rating="3.5", min_ratings=2)
    rewards.reward_period_fund(actor=finance, period_id=running.pk)
