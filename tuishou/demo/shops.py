"""The demo's micro-stores (微店): most promoters open one soon after joining, pick goods from the supply pool
with their own recommendation texts, and their links are opened by visitors over the following weeks."""

from __future__ import annotations

from tuishou.core.errors import Conflict
from tuishou.demo import texts
from tuishou.demo.world import HOUR, Seller, World
from tuishou.network.models import Promoter
from tuishou.stores import services as stores
from tuishou.stores.models import ShareLink

STORE_SHARE = 0.75  # of promoters open a store
STAR_WEIGHT = 150.0  # the few promoters who sell far more than the rest (enough to rise in rank)
USER_AGENTS = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) MicroMessenger/8.0.47",
               "Mozilla/5.0 (Linux; Android 14; V2309A) MicroMessenger/8.0.45",
               "Mozilla/5.0 (Linux; Android 13; 22081212C) MQQBrowser/6.2",
               "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) Safari/604.1")


def store_open(world: World, promoter: Promoter, *, items: int, title: str = "", star: bool = False) -> Seller:
    """The promoter names the store, picks ``items`` products with a recommendation each, and shares it."""
    rng, user = world.rng, promoter.user
    name = user.display_name.split("·")[-1]
    stores.store_update(user=user, title=title or texts.store_title(rng, name=name), slogan=texts.store_slogan(rng))
    picked = []
    for product_id in sorted(rng.sample(sorted(world.products), min(items, len(world.products)))):
        title = world.product_titles[product_id]
        try:
            stores.store_item_add(user=user, product_id=product_id, title=texts.item_title(rng, title=title),
                                  recommendation=texts.recommendation(rng, title=title))
        except Conflict as exc:  # 验货区: below its community's rank a promoter picks inspected goods only
            if exc.code != "community.zone_restricted":
                raise
            continue
        picked.append(product_id)
    stores.share_link_get_or_create(promoter=promoter, target=ShareLink.Target.STORE)
    seller = Seller(promoter=promoter, products=picked, weight=STAR_WEIGHT if star else rng.paretovariate(1.5))
    if picked:  # a store with nothing in it yet sells nothing
        world.sellers[promoter.pk] = seller
        _visits_schedule(world, promoter)
    return seller


def _visits_schedule(world: World, promoter: Promoter) -> None:
    """Anonymous opens of the promoter's links over the following weeks, some visitors coming back."""
    rng = world.rng
    links = list(ShareLink.objects.filter(promoter=promoter).order_by("pk"))
    clicks = rng.randrange(1, 9)
    visitors = max(1, round(clicks * 0.7))
    for _ in range(clicks):
        link = rng.choice(links)
        key = f"demo-{promoter.pk}-{rng.randrange(visitors)}"
        agent = rng.choice(USER_AGENTS)
        moment = world.clock_now() + HOUR + (world.end - world.clock_now()) * rng.random()

        def visit(link=link, key=key, agent=agent) -> None:
            stores.share_click_record(link=link, visitor_key=key, user=None, user_agent=agent)

        world.timeline.at(moment, visit)


def on_join(world: World, promoter: Promoter) -> None:
    """A new promoter: most open a store within a day or so."""
    world.promoters.append(promoter)
    star = world.stars.get(promoter.community_id, 0) > 0
    if star or world.rng.random() < STORE_SHARE:
        if star:
            world.stars[promoter.community_id] -= 1
        moment = world.clock_now() + 2 * HOUR + 28 * HOUR * world.rng.random()
        items = world.rng.randrange(3, 7) if star else world.rng.randrange(1, 5)
        world.timeline.at(moment, lambda: store_open(world, promoter, items=items, star=star))


def buyer_click(world: World, *, seller: Seller, product_id: int, buyer) -> ShareLink:
    """The buyer opens the seller's link to the product (a click, and a binding by the plan's rule): the link
    carrying a material when the seller reused one for it (素材), else their plain product link."""
    link = world.material_links.get((seller.promoter.pk, product_id)) or stores.share_link_get_or_create(
        promoter=seller.promoter, target=ShareLink.Target.PRODUCT, product_id=product_id)
    stores.share_click_record(link=link, visitor_key=f"demo-user-{buyer.pk}", user=buyer,
                              user_agent=world.rng.choice(USER_AGENTS))
    return link
