"""Leaderboards (排行榜) of one community and period: sales and team growth. Display only — no reward, rank or
commission is ever computed from them, and the team-growth board least of all (paying for headcount is what
makes a plan a pyramid; the compliance check refuses plans that do).

- **Sales**: what the promoter's own customers paid in the period, net of what was refunded, over orders credited
  to the promoter (p0) and paid in the period. Self-purchases are left out: a board that counted them would
  reward buying stock for oneself (囤货), which the platform discourages.
- **Team growth**: how many people joined the promoter's whole team (every level below them, within the
  community) in the period, beside how many of those they invited themselves.

Periods are calendar periods in the platform's time zone: this week (from Monday), this month, last month.
Ties share a place ("1, 2, 2, 4"); the person asking sees their own place even outside the top rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuishou.accounts.permissions import is_operator
from tuishou.community.errors import CommunityError
from tuishou.core.errors import InvalidInput
from tuishou.core.fields import MoneyField
from tuishou.network import treepath
from tuishou.network.models import Community, Promoter
from tuishou.network.selectors import public_name
from tuishou.orders.models import Order

BOARDS = {"sales": _("Sales"), "growth": _("Team growth")}
PERIODS = {"week": _("This week"), "month": _("This month"), "last_month": _("Last month")}
TOP = 50
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Window:
    period: str
    start: datetime
    end: datetime  # exclusive

    @property
    def first_day(self) -> date:
        return timezone.localtime(self.start).date()

    @property
    def last_day(self) -> date:
        return timezone.localtime(self.end).date() - timedelta(days=1)


@dataclass(frozen=True)
class Standing:
    place: int
    promoter_id: int
    name: str
    value: Decimal | int
    detail: int  # sales: orders; growth: of them invited directly
    me: bool = False


@dataclass(frozen=True)
class Board:
    board: str
    window: Window
    rows: list[Standing]
    mine: Standing | None
    entrants: int  # how many promoters are on the board at all


def window_for(period: str, *, today: date | None = None) -> Window:
    """The calendar period ``period`` around ``today`` (the platform's local date by default)."""
    if period not in PERIODS:
        raise InvalidInput(CommunityError.PERIOD_UNKNOWN, period=period, periods=", ".join(PERIODS),
                           details={"field": "period"})
    today = today or timezone.localdate()
    if period == "week":
        first = today - timedelta(days=today.weekday())
        last = first + timedelta(days=7)
    else:
        first = today.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
        if period == "last_month":
            last, first = first, (first - timedelta(days=1)).replace(day=1)
    zone = timezone.get_current_timezone()
    return Window(period, datetime.combine(first, time.min, zone), datetime.combine(last, time.min, zone))


def _places(values: list[tuple[int, Decimal | int, int]]) -> list[tuple[int, int, Decimal | int, int]]:
    """(place, promoter, value, detail) from (promoter, value, detail) sorted best first; ties share a place."""
    placed, previous, place = [], None, 0
    for index, (promoter_id, value, detail) in enumerate(values, start=1):
        if value != previous:
            place, previous = index, value
        placed.append((place, promoter_id, value, detail))
    return placed


def _sales(community_id: int, window: Window) -> list[tuple[int, Decimal, int]]:
    rows = (Order.objects.filter(community_id=community_id, promoter__isnull=False, self_purchase=False,
                                 paid_at__gte=window.start, paid_at__lt=window.end)
            .values("promoter_id")
            .annotate(net=Sum(F("total") - F("refunded_amount"), output_field=MoneyField()), orders=Count("id"))
            .filter(net__gt=0).values_list("promoter_id", "net", "orders"))
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _growth(community_id: int, window: Window) -> list[tuple[int, int, int]]:
    joined = Promoter.objects.filter(community_id=community_id, created_at__gte=window.start,
                                     created_at__lt=window.end).values_list("path", "sponsor_id")
    team: Counter[bytes] = Counter()
    direct: Counter[int] = Counter()
    for path, sponsor_id in joined:
        for ancestor in treepath.ancestor_paths(bytes(path)):
            team[ancestor] += 1
        if sponsor_id is not None:
            direct[sponsor_id] += 1
    ids = {bytes(path): pk for path, pk in Promoter.objects.filter(community_id=community_id, path__in=list(team))
           .values_list("path", "pk")} if team else {}
    found = [(ids[path], n, direct.get(ids[path], 0)) for path, n in team.items() if path in ids]
    return sorted(found, key=lambda r: (-r[1], r[0]))


def leaderboard(*, community_id: int, board: str, period: str, viewer_id: int | None = None, top: int = TOP,
                today: date | None = None) -> Board:
    """The ``board`` of community ``community_id`` for ``period``: its top rows and the viewer's own place."""
    if board not in BOARDS:
        raise InvalidInput(CommunityError.BOARD_UNKNOWN, board=board, boards=", ".join(BOARDS),
                           details={"field": "board"})
    window = window_for(period, today=today)
    values = _sales(community_id, window) if board == "sales" else _growth(community_id, window)
    placed = _places(values)
    shown = placed[:top]
    mine_row = next((row for row in placed if row[1] == viewer_id), None)
    wanted = {row[1] for row in shown} | ({mine_row[1]} if mine_row else set())
    names = {pk: public_name(name, phone) for pk, name, phone in Promoter.objects.filter(pk__in=wanted)
             .values_list("pk", "user__display_name", "user__phone")}

    def standing(row) -> Standing:
        place, pk, value, detail = row
        return Standing(place, pk, names.get(pk, ""), value, detail, me=pk == viewer_id)

    return Board(board, window, [standing(row) for row in shown], standing(mine_row) if mine_row else None,
                 len(placed))


def leaderboard_communities(user):
    """The communities whose boards ``user`` may read at a desk: every one for an operator, else those they staff."""
    if is_operator(user):
        return Community.objects.order_by("kind", "name")
    return Community.objects.filter(staff__user=user).order_by("name")
