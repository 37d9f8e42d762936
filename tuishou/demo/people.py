"""The demo's people over time: promoters signing up by invite code (preferential attachment: a promoter with
a big team recruits more) or placed under a mentor, the demo promoter's own team three levels deep, consumers.

Sign-ups are events on the timeline, so the dashboards' "new promoters" curve and the team page's "new this
month" have something to show.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tuishou.accounts.models import User
from tuishou.accounts.services import user_create
from tuishou.demo.world import DAY, HOUR, World
from tuishou.network import services as network
from tuishou.network.models import Promoter

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["子涵", "欣怡", "梓萱", "诗涵", "一诺", "雨桐", "浩然", "宇轩", "子轩", "俊杰", "思远", "晓燕", "丽娟",
         "海燕", "建华", "春梅", "志强", "秀英", "桂芳", "晨曦", "佳怡", "明轩", "雅静", "婷婷", "磊", "静", "敏", "洋"]
# The demo promoter's team (the team page shows it): recruits per level, and how many of each level joined in
# the last hours (the "new members this month" figure).
DEMO_TEAM = ((10, 0), (14, 1), (9, 4))
DEMO_TEAM_SIZE = sum(size for size, _ in DEMO_TEAM)


class Phones:
    """Demo phone numbers: 137xxxxxxxx, distinct, never those of the named demo accounts (138…)."""

    def __init__(self) -> None:
        self.next = 13700000000

    def take(self) -> str:
        self.next += 1
        return str(self.next)


def person_name(world: World) -> str:
    return world.rng.choice(SURNAMES) + world.rng.choice(GIVEN)


def user_new(world: World, phones: Phones, name: str | None = None) -> User:
    return user_create(phone=phones.take(), password=None, display_name=name or person_name(world))


def spread(world: World, count: int, *, start: datetime, stop: datetime) -> list[datetime]:
    """``count`` sorted moments between ``start`` and ``stop``, evenly spread with jitter."""
    step = (stop - start) / max(count, 1)
    return [start + step * (i + world.rng.random()) for i in range(count)]


def grow(world: World, phones: Phones, *, founders: list[Promoter], count: int, start: datetime,
         placed_share: float = 0.0, on_join: Callable[[Promoter], None]) -> None:
    """Schedule ``count`` sign-ups between ``start`` and the end: by a member's invite code, chosen with weight
    1 + recruits so far, or (a ``placed_share`` of them) with no code, placed under a mentor."""
    members = list(founders)
    weights = [1.0] * len(members)

    def join() -> None:
        user = user_new(world, phones)
        if world.rng.random() < placed_share:
            promoter = network.promoter_register(user=user, invite_code=None)
        else:
            index = world.rng.choices(range(len(members)), weights=weights)[0]
            promoter = network.promoter_register(user=user, invite_code=members[index].invite_code)
            weights[index] += 1.0
        members.append(promoter)
        weights.append(1.0)
        on_join(promoter)

    for moment in spread(world, count, start=start, stop=world.ago(2 * HOUR)):
        world.timeline.at(moment, join)


def demo_team_sizes(room: int) -> tuple[tuple[int, int], ...]:
    """``DEMO_TEAM``, scaled down when the official community has room for fewer (a small demo for tests)."""
    wanted = DEMO_TEAM_SIZE + 10
    if room >= wanted:
        return DEMO_TEAM
    sizes = tuple(size * room // wanted for size, _ in DEMO_TEAM)
    return tuple((size, min(recent, size)) for size, (_, recent) in zip(sizes, DEMO_TEAM, strict=True))


def demo_team(world: World, phones: Phones, *, sizes: tuple[tuple[int, int], ...],
              on_join: Callable[[Promoter], None]) -> None:
    """Schedule the demo promoter's team: each level recruited by the level above, the last few in the hours
    before the load (new members this month, unless the demo is loaded in the first hours of a month).

    Every moment is relative to the load, never to the calendar, so the same seed replays the same story.
    """
    levels: list[list[Promoter]] = [[world.demo_promoter]]
    windows = ((85 * DAY, 45 * DAY), (70 * DAY, 12 * DAY), (50 * DAY, 2 * DAY))
    for depth, ((size, recent), (oldest, youngest)) in enumerate(zip(sizes, windows, strict=True), start=1):
        levels.append([])
        moments = spread(world, size - recent, start=world.ago(oldest), stop=world.ago(youngest))
        moments += spread(world, recent, start=world.ago(10 * HOUR), stop=world.ago(HOUR))

        def join(depth: int = depth) -> None:
            uplines = levels[depth - 1] or levels[0]
            sponsor = uplines[world.rng.randrange(len(uplines))]
            promoter = network.promoter_register(user=user_new(world, phones), invite_code=sponsor.invite_code)
            levels[depth].append(promoter)
            on_join(promoter)

        for moment in moments:
            world.timeline.at(moment, join)


def consumers_schedule(world: World, phones: Phones, *, count: int, customers: int) -> None:
    """Consumers sign up over the months; ``customers`` of them come to the demo promoter's links only."""
    def join(customer: bool) -> None:
        user = user_new(world, phones)
        (world.demo_customers if customer else world.consumers).append(user)

    moments = spread(world, count, start=world.ago(88 * DAY), stop=world.ago(5 * DAY))
    picked = set(world.rng.sample(range(count), customers))
    for i, moment in enumerate(moments):
        world.timeline.at(moment, lambda customer=i in picked: join(customer))

