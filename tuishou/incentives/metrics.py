"""Rank and activity metrics of a whole community at one moment, computed in bulk.

The spec's metrics (``personal_volume``, ``team_volume``, ``personal_orders``, ``direct_promoters``,
``active_directs``, ``legs_at_rank``, ``bought``) are sums over trailing windows of ``days`` ending at
the evaluation time. Evaluating a community one promoter at a time would cost a subtree query per
promoter; instead we read the community's tree once (id, sponsor, rank, join time) and the window's
volume grouped by promoter, then roll team figures up from the deepest level to the roots in Python —
linear in the community's size, with no recursion in SQL.

Choices the spec leaves open (documented for operators in the README):
- ``direct_promoters`` counts direct downlines who joined inside the window.
- ``active_directs`` counts direct downlines with at least one order credited to them inside the window.
- ``legs_at_rank`` looks at ranks as they stood before this evaluation (ranks change together, once).
- ``bought`` is the promoter's own purchases (self-purchases credited to them) inside the window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

from tuishou.incentives.models import VolumeEntry
from tuishou.network.models import Promoter

ZERO = Decimal("0.00")


class CommunityMetrics:
    """Metric values for every promoter of one community at ``at``; windows are computed on first use."""

    def __init__(self, *, community_id: int, at: datetime, rank_order: Mapping[str, int]) -> None:
        self.at = at
        self.community_id = community_id
        self.rank_order = rank_order
        rows = list(Promoter.objects.filter(community_id=community_id)
                    .values_list("id", "sponsor_id", "rank", "created_at", "depth"))
        self.ids = [r[0] for r in rows]
        self.sponsor = {r[0]: r[1] for r in rows}
        self.rank = {r[0]: r[2] for r in rows}
        self.joined = {r[0]: r[3] for r in rows}
        # Deepest first, so every child is folded into its sponsor before the sponsor is folded upward.
        self.bottom_up = [r[0] for r in sorted(rows, key=lambda r: -r[4])]
        self.children: dict[int, list[int]] = defaultdict(list)
        for pid, sponsor in self.sponsor.items():
            if sponsor is not None and sponsor in self.sponsor:
                self.children[sponsor].append(pid)
        self._volume: dict[tuple[int | None, bool], dict[int, Decimal]] = {}
        self._orders: dict[int | None, dict[int, int]] = {}
        self._bought: dict[int | None, dict[int, Decimal]] = {}
        self._team: dict[tuple[int | None, bool], dict[int, Decimal]] = {}
        self._best_rank_below: dict[int, int] | None = None

    # -- windows -----------------------------------------------------------------------------------
    def _window(self, days: int | None) -> Q:
        window = Q(occurred_at__lte=self.at, promoter__community_id=self.community_id)
        if days is not None:  # None: all time
            window &= Q(occurred_at__gt=self.at - timedelta(days=days))
        return window

    def personal_volume(self, days: int | None, count_self: bool = True) -> dict[int, Decimal]:
        key = (days, bool(count_self))
        if key not in self._volume:
            query = VolumeEntry.objects.filter(self._window(days))
            if not count_self:
                query = query.filter(self_purchase=False)
            self._volume[key] = {row["promoter_id"]: row["v"] for row in
                                 query.values("promoter_id").annotate(v=Sum("base")).order_by()}
        return self._volume[key]

    def personal_orders(self, days: int | None) -> dict[int, int]:
        if days not in self._orders:
            self._orders[days] = {row["promoter_id"]: row["n"] for row in
                                  VolumeEntry.objects.filter(self._window(days)).values("promoter_id")
                                  .annotate(n=Sum("orders")).order_by()}
        return self._orders[days]

    def bought(self, days: int | None) -> dict[int, Decimal]:
        if days not in self._bought:
            self._bought[days] = {row["promoter_id"]: row["v"] for row in
                                  VolumeEntry.objects.filter(self._window(days), self_purchase=True)
                                  .values("promoter_id").annotate(v=Sum("base")).order_by()}
        return self._bought[days]

    def team_volume(self, days: int | None, count_self: bool = True) -> dict[int, Decimal]:
        key = (days, bool(count_self))
        if key not in self._team:
            team = dict(self.personal_volume(days, count_self))
            for pid in self.bottom_up:
                sponsor = self.sponsor[pid]
                if sponsor is not None and sponsor in self.sponsor and pid in team:
                    team[sponsor] = team.get(sponsor, ZERO) + team[pid]
            self._team[key] = team
        return self._team[key]

    def _best_ranks(self) -> dict[int, int]:
        if self._best_rank_below is None:
            best = {pid: self.rank_order.get(self.rank[pid], 0) for pid in self.ids}
            for pid in self.bottom_up:
                sponsor = self.sponsor[pid]
                if sponsor is not None and sponsor in best and best[pid] > best[sponsor]:
                    best[sponsor] = best[pid]
            self._best_rank_below = best
        return self._best_rank_below

    # -- the engine's lookup -----------------------------------------------------------------------
    def lookup_for(self, promoter_id: int):
        """A ``lookup(metric, params)`` callable for the engine's qualification tests of one promoter."""

        def lookup(metric: str, params: Mapping) -> Decimal | int:
            days = None if params.get("days") is None else int(params["days"])
            count_self = params.get("count_self", True) is not False
            if metric == "personal_volume":
                return self.personal_volume(days, count_self).get(promoter_id, ZERO)
            if metric == "team_volume":
                return self.team_volume(days, count_self).get(promoter_id, ZERO)
            if metric == "personal_orders":
                return self.personal_orders(days).get(promoter_id, 0)
            if metric == "bought":
                return self.bought(days).get(promoter_id, ZERO)
            if metric == "direct_promoters":
                since = None if days is None else self.at - timedelta(days=days)
                return sum(1 for c in self.children.get(promoter_id, ())
                           if (since is None or since < self.joined[c]) and self.joined[c] <= self.at)
            if metric == "active_directs":
                orders = self.personal_orders(days)
                return sum(1 for c in self.children.get(promoter_id, ()) if orders.get(c, 0) > 0)
            if metric == "legs_at_rank":
                wanted = self.rank_order[params["rank"]]
                best = self._best_ranks()
                return sum(1 for c in self.children.get(promoter_id, ()) if best[c] >= wanted)
            raise KeyError(f"unknown metric {metric!r}")

        return lookup

