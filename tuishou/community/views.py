"""The community's pages in the promoter centre: the leaderboards (/centre/leaderboards/)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tuishou.community.leaderboards import BOARDS, PERIODS, leaderboard
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
