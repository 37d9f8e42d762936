"""What an agency's staff read about their community (the agency portal, /agency/): the overview, the promoters
and one promoter's place in the tree, the mentors and their teams, growth over a date range.

Every function starts with ``selectors.require_community_staff``: a community that is not the user's is
``network.community_not_found`` (404), and a promoter of another community is ``network.promoter_unknown`` (404),
the same as a missing one. An agency's *mentors* are its promoters who lead a team (at least one direct
downline, 带团队的推手): agencies have no mentor pool (the official community's placement pool).

Sales come from the orders app through ``COMMUNITY_SALES`` (the network knows nothing of what is sold).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.core.errors import InvalidInput, NotFound
from tuishou.core.hooks import Hook
from tuishou.network import treepath
from tuishou.network.errors import NetworkError
from tuishou.network.models import Community, Promoter
from tuishou.network.selectors import promoter_chain, public_name, require_community_staff

ZERO = Decimal("0.00")
MAX_RANGE_DAYS = 366
PROMOTER_FIELDS = ("id", "user__display_name", "user__phone", "invite_code", "stage", "rank", "active", "depth",
                   "joined_via", "paid_sales_count", "personal_volume", "created_at", "sponsor_id")


@dataclass(frozen=True)
class SalesWindow:
    """Ask for a community's sales between ``start`` (included) and ``end`` (excluded)."""

    community_id: int
    start: datetime
    end: datetime


# handler(SalesWindow) -> (orders, net sales as Decimal): the orders app answers (registered in its AppConfig).
COMMUNITY_SALES: Hook[SalesWindow] = Hook("network.community_sales")


def community_sales(window: SalesWindow) -> tuple[int, Decimal]:
    """Paid orders credited to the community in the window and their sales net of refunds."""
    orders, amount = 0, ZERO
    for n, total in COMMUNITY_SALES.notify(window):
        orders, amount = orders + n, amount + total
    return orders, amount


def month_start(now: datetime | None = None) -> datetime:
    return timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def community_overview(*, user: User | None, community_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The overview (/agency/): promoters (total, active as of the last rank evaluation, temporary, ordinary),
    new this month, mentors, promoters per rank, and this month's paid orders and net sales."""
    community = require_community_staff(user, community_id)
    now = now or timezone.now()
    start = month_start(now)
    figures = Promoter.objects.filter(community=community).aggregate(
        promoters=Count("pk"), active=Count("pk", filter=Q(active=True)),
        temporary=Count("pk", filter=Q(stage=Promoter.Stage.TEMPORARY)),
        new_this_month=Count("pk", filter=Q(created_at__gte=start)))
    mentors = (Promoter.objects.filter(community=community, downlines__isnull=False).values("pk").distinct()
               .count())
    ranks = dict(Promoter.objects.filter(community=community).values_list("rank").annotate(n=Count("pk"))
                 .order_by("rank"))
    orders, sales = community_sales(SalesWindow(community_id=community.pk, start=start, end=now))
    return {"community": community, **figures, "ordinary": figures["promoters"] - figures["temporary"],
            "mentors": mentors, "ranks": ranks, "orders_this_month": orders, "sales_this_month": sales,
            "month_start": start}


SORTS = {"joined": "-id", "oldest": "id", "sales": "-personal_volume", "depth": "depth", "rank": "rank"}


def community_promoters(*, user: User | None, community_id: int) -> QuerySet:
    """The community's promoters as value rows (``PROMOTER_FIELDS`` and ``directs``), newest first: the list the
    page filters, sorts and paginates."""
    community = require_community_staff(user, community_id)
    return (Promoter.objects.filter(community=community).annotate(directs=Count("downlines"))
            .values(*PROMOTER_FIELDS, "directs").order_by("-id"))


def team_sizes(paths: dict[int, bytes], *, community_id: int) -> dict[int, int]:
    """Team size (any depth, the promoter not counted) of each promoter in ``paths``, in ONE query: a filtered
    count per promoter over the community's index range of their paths."""
    if not paths:
        return {}
    counts = {f"t{pk}": Count("pk", filter=Q(path__gt=bytes(path), path__lt=bytes(path) + treepath.SUBTREE_END))
              for pk, path in paths.items()}
    row = Promoter.objects.filter(community_id=community_id).aggregate(**counts)
    return {pk: row[f"t{pk}"] for pk in paths}


def promoter_in_community(*, user: User | None, community_id: int, promoter_id: int) -> dict[str, Any]:
    """One promoter of the community: their row, direct downlines, team size, team per level, and their sponsor
    chain up to the community's head (names and ranks). Another community's promoter is a missing one (404)."""
    community = require_community_staff(user, community_id)
    promoter = (Promoter.objects.select_related("user", "sponsor__user")
                .filter(pk=promoter_id, community=community).first())
    if promoter is None:
        raise NotFound(NetworkError.PROMOTER_UNKNOWN, promoter_id=promoter_id)
    low, high = treepath.subtree_bounds(bytes(promoter.path))
    levels = list(Promoter.objects.filter(path__gt=low, path__lt=high).values("depth").annotate(n=Count("pk"))
                  .order_by("depth"))
    chain_ids = [row["id"] for row in promoter_chain(promoter.pk)[1:]]
    names = {r["id"]: r for r in Promoter.objects.filter(pk__in=chain_ids)
             .values("id", "user__display_name", "user__phone", "rank", "invite_code")}
    chain = [{"id": pk, "name": public_name(names[pk]["user__display_name"], names[pk]["user__phone"]),
              "rank": names[pk]["rank"], "invite_code": names[pk]["invite_code"], "level": n}
             for n, pk in enumerate(chain_ids, start=1)]
    return {"community": community, "promoter": promoter,
            "name": public_name(promoter.user.display_name, promoter.user.phone),
            "directs": next((row["n"] for row in levels if row["depth"] == promoter.depth + 1), 0),
            "team_size": sum(row["n"] for row in levels),
            "levels": [{"level": row["depth"] - promoter.depth, "count": row["n"]} for row in levels],
            "chain": chain}


def community_mentors(*, user: User | None, community_id: int) -> QuerySet:
    """The community's mentors (promoters with at least one direct downline) as value rows with ``directs``,
    most direct downlines first; the page adds each row's team size with ``team_sizes``."""
    community = require_community_staff(user, community_id)
    return (Promoter.objects.filter(community=community).annotate(directs=Count("downlines"))
            .filter(directs__gt=0).values(*PROMOTER_FIELDS, "path", "directs").order_by("-directs", "id"))


def date_range_check(start: date, end: date) -> None:
    """Refuse a range that ends before it starts or spans more than a year (``field`` names the input)."""
    if end < start:
        raise InvalidInput(NetworkError.RANGE_INVALID, details={"field": "end"})
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(NetworkError.RANGE_TOO_LONG, days=MAX_RANGE_DAYS, details={"field": "end"})


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def community_growth(*, user: User | None, community_id: int, start: date, end: date,
                     leaders: int = 10) -> dict[str, Any]:
    """Growth between ``start`` and ``end`` (days, both included): new promoters per day and the community's size
    at the end of each day, and the mentors whose teams grew most (new team members in the range). Three
    queries after the permission check, however long the range."""
    community = require_community_staff(user, community_id)
    date_range_check(start, end)
    since, until = _aware(start), _aware(end + timedelta(days=1))
    members = Promoter.objects.filter(community=community)
    before = members.filter(created_at__lt=since).count()
    per_day = dict(members.filter(created_at__gte=since, created_at__lt=until)
                   .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
                   .values_list("day").annotate(n=Count("pk")).order_by("day"))
    days, size = [], before
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        new = per_day.get(day, 0)
        size += new
        days.append({"day": day, "new": new, "size": size})
    return {"community": community, "start": start, "end": end, "days": days, "size_before": before,
            "new_total": size - before, "size_after": size,
            "leaders": _team_growth(community, since=since, until=until, limit=leaders)}


def _team_growth(community: Community, *, since: datetime, until: datetime, limit: int) -> list[dict[str, Any]]:
    """The mentors whose teams gained most members in the window (ties: the older path first). One query for
    the new members' paths, whose proper prefixes are their sponsors' paths (counted here, in Python), and one
    for the leaders' names."""
    gains: Counter[bytes] = Counter()
    for path in (Promoter.objects.filter(community=community, created_at__gte=since, created_at__lt=until)
                 .values_list("path", flat=True).iterator()):
        gains.update(treepath.ancestor_paths(bytes(path)))
    top = sorted(gains.items(), key=lambda item: (-item[1], item[0]))[:limit]
    rows = {bytes(r["path"]): r for r in Promoter.objects.filter(community=community, path__in=[p for p, _ in top])
            .values("id", "path", "user__display_name", "user__phone", "rank")}
    return [{"id": rows[path]["id"], "name": public_name(rows[path]["user__display_name"], rows[path]["user__phone"]),
             "rank": rows[path]["rank"], "gained": n} for path, n in top if path in rows]
