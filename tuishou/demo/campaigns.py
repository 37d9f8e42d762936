"""The demo's hot-product campaigns (爆品): the catalog's four 爆品 goods, each a campaign launched nine days ago
by the operator and running another two to four weeks, pushed to every community (an announcement and a starter
material each). The shoppers of the replay buy them at the campaign price through the campaign's allocation,
so every community shows campaign clicks, orders, GMV and commissions.

The campaigns keep each SKU's own commission setting (so the demo's money is the same as when the 爆品 price was a
product field); the campaign tests cover the fixed and percentage settings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tuishou.campaigns.services import campaign_create, campaign_launch
from tuishou.catalog.models import Sku
from tuishou.demo.world import World

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
