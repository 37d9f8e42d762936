"""Reads for one promoter's rank (我的等级): the rank names of the plan in force, and the progress towards the
next rank — each requirement of its ``qualify`` test with the current value, the target and how far along.

The values are the same metrics the nightly evaluation uses (``metrics.CommunityMetrics``), measured for one
promoter with a handful of indexed queries (their volume rows, their subtree's range, their direct downlines)
instead of reading the whole community: the page must stay cheap however large the community is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from tuishou.incentives.engine import AllOf, AnyOf, MetricTest
from tuishou.incentives.engine.qualify import passes
from tuishou.incentives.models import PlanVersion, VolumeEntry
from tuishou.incentives.selectors import engine_plan, plan_version_in_force
from tuishou.network import treepath
from tuishou.network.models import Promoter

ZERO = Decimal("0.00")


class PromoterMetrics:
    """The qualification metrics of one promoter at ``at``: ``lookup(metric, params)`` as the engine calls it."""

    def __init__(self, promoter: Promoter, *, at: datetime, rank_order: Mapping[str, int]) -> None:
        self.promoter, self.at, self.rank_order = promoter, at, rank_order
        self._seen: dict[tuple, Decimal | int] = {}

    def _window(self, days: int | None) -> Q:
        window = Q(occurred_at__lte=self.at)
        if days is not None:
            window &= Q(occurred_at__gt=self.at - timedelta(days=days))
        return window

    def _volume(self, days: int | None, *, team: bool, count_self: bool, field: str = "base",
                self_only: bool = False) -> Decimal | int:
        rows = VolumeEntry.objects.filter(self._window(days))
        if team:
            low, high = treepath.subtree_bounds(bytes(self.promoter.path))
            rows = rows.filter(promoter__path__gte=low, promoter__path__lt=high)
        else:
            rows = rows.filter(promoter_id=self.promoter.pk)
        if not count_self:
            rows = rows.filter(self_purchase=False)
        if self_only:
            rows = rows.filter(self_purchase=True)
        total = rows.aggregate(v=Sum(field))["v"]
        return total if total is not None else (ZERO if field == "base" else 0)

    def _directs(self):
        return Promoter.objects.filter(sponsor_id=self.promoter.pk, created_at__lte=self.at)

    def _legs_at_rank(self, rank: str) -> int:
        """Direct downlines with someone at ``rank`` or above in their own subtree (themselves included)."""
        wanted = [rid for rid, order in self.rank_order.items() if order >= self.rank_order[rank]]
        if self.rank_order[rank] == 0:
            wanted.append("")  # an empty rank is the lowest
        path = bytes(self.promoter.path)
        paths = (Promoter.objects.filter(path__gt=path, path__lt=path + treepath.SUBTREE_END, rank__in=wanted)
                 .values_list("path", flat=True))
        return len({treepath.split(bytes(p)[len(path):])[0] for p in paths})

    def _measure(self, metric: str, params: Mapping[str, Any]) -> Decimal | int:
        days = None if params.get("days") is None else int(params["days"])
        count_self = params.get("count_self", True) is not False
        if metric in ("personal_volume", "team_volume"):
            return self._volume(days, team=metric == "team_volume", count_self=count_self)
        if metric == "personal_orders":
            return self._volume(days, team=False, count_self=True, field="orders")
        if metric == "bought":
            return self._volume(days, team=False, count_self=True, self_only=True)
        if metric == "direct_promoters":
            directs = self._directs()
            if days is not None:
                directs = directs.filter(created_at__gt=self.at - timedelta(days=days))
            return directs.count()
        if metric == "active_directs":
            rows = (VolumeEntry.objects.filter(self._window(days), promoter__sponsor_id=self.promoter.pk)
                    .values("promoter_id").annotate(n=Sum("orders")).filter(n__gt=0))
            return rows.count()
        if metric == "legs_at_rank":
            return self._legs_at_rank(params["rank"])
        raise KeyError(f"unknown metric {metric!r}")

    def lookup(self, metric: str, params: Mapping[str, Any]) -> Decimal | int:
        key = (metric, tuple(sorted(params.items())))
        if key not in self._seen:
            self._seen[key] = self._measure(metric, params)
        return self._seen[key]


@dataclass(frozen=True)
class Requirement:
    """One metric test of the next rank: what is measured, over which window, now and needed."""

    metric: str
    days: int | None
    rank: str | None
    current: Decimal | int
    target: Decimal | int
    met: bool

    @property
    def percent(self) -> int:
        if self.met or not self.target:
            return 100
        return max(0, min(99, int(Decimal(self.current) * 100 / Decimal(self.target))))


@dataclass(frozen=True)
class RankProgress:
    """Where a promoter stands: their rank, the next one, and its requirements (``any_of``: one group suffices)."""

    version: PlanVersion | None
    rank_id: str
    rank_name: str
    next_id: str | None
    next_name: str | None
    groups: list[list[Requirement]]
    manual_only: bool

    @property
    def any_of(self) -> bool:
        return len(self.groups) > 1


def rank_names(community_id: int, *, at: datetime | None = None) -> dict[str, str]:
    """Rank id → name under the plan in force (``""`` → the lowest rank's name); empty without a plan."""
    version = plan_version_in_force(community_id=community_id, at=at)
    if version is None:
        return {}
    ranks = engine_plan(version).ranks
    names = {rank.id: rank.name for rank in ranks}
    names[""] = ranks[0].name
    return names


def rank_names_in_force() -> dict[int, dict[str, str]]:
    """:func:`rank_names` of every community with a plan in force, in one query (a list of every promoter)."""
    names: dict[int, dict[str, str]] = {}
    for version in PlanVersion.objects.filter(status=PlanVersion.Status.PUBLISHED).order_by("published_at", "id"):
        ranks = engine_plan(version).ranks
        names[version.community_id] = {**{rank.id: rank.name for rank in ranks}, "": ranks[0].name}
    return names


def _groups(test) -> list[list[MetricTest]]:
    """The test as alternatives of requirement lists: ``any`` of ``all``s becomes several groups."""
    if isinstance(test, AnyOf):
        return [group for sub in test.tests for group in _groups(sub)]
    if isinstance(test, AllOf):
        merged: list[MetricTest] = []
        for sub in test.tests:
            merged.extend(_groups(sub)[0])  # an any inside an all: its first alternative stands for it
        return [merged]
    return [[test]]


def rank_progress(promoter: Promoter, *, at: datetime | None = None) -> RankProgress:
    """The promoter's rank and, for the next rank up, every requirement with its current value and target."""
    at = at or timezone.now()
    version = plan_version_in_force(community_id=promoter.community_id, at=at)
    if version is None:
        return RankProgress(None, promoter.rank, promoter.rank, None, None, [], False)
    plan = engine_plan(version)
    order = plan.compiled.rank_index
    current = order.get(promoter.rank, 0)
    here = plan.ranks[current]
    if current + 1 >= len(plan.ranks):
        return RankProgress(version, here.id, here.name, None, None, [], False)
    upcoming = plan.ranks[current + 1]
    if upcoming.qualify is None:
        return RankProgress(version, here.id, here.name, upcoming.id, upcoming.name, [], True)
    metrics = PromoterMetrics(promoter, at=at, rank_order=order)
    groups = []
    for group in _groups(upcoming.qualify):
        rows = []
        for test in group:
            value = metrics.lookup(test.metric, test.params())
            rows.append(Requirement(metric=test.metric, days=test.days, rank=test.rank, current=value,
                                    target=test.threshold, met=passes(test, metrics.lookup)))
        groups.append(rows)
    return RankProgress(version, here.id, here.name, upcoming.id, upcoming.name, groups, False)
