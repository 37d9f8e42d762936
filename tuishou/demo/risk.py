"""Risk flags in the demo (/ops/risk/): three stories the rules catch, each through the real services.

* a farming cluster (刷单) waiting for review: six accounts opened the same afternoon buy through one promoter's
  link within two hours (new accounts buying through one link); their commissions are held;
* colleagues ordering to their office's front desk (many accounts shipping to one address): cleared by the admin,
  the commissions settle at the next run;
* a shopkeeper buying for themselves many times what they sell (self-purchases far above sales to others):
  rejected, their commissions reversed through the ledger.

The checks run synchronously here (they are after-commit tasks in the app) so that the flags exist when the demo
has loaded. Deterministic: sellers chosen by pk, names and times from the world's own ``random.Random``.
"""

from __future__ import annotations

import random
from dataclasses import replace

from tuishou.demo.people import Phones, user_new
from tuishou.demo.purchases import Purchase
from tuishou.demo.world import DAY, HOUR, MINUTE, Seller, World
from tuishou.orders import services as orders
from tuishou.risk import flags
from tuishou.risk import rules as R
from tuishou.risk.models import RiskFlag

CLUSTER_SIZE = 6
SELF_PURCHASES_MAX = 30
OFFICE = ("浙江省", "杭州市", "滨江区", "网商路 699 号 3 号楼 前台")
CLEAR_REASON = "同一公司同事在办公室前台收货的团购，已电话回访三位买家核实，放行"
REJECT_REASON = "自购金额为对外销售的数倍，且多为同一商品反复下单，认定为自购套佣，驳回并冲回佣金"
RISK_SEED = 12_012
_NUMBER = 90_000  # checkout idempotency keys of these stories: beyond the replay's


def _sellers(world: World) -> list[Seller]:
    demo = {world.users[name].pk for name in ("promoter_demo", "promoter_mentor")}
    return [s for s in sorted(world.sellers.values(), key=lambda s: s.promoter.pk)
            if s.promoter.user_id not in demo and s.promoter.sponsor_id is not None and s.products]


def _buy(world: World, *, seller: Seller, buyer, number: int, address_id: int | None = None) -> int:
    """One purchase through the seller's link, checked out and paid now; its order id."""
    purchase = Purchase(world, number=_NUMBER + number, seller=seller, buyer=buyer)
    if address_id is not None:
        world.addresses[buyer.pk] = address_id
    for _ in purchase.checkout():
        pass
    for _ in purchase.pay():
        pass
    return purchase.order.pk


def _office_colleagues(world: World, phones: Phones, seller: Seller) -> None:
    order_id = None
    for n in range(3):
        colleague = user_new(world, phones)
        province, city, district, detail = OFFICE
        address = orders.address_create(user=colleague, name=colleague.display_name, phone=colleague.phone,
                                        province=province, city=city, district=district, detail=detail)
        order_id = _buy(world, seller=seller, buyer=colleague, number=n, address_id=address.pk)
    flags.risk_order_paid_check(order_id=order_id)
    flag = RiskFlag.objects.filter(rule=R.SHARED_DESTINATION, status="open").order_by("-pk").first()
    if flag is not None:
        flags.risk_flag_clear(actor=world.ops, flag_id=flag.pk, reason=CLEAR_REASON)


def _self_dealer(world: World, seller: Seller) -> None:
    """Buy for themselves until the rule sees it (its thresholds are amounts and a ratio to their other sales)."""
    flag = None
    for n in range(SELF_PURCHASES_MAX):
        order_id = _buy(world, seller=seller, buyer=seller.promoter.user, number=40 + n)
        flags.risk_order_paid_check(order_id=order_id)
        flag = RiskFlag.objects.filter(rule=R.SELF_PURCHASE_RATIO, promoter=seller.promoter, status="open").first()
        if flag is not None:
            break
    if flag is not None:
        flags.risk_flag_reject(actor=world.ops, flag_id=flag.pk, reason=REJECT_REASON)


def _cluster(world: World, phones: Phones, seller: Seller) -> None:
    buyers = [user_new(world, phones) for _ in range(CLUSTER_SIZE)]
    seller = replace(seller, products=seller.products[:1])  # all through one link: the one product's
    order_id = None
    for n, buyer in enumerate(buyers):
        order_id = _buy(world, seller=seller, buyer=buyer, number=20 + n)
        world.timeline.clock.set(world.timeline.clock.at + (10 + world.rng.randrange(15)) * MINUTE)
    flags.risk_order_paid_check(order_id=order_id)


def risk_demo(world: World, phones: Phones) -> None:
    """Schedule the three stories on the timeline (cleared and rejected ones days ago, the cluster this morning),
    each on a different seller (chosen when it runs: the stores open during the replay). The stories draw from
    their own ``random.Random`` and phone numbers, so the rest of the demo replays exactly as without them."""
    own_phones = Phones()
    own_phones.next = 13790000000

    def story(index: int, run) -> None:
        sellers = _sellers(world)
        if len(sellers) < 3:
            return
        shared = world.rng
        world.rng = random.Random(RISK_SEED + index)
        try:
            run(sellers[-1 - index])
        finally:
            world.rng = shared

    world.timeline.at(world.ago(3 * DAY), lambda: story(0, lambda s: _office_colleagues(world, own_phones, s)))
    world.timeline.at(world.ago(2 * DAY), lambda: story(1, lambda s: _self_dealer(world, s)))
    world.timeline.at(world.ago(5 * HOUR), lambda: story(2, lambda s: _cluster(world, own_phones, s)))
