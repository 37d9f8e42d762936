"""The community's pages: the leaderboards in the promoter centre (/centre/leaderboards/) and at the desks
(/agency/leaderboards/ for a community's staff, /ops/leaderboards/ for operators, any community)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tuishou.accounts.permissions import is_operator
from tuishou.community.leaderboards import BOARDS, PERIODS, leaderboard, leaderboard_communities
from tuishou.network.models import Promoter
from tuishou.network.views_centre import promoter_page


@require_GET
@promoter_page
def leaderboards(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """Sales and team-growth boards of my community for this week, this month or last month; my own place first."""
    board = request.GET.get("board", "sales")
    period = request.GET.get("period", "month")
    board = board if board in BOARDS else "sales"  # a stray parameter shows the default board, never an error
    period = period if period in PERIODS else "month"
    result = leaderboard(community_id=promoter.community_id, board=board, period=period, viewer_id=promoter.pk)
    return render(request, "community/centre/leaderboards.html", {
        "result": result, "boards": BOARDS.items(), "periods": PERIODS.items(), "board": board, "period": period})


def _choice(value: str, allowed, default: str) -> str:
    return value if value in allowed else default  # a stray parameter shows the default, never an error


@require_GET
@login_required
def desk_leaderboards(request: HttpRequest) -> HttpResponse:
    """Every board of one community the person may read (the first one unless ``community`` picks another)."""
    communities = list(leaderboard_communities(request.user))
    if not communities:
        if not is_operator(request.user):
            raise Http404("no community to read")
        return render(request, "community/desk/leaderboards.html", {"result": None})  # a platform with none yet
    chosen = next((c for c in communities if str(c.pk) == request.GET.get("community")), communities[0])
    board = _choice(request.GET.get("board", ""), BOARDS, "sales")
    period = _choice(request.GET.get("period", ""), PERIODS, "month")
    result = leaderboard(community_id=chosen.pk, board=board, period=period, top=100)
    return render(request, "community/desk/leaderboards.html", {
        "result": result, "boards": BOARDS.items(), "periods": PERIODS.items(), "board": board, "period": period,
        "communities": communities, "community": chosen})
