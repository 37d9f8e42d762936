"""The demo's materials marketplace (素材专区): over the last weeks, sellers write selling materials for goods in
their stores, others in their community reuse them (citations through links that carry the material — the
buyers who later click those sellers' links for that product click the material's link, so the materials
earn citation-led orders), rate them; one material is reported and taken down by the operator, another's report
is dismissed as unfounded, and a third waits on the moderation desk."""

from __future__ import annotations

import random

from tuishou.catalog.images import placeholder_image
from tuishou.community import materials as market
from tuishou.community.models import Citation, Material
from tuishou.demo.world import DAY, HOUR, Seller, World

OPENERS = ("自己家里一直在用，", "回购第三次了，", "朋友推荐给我的，", "办公室同事都在问，", "给爸妈买的，")
MIDDLES = ("{title}品质很稳，", "{title}性价比真的高，", "{title}包装用心，发货也快，", "{title}比超市里的好太多，")
CLOSERS = ("适合送人也适合自用。", "有需要的姐妹可以冲。", "家里有小朋友的放心买。", "这个价格闭眼入。")
CHANNELS = [value for value, _label in Citation.Channel.choices]
PUBLISHED = 24  # materials written over the history
SEED = 7


def _text(rng: random.Random, title: str) -> str:
    return rng.choice(OPENERS) + rng.choice(MIDDLES).format(title=title) + rng.choice(CLOSERS)


def materials_schedule(world: World) -> None:
    """Schedule the publications (and, from each, its reuses) over the last 24 days of the history. Its own
    random stream: the rest of the demo (and the figures its tests count) is the same with or without it."""
    rng = random.Random(SEED)
    for n in range(PUBLISHED):
        when = world.ago((PUBLISHED - n) * DAY + 9 * HOUR)
        world.timeline.at(when, lambda n=n: _publish(world, rng, n))
    world.timeline.at(world.ago(2 * DAY), lambda: _moderate(world))


def _publish(world: World, rng: random.Random, n: int) -> None:
    sellers = sorted((s for s in world.sellers.values() if s.products), key=lambda s: s.promoter.pk)
    if not sellers:
        return
    author = rng.choices(sellers, weights=[s.weight for s in sellers])[0]
    product_id = rng.choice(author.products)
    title = world.product_titles.get(product_id, "")
    images = [placeholder_image(title, seed=n * 10 + i) for i in range(rng.randrange(1, 4))]
    material = market.material_publish(user=author.promoter.user, product_id=product_id, text=_text(rng, title),
                                       images=images)
    peers = [s for s in sellers if s.promoter.community_id == author.promoter.community_id and s is not author]
    # Those who sell the product too reuse it first: their buyers then click the material's link.
    selling = [s for s in peers if product_id in s.products]
    others = [s for s in peers if product_id not in s.products]
    rng.shuffle(selling)
    rng.shuffle(others)
    for k, reuser in enumerate((selling + others)[:rng.randrange(1, 7)]):
        world.timeline.at(world.clock_now() + (k + 1) * rng.randrange(3, 30) * HOUR,
                          lambda reuser=reuser: _reuse(world, rng, reuser, material.pk, product_id))


def _reuse(world: World, rng: random.Random, reuser: Seller, material_id: int, product_id: int) -> None:
    user = reuser.promoter.user
    _citation, link = market.material_reuse(user=user, material_id=material_id, channel=rng.choice(CHANNELS))
    if product_id in reuser.products:
        world.material_links[(reuser.promoter.pk, product_id)] = link
    if rng.random() < 0.7:
        market.material_rate(user=user, material_id=material_id, score=rng.choice((3, 4, 4, 5, 5, 5)))


def _reporter(world: World, material: Material):
    return next((s.promoter.user for s in world.sellers.values() if s.promoter.pk != material.author_id), None)


def _moderate(world: World) -> None:
    """A reporter flags one material for exaggerated claims; the operator takes it down. Another reports a third
    material's pictures; the operator checks them and dismisses the report (驳回), the material stays. Two others
    report a second material, still waiting for an operator (the moderation desk's first row)."""
    first = list(Material.objects.order_by("pk")[:3])
    if not first:
        return
    target = first[0]
    reporter = _reporter(world, target)
    if reporter is not None:
        market.material_report(user=reporter, material_id=target.pk, reason="文案夸大功效，和商品详情不符")
    market.material_moderate(actor=world.ops, material_id=target.pk, hide=True, reason="夸大宣传，已通知作者修改")
    if len(first) > 2 and (reporter := _reporter(world, first[2])) is not None:
        market.material_report(user=reporter, material_id=first[2].pk, reason="图片和实物颜色不一样")
        market.material_reports_dismiss(actor=world.ops, material_id=first[2].pk,
                                         reason="核对了商品详情页的实拍图，颜色一致，举报不成立")
    if len(first) < 2:
        return
    waiting = first[1]
    reporters = [s.promoter.user for s in world.sellers.values() if s.promoter.pk != waiting.author_id][:2]
    for reporter, reason in zip(reporters, ("图片疑似盗用其他店铺的商品图", "文案里写了微信号，引导私下交易"),
                                strict=False):
        market.material_report(user=reporter, material_id=waiting.pk, reason=reason)
