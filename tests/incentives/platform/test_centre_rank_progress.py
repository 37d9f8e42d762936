"""Rank progress for one promoter (``incentives.progress``): the same figures as the nightly evaluation's
community-wide metrics, and each requirement of the next rank with its current value and target."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.orders import factories as f
from tuishou.incentives.engine import MetricTest
from tuishou.incentives.metrics import CommunityMetrics
from tuishou.incentives.progress import PromoterMetrics, rank_names, rank_progress
from tuishou.incentives.services import volume_record
from tuishou.network.models import Promoter
from tuishou.network.services import promoter_rank_set

pytestmark = pytest.mark.django_db

PLAN = """
id: ladder
name: 三级方案
jurisdiction: us
ranks:
  - {id: member, name: 会员}
  - {id: shopkeeper, name: 店主, qualify: {personal_volume: {min: "100.00", days: 30}}}
  - id: mentor
    name: 导师
    qualify:
      any:
        - all: [{team_volume: {min: "1000.00", days: 30}}, {direct_promoters: {min: 3, days: 30}}]
        - {legs_at_rank: {min: 2, rank: shopkeeper}}
settlement: {freeze_days: 15, after: received}
disclosure: true
rules:
  - {type: direct, rate: {member: "0.30", shopkeeper: "0.50", mentor: "0.50"}}
"""


def _sale(promoter: Promoter, base: str, *, days_ago: int = 1, self_purchase: bool = False, ref: str) -> None:
    volume_record(promoter=promoter, base=Decimal(base), self_purchase=self_purchase,
                  occurred_at=timezone.now() - timedelta(days=days_ago), source_ref=ref)


def _team():
    """root → a (shopkeeper) → a1; root → b → b1 (shopkeeper); root → c; with sales inside and outside 30 days."""
    f.plan(PLAN)
    root = f.root("总")
    a, b, _c = f.invitee(root, "甲"), f.invitee(root, "乙"), f.invitee(root, "丙")
    a1, b1 = f.invitee(a, "甲一"), f.invitee(b, "乙一")
    now = timezone.now()
    promoter_rank_set(a, "shopkeeper", source="import", effective_at=now)
    promoter_rank_set(b1, "shopkeeper", source="import", effective_at=now)
    _sale(root, "60.00", ref="r1")
    _sale(root, "30.00", self_purchase=True, ref="r2")
    _sale(root, "500.00", days_ago=40, ref="r3")
    _sale(a, "200.00", ref="a1")
    _sale(a1, "50.00", ref="a11")
    _sale(b1, "300.00", ref="b11")
    return {p.user.display_name: p for p in Promoter.objects.select_related("user")}


TESTS = [
    MetricTest("personal_volume", min=Decimal(1), days=30),
    MetricTest("personal_volume", min=Decimal(1), days=30, count_self=False),
    MetricTest("personal_volume", min=Decimal(1), days=None),
    MetricTest("team_volume", min=Decimal(1), days=30),
    MetricTest("team_volume", min=Decimal(1), days=30, count_self=False),
    MetricTest("personal_orders", min=Decimal(1), days=30),
    MetricTest("bought", amount=Decimal(1), days=30),
    MetricTest("direct_promoters", min=Decimal(1), days=30),
    MetricTest("active_directs", min=Decimal(1), days=30),
    MetricTest("legs_at_rank", min=Decimal(1), rank="shopkeeper"),
    MetricTest("legs_at_rank", min=Decimal(1), rank="member"),
]


def test_one_promoters_metrics_equal_the_community_wide_evaluation():
    team = _team()
    now = timezone.now()
    order = {"member": 0, "shopkeeper": 1, "mentor": 2}
    everyone = CommunityMetrics(community_id=team["总"].community_id, at=now, rank_order=order)
    for promoter in team.values():
        mine = PromoterMetrics(Promoter.objects.get(pk=promoter.pk), at=now, rank_order=order)
        for test in TESTS:
            expected = everyone.lookup_for(promoter.pk)(test.metric, test.params())
            assert mine.lookup(test.metric, test.params()) == expected, (promoter.user.display_name, test)


def test_root_metrics_have_the_exact_values():
    team = _team()
    root = Promoter.objects.get(pk=team["总"].pk)
    lookup = PromoterMetrics(root, at=timezone.now(), rank_order={"member": 0, "shopkeeper": 1, "mentor": 2}).lookup
    assert lookup("personal_volume", {"days": 30}) == Decimal("90.00")
    assert lookup("personal_volume", {"days": 30, "count_self": False}) == Decimal("60.00")
    assert lookup("team_volume", {"days": 30}) == Decimal("640.00")
    assert lookup("bought", {"days": 30}) == Decimal("30.00")
    assert lookup("direct_promoters", {"days": 30}) == 3
    assert lookup("active_directs", {"days": 30}) == 1
    assert lookup("legs_at_rank", {"days": None, "rank": "shopkeeper"}) == 2


def test_progress_lists_each_way_to_the_next_rank():
    team = _team()
    root = Promoter.objects.get(pk=team["总"].pk)
    promoter_rank_set(root, "shopkeeper", source="import", effective_at=timezone.now())
    progress = rank_progress(Promoter.objects.get(pk=root.pk))
    assert (progress.rank_name, progress.next_name, progress.any_of) == ("店主", "导师", True)
    first, second = progress.groups
    assert [(r.metric, r.current, r.target, r.met, r.percent) for r in first] == [
        ("team_volume", Decimal("640.00"), Decimal("1000.00"), False, 64),
        ("direct_promoters", 3, 3, True, 100)]
    assert [(r.metric, r.current, r.target, r.met) for r in second] == [("legs_at_rank", 2, 2, True)]


def test_progress_of_the_lowest_rank_and_rank_names():
    team = _team()
    progress = rank_progress(Promoter.objects.get(pk=team["丙"].pk))
    assert (progress.rank_id, progress.rank_name, progress.next_id) == ("member", "会员", "shopkeeper")
    assert [(r.metric, r.days, r.current, r.target, r.percent) for r in progress.groups[0]] == [
        ("personal_volume", 30, Decimal("0.00"), Decimal("100.00"), 0)]
    assert rank_names(team["丙"].community_id) == {"member": "会员", "shopkeeper": "店主", "mentor": "导师",
                                                   "": "会员"}


def test_progress_without_a_plan_in_force():
    root = f.root("无方案")
    progress = rank_progress(root)
    assert progress.version is None and progress.groups == []
