"""Period rules beyond the worked example: pools, count_self, deep chains and bad networks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tuishou.incentives.engine import InputError, load_plan, period_payouts

RANKS = [{"id": "member"}, {"id": "mentor"}]


def run(rules, sponsors, volumes, ranks=None, self_volumes=None):
    plan = load_plan({"id": "t", "ranks": RANKS, "rules": rules})
    payouts = period_payouts(plan, period="2026-10", sponsors=sponsors, ranks=ranks or {},
                             personal_volume={k: Decimal(v) for k, v in volumes.items()},
                             self_purchase_volume={k: Decimal(v) for k, v in (self_volumes or {}).items()})
    return [(p.promoter, p.rule, str(p.amount)) for p in payouts]


SPONSORS = {"r": None, "a": "r", "b": "a", "c": "r"}


def test_pool_equal_split_goes_to_every_promoter_at_or_above_min_rank_rounded_down():
    rules = [{"type": "pool", "share": "0.01", "min_rank": "mentor"}]
    # 1% of 1000.00 = 10.00 split among three mentors, whatever their volume
    assert run(rules, SPONSORS, {"b": "1000.00"}, ranks={"r": 1, "a": 1, "c": 1}) == [
        ("a", "pool", "3.33"), ("c", "pool", "3.33"), ("r", "pool", "3.33")]


def test_pool_by_volume_splits_in_proportion_to_group_volume():
    rules = [{"type": "pool", "share": "0.10", "min_rank": "mentor", "split": "by_volume"}]
    # pool 100.00; GV(a) = 700, GV(c) = 300
    assert run(rules, SPONSORS, {"b": "700", "c": "300"}, ranks={"a": 1, "c": 1}) == [
        ("a", "pool", "70.00"), ("c", "pool", "30.00")]


def test_pool_by_volume_with_no_volume_pays_nothing():
    rules = [{"type": "pool", "share": "0.10", "min_rank": "mentor", "split": "by_volume"}]
    assert run(rules, SPONSORS, {"b": "700"}, ranks={"c": 1}) == []


def test_team_volume_below_the_smallest_min_earns_nothing():
    rules = [{"type": "team_volume", "schedule": [{"min": "1000", "rate": "0.05"}]}]
    assert run(rules, SPONSORS, {"b": "999.99"}) == []


def test_team_volume_without_self_purchases():
    rules = [{"type": "team_volume", "count_self": False, "schedule": [{"min": "0", "rate": "0.10"}]}]
    assert run(rules, {"r": None}, {"r": "100"}, self_volumes={"r": "40"}) == [("r", "team_volume", "6.00")]


def test_payouts_are_ordered_by_promoter_then_rule():
    rules = [{"type": "team_volume", "id": "tv", "schedule": [{"min": "0", "rate": "0.10"}]},
             {"type": "pool", "id": "pool", "share": "0.10", "min_rank": "member"}]
    assert run(rules, {"b": None, "a": "b"}, {"a": "100", "b": "100"}) == [
        ("a", "tv", "10.00"), ("a", "pool", "10.00"), ("b", "tv", "10.00"), ("b", "pool", "10.00")]


def test_group_volume_over_a_chain_of_1500_levels():
    # given a line of 1,500 promoters, with 1.00 of volume at the bottom
    ids = [f"p{i}" for i in range(1500)]
    sponsors = {pid: (ids[i - 1] if i else None) for i, pid in enumerate(ids)}
    rules = [{"type": "team_volume", "schedule": [{"min": "0", "rate": "0.01"}, {"min": "1", "rate": "0.02"}]}]
    # when / then everyone's GV is 1.00 at 2%: the bottom earns 0.02, nobody above has a gap to earn
    assert run(rules, sponsors, {"p1499": "1.00"}) == [("p1499", "team_volume", "0.02")]


def test_cycle_in_the_sponsor_tree_is_refused():
    rules = [{"type": "pool", "share": "0.1"}]
    with pytest.raises(InputError) as caught:
        run(rules, {"r": None, "a": "b", "b": "a"}, {})
    assert caught.value.message == "is on a cycle in the sponsor tree"


def test_volume_of_an_unknown_promoter_is_refused():
    with pytest.raises(InputError) as caught:
        run([{"type": "pool", "share": "0.1"}], {"r": None}, {"x": "1"})
    assert str(caught.value) == 'personal_volume "x": is not a promoter of the network'
