"""The demo's hot-product campaigns (爆品): the catalog's four 爆品 goods, each a campaign launched nine days ago
by the operator and running another two to four weeks, pushed to every community (an announcement and a starter
material each). The shoppers of the replay buy them at the campaign price through the campaign's allocation,
so every community shows campaign clicks, orders, GMV and commissions.

The campaigns keep each SKU's own commission setting (so the demo's money is the same as when the 爆品 price was a
product field); the campaign tests cover the fixed and percentage settings."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tuishou.campaigns.services import campaign_create, campaign_launch
from tuishou.catalog.models import Sku
from tuishou.demo.world import World

SEED = 11
PITCHES = {
    "新疆阿克苏冰糖心苹果 10 斤": "阿克苏冰糖心限时爆品价！果园直发，糖心率高，脆甜多汁。限量开抢，抢完恢复原价～",
    "原生竹浆抽纸 24 包整箱": "家里纸巾又见底了？原生竹浆 3 层加厚，整箱 24 包爆品价囤货正当时，平台补贴限量供应！",
    "儿童 316 不锈钢保温杯 500ml": "316 不锈钢内胆＋防摔硅胶套，12 小时保温，开学季爆品价，宝妈群里都在抢～",
    "玻尿酸补水面膜 10 片装": "三重玻尿酸，敷完透亮不黏腻。平台谈下的爆品价，一盒不到 4 块一片，限量库存先到先得！",
}


def campaign_launch_demo(world: World, *, product_id: int, price: str, days: int) -> None:
    """The operator drafts and launches the 爆品 campaign of one product (at the timeline's now)."""
    now = timezone.now()
    title = world.product_titles[product_id]
    stock = sum(Sku.objects.filter(product_id=product_id, active=True).values_list("stock", flat=True))
    allocation = max(100, stock // 2 // 100 * 100)
    campaign = campaign_create(
        actor=world.ops, product_id=product_id, title=f"{title[:20]} 限时爆品", pitch=PITCHES.get(
            title, f"{title}，平台爆品价限时限量，手慢无！"), starts_at=now, ends_at=now + timedelta(days=days),
        allocation=allocation, price=Decimal(price), commission_mode="sku")
    campaign_launch(actor=world.ops, campaign_id=campaign.pk)


def campaign_orders_demo(world: World) -> None:
    """Two days before the load, in each community whose shoppers happened not to buy a campaign's goods, two of
    its sellers each sell one unit of a running campaign to a consumer, through their own link (click, checkout,
    payment), so every community shows campaign orders and figures. Its own random stream."""
    from tuishou.campaigns.models import Campaign
    from tuishou.demo.callbacks import payment_callbacks_deliver
    from tuishou.network.models import Community
    from tuishou.orders import paying
    from tuishou.orders import services as orders
    from tuishou.orders.checkout import checkout_submit
    from tuishou.orders.models import OrderLine
    from tuishou.payments.sandbox import sandbox_charge_pay
    from tuishou.stores import services as stores

    rng = random.Random(SEED)
    now = timezone.now()
    running = list(Campaign.objects.filter(status=Campaign.Status.LAUNCHED, starts_at__lte=now, ends_at__gt=now)
                   .prefetch_related("prices").order_by("pk"))
    if not running or not world.consumers:
        return
    for community in Community.objects.filter(active=True).order_by("pk"):
        if OrderLine.objects.filter(campaign__in=running, order__community=community,
                                    order__paid_at__isnull=False).exists():
            continue
        sellers = sorted((s for s in world.sellers.values() if s.promoter.community_id == community.pk),
                         key=lambda s: s.promoter.pk)
        for n, seller in enumerate(sellers[:2]):
            campaign = running[(community.pk + n) % len(running)]
            buyer = rng.choice(world.consumers)
            link = stores.share_link_get_or_create(promoter=seller.promoter, target="product",
                                                   product_id=campaign.product_id)
            stores.share_click_record(link=link, visitor_key=f"demo-user-{buyer.pk}", user=buyer, user_agent="")
            address = world.addresses.get(buyer.pk) or orders.address_create(
                user=buyer, name=buyer.display_name.split("·")[-1] or "王小明", phone=buyer.phone, province="浙江省",
                city="杭州市", district="西湖区", detail="文三路 100 号 2 幢 301").pk
            world.addresses[buyer.pk] = address
            checkout = checkout_submit(buyer=buyer, lines=[(campaign.prices.all()[0].sku_id, 1)], address_id=address,
                                       share_code=link.code, idempotency_key=f"demo-campaign-{community.pk}-{n}")
            payment = paying.checkout_pay(buyer=buyer, checkout_id=checkout.pk)
            sandbox_charge_pay(txn_id=payment.gateway_txn_id)
            payment_callbacks_deliver()
