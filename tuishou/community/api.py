"""API routes of the community: the leaderboards of my community."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from tuishou.accounts.permissions import require_user
from tuishou.community.leaderboards import leaderboard
from tuishou.network.selectors import promoter_for_user

router = Router(tags=["community"])


class LeaderboardQuery(Schema):
    period: str = "month"


class StandingOut(Schema):
    place: int
    name: str
    value: Decimal
    detail: int
    me: bool


class LeaderboardOut(Schema):
    board: str
    period: str
    first_day: date
    last_day: date
    entrants: int
    rows: list[StandingOut]
    mine: StandingOut | None


@router.get("/leaderboards/{board}", response=LeaderboardOut)
def my_leaderboard(request: HttpRequest, board: str, query: Query[LeaderboardQuery]):
    """A leaderboard of my community: ``sales`` (what my customers paid, net of refunds, self-purchases left out:
    ``detail`` is the orders) or ``growth`` (people who joined my whole team: ``detail`` is how many I invited),
    for ``week``, ``month`` or ``last_month``. Display only: nothing is paid from it."""
    promoter = promoter_for_user(require_user(request.user))
    result = leaderboard(community_id=promoter.community_id, board=board, period=query.period,
                         viewer_id=promoter.pk)
    return {"board": result.board, "period": result.window.period, "first_day": result.window.first_day,
            "last_day": result.window.last_day, "entrants": result.entrants, "rows": result.rows,
            "mine": result.mine}
