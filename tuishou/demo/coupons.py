"""Coupon goods in the demo: the sandbox platform's feed, picks in 张悦's store and a few others', clicks, and
two order reports (the second with refunds of orders of the first), each credited exactly once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tuishou.coupons import services
from tuishou.coupons.selectors import live_items
from tuishou.demo.world import World
from tuishou.network.models import Promoter

SEED = 11


def coupons_demo(world: World) -> None:
    today = timezone.localdate(world.end)  # the platform's day (Beijing), as the sandbox counts it
    services.feed_import(actor=world.ops, connector="sandbox", options={"seed": SEED, "today": today})
    items = list(live_items().order_by("pk"))
    zhang = Promoter.objects.get(user=world.users["promoter_demo"])
    others = list(Promoter.objects.filter(community_id=zhang.community_id).exclude(pk=zhang.pk).order_by("pk")[:6])
    picks = [services.coupon_pick_add(promoter=zhang, item_id=item.pk) for item in items[:5]]
    for n, promoter in enumerate(others):
        picks += [services.coupon_pick_add(promoter=promoter, item_id=items[(n + k) % len(items)].pk)
                  for k in (1, 4)]
    for n, pick in enumerate(picks):
        for _ in range(3 + n % 5):
            services.coupon_click(code=pick.tracking_code)
    services.order_report_import(actor=world.ops, source="connector", connector="sandbox",
                                 start=today - timedelta(days=62), end=today - timedelta(days=15))
    services.order_report_import(actor=world.ops, source="connector", connector="sandbox",
                                 start=today - timedelta(days=14), end=today - timedelta(days=1))
