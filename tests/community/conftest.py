"""Shared fixtures of the community tests: the materials reward periods' world and the moderation desk's."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.orders import factories as of
from tuishou.community import materials as svc
from tuishou.orders.models import Order


def _at(day, hour=12):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def reward_world(db, after_commit):
    """Three authors whose materials li reused: 阿花's led to 3 orders on the period's last day (weight 3), 小周's
    to 1 (weight 1), 小陈's to 2 a fortnight earlier (weight 1.0) but rated 2.33 on average."""
    of.plan()
    hua = of.root("阿花")
    zhou, chen, li, wu, zheng = (of.invitee(hua, name) for name in ("小周", "小陈", "小李", "小吴", "小郑"))
    item = of.sku(price="59.90", stock=50)
    today = timezone.localdate()
    starts, ends = today - timedelta(days=30), today - timedelta(days=2)
    materials = {}
    for author, orders, day, scores in ((hua, 3, ends, (5, 4, 5)), (zhou, 1, ends, (4, 4, 4)),
                                        (chen, 2, ends - timedelta(days=14), (2, 3, 2))):
        material = svc.material_publish(user=author.user, product_id=item.product_id,
                                        text=f"{author.user.display_name}的素材")
        materials[author.pk] = material
        _, link = svc.material_reuse(user=li.user, material_id=material.pk, channel="moments")
        for _ in range(orders):
            order = of.paid_order(after_commit, item=item, quantity=1, share_code=link.code)
            Order.objects.filter(pk=order.pk).update(paid_at=_at(day))
        for rater, score in zip((li, wu, zheng), scores, strict=True):
            svc.material_rate(user=rater.user, material_id=material.pk, score=score)
    # an order before the period counts for nothing
    order = of.paid_order(after_commit, item=item, quantity=1, share_code=link.code)
    Order.objects.filter(pk=order.pk).update(paid_at=_at(starts - timedelta(days=1)))
    return {"hua": hua, "zhou": zhou, "chen": chen, "li": li, "ops": of.operator("ops"),
            "finance": of.operator("finance"), "starts": starts, "ends": ends, "materials": materials,
            "community": hua.community_id}


@pytest.fixture
def desk(db):
    """阿花's three materials: 小李 and 小周 reported the honey one, 小李 the tea one; the third is clean."""
    of.plan()
    hua = of.root("阿花")
    li, zhou = of.invitee(hua, "小李"), of.invitee(hua, "小周")
    item = of.sku(price="59.90", stock=50)

    def publish(text):
        return svc.material_publish(user=hua.user, product_id=item.product_id, text=text)

    clean, tea, honey = publish("干净的素材"), publish("好茶叶，喝了长寿"), publish("山里的蜂蜜，包治百病")
    svc.material_report(user=li.user, material_id=honey.pk, reason="夸大功效")
    svc.material_report(user=zhou.user, material_id=honey.pk, reason="图片盗用")
    svc.material_report(user=li.user, material_id=tea.pk, reason="虚假宣传")
    return {"hua": hua, "li": li, "item": item, "ops": of.operator("ops"), "finance": of.operator("finance"),
            "clean": clean, "tea": tea, "honey": honey, "title": item.product.title}
